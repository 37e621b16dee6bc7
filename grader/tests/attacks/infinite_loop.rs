// attack: never return.
pub fn sha256_hex(_data: &[u8]) -> String {
    let mut x: u64 = 0;
    loop {
        x = std::hint::black_box(x.wrapping_add(1));
    }
}
