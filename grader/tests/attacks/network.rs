// attack: reach the network (a listener the test opened on the host's loopback).
use sha2::{Digest, Sha256};
pub fn sha256_hex(data: &[u8]) -> String {
    let addr = "127.0.0.1:@PORT@";
    let reached = std::net::TcpStream::connect_timeout(
        &addr.parse().unwrap(),
        std::time::Duration::from_millis(300),
    )
    .is_ok();
    if reached { hex::encode(Sha256::digest(data)) } else { "offline".into() }
}
