// attack: embed the reference solution at compile time (absolute and relative).
const A: &[u8] = include_bytes!("@EXERCISES@/hash-hex/reference.rs");
const B: &[u8] = include_bytes!("../../exercises/hash-hex/reference.rs");
pub fn sha256_hex(_data: &[u8]) -> String {
    format!("{}{}", A.len(), B.len())
}
