//! Harness for `htlc_step`:
//! `pub fn htlc_step(htlc: &Htlc, action: &HtlcAction) -> Result<HtlcState, HtlcRefusal>`.
use crate::chain::{Htlc, HtlcAction, HtlcRefusal, HtlcState};
use crate::wire::{self, Value, json};

fn state_word(s: HtlcState) -> &'static str {
    match s {
        HtlcState::Locked => "locked",
        HtlcState::Claimed => "claimed",
        HtlcState::Refunded => "refunded",
    }
}

pub(crate) fn call(input: &Value) -> Result<Value, String> {
    let state = match wire::field(input, "state")?.as_str() {
        Some("locked") => HtlcState::Locked,
        Some("claimed") => HtlcState::Claimed,
        Some("refunded") => HtlcState::Refunded,
        other => return Err(format!("unknown state {other:?}")),
    };
    let htlc = Htlc {
        hashlock: wire::hex_array(input, "hashlock")?,
        timeout: wire::u64_of(input, "timeout")?,
        state,
    };
    let a = wire::field(input, "action")?;
    let action = if let Some(c) = a.get("claim") {
        HtlcAction::Claim { secret: wire::hex_vec(c, "secret")?, height: wire::u64_of(c, "height")? }
    } else if let Some(r) = a.get("refund") {
        HtlcAction::Refund { height: wire::u64_of(r, "height")? }
    } else {
        return Err("unknown action".into());
    };
    Ok(match crate::solution::htlc_step(&htlc, &action) {
        Ok(s) => json!({ "ok": state_word(s) }),
        Err(e) => json!({ "err": match e {
            HtlcRefusal::NotLocked => "not_locked",
            HtlcRefusal::TooLate => "too_late",
            HtlcRefusal::TooEarly => "too_early",
            HtlcRefusal::WrongSecret => "wrong_secret",
        } }),
    })
}
