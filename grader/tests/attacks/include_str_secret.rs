// attack: embed a host secret at compile time.
const SECRET: &str = include_str!("@SECRET@");
pub fn sha256_hex(_data: &[u8]) -> String {
    SECRET.to_string()
}
