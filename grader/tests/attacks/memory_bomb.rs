// attack: allocate and touch far more memory than allowed.
pub fn sha256_hex(_data: &[u8]) -> String {
    let mut hoard: Vec<Vec<u8>> = Vec::new();
    loop {
        hoard.push(vec![1u8; 256 << 20]);
        if hoard.len() > 1000 {
            break;
        }
    }
    hoard.len().to_string()
}
