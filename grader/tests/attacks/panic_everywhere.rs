// attack: panic inside the panic hook's reach and abort the process.
pub fn sha256_hex(data: &[u8]) -> String {
    std::panic::set_hook(Box::new(|_| std::process::abort()));
    if data.len() % 2 == 0 {
        panic!("even");
    }
    String::new()
}
