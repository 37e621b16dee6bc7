//! The app's shared state, handed to components through context as small
//! `Copy` structs: read access and write access separately, each made by a
//! `provide_*` function (so a component that only shows something cannot
//! change it).

use leptos::prelude::*;

use crate::i18n::{Lang, tr, tr_args};
use crate::labs::block::BlockLab;
use crate::labs::chain::ChainLab;
use crate::labs::hash::HashLab;
use crate::labs::keys::KeysLab;
use crate::labs::merkle::MerkleLab;
use crate::labs::wallet::Wallet;
use crate::store::{Notice, Progress, Saved};

/// Reading the language and translating.
#[derive(Clone, Copy)]
pub struct I18n {
    lang: ReadSignal<Lang>,
}

impl I18n {
    /// The current language (tracked).
    pub fn lang(self) -> Lang {
        self.lang.get()
    }

    /// The message `key` in the current language (tracked).
    pub fn t(self, key: &'static str) -> &'static str {
        tr(self.lang.get(), key)
    }

    /// The message `key` in the current language, untracked (for timers
    /// and event handlers).
    pub fn t_untracked(self, key: &'static str) -> &'static str {
        tr(self.lang.get_untracked(), key)
    }

    /// The message `key` with its `{placeholders}` filled (tracked).
    pub fn t_args(self, key: &'static str, args: &[(&str, &str)]) -> String {
        tr_args(self.lang.get(), key, args)
    }
}

/// Changing the language.
#[derive(Clone, Copy)]
pub struct SetLang(pub WriteSignal<Lang>);

/// Provides [`I18n`] and [`SetLang`].
pub fn provide_i18n(initial: Lang) -> (I18n, SetLang) {
    let (lang, set_lang) = signal(initial);
    let pair = (I18n { lang }, SetLang(set_lang));
    provide_context(pair.0);
    provide_context(pair.1);
    pair
}

/// The translator from context.
pub fn use_i18n() -> I18n {
    expect_context()
}

/// Read access to every view's state.
#[derive(Clone, Copy)]
pub struct LabsRead {
    /// Hash view.
    pub hash: ReadSignal<HashLab>,
    /// Keys view.
    pub keys: ReadSignal<KeysLab>,
    /// Block view.
    pub block: ReadSignal<BlockLab>,
    /// Chain view.
    pub chain: ReadSignal<ChainLab>,
    /// Merkle view.
    pub merkle: ReadSignal<MerkleLab>,
    /// Wallet view.
    pub wallet: ReadSignal<Wallet>,
    /// Progress.
    pub progress: ReadSignal<Progress>,
}

/// Write access to every view's state.
#[derive(Clone, Copy)]
pub struct LabsWrite {
    /// Hash view.
    pub hash: WriteSignal<HashLab>,
    /// Keys view.
    pub keys: WriteSignal<KeysLab>,
    /// Block view.
    pub block: WriteSignal<BlockLab>,
    /// Chain view.
    pub chain: WriteSignal<ChainLab>,
    /// Merkle view.
    pub merkle: WriteSignal<MerkleLab>,
    /// Wallet view.
    pub wallet: WriteSignal<Wallet>,
    /// Progress.
    pub progress: WriteSignal<Progress>,
}

/// Provides [`LabsRead`] and [`LabsWrite`], starting from stored state.
pub fn provide_labs(saved: Saved, wallet: Wallet) -> (LabsRead, LabsWrite) {
    let (hash, set_hash) = signal(saved.hash);
    let (keys, set_keys) = signal(saved.keys);
    let (block, set_block) = signal(saved.block);
    let (chain, set_chain) = signal(saved.chain);
    let (merkle, set_merkle) = signal(saved.merkle);
    let (wallet, set_wallet) = signal(wallet);
    let (progress, set_progress) = signal(saved.progress);
    let read = LabsRead {
        hash,
        keys,
        block,
        chain,
        merkle,
        wallet,
        progress,
    };
    let write = LabsWrite {
        hash: set_hash,
        keys: set_keys,
        block: set_block,
        chain: set_chain,
        merkle: set_merkle,
        wallet: set_wallet,
        progress: set_progress,
    };
    provide_context(read);
    provide_context(write);
    (read, write)
}

/// The views' state, read side.
pub fn use_labs() -> LabsRead {
    expect_context()
}

/// The views' state, write side.
pub fn use_labs_mut() -> LabsWrite {
    expect_context()
}

/// Messages about recovered storage, shown until dismissed.
#[derive(Clone, Copy)]
pub struct Notices(pub ReadSignal<Vec<Notice>>);

/// Dismissing notices.
#[derive(Clone, Copy)]
pub struct DismissNotices(pub WriteSignal<Vec<Notice>>);

/// Provides [`Notices`] and [`DismissNotices`].
pub fn provide_notices(initial: Vec<Notice>) -> (Notices, DismissNotices) {
    let (read, write) = signal(initial);
    let pair = (Notices(read), DismissNotices(write));
    provide_context(pair.0);
    provide_context(pair.1);
    pair
}

/// The course bundle: loading, ready or failed (tracked).
#[derive(Clone, Copy)]
pub struct CourseRead(pub ReadSignal<crate::player::Course>);

/// Setting the course (when it arrives, or to fetch it again).
#[derive(Clone, Copy)]
pub struct CourseWrite(pub WriteSignal<crate::player::Course>);

/// Provides [`CourseRead`] and [`CourseWrite`], loading.
pub fn provide_course() -> (CourseRead, CourseWrite) {
    let (read, write) = signal(crate::player::Course::Loading);
    let pair = (CourseRead(read), CourseWrite(write));
    provide_context(pair.0);
    provide_context(pair.1);
    pair
}

/// Every lesson's stored work, by lesson id (read side).
#[derive(Clone, Copy)]
pub struct WorkRead(
    pub ReadSignal<std::collections::BTreeMap<String, crate::player::saved::SavedLesson>>,
);

/// Every lesson's stored work (write side).
#[derive(Clone, Copy)]
pub struct WorkWrite(
    pub WriteSignal<std::collections::BTreeMap<String, crate::player::saved::SavedLesson>>,
);

/// Provides [`WorkRead`] and [`WorkWrite`], from stored state.
pub fn provide_work(
    saved: std::collections::BTreeMap<String, crate::player::saved::SavedLesson>,
) -> (WorkRead, WorkWrite) {
    let (read, write) = signal(saved);
    let pair = (WorkRead(read), WorkWrite(write));
    provide_context(pair.0);
    provide_context(pair.1);
    pair
}
