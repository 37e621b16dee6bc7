//! A seeded demo chain: named accounts paying each other, blocks mined at
//! lesson difficulty. The same seed always gives the same chain, byte for
//! byte, natively and in wasm32 (it uses only the seeded ChaCha RNG).

use rand_chacha::ChaCha20Rng;
use rand_core::{Rng, SeedableRng};

use crate::amount::Amount;
use crate::chain::{Allocation, Chain, ChainError, ChainParams};
use crate::json::ChainFile;
use crate::keys::Keypair;
use crate::pow::{MineOutcome, mine_range};
use crate::tx::{SignedTransfer, Transfer};

/// The account holders of the demo chain, in order.
pub const DEMO_ACCOUNTS: [&str; 6] = ["alice", "bob", "carol", "dave", "erin", "frank"];
/// The miners of the demo chain.
pub const DEMO_MINERS: [&str; 3] = ["miner-1", "miner-2", "miner-3"];
/// Difficulty of the demo chain, in leading zero bits.
pub const DEMO_BITS: u32 = 8;
/// What each account starts with.
pub const DEMO_START_BALANCE: u64 = 1_000;

/// The parameters of the demo chain.
pub fn demo_params() -> ChainParams {
    let allocations = DEMO_ACCOUNTS
        .iter()
        .map(|name| Allocation {
            address: Keypair::from_name(name).address(),
            amount: Amount::new(DEMO_START_BALANCE),
        })
        .collect();
    ChainParams::lesson(DEMO_BITS, allocations)
}

/// Builds a chain of `blocks` blocks after genesis, each with up to
/// `txs_per_block` transfers between the demo accounts, all drawn from
/// `seed`.
pub fn demo_chain(seed: u64, blocks: u32, txs_per_block: u32) -> Result<Chain, ChainError> {
    let mut rng = ChaCha20Rng::seed_from_u64(seed);
    let keys: Vec<Keypair> = DEMO_ACCOUNTS
        .iter()
        .map(|n| Keypair::from_name(n))
        .collect();
    let mut chain = Chain::new(demo_params());
    let mut time = chain.tip_block().header.timestamp_ms;
    for _ in 0..blocks {
        let mut scratch = chain.ledger().clone();
        let mut transfers: Vec<SignedTransfer> = Vec::new();
        for _ in 0..txs_per_block {
            let (Some(from), Some(to)) = (pick(&mut rng, &keys), pick(&mut rng, &keys)) else {
                break;
            };
            let account = scratch.account(&from.address());
            let fee = Amount::new(rng.next_u64() % 4);
            let spendable = account.balance.get().saturating_sub(fee.get()).min(50);
            if spendable == 0 {
                continue;
            }
            let amount = Amount::new(
                1u64.saturating_add(rng.next_u64().checked_rem(spendable).unwrap_or(0)),
            );
            let tx = Transfer {
                chain_id: chain.params().chain_id,
                from: from.public(),
                to: to.address(),
                amount,
                fee,
                nonce: account.nonce,
                memo: String::new(),
            }
            .sign(from);
            // Applying to a scratch ledger keeps every later transfer valid.
            if scratch.apply_transfer(&tx, to.address()).is_ok() {
                transfers.push(tx);
            }
        }
        let miner_names = DEMO_MINERS;
        let miner = pick(&mut rng, &miner_names).copied().unwrap_or("miner-1");
        time = time
            .saturating_add(8_000)
            .saturating_add(rng.next_u64() % 4_000);
        let mut block = chain.block_template(Keypair::from_name(miner).address(), transfers, time);
        if let MineOutcome::Found { nonce, .. } = mine_range(&block.header, 0..u64::MAX) {
            block.header.nonce = nonce;
        }
        chain.insert(block)?;
    }
    Ok(chain)
}

/// The demo chain as a [`ChainFile`] JSON document: every block and
/// transaction with its canonical bytes in hex, its hash, public keys and
/// signatures. Byte-identical for the same arguments on every platform.
pub fn demo_export_json(seed: u64, blocks: u32, txs_per_block: u32) -> Result<String, ChainError> {
    let chain = demo_chain(seed, blocks, txs_per_block)?;
    let mut names: Vec<&str> = DEMO_ACCOUNTS.to_vec();
    names.extend(DEMO_MINERS);
    Ok(ChainFile::from_chain(&chain, Some(seed), &names).to_json())
}

fn pick<'a, T>(rng: &mut ChaCha20Rng, items: &'a [T]) -> Option<&'a T> {
    let n = u64::try_from(items.len()).ok().filter(|n| *n > 0)?;
    items.get(usize::try_from(rng.next_u64().checked_rem(n)?).ok()?)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn same_seed_same_chain() {
        let a = demo_chain(7, 5, 4).unwrap();
        let b = demo_chain(7, 5, 4).unwrap();
        assert_eq!(a.tip(), b.tip());
        assert_eq!(a.height(), 5);
        assert_ne!(demo_chain(8, 5, 4).unwrap().tip(), a.tip());
        assert_eq!(
            a.ledger().total_supply(),
            Some(Amount::new(6 * 1_000 + 5 * 50))
        );
    }

    #[test]
    fn export_imports_back_and_edits_are_caught() {
        let json = demo_export_json(3, 4, 3).unwrap();
        let chain = ChainFile::import(&json).unwrap();
        assert_eq!(chain.tip(), demo_chain(3, 4, 3).unwrap().tip());
        // Change one amount in a transaction's readable fields.
        let file: ChainFile = serde_json::from_str(&json).unwrap();
        let mut edited = file.clone();
        let tx = &mut edited.blocks[2].transactions[1].tx;
        if let crate::tx::Transaction::Transfer(t) = tx {
            t.transfer.amount = Amount::new(t.transfer.amount.get() + 1);
        }
        let err = ChainFile::import(&edited.to_json())
            .unwrap_err()
            .to_string();
        assert!(
            err.starts_with("blocks[2].transactions[1].hex: the file says"),
            "{err}"
        );
        // Change it everywhere it is recorded: now the chain rules catch it.
        let mut edited = file;
        let record = &mut edited.blocks[2].transactions[1];
        if let crate::tx::Transaction::Transfer(t) = &mut record.tx {
            t.transfer.amount = Amount::new(t.transfer.amount.get() + 1);
        }
        record.hex = hex::encode(crate::encode::Encode::encode(&record.tx));
        record.txid = record.tx.id();
        let err = ChainFile::import(&edited.to_json())
            .unwrap_err()
            .to_string();
        assert!(
            err.starts_with("blocks[2]: block 2: the header's Merkle root"),
            "{err}"
        );
        assert!(
            ChainFile::import("{")
                .unwrap_err()
                .to_string()
                .starts_with("line 1, column 1")
        );
    }

    #[test]
    fn a_single_block_round_trips_and_a_forged_one_is_refused() {
        use crate::block::Block;
        use crate::json::BlockRecord;
        let chain = demo_chain(4, 2, 3).unwrap();
        let record = BlockRecord::new(chain.tip_block());
        let block = BlockRecord::import(&record.to_json(), chain.params()).unwrap();
        assert_eq!(&block, chain.tip_block());
        // Change the nonce to one that misses the target and record the
        // new hash consistently: the proof of work is what fails.
        let mut header = block.header;
        header.nonce = (1..)
            .map(|n| header.nonce.wrapping_add(n))
            .find(|n| {
                let mut h = header;
                h.nonce = *n;
                !h.meets_target()
            })
            .unwrap();
        let forged = BlockRecord::new(&Block::new(header, block.txs.clone()));
        let err = BlockRecord::import(&forged.to_json(), chain.params()).unwrap_err();
        assert!(
            err.to_string().contains("proof of work is missing"),
            "{err}"
        );
        // Editing a field without the recorded hash is named.
        let mut edited = record;
        edited.header.timestamp_ms += 1;
        let err = BlockRecord::import(&edited.to_json(), chain.params()).unwrap_err();
        assert!(
            err.to_string()
                .starts_with("block.header_hex: the file says"),
            "{err}"
        );
    }
}
