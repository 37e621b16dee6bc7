// attack: use unsafe code (e.g. to corrupt the harness's memory).
pub fn sha256_hex(_data: &[u8]) -> String {
    #[allow(unsafe_code)]
    let s = unsafe { String::from_utf8_unchecked(vec![0xff]) };
    s
}
