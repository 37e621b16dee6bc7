// attack: flood stdout and stderr.
use std::io::Write;
pub fn sha256_hex(_data: &[u8]) -> String {
    let line = [b'x'; 1 << 16];
    let mut out = std::io::stdout().lock();
    let mut err = std::io::stderr().lock();
    for _ in 0..(1 << 14) {
        if out.write_all(&line).is_err() || err.write_all(&line).is_err() {
            break;
        }
    }
    String::new()
}
