// attack: sleep past the wall-clock limit (no CPU used, so RLIMIT_CPU never fires).
pub fn sha256_hex(_data: &[u8]) -> String {
    std::thread::sleep(std::time::Duration::from_secs(1000));
    String::new()
}
