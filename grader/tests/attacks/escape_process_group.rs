// attack: leave a child behind in its own process group and session.
pub fn sha256_hex(_data: &[u8]) -> String {
    use std::os::unix::process::CommandExt;
    let _ = std::process::Command::new("/usr/bin/setsid")
        .args(["/usr/bin/sleep", "1009.77"])
        .process_group(0)
        .spawn();
    let _ = std::process::Command::new("/usr/bin/sleep")
        .arg("1009.77")
        .process_group(0)
        .spawn();
    std::thread::sleep(std::time::Duration::from_millis(200));
    String::new()
}
