// caught-by: order
// Bug: checks the secret before the deadline.
use crate::chain::{Htlc, HtlcAction, HtlcRefusal, HtlcState};
use sha2::{Digest, Sha256};

pub fn htlc_step(htlc: &Htlc, action: &HtlcAction) -> Result<HtlcState, HtlcRefusal> {
    if htlc.state != HtlcState::Locked {
        return Err(HtlcRefusal::NotLocked);
    }
    match action {
        HtlcAction::Claim { secret, height } => {
            let hash: [u8; 32] = Sha256::digest(secret).into();
            if hash != htlc.hashlock {
                return Err(HtlcRefusal::WrongSecret);
            }
            if *height >= htlc.timeout {
                return Err(HtlcRefusal::TooLate);
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
