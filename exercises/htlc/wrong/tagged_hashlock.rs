// caught-by: claim
// Bug: hashes the secret with a chain tag; the hash lock is plain SHA-256.
use crate::chain::{Htlc, HtlcAction, HtlcRefusal, HtlcState};
use sha2::{Digest, Sha256};

pub fn htlc_step(htlc: &Htlc, action: &HtlcAction) -> Result<HtlcState, HtlcRefusal> {
    if htlc.state != HtlcState::Locked {
        return Err(HtlcRefusal::NotLocked);
    }
    match action {
        HtlcAction::Claim { secret, height } => {
            if *height >= htlc.timeout {
                return Err(HtlcRefusal::TooLate);
            }
            let mut h = Sha256::new();
            h.update(b"chainlab:htlc:v1\0");
            h.update(secret);
            let hash: [u8; 32] = h.finalize().into();
            if hash != htlc.hashlock {
                return Err(HtlcRefusal::WrongSecret);
            }
            Ok(HtlcState::Claimed)
        }
        HtlcAction::Refund { height } => {
            if *height < htlc.timeout {
                return Err(HtlcRefusal::TooEarly);
            }
            Ok(HtlcState::Refunded)
        }
    }
}
