//! The views by name. Lessons (and the address bar) name a view and give it
//! settings: `#/block?bits=20` opens the block view at 20 bits. The table
//! itself is [`crate::views::REGISTRY`]; this module holds the plain parts
//! (routes and settings) so they are tested natively.
//!
//! To add a view (the multi-node world's network, block tree and BFT views,
//! the lesson player): write its component in `views/`, add one
//! [`ViewSpec`] line to the registry, and its `nav.*`/`*.title` messages to
//! both catalogs. Views that need the world set `needs_world`.

use std::collections::BTreeMap;

use leptos::prelude::AnyView;

/// Settings passed to a view: `key=value` pairs from the route or a lesson.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ViewSettings(BTreeMap<String, String>);

impl ViewSettings {
    /// Parses `a=1&b=two` (no percent-decoding: keys and values are plain).
    pub fn parse(query: &str) -> Self {
        ViewSettings(
            query
                .split('&')
                .filter(|pair| !pair.is_empty())
                .map(|pair| match pair.split_once('=') {
                    Some((k, v)) => (k.to_owned(), v.to_owned()),
                    None => (pair.to_owned(), String::new()),
                })
                .collect(),
        )
    }

    /// A setting's text.
    pub fn get(&self, key: &str) -> Option<&str> {
        self.0.get(key).map(String::as_str)
    }

    /// A setting read as a number.
    pub fn u32(&self, key: &str) -> Option<u32> {
        self.get(key)?.parse().ok()
    }

    /// Whether a flag is set (`auto`, `auto=1`, `auto=true`).
    pub fn flag(&self, key: &str) -> bool {
        matches!(self.get(key), Some("" | "1" | "true"))
    }
}

/// A view that lessons and the navigation can name.
pub struct ViewSpec {
    /// The name in routes and lesson files (`hash`, `block`, …).
    pub name: &'static str,
    /// The message key of its title.
    pub title_key: &'static str,
    /// The message key of its one-line summary.
    pub summary_key: &'static str,
    /// Shown in the navigation (the benchmark page is not).
    pub in_nav: bool,
    /// Needs the multi-node world (network, block tree, BFT).
    pub needs_world: bool,
    /// Builds the view.
    pub render: fn(ViewSettings) -> AnyView,
}

/// The route in an address fragment: `#/block?bits=20` → (`block`, bits=20).
/// An empty fragment is the home page (`""`).
pub fn parse_route(fragment: &str) -> (String, ViewSettings) {
    let path = fragment.trim_start_matches('#').trim_start_matches('/');
    let (name, query) = path.split_once('?').unwrap_or((path, ""));
    (
        name.trim_end_matches('/').to_owned(),
        ViewSettings::parse(query),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn routes_name_a_view_and_its_settings() {
        let (name, settings) = parse_route("#/block?bits=20&auto");
        assert_eq!(name, "block");
        assert_eq!(settings.u32("bits"), Some(20));
        assert!(settings.flag("auto"));
        assert!(!settings.flag("other"));
        assert_eq!(parse_route("").0, "");
        assert_eq!(parse_route("#/").0, "");
        assert_eq!(parse_route("#/merkle/").0, "merkle");
    }

    #[test]
    fn bad_numbers_are_none() {
        assert_eq!(ViewSettings::parse("bits=lots").u32("bits"), None);
    }
}
