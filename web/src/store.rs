//! What survives a reload: one JSON document in `localStorage` with a
//! `version` field. Loading never fails: a field that cannot be read falls
//! back to its default, a document that is not JSON, or of another version,
//! starts afresh, and each case leaves a [`Notice`] for the student.
//!
//! The lessons' work is the `lessons` field: one entry per lesson id
//! (`SavedLesson`: its transcript, the help asked for, a summary), each
//! read on its own so an unreadable one loses only itself. Documents
//! written before the player existed have no `lessons` and load as they
//! did; the field is additive, so the format stays version 1.

use std::collections::{BTreeMap, BTreeSet};

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use crate::i18n::Lang;
use crate::labs::block::BlockLab;
use crate::labs::chain::ChainLab;
use crate::labs::hash::HashLab;
use crate::labs::keys::KeysLab;
use crate::labs::merkle::MerkleLab;
use crate::labs::wallet::{SavedWallet, Wallet};
use crate::player::saved::{SavedLesson, load_all};

/// The `localStorage` key of the document.
pub const STORAGE_KEY: &str = "chainlab.state";
/// Where a document that could not be read is copied before it is replaced.
pub const BACKUP_KEY: &str = "chainlab.state.backup";
/// The document format written by this version of the app.
pub const VERSION: u32 = 1;

/// The student's progress across views (the lesson player will add to it).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct Progress {
    /// Views opened at least once.
    pub visited: BTreeSet<String>,
    /// Blocks mined in any view.
    pub blocks_mined: u64,
}

/// Everything that is stored, but the wallet (kept live as a [`Wallet`]).
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Saved {
    /// The language chosen with the switcher (`None`: follow the browser).
    pub lang: Option<Lang>,
    /// Progress.
    pub progress: Progress,
    /// The hash view.
    pub hash: HashLab,
    /// The keys view.
    pub keys: KeysLab,
    /// The block view.
    pub block: BlockLab,
    /// The chain view.
    pub chain: ChainLab,
    /// The Merkle view.
    pub merkle: MerkleLab,
    /// Each lesson's work, by lesson id.
    pub lessons: BTreeMap<String, SavedLesson>,
}

/// Why stored data was not (all) used.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Notice {
    /// The document is not readable JSON; everything starts afresh.
    Corrupt,
    /// Some parts could not be read and were reset (their names).
    PartlyReset(Vec<String>),
    /// The document was written by a newer version of the app.
    TooNew(u64),
    /// The document is from an older format this version cannot read.
    TooOld(u64),
    /// A lesson's stored work could not be resumed and the lesson starts
    /// afresh (the old work is kept under [`lesson_backup_key`]).
    LessonRestarted {
        /// The lesson's id.
        lesson: String,
        /// Why, in words.
        reason: String,
    },
}

/// Where a lesson's stored work is copied before it is dropped.
pub fn lesson_backup_key(lesson: &str) -> String {
    format!("chainlab.lesson-backup.{lesson}")
}

/// The result of loading: the state to start from and what to tell.
#[derive(Clone, Debug)]
pub struct Loaded {
    /// The views' state.
    pub saved: Saved,
    /// The wallet's node.
    pub wallet: Wallet,
    /// What was recovered from; empty when all went well.
    pub notices: Vec<Notice>,
}

impl Loaded {
    fn fresh(notices: Vec<Notice>) -> Loaded {
        Loaded {
            saved: Saved::default(),
            wallet: Wallet::default(),
            notices,
        }
    }
}

/// Reads the stored document (`None`: nothing stored yet).
pub fn load(text: Option<&str>) -> Loaded {
    let Some(text) = text else {
        return Loaded::fresh(Vec::new());
    };
    let Ok(Value::Object(doc)) = serde_json::from_str::<Value>(text) else {
        return Loaded::fresh(vec![Notice::Corrupt]);
    };
    match doc.get("version").and_then(Value::as_u64) {
        Some(v) if v == u64::from(VERSION) => {}
        Some(v) if v > u64::from(VERSION) => return Loaded::fresh(vec![Notice::TooNew(v)]),
        Some(v) => return Loaded::fresh(vec![Notice::TooOld(v)]),
        None => return Loaded::fresh(vec![Notice::Corrupt]),
    }
    let mut reset = Vec::new();
    let saved = Saved {
        lang: field(&doc, "lang", &mut reset),
        progress: field(&doc, "progress", &mut reset),
        hash: field(&doc, "hash", &mut reset),
        keys: field(&doc, "keys", &mut reset),
        block: field(&doc, "block", &mut reset),
        chain: field(&doc, "chain", &mut reset),
        merkle: field(&doc, "merkle", &mut reset),
        lessons: {
            let (lessons, bad) = load_all(doc.get("lessons").unwrap_or(&Value::Null));
            reset.extend(bad.into_iter().map(|id| format!("lessons.{id}")));
            lessons
        },
    };
    let wallet = match doc.get("wallet") {
        None | Some(Value::Null) => Wallet::default(),
        Some(value) => serde_json::from_value::<SavedWallet>(value.clone())
            .map_err(|e| e.to_string())
            .and_then(Wallet::from_saved)
            .unwrap_or_else(|_| {
                reset.push("wallet".into());
                Wallet::default()
            }),
    };
    let notices = if reset.is_empty() {
        Vec::new()
    } else {
        vec![Notice::PartlyReset(reset)]
    };
    Loaded {
        saved,
        wallet,
        notices,
    }
}

/// The field `name` of `doc`, or its default (noting `name` in `reset`) if
/// it is there but unreadable.
fn field<T: Default + for<'de> Deserialize<'de>>(
    doc: &Map<String, Value>,
    name: &str,
    reset: &mut Vec<String>,
) -> T {
    match doc.get(name) {
        None | Some(Value::Null) => T::default(),
        Some(value) => serde_json::from_value(value.clone()).unwrap_or_else(|_| {
            reset.push(name.into());
            T::default()
        }),
    }
}

/// The document to store.
pub fn to_json(saved: &Saved, wallet: &Wallet) -> String {
    let doc = serde_json::json!({
        "version": VERSION,
        "lang": saved.lang,
        "progress": saved.progress,
        "hash": saved.hash,
        "keys": saved.keys,
        "block": saved.block,
        "chain": saved.chain,
        "merkle": saved.merkle,
        "lessons": saved.lessons,
        "wallet": wallet.to_saved(),
    });
    doc.to_string()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::labs::wallet::TransferRequest;

    fn sample() -> (Saved, Wallet) {
        let mut saved = Saved {
            lang: Some(Lang::ZhCn),
            ..Saved::default()
        };
        saved.hash.set_input("kept".into());
        saved.block.nonce = 42;
        saved.progress.visited.insert("hash".into());
        let mut wallet = Wallet::new(4);
        wallet
            .submit(&TransferRequest {
                from: "alice".into(),
                to: "bob".into(),
                amount: 3,
                fee: 1,
                nonce: None,
                signer: None,
            })
            .unwrap();
        (saved, wallet)
    }

    #[test]
    fn nothing_stored_starts_fresh_silently() {
        let loaded = load(None);
        assert!(loaded.notices.is_empty());
        assert_eq!(loaded.saved, Saved::default());
    }

    #[test]
    fn a_saved_document_round_trips() {
        let (saved, wallet) = sample();
        let loaded = load(Some(&to_json(&saved, &wallet)));
        assert!(loaded.notices.is_empty(), "{:?}", loaded.notices);
        assert_eq!(loaded.saved, saved);
        assert_eq!(loaded.wallet.pending(), wallet.pending());
    }

    /// Guards "never a blank page": garbage in storage gives a fresh start
    /// and a notice, not a panic.
    #[test]
    fn garbage_starts_fresh_with_a_notice() {
        for text in ["", "{", "null", "[1,2]", "\"x\"", "{\"hash\":{}}"] {
            let loaded = load(Some(text));
            assert_eq!(loaded.notices, [Notice::Corrupt], "for {text:?}");
            assert_eq!(loaded.saved, Saved::default());
        }
    }

    #[test]
    fn other_versions_start_fresh_with_a_notice() {
        assert_eq!(
            load(Some(r#"{"version":99}"#)).notices,
            [Notice::TooNew(99)]
        );
        assert_eq!(load(Some(r#"{"version":0}"#)).notices, [Notice::TooOld(0)]);
    }

    #[test]
    fn a_broken_part_is_reset_and_the_rest_kept() {
        let (saved, wallet) = sample();
        let mut doc: Value = serde_json::from_str(&to_json(&saved, &wallet)).unwrap();
        doc["block"] = serde_json::json!({"nonce": "not a number"});
        doc["wallet"]["chain"]["blocks"][0]["hash"] = serde_json::json!("00");
        let loaded = load(Some(&doc.to_string()));
        assert_eq!(
            loaded.notices,
            [Notice::PartlyReset(vec!["block".into(), "wallet".into()])]
        );
        assert_eq!(loaded.saved.block, BlockLab::default());
        assert_eq!(loaded.saved.hash, saved.hash);
        assert!(loaded.wallet.pending().is_empty());
    }

    /// Guards per-lesson recovery: one broken lesson entry is reset and
    /// named; the other lessons and views are kept.
    #[test]
    fn lessons_round_trip_and_a_broken_one_is_reset_alone() {
        let lesson = crate::player::saved::tests::lesson();
        let mut session = lessons::Session::start(&lesson).unwrap();
        session.apply(crate::player::forms::hash("hi")).unwrap();
        let (mut saved, wallet) = sample();
        saved
            .lessons
            .insert("fixture".into(), SavedLesson::of(&session, &[]));
        let loaded = load(Some(&to_json(&saved, &wallet)));
        assert!(loaded.notices.is_empty(), "{:?}", loaded.notices);
        assert_eq!(loaded.saved.lessons, saved.lessons);
        let mut doc: Value = serde_json::from_str(&to_json(&saved, &wallet)).unwrap();
        doc["lessons"]["other"] = serde_json::json!({"transcript": "?"});
        let loaded = load(Some(&doc.to_string()));
        assert_eq!(
            loaded.notices,
            [Notice::PartlyReset(vec!["lessons.other".into()])]
        );
        assert_eq!(loaded.saved.lessons, saved.lessons);
        assert_eq!(loaded.saved.hash, saved.hash);
    }

    #[test]
    fn missing_fields_take_defaults_without_a_notice() {
        let loaded = load(Some(r#"{"version":1,"hash":{"input":"x"}}"#));
        assert!(loaded.notices.is_empty());
        assert_eq!(loaded.saved.hash.input, "x");
        assert_eq!(loaded.saved.keys, KeysLab::default());
    }
}
