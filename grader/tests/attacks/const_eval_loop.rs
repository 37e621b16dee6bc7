// attack: hang the compiler with an endless const evaluation.
const SPIN: u64 = {
    let mut i: u64 = 0;
    loop {
        i = i.wrapping_add(1);
        if i == u64::MAX - 1 {
            break i;
        }
    }
};
pub fn sha256_hex(_data: &[u8]) -> String {
    SPIN.to_string()
}
