//! Languages and messages. The messages live in data files
//! (`web/i18n/en.json`, `web/i18n/zh-CN.json`): flat objects from a dotted
//! key to a text, where `{name}` marks a value filled in at run time. Both
//! files must have the same keys and the same placeholders (tested below).
//!
//! The chain library's own error texts are English; views show them under a
//! translated heading.

use std::collections::BTreeMap;
use std::sync::OnceLock;

use serde::{Deserialize, Serialize};

/// A language the app speaks.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Lang {
    /// English.
    #[default]
    #[serde(rename = "en")]
    En,
    /// Simplified Chinese.
    #[serde(rename = "zh-CN")]
    ZhCn,
}

impl Lang {
    /// Every language, in the order the switcher shows them.
    pub const ALL: [Lang; 2] = [Lang::En, Lang::ZhCn];

    /// The BCP 47 code (also the `lang` attribute of the page).
    pub const fn code(self) -> &'static str {
        match self {
            Lang::En => "en",
            Lang::ZhCn => "zh-CN",
        }
    }

    /// The language's name in itself, for the switcher.
    pub const fn native_name(self) -> &'static str {
        match self {
            Lang::En => "English",
            Lang::ZhCn => "简体中文",
        }
    }

    /// The language for a browser's `navigator.language` (`zh`, `zh-CN`,
    /// `zh-Hans-SG`, … give Chinese; everything else English).
    pub fn from_browser(language: &str) -> Lang {
        if language.trim().to_ascii_lowercase().starts_with("zh") {
            Lang::ZhCn
        } else {
            Lang::En
        }
    }

    fn catalog(self) -> &'static BTreeMap<String, String> {
        static EN: OnceLock<BTreeMap<String, String>> = OnceLock::new();
        static ZH: OnceLock<BTreeMap<String, String>> = OnceLock::new();
        match self {
            Lang::En => EN.get_or_init(|| parse_catalog(EN_JSON)),
            Lang::ZhCn => ZH.get_or_init(|| parse_catalog(ZH_JSON)),
        }
    }
}

const EN_JSON: &str = include_str!("../i18n/en.json");
const ZH_JSON: &str = include_str!("../i18n/zh-CN.json");

/// A catalog file's messages; an unreadable file gives an empty catalog
/// (every message then shows its key, and the native tests fail).
fn parse_catalog(json: &str) -> BTreeMap<String, String> {
    serde_json::from_str(json).unwrap_or_default()
}

/// The message `key` in `lang`; the English text if `lang` lacks it, the key
/// itself if no language has it.
pub fn tr(lang: Lang, key: &'static str) -> &'static str {
    lang.catalog()
        .get(key)
        .or_else(|| Lang::En.catalog().get(key))
        .map_or(key, String::as_str)
}

/// The message `key` with each `{name}` replaced by its value.
pub fn tr_args(lang: Lang, key: &'static str, args: &[(&str, &str)]) -> String {
    fill(tr(lang, key), args)
}

/// `template` with each `{name}` of `args` replaced by its value.
pub fn fill(template: &str, args: &[(&str, &str)]) -> String {
    let mut text = template.to_owned();
    for (name, value) in args {
        text = text.replace(&format!("{{{name}}}"), value);
    }
    text
}

/// The `{placeholder}` names in a message, sorted.
pub fn placeholders(message: &str) -> Vec<String> {
    let mut names = Vec::new();
    let mut rest = message;
    while let Some(open) = rest.find('{') {
        let after = rest.get(open + 1..).unwrap_or("");
        let Some(close) = after.find('}') else { break };
        names.push(after.get(..close).unwrap_or("").to_owned());
        rest = after.get(close + 1..).unwrap_or("");
    }
    names.sort();
    names
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn both_catalogs_parse_and_are_not_empty() {
        for json in [EN_JSON, ZH_JSON] {
            let map: BTreeMap<String, String> = serde_json::from_str(json).unwrap();
            assert!(map.len() > 20);
            assert!(map.values().all(|text| !text.trim().is_empty()));
        }
    }

    /// A key missing from one language would show English (or the raw key)
    /// in the middle of a Chinese page.
    #[test]
    fn both_languages_have_the_same_keys_and_placeholders() {
        let en = Lang::En.catalog();
        let zh = Lang::ZhCn.catalog();
        let only_en: Vec<_> = en.keys().filter(|k| !zh.contains_key(*k)).collect();
        let only_zh: Vec<_> = zh.keys().filter(|k| !en.contains_key(*k)).collect();
        assert!(only_en.is_empty(), "missing in zh-CN.json: {only_en:?}");
        assert!(only_zh.is_empty(), "missing in en.json: {only_zh:?}");
        for (key, text) in en {
            assert_eq!(
                placeholders(text),
                placeholders(&zh[key]),
                "placeholders differ for {key}"
            );
        }
    }

    /// Every `t("key")` / `tr(.., "key")` in the sources names a message
    /// that exists, so no view shows a raw key.
    #[test]
    fn every_key_used_in_the_sources_exists() {
        let en = Lang::En.catalog();
        let mut missing = Vec::new();
        let src = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
        for file in rust_files(&src) {
            let text = std::fs::read_to_string(&file).unwrap();
            for key in used_keys(&text) {
                if !en.contains_key(&key) {
                    missing.push(format!("{}: {key}", file.display()));
                }
            }
        }
        assert!(missing.is_empty(), "keys not in en.json: {missing:#?}");
    }

    fn rust_files(dir: &std::path::Path) -> Vec<std::path::PathBuf> {
        let mut files = Vec::new();
        for entry in std::fs::read_dir(dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                files.extend(rust_files(&path));
            } else if path.extension().is_some_and(|e| e == "rs") {
                files.push(path);
            }
        }
        files
    }

    /// String literals right after `.t(`, `tr(lang, ` or `tr_args(lang, `
    /// that look like keys (contain a dot, no spaces).
    fn used_keys(text: &str) -> Vec<String> {
        let mut keys = Vec::new();
        for marker in [".t(\"", ".t_args(\"", "tr(lang, \"", "tr_args(lang, \""] {
            let mut rest = text;
            while let Some(at) = rest.find(marker) {
                rest = &rest[at + marker.len()..];
                if let Some(end) = rest.find('"') {
                    let key = &rest[..end];
                    if key.contains('.') && !key.contains(' ') {
                        keys.push(key.to_owned());
                    }
                }
            }
        }
        keys
    }

    #[test]
    fn browser_language_picks_chinese_for_any_zh_tag() {
        assert_eq!(Lang::from_browser("zh-CN"), Lang::ZhCn);
        assert_eq!(Lang::from_browser("zh"), Lang::ZhCn);
        assert_eq!(Lang::from_browser("ZH-hans-SG"), Lang::ZhCn);
        assert_eq!(Lang::from_browser("en-GB"), Lang::En);
        assert_eq!(Lang::from_browser(""), Lang::En);
    }

    #[test]
    fn placeholders_are_filled() {
        assert_eq!(fill("{a} pays {b}", &[("a", "x"), ("b", "y")]), "x pays y");
        assert_eq!(placeholders("{b} and {a}, {b}"), ["a", "b", "b"]);
    }

    #[test]
    fn a_missing_key_shows_itself() {
        assert_eq!(tr(Lang::ZhCn, "no.such.key"), "no.such.key");
    }
}
