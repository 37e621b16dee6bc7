// attack: pull a hidden file in as a module.
#[path = "@EXERCISES@/hash-hex/reference.rs"]
mod reference;
pub fn sha256_hex(data: &[u8]) -> String {
    reference::sha256_hex(data)
}
