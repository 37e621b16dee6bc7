// caught-by: nonce_chain
// Bug: the sender's nonce never goes up.
use crate::chain::{Ledger, SignedTransfer};
use sha2::{Digest, Sha256};

fn tagged(tag: &str, parts: &[&[u8]]) -> [u8; 32] {
    let mut h = Sha256::new();
    h.update(tag.as_bytes());
    h.update([0u8]);
    for p in parts {
        h.update(p);
    }
    h.finalize().into()
}

fn address_of(public_key: &[u8; 32]) -> [u8; 20] {
    let h = tagged("chainlab:address:v1", &[public_key]);
    let mut a = [0u8; 20];
    a.copy_from_slice(&h[..20]);
    a
}

fn credit(ledger: &mut Ledger, who: [u8; 20], amount: u64) -> Option<()> {
    let account = ledger.entry(who).or_default();
    account.balance = account.balance.checked_add(amount)?;
    Some(())
}

pub fn apply_transfers(
    ledger: &Ledger,
    fee_to: [u8; 20],
    txs: &[SignedTransfer],
) -> Result<Ledger, usize> {
    let mut next = ledger.clone();
    for (i, tx) in txs.iter().enumerate() {
        let t = &tx.transfer;
        let from = address_of(&t.from);
        let mut sender = next.get(&from).copied().unwrap_or_default();
        if t.nonce != sender.nonce {
            return Err(i);
        }
        let total = t.amount.checked_add(t.fee).ok_or(i)?;
        sender.balance = sender.balance.checked_sub(total).ok_or(i)?;
        next.insert(from, sender);
        credit(&mut next, t.to, t.amount).ok_or(i)?;
        credit(&mut next, fee_to, t.fee).ok_or(i)?;
    }
    Ok(next)
}
