//! The lesson views' forms turned into actions: plain functions from what
//! the student typed to a [`LessonAction`], or the message key of what is
//! wrong with it. Every action a lesson view sends is built here, so a
//! test can check that each view sends exactly the actions the lessons'
//! solutions and objectives are written in.

use lessons::{LessonAction, ToolAction};
use sandbox_chain::amount::Amount;
use sandbox_chain::world::{Action, NodeId, Until};

/// A form field that cannot be used: the message key saying why.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct FormError(pub &'static str);

fn number(text: &str, key: &'static str) -> Result<u64, FormError> {
    text.trim().parse().map_err(|_| FormError(key))
}

fn optional_number(text: &str, key: &'static str) -> Result<Option<u64>, FormError> {
    if text.trim().is_empty() {
        Ok(None)
    } else {
        number(text, key).map(Some)
    }
}

fn name(text: &str) -> Result<String, FormError> {
    let name = text.trim();
    if name.is_empty() {
        Err(FormError("form.need_name"))
    } else {
        Ok(name.to_owned())
    }
}

/// The hash view's "Hash" button: hash exactly the text in the box.
pub fn hash(input: &str) -> LessonAction {
    LessonAction::Tool(ToolAction::Hash {
        input: input.to_owned(),
    })
}

/// "New key" in the keys or wallet view.
pub fn create_key(node: NodeId, key_name: &str) -> Result<LessonAction, FormError> {
    Ok(LessonAction::World(Action::CreateKey {
        node,
        name: name(key_name)?,
    }))
}

/// "Sign" in the keys view.
pub fn sign(key: &str, message: &str) -> Result<LessonAction, FormError> {
    Ok(LessonAction::Tool(ToolAction::Sign {
        key: name(key)?,
        message: message.to_owned(),
    }))
}

/// "Check" in the keys view.
pub fn verify(key: &str, message: &str, signature: &str) -> Result<LessonAction, FormError> {
    let signature = signature.trim();
    if signature.is_empty() {
        return Err(FormError("form.need_signature"));
    }
    Ok(LessonAction::Tool(ToolAction::Verify {
        key: name(key)?,
        message: message.to_owned(),
        signature: signature.to_owned(),
    }))
}

/// The wallet's send form. An empty nonce means the next one.
pub fn send(
    node: NodeId,
    from: &str,
    to: &str,
    amount: &str,
    fee: &str,
    nonce: &str,
) -> Result<LessonAction, FormError> {
    let amount = number(amount, "form.bad_amount")?;
    let fee = if fee.trim().is_empty() {
        0
    } else {
        number(fee, "form.bad_fee")?
    };
    let nonce = optional_number(nonce, "form.bad_nonce")?;
    Ok(LessonAction::World(Action::SendTransaction {
        node,
        from: name(from)?,
        to: name(to)?,
        amount: Amount::new(amount),
        fee: Amount::new(fee),
        memo: String::new(),
        nonce,
    }))
}

/// "Mine" on a node.
pub fn mine(node: NodeId) -> LessonAction {
    LessonAction::World(Action::Mine { node })
}

/// The clock buttons: let `ms` of simulated time pass.
pub fn advance(ms: u64) -> LessonAction {
    LessonAction::World(Action::AdvanceTime { ms })
}

/// "Run until the network is quiet".
pub fn run_until_idle() -> LessonAction {
    LessonAction::World(Action::RunUntil {
        until: Until::Idle,
        max_events: sandbox_chain::world::action::DEFAULT_MAX_EVENTS,
    })
}

/// The block editor: an edited copy of the block at `height`.
pub fn edit_block(
    height: u64,
    tx: &str,
    amount: &str,
    resign: bool,
    update_root: bool,
    remine: bool,
) -> Result<LessonAction, FormError> {
    let tx = u32::try_from(number(tx, "form.bad_position")?)
        .map_err(|_| FormError("form.bad_position"))?;
    Ok(LessonAction::Tool(ToolAction::EditBlock {
        height,
        tx,
        amount: number(amount, "form.bad_amount")?,
        resign,
        update_root,
        remine,
    }))
}

/// The light-client check in the Merkle view.
pub fn check_inclusion(height: &str, index: &str, txid: &str) -> Result<LessonAction, FormError> {
    let height = number(height, "form.bad_height")?;
    let index = u32::try_from(number(index, "form.bad_position")?)
        .map_err(|_| FormError("form.bad_position"))?;
    let txid = txid.trim();
    if txid.is_empty() {
        return Err(FormError("form.need_txid"));
    }
    Ok(LessonAction::Tool(ToolAction::CheckInclusion {
        height,
        index,
        txid: txid.to_owned(),
    }))
}

/// Every message key a form can give.
pub const FORM_KEYS: &[&str] = &[
    "form.need_name",
    "form.need_signature",
    "form.need_txid",
    "form.bad_amount",
    "form.bad_fee",
    "form.bad_nonce",
    "form.bad_position",
    "form.bad_height",
];

#[cfg(test)]
mod tests {
    use super::*;

    /// Parses an action as a lesson file writes it (TOML), so each form is
    /// compared with the very text of the lessons' solutions.
    #[cfg(not(target_arch = "wasm32"))]
    fn toml(text: &str) -> LessonAction {
        ::toml::from_str(text).unwrap()
    }

    #[cfg(not(target_arch = "wasm32"))]
    #[test]
    fn forms_make_the_actions_lessons_are_written_in() {
        assert_eq!(
            hash("ChainLab"),
            toml("action = \"hash\"\ninput = \"ChainLab\"")
        );
        assert_eq!(
            create_key(NodeId(0), " alice ").unwrap(),
            toml("action = \"create_key\"\nnode = 0\nname = \"alice\"")
        );
        assert_eq!(
            sign("alice", "I owe bob 5 coins").unwrap(),
            toml("action = \"sign\"\nkey = \"alice\"\nmessage = \"I owe bob 5 coins\"")
        );
        assert_eq!(
            verify("alice", "m", " abcd ").unwrap(),
            toml("action = \"verify\"\nkey = \"alice\"\nmessage = \"m\"\nsignature = \"abcd\"")
        );
        assert_eq!(
            send(NodeId(0), "alice", "bob", "10", "", "").unwrap(),
            toml(
                "action = \"send_transaction\"\nnode = 0\nfrom = \"alice\"\nto = \"bob\"\namount = 10"
            )
        );
        assert_eq!(
            send(NodeId(0), "alice", "bob", "20", "3", "1").unwrap(),
            toml(
                "action = \"send_transaction\"\nnode = 0\nfrom = \"alice\"\nto = \"bob\"\namount = 20\nfee = 3\nnonce = 1"
            )
        );
        assert_eq!(mine(NodeId(2)), toml("action = \"mine\"\nnode = 2"));
        assert_eq!(advance(1000), toml("action = \"advance_time\"\nms = 1000"));
        assert_eq!(
            edit_block(1, "1", "1000", true, true, false).unwrap(),
            toml(
                "action = \"edit_block\"\nheight = 1\ntx = 1\namount = 1000\nresign = true\nupdate_root = true"
            )
        );
        assert_eq!(
            check_inclusion("1", "3", " a300 ").unwrap(),
            toml("action = \"check_inclusion\"\nheight = 1\nindex = 3\ntxid = \"a300\"")
        );
        assert_eq!(
            run_until_idle(),
            toml("action = \"run_until\"\nuntil = { kind = \"idle\" }")
        );
    }

    #[test]
    fn bad_fields_name_the_field() {
        assert_eq!(
            create_key(NodeId(0), "  "),
            Err(FormError("form.need_name"))
        );
        assert_eq!(
            send(NodeId(0), "a", "b", "ten", "", ""),
            Err(FormError("form.bad_amount"))
        );
        assert_eq!(
            send(NodeId(0), "a", "b", "1", "-1", ""),
            Err(FormError("form.bad_fee"))
        );
        assert_eq!(
            send(NodeId(0), "a", "b", "1", "0", "x"),
            Err(FormError("form.bad_nonce"))
        );
        assert_eq!(
            send(NodeId(0), "a", "", "1", "0", ""),
            Err(FormError("form.need_name"))
        );
        assert_eq!(verify("a", "m", ""), Err(FormError("form.need_signature")));
        assert_eq!(
            edit_block(1, "x", "1", false, false, false),
            Err(FormError("form.bad_position"))
        );
        assert_eq!(
            check_inclusion("h", "1", "x"),
            Err(FormError("form.bad_height"))
        );
        assert_eq!(
            check_inclusion("1", "99999999999", "x"),
            Err(FormError("form.bad_position"))
        );
        assert_eq!(
            check_inclusion("1", "1", " "),
            Err(FormError("form.need_txid"))
        );
        for key in FORM_KEYS {
            assert_ne!(crate::i18n::tr(crate::i18n::Lang::En, key), *key);
        }
    }
}
