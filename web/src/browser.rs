//! The few browser calls the app makes, in one place: storage, language,
//! randomness, time, the page's address. Each degrades to a harmless default
//! where the browser refuses (private mode storage, no `crypto`, …).

use gloo_storage::{LocalStorage, Storage};

/// The raw text stored under `key`, if any.
pub fn storage_get(key: &str) -> Option<String> {
    LocalStorage::raw().get_item(key).ok().flatten()
}

/// Stores `value` under `key`; false if the browser refused (quota, private mode).
pub fn storage_set(key: &str, value: &str) -> bool {
    LocalStorage::raw().set_item(key, value).is_ok()
}

/// `navigator.language`, or `""`.
pub fn navigator_language() -> String {
    web_sys::window()
        .and_then(|w| w.navigator().language())
        .unwrap_or_default()
}

/// `navigator.hardwareConcurrency`, at least 1 and at most 16.
pub fn hardware_concurrency() -> u32 {
    let n = web_sys::window().map_or(1.0, |w| w.navigator().hardware_concurrency());
    (n as u32).clamp(1, 16)
}

/// 32 bytes from `crypto.getRandomValues`, or `None` if unavailable.
pub fn random_seed() -> Option<[u8; 32]> {
    let mut seed = [0u8; 32];
    let crypto = web_sys::window()?.crypto().ok()?;
    crypto.get_random_values_with_u8_array(&mut seed).ok()?;
    Some(seed)
}

/// Milliseconds since the page loaded (`performance.now()`).
pub fn now_ms() -> f64 {
    web_sys::window()
        .and_then(|w| w.performance())
        .map_or(0.0, |p| p.now())
}

/// The address's fragment (`#/hash?x=1`), or `""`.
pub fn location_hash() -> String {
    web_sys::window()
        .and_then(|w| w.location().hash().ok())
        .unwrap_or_default()
}

/// Sets `<html lang=..>` so screen readers and fonts follow the language.
pub fn set_document_lang(code: &str) {
    if let Some(root) = web_sys::window()
        .and_then(|w| w.document())
        .and_then(|d| d.document_element())
    {
        let _ = root.set_attribute("lang", code);
    }
}

/// The `content` of `<meta name=..>` in the page, if present.
pub fn meta_content(name: &str) -> Option<String> {
    let document = web_sys::window()?.document()?;
    let element = document
        .query_selector(&format!("meta[name=\"{name}\"]"))
        .ok()??;
    element.get_attribute("content")
}
