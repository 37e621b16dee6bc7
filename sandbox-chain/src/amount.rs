//! Amounts of coin: whole units in a `u64`, with checked arithmetic only.

use std::fmt;

use serde::{Deserialize, Serialize};

use crate::encode::{Decode, DecodeError, Encode, Reader};

/// A number of coins. There are no fractions: lessons count whole coins.
#[derive(Clone, Copy, Default, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(transparent)]
pub struct Amount(u64);

impl Amount {
    /// No coins.
    pub const ZERO: Amount = Amount(0);
    /// The largest amount.
    pub const MAX: Amount = Amount(u64::MAX);

    /// `n` coins.
    pub const fn new(n: u64) -> Self {
        Amount(n)
    }

    /// The number of coins.
    pub const fn get(self) -> u64 {
        self.0
    }

    /// `self + other`, or `None` on overflow.
    pub fn checked_add(self, other: Amount) -> Option<Amount> {
        self.0.checked_add(other.0).map(Amount)
    }

    /// `self - other`, or `None` if `other` is larger.
    pub fn checked_sub(self, other: Amount) -> Option<Amount> {
        self.0.checked_sub(other.0).map(Amount)
    }

    /// The sum of `amounts`, or `None` on overflow.
    pub fn checked_sum(amounts: impl IntoIterator<Item = Amount>) -> Option<Amount> {
        amounts
            .into_iter()
            .try_fold(Amount::ZERO, Amount::checked_add)
    }
}

impl fmt::Display for Amount {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.0)
    }
}

impl fmt::Debug for Amount {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Amount({})", self.0)
    }
}

impl Encode for Amount {
    fn encode_to(&self, out: &mut Vec<u8>) {
        self.0.encode_to(out);
    }
}

impl Decode for Amount {
    fn decode_from(r: &mut Reader<'_>) -> Result<Self, DecodeError> {
        r.u64("amount").map(Amount)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn checked_arithmetic() {
        assert_eq!(
            Amount::new(2).checked_add(Amount::new(3)),
            Some(Amount::new(5))
        );
        assert_eq!(Amount::MAX.checked_add(Amount::new(1)), None);
        assert_eq!(Amount::new(2).checked_sub(Amount::new(3)), None);
        assert_eq!(
            Amount::checked_sum([Amount::new(1), Amount::new(2)]),
            Some(Amount::new(3))
        );
        assert_eq!(Amount::checked_sum([Amount::MAX, Amount::new(1)]), None);
    }
}
