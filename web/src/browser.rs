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

/// Fetches `url` (relative to the page) as text. The error says what went
/// wrong in words: the address, and the HTTP status or the network error.
pub async fn fetch_text(url: &str) -> Result<String, String> {
    use wasm_bindgen::JsCast;
    use wasm_bindgen_futures::JsFuture;
    let window = web_sys::window().ok_or("no browser window")?;
    let response = JsFuture::from(window.fetch_with_str(url))
        .await
        .map_err(|e| format!("could not fetch {url}: {}", js_error(&e)))?;
    let response: web_sys::Response = response
        .dyn_into()
        .map_err(|_| format!("could not fetch {url}: not an HTTP response"))?;
    if !response.ok() {
        return Err(format!(
            "could not fetch {url}: HTTP {} {}",
            response.status(),
            response.status_text()
        ));
    }
    let text = response
        .text()
        .map_err(|e| format!("could not read {url}: {}", js_error(&e)))?;
    let text = JsFuture::from(text)
        .await
        .map_err(|e| format!("could not read {url}: {}", js_error(&e)))?;
    text.as_string()
        .ok_or_else(|| format!("could not read {url}: not text"))
}

/// A JavaScript error's message.
fn js_error(e: &wasm_bindgen::JsValue) -> String {
    js_sys::Reflect::get(e, &"message".into())
        .ok()
        .and_then(|m| m.as_string())
        .or_else(|| e.as_string())
        .unwrap_or_else(|| "an unknown browser error".into())
}

/// Offers `text` as a file download named `name`, and returns the file's
/// object URL (valid until [`revoke_url`]), or `None` if the browser
/// refused.
pub fn download(name: &str, text: &str) -> Option<String> {
    use wasm_bindgen::JsCast;
    let parts = js_sys::Array::of1(&wasm_bindgen::JsValue::from_str(text));
    let options = web_sys::BlobPropertyBag::new();
    options.set_type("application/json");
    let blob = web_sys::Blob::new_with_str_sequence_and_options(&parts, &options).ok()?;
    let url = web_sys::Url::create_object_url_with_blob(&blob).ok()?;
    let document = web_sys::window()?.document()?;
    let link: web_sys::HtmlElement = document.create_element("a").ok()?.dyn_into().ok()?;
    link.set_attribute("href", &url).ok()?;
    link.set_attribute("download", name).ok()?;
    link.set_attribute("hidden", "").ok()?;
    let body = document.body()?;
    body.append_child(&link).ok()?;
    link.click();
    let _ = body.remove_child(&link);
    Some(url)
}

/// Frees an object URL made by [`download`].
pub fn revoke_url(url: &str) {
    let _ = web_sys::Url::revoke_object_url(url);
}

/// The bytes of the first file chosen in a file input, with its name.
pub async fn read_chosen_file(
    input: &web_sys::HtmlInputElement,
    max: usize,
) -> Result<(String, Vec<u8>), String> {
    use wasm_bindgen_futures::JsFuture;
    let file = input
        .files()
        .and_then(|f| f.get(0))
        .ok_or("no file was chosen")?;
    let name = file.name();
    if file.size() > max as f64 {
        return Err(format!(
            "{name} has {} bytes; a transcript has at most {max}",
            file.size()
        ));
    }
    let buffer = JsFuture::from(file.array_buffer())
        .await
        .map_err(|e| format!("could not read {name}: {}", js_error(&e)))?;
    Ok((name, js_sys::Uint8Array::new(&buffer).to_vec()))
}
