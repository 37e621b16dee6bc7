// caught-by: not_locked
// Bug: a claimed contract can be claimed (or refunded) again.
use crate::chain::{Htlc, HtlcAction, HtlcRefusal, HtlcState};
use sha2::{Digest, Sha256};

pub fn htlc_step(htlc: &Htlc, action: &HtlcAction) -> Result<HtlcState, HtlcRefusal> {
    match action {
        HtlcAction::Claim { secret, height } => {
            if *height >= htlc.timeout {
                return Err(HtlcRefusal::TooLate);
            }
            let hash: [u8; 32] = Sha256::digest(secret).into();
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
