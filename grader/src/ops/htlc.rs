//! `htlc_step`: one claim or refund on a hash time-locked contract, by
//! sandbox-chain's `bridge::swap::Htlc` rules.

use sandbox_chain::bridge::swap::{Htlc, HtlcError, HtlcState};
use sandbox_chain::hash::{Hash256, sha256};
use serde::{Deserialize, Serialize};

use super::{CaseClass, TypedOp, shrink};
use crate::rng::CaseRng;

pub(crate) struct HtlcStep;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub(crate) enum StateW {
    Locked,
    Claimed,
    Refunded,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub(crate) enum ActionW {
    Claim {
        #[serde(with = "hex::serde")]
        secret: Vec<u8>,
        height: u64,
    },
    Refund {
        height: u64,
    },
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub(crate) struct HtlcInput {
    #[serde(with = "hex::serde")]
    hashlock: [u8; 32],
    timeout: u64,
    state: StateW,
    action: ActionW,
}

/// The new state, or why the step is refused.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub(crate) enum HtlcOutput {
    Ok(StateW),
    Err(String),
}

impl TypedOp for HtlcStep {
    type Input = HtlcInput;
    type Output = HtlcOutput;
    const NAME: &'static str = "htlc_step";
    const CLASSES: &'static [CaseClass] = &[
        CaseClass {
            name: "claim",
            cases: 4,
            about: "the receiver claims in time with the right secret",
        },
        CaseClass {
            name: "wrong_secret",
            cases: 4,
            about: "a claim in time with a wrong (or empty) secret",
        },
        CaseClass {
            name: "timeout_edge",
            cases: 4,
            about: "claims and refunds one block before and exactly at the timeout",
        },
        CaseClass {
            name: "order",
            cases: 4,
            about: "several rules broken at once: the first check decides",
        },
        CaseClass {
            name: "not_locked",
            cases: 4,
            about: "steps on a contract already claimed or refunded",
        },
        CaseClass {
            name: "random",
            cases: 12,
            about: "random contracts, secrets and heights",
        },
    ];
    const HARNESS: &'static str = include_str!("../../harness/ops/htlc_step.rs");

    fn generate(class: &str, index: usize, rng: &mut CaseRng) -> Option<HtlcInput> {
        let len = rng.range_usize(1, 40);
        let secret = rng.vec(len);
        let hashlock = *sha256(&secret).as_bytes();
        let timeout = rng.range(10, 1000);
        let before = rng.range(0, timeout - 1);
        let after = rng.range(timeout, timeout + 100);
        let wrong = {
            let mut w = secret.clone();
            if index % 3 == 2 {
                w.clear();
            } else {
                w[0] ^= 1;
            }
            w
        };
        let (state, action) = match class {
            "claim" => (
                StateW::Locked,
                ActionW::Claim {
                    secret,
                    height: before,
                },
            ),
            "wrong_secret" => (
                StateW::Locked,
                ActionW::Claim {
                    secret: wrong,
                    height: before,
                },
            ),
            "timeout_edge" => match index % 4 {
                0 => (
                    StateW::Locked,
                    ActionW::Claim {
                        secret,
                        height: timeout - 1,
                    },
                ),
                1 => (
                    StateW::Locked,
                    ActionW::Claim {
                        secret,
                        height: timeout,
                    },
                ),
                2 => (
                    StateW::Locked,
                    ActionW::Refund {
                        height: timeout - 1,
                    },
                ),
                _ => (StateW::Locked, ActionW::Refund { height: timeout }),
            },
            "order" => match index % 4 {
                0 | 1 => (
                    StateW::Locked,
                    ActionW::Claim {
                        secret: wrong,
                        height: after,
                    },
                ),
                2 => (
                    StateW::Claimed,
                    ActionW::Claim {
                        secret: wrong,
                        height: after,
                    },
                ),
                _ => (StateW::Refunded, ActionW::Refund { height: before }),
            },
            "not_locked" => {
                let state = if index.is_multiple_of(2) {
                    StateW::Claimed
                } else {
                    StateW::Refunded
                };
                let action = if index % 4 < 2 {
                    ActionW::Claim {
                        secret,
                        height: before,
                    }
                } else {
                    ActionW::Refund { height: after }
                };
                (state, action)
            }
            "random" => {
                let state = [
                    StateW::Locked,
                    StateW::Locked,
                    StateW::Claimed,
                    StateW::Refunded,
                ][rng.below(4) as usize];
                let height = rng.range(0, timeout * 2);
                let action = match rng.below(3) {
                    0 => ActionW::Claim { secret, height },
                    1 => ActionW::Claim {
                        secret: wrong,
                        height,
                    },
                    _ => ActionW::Refund { height },
                };
                (state, action)
            }
            _ => return None,
        };
        Some(HtlcInput {
            hashlock,
            timeout,
            state,
            action,
        })
    }

    fn reference(i: &HtlcInput) -> HtlcOutput {
        let mut h = Htlc {
            hashlock: Hash256::from_bytes(i.hashlock),
            timeout: i.timeout,
            state: match i.state {
                StateW::Locked => HtlcState::Locked,
                StateW::Claimed => HtlcState::Claimed(Vec::new()),
                StateW::Refunded => HtlcState::Refunded,
            },
        };
        let result = match &i.action {
            ActionW::Claim { secret, height } => h.claim(secret, *height).map(|()| StateW::Claimed),
            ActionW::Refund { height } => h.refund(*height).map(|()| StateW::Refunded),
        };
        match result {
            Ok(s) => HtlcOutput::Ok(s),
            Err(e) => HtlcOutput::Err(
                match e {
                    HtlcError::NotLocked => "not_locked",
                    HtlcError::TooLate => "too_late",
                    HtlcError::TooEarly => "too_early",
                    HtlcError::WrongSecret => "wrong_secret",
                }
                .into(),
            ),
        }
    }

    fn shrink(i: &HtlcInput) -> Vec<HtlcInput> {
        let mut out = Vec::new();
        for t in shrink::u64(i.timeout) {
            out.push(HtlcInput {
                timeout: t,
                ..i.clone()
            });
        }
        match &i.action {
            ActionW::Claim { secret, height } => {
                for h in shrink::u64(*height) {
                    out.push(HtlcInput {
                        action: ActionW::Claim {
                            secret: secret.clone(),
                            height: h,
                        },
                        ..i.clone()
                    });
                }
            }
            ActionW::Refund { height } => {
                for h in shrink::u64(*height) {
                    out.push(HtlcInput {
                        action: ActionW::Refund { height: h },
                        ..i.clone()
                    });
                }
            }
        }
        out
    }
}
