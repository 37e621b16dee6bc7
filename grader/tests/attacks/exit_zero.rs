// attack: exit with status 0 before answering, hoping "exit 0" means "passed".
pub fn sha256_hex(_data: &[u8]) -> String {
    std::process::exit(0)
}
