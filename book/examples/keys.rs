// The keys-and-signatures chapter's examples (compiled and run by `mdbook test`).
extern crate sandbox_chain;

use sandbox_chain::hash::Domain;
use sandbox_chain::keys::Keypair;

fn main() {
    // ANCHOR: keys
    // A key pair from a name: the same name always gives the same keys,
    // so a lesson can say "alice". (Fine for a classroom, never for money.)
    let alice = Keypair::from_name("alice");
    println!("alice's public key: {}", alice.public().to_hex());
    println!("alice's address:    {}", alice.address());
    assert_eq!(alice.address(), alice.public().address());
    // ANCHOR_END: keys

    // ANCHOR: sign
    let message = b"pay bob 10 coins";
    let signature = alice.sign(Domain::Transfer, message);
    // Anyone with alice's public key can check it...
    assert!(
        alice
            .public()
            .verify(Domain::Transfer, message, &signature)
            .is_ok()
    );
    // ...and any change to the message makes it fail.
    let error = alice
        .public()
        .verify(Domain::Transfer, b"pay bob 99 coins", &signature)
        .unwrap_err();
    println!("tampered: {error}");
    // A signature by someone else does not verify against alice's key.
    let mallory = Keypair::from_name("mallory");
    let forged = mallory.sign(Domain::Transfer, message);
    assert!(
        alice
            .public()
            .verify(Domain::Transfer, message, &forged)
            .is_err()
    );
    // ANCHOR_END: sign
}
