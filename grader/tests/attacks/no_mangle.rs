// attack: interpose a symbol (here the harness's output path) via no_mangle.
#[unsafe(no_mangle)]
pub extern "C" fn write(_fd: i32, _buf: *const u8, n: usize) -> isize {
    n as isize
}
pub fn sha256_hex(_data: &[u8]) -> String {
    String::new()
}
