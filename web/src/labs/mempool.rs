//! The mempool view's logic: a node's pending transactions in the order a
//! block producer would take them (highest fee first, nonces in order), and
//! what the node turned away or dropped (replace-by-fee included), from the
//! event log.

use sandbox_chain::hash::TxId;
use sandbox_chain::tx::Transaction;
use sandbox_chain::world::{NodeId, TxRejectKind, World, WorldEvent};

/// One pending transaction.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PoolRow {
    /// Its place in the next block (1 = first).
    pub rank: usize,
    /// Its id, shortened.
    pub txid: String,
    /// `transfer`, `deploy`, `call`, `relay`, ...
    pub kind: &'static str,
    /// Sender, shortened (relays have none).
    pub from: String,
    /// What it does, in one line.
    pub what: String,
    /// Fee (transfers), or gas limit × price for contract transactions.
    pub fee: u64,
    /// The sender's nonce it uses.
    pub nonce: Option<u64>,
    /// It replaced another transaction by paying more (still pending).
    pub replaced_other: bool,
}

/// Something the node turned away or dropped.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Turned {
    /// Simulated time.
    pub at_ms: u64,
    /// The transaction, shortened.
    pub txid: String,
    /// Refused on arrival (else dropped after being pending).
    pub refused: bool,
    /// Dropped because a higher fee replaced it.
    pub replaced: bool,
    /// Double spend (same nonce as another).
    pub double_spend: bool,
    /// Why, in the library's words.
    pub reason: String,
}

/// A node's mempool as the view shows it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PoolView {
    /// Pending, in block order.
    pub rows: Vec<PoolRow>,
    /// Refusals and drops, newest first.
    pub turned: Vec<Turned>,
    /// How many it may hold.
    pub capacity: usize,
}

fn what(tx: &Transaction) -> (&'static str, String, String, u64) {
    match tx {
        Transaction::Transfer(t) => (
            "transfer",
            t.transfer.sender().short(),
            format!("{} → {}", t.transfer.amount, t.transfer.to.short()),
            t.transfer.fee.get(),
        ),
        Transaction::Deploy(d) => (
            "deploy",
            d.tx.from.address().short(),
            format!("deploy ({} bytes)", d.tx.source.len()),
            d.tx.gas_limit.saturating_mul(d.tx.gas_price.get()),
        ),
        Transaction::Call(c) => (
            "call",
            c.tx.from.address().short(),
            format!("{}() on {}", c.tx.function, c.tx.contract.short()),
            c.tx.gas_limit.saturating_mul(c.tx.gas_price.get()),
        ),
        Transaction::Relay(r) => (
            "relay",
            String::new(),
            format!(
                "{} header(s), {} proof(s) from chain {}",
                r.headers.len(),
                r.proofs.len(),
                r.source_chain
            ),
            0,
        ),
        Transaction::Governance(_) => ("governance", String::new(), String::new(), 0),
        Transaction::Coinbase(_) => ("coinbase", String::new(), String::new(), 0),
    }
}

impl PoolView {
    /// `node`'s mempool in `world`, with at most `recent` refusals shown.
    pub fn of(world: &World, node: NodeId, recent: usize) -> Option<PoolView> {
        let pool = world.mempool(node)?;
        let chain = world.chain(node)?;
        let mut order: Vec<Transaction> = pool.select_txs(chain.ledger(), pool.len());
        // Anything the producer would not take now still shows, last.
        for (id, tx) in pool.iter_txs() {
            if !order.iter().any(|t| t.id() == *id) {
                order.push(tx.clone());
            }
        }
        let replacements: Vec<TxId> = world
            .events()
            .iter()
            .filter_map(|e| match &e.event {
                WorldEvent::TxDropped {
                    node: n, reason, ..
                } if *n == node && reason.contains("replaced by") => Some(reason.clone()),
                _ => None,
            })
            .filter_map(|reason| {
                order
                    .iter()
                    .map(Transaction::id)
                    .find(|id| reason.contains(&id.to_string()) || reason.contains(&id.short()))
            })
            .collect();
        let rows = order
            .iter()
            .enumerate()
            .map(|(i, tx)| {
                let (kind, from, what, fee) = what(tx);
                let id = tx.id();
                PoolRow {
                    rank: i + 1,
                    txid: id.short(),
                    kind,
                    from,
                    what,
                    fee,
                    nonce: tx.sender_nonce().map(|(_, n)| n),
                    replaced_other: replacements.contains(&id),
                }
            })
            .collect();
        let turned = world
            .events()
            .iter()
            .rev()
            .filter_map(|e| match &e.event {
                WorldEvent::TxRejected {
                    node: n,
                    txid,
                    reject,
                    reason,
                } if *n == node && *reject != TxRejectKind::AlreadyKnown => Some(Turned {
                    at_ms: e.at_ms,
                    txid: txid.short(),
                    refused: true,
                    replaced: false,
                    double_spend: *reject == TxRejectKind::DoubleSpend,
                    reason: reason.clone(),
                }),
                WorldEvent::TxDropped {
                    node: n,
                    txid,
                    reason,
                } if *n == node => Some(Turned {
                    at_ms: e.at_ms,
                    txid: txid.short(),
                    refused: false,
                    replaced: reason.contains("replaced by"),
                    double_spend: false,
                    reason: reason.clone(),
                }),
                _ => None,
            })
            .take(recent)
            .collect();
        Some(PoolView {
            rows,
            turned,
            capacity: pool.capacity(),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use sandbox_chain::amount::Amount;
    use sandbox_chain::world::{Action, Fund, WorldConfig};

    fn world() -> World {
        let mut c = WorldConfig::pow(2, 4, 0);
        c.funds = vec![
            Fund {
                name: "alice".into(),
                amount: Amount::new(100),
            },
            Fund {
                name: "bob".into(),
                amount: Amount::new(100),
            },
        ];
        c.nodes[0].keys = vec!["alice".into(), "bob".into()];
        World::new(c, 5).unwrap()
    }

    fn send(w: &mut World, from: &str, amount: u64, fee: u64, nonce: Option<u64>) -> bool {
        w.apply(Action::SendTransaction {
            node: NodeId(0),
            from: from.into(),
            to: "carol".into(),
            amount: Amount::new(amount),
            fee: Amount::new(fee),
            memo: String::new(),
            nonce,
        })
        .is_ok()
    }

    #[test]
    fn pending_transfers_are_in_fee_order_with_nonces_kept() {
        let mut w = world();
        assert!(send(&mut w, "alice", 1, 1, None));
        assert!(send(&mut w, "bob", 1, 5, None));
        assert!(send(&mut w, "alice", 1, 9, None));
        let v = PoolView::of(&w, NodeId(0), 10).unwrap();
        assert_eq!(v.rows.len(), 3);
        // bob's 5 first; alice's 9 cannot go before her own nonce 0.
        assert_eq!(v.rows[0].fee, 5);
        assert_eq!(v.rows[0].rank, 1);
        let alice: Vec<_> = v
            .rows
            .iter()
            .filter(|r| r.fee != 5)
            .map(|r| r.nonce)
            .collect();
        assert_eq!(alice, vec![Some(0), Some(1)]);
        assert!(v.rows.iter().all(|r| r.kind == "transfer"));
    }

    #[test]
    fn replace_by_fee_and_refusals_are_shown() {
        let mut w = world();
        assert!(send(&mut w, "alice", 1, 1, Some(0)));
        assert!(
            send(&mut w, "alice", 1, 3, Some(0)),
            "a higher fee replaces"
        );
        assert!(
            !send(&mut w, "alice", 1, 2, Some(0)),
            "a lower fee is refused"
        );
        assert!(!send(&mut w, "alice", 500, 1, None), "more than alice has");
        let v = PoolView::of(&w, NodeId(0), 10).unwrap();
        assert_eq!(v.rows.len(), 1);
        assert_eq!(v.rows[0].fee, 3);
        assert!(v.rows[0].replaced_other, "{v:?}");
        assert!(v.turned.iter().any(|t| t.replaced && !t.refused));
        assert!(v.turned.iter().any(|t| t.refused && t.double_spend));
        assert!(
            v.turned
                .iter()
                .any(|t| t.refused && t.reason.contains("has only"))
        );
        assert!(v.turned.windows(2).all(|p| p[0].at_ms >= p[1].at_ms));
        assert!(PoolView::of(&w, NodeId(9), 10).is_none());
    }
}
