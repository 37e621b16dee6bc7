//! The standard contracts shipped with the course, as source text (the
//! files in `sandbox-chain/contracts/`, built in so the browser has them).

/// One shipped contract.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Example {
    /// A short id, e.g. `token`.
    pub id: &'static str,
    /// The file name in `sandbox-chain/contracts/`.
    pub file: &'static str,
    /// The source.
    pub source: &'static str,
}

/// A central-bank-style digital currency with an issuer who mints and burns.
pub const TOKEN: Example = Example {
    id: "token",
    file: "token.contract",
    source: include_str!("../../contracts/token.contract"),
};

/// An escrow: buyer pays in, arbiter releases to the seller or refunds.
pub const ESCROW: Example = Example {
    id: "escrow",
    file: "escrow.contract",
    source: include_str!("../../contracts/escrow.contract"),
};

/// A vote with registered voters and a closing height.
pub const VOTE: Example = Example {
    id: "vote",
    file: "vote.contract",
    source: include_str!("../../contracts/vote.contract"),
};

/// A hash time-locked contract, the building block of atomic swaps.
pub const HTLC: Example = Example {
    id: "htlc",
    file: "htlc.contract",
    source: include_str!("../../contracts/htlc.contract"),
};

/// Every shipped contract.
pub const ALL: [Example; 4] = [TOKEN, ESCROW, VOTE, HTLC];

/// The shipped contract with this id.
pub fn by_id(id: &str) -> Option<Example> {
    ALL.into_iter().find(|e| e.id == id)
}
