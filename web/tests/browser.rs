//! Component tests in a real browser (headless Chromium through
//! chromedriver; `cargo xtask test` runs them). Each test mounts the whole
//! app into its own container, acts like a student, and reads the DOM after
//! `leptos::task::tick()`.
#![cfg(target_arch = "wasm32")]

use wasm_bindgen::JsCast;
use wasm_bindgen_test::{wasm_bindgen_test, wasm_bindgen_test_configure};
use web::store::STORAGE_KEY;
use web_sys::{Element, HtmlElement};

wasm_bindgen_test_configure!(run_in_browser);

fn document() -> web_sys::Document {
    web_sys::window().unwrap().document().unwrap()
}

fn storage() -> web_sys::Storage {
    web_sys::window().unwrap().local_storage().unwrap().unwrap()
}

/// Mounts the app at `route` with `stored` in localStorage, in a fresh container.
async fn mount_app(route: &str, stored: Option<&str>) -> (HtmlElement, impl Drop) {
    storage().clear().unwrap();
    if let Some(text) = stored {
        storage().set_item(STORAGE_KEY, text).unwrap();
    }
    web_sys::window()
        .unwrap()
        .location()
        .set_hash(route)
        .unwrap();
    let container: HtmlElement = document().create_element("div").unwrap().unchecked_into();
    document().body().unwrap().append_child(&container).unwrap();
    let handle = leptos::mount::mount_to(container.clone(), web::app::App);
    leptos::task::tick().await;
    (container, handle)
}

fn find(container: &HtmlElement, css: &str) -> Element {
    container
        .query_selector(css)
        .unwrap()
        .unwrap_or_else(|| panic!("no element `{css}`"))
}

fn text(container: &HtmlElement, css: &str) -> String {
    find(container, css).text_content().unwrap_or_default()
}

fn click(container: &HtmlElement, css: &str) {
    find(container, css).unchecked_into::<HtmlElement>().click();
}

fn type_text(element: &Element, value: &str) {
    if let Some(area) = element.dyn_ref::<web_sys::HtmlTextAreaElement>() {
        area.set_value(value);
    } else if let Some(input) = element.dyn_ref::<web_sys::HtmlInputElement>() {
        input.set_value(value);
    }
    let init = web_sys::EventInit::new();
    init.set_bubbles(true);
    let event = web_sys::Event::new_with_event_init_dict("input", &init).unwrap();
    element.dispatch_event(&event).unwrap();
}

#[wasm_bindgen_test]
async fn typing_in_the_hash_view_shows_its_sha256() {
    let (app, _mounted) = mount_app("#/hash", None).await;
    type_text(&find(&app, "#hash-input"), "abc");
    leptos::task::tick().await;
    assert_eq!(
        text(&app, "#hash-output"),
        "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
    );
    assert!(text(&app, "main").contains("of 256 bits changed"));
}

#[wasm_bindgen_test]
async fn tampering_a_signed_transfer_shows_the_library_reason() {
    let (app, _mounted) = mount_app("#/keys", None).await;
    click(&app, "#keys-sign");
    leptos::task::tick().await;
    assert!(text(&app, "#keys-verdict").contains("Valid"));
    click(&app, "#keys-tamper");
    leptos::task::tick().await;
    assert!(
        text(&app, "#keys-verdict").contains("does not match the sender's key"),
        "{}",
        text(&app, "#keys-verdict")
    );
}

#[wasm_bindgen_test]
async fn the_language_switch_translates_the_page_and_is_saved() {
    let (app, _mounted) = mount_app("#/hash", None).await;
    click(&app, "#lang-zh-CN");
    leptos::task::tick().await;
    assert_eq!(text(&app, "main h1"), "哈希");
    assert_eq!(
        document()
            .document_element()
            .unwrap()
            .get_attribute("lang")
            .as_deref(),
        Some("zh-CN")
    );
    let saved = storage().get_item(STORAGE_KEY).unwrap().unwrap();
    assert!(saved.contains("\"lang\":\"zh-CN\""), "{saved}");
    click(&app, "#lang-en");
    leptos::task::tick().await;
    assert_eq!(text(&app, "main h1"), "Hash");
}

/// Guards "never a blank page": unreadable storage gives the app and a notice.
#[wasm_bindgen_test]
async fn corrupted_storage_shows_a_notice_and_the_app() {
    let (app, _mounted) = mount_app("#/block", Some("{this is not json")).await;
    assert!(text(&app, "#notice").contains("could not be read"));
    assert!(text(&app, "main h1").contains("Block"));
    assert_eq!(
        storage()
            .get_item(web::store::BACKUP_KEY)
            .unwrap()
            .as_deref(),
        Some("{this is not json")
    );
    click(&app, "#notice-dismiss");
    leptos::task::tick().await;
    assert!(app.query_selector("#notice").unwrap().is_none());
}

/// The state badge of block `index` in the chain view ("valid" or "broken").
fn badge(container: &HtmlElement, index: usize) -> String {
    text(container, &format!("#chain-block-{index} .chain-badge"))
}

/// Guards the chain view's lesson: the default chain is whole, and an edit
/// breaks the edited block and every later one. (It was once ignored because
/// it looked for "broken" in all of `main`, which always matches the button
/// "Re-mine broken blocks"; it now reads each block's badge.)
#[wasm_bindgen_test]
async fn editing_an_old_block_breaks_the_later_ones() {
    let (app, _mounted) = mount_app("#/chain", None).await;
    for index in 0..5 {
        assert_eq!(badge(&app, index), "valid", "block {index} before the edit");
    }
    assert!(
        find(&app, "#chain-repair").has_attribute("disabled"),
        "nothing to re-mine in the default chain"
    );
    type_text(&find(&app, "#chain-data-1"), "alice pays bob 1000");
    leptos::task::tick().await;
    assert_eq!(badge(&app, 0), "valid");
    for index in 1..5 {
        assert_eq!(badge(&app, index), "broken", "block {index} after the edit");
    }
    assert!(!find(&app, "#chain-repair").has_attribute("disabled"));
}

#[wasm_bindgen_test]
async fn a_refused_transfer_shows_its_reason() {
    let (app, _mounted) = mount_app("#/wallet", None).await;
    type_text(&find(&app, "#wallet-amount"), "5000");
    click(&app, "#wallet-send");
    leptos::task::tick().await;
    let result = text(&app, "#wallet-result");
    assert!(
        result.contains("alice") && result.contains("has only 100"),
        "{result}"
    );
}

/// Fires a bubbling `type` event on `element` (a click on an SVG element,
/// a change on a select).
fn fire(element: &Element, kind: &str) {
    let init = web_sys::EventInit::new();
    init.set_bubbles(true);
    let event = web_sys::Event::new_with_event_init_dict(kind, &init).unwrap();
    element.dispatch_event(&event).unwrap();
}

/// Guards the network view's controls: clicking a link in the drawing
/// applies `cut_link` to the played world (the link is then drawn and
/// listed as cut: both read the world's event log), and restoring works.
#[wasm_bindgen_test]
async fn cutting_a_link_in_the_network_view_changes_the_world() {
    let (app, _mounted) = mount_app("#/network", None).await;
    let link = find(&app, "#net-link-0-1");
    assert!(
        link.get_attribute("aria-label")
            .unwrap()
            .contains("working"),
        "{:?}",
        link.get_attribute("aria-label")
    );
    fire(&link, "click");
    leptos::task::tick().await;
    let link = find(&app, "#net-link-0-1");
    assert!(
        link.get_attribute("aria-label").unwrap().contains(": cut"),
        "{:?}",
        link.get_attribute("aria-label")
    );
    assert!(text(&app, "#net-toggle-0-1").contains("Restore"));
    assert!(text(&app, "#net-status").contains("Done"));
    // Clicking again restores it (the drawing reads the world's events).
    click(&app, "#net-toggle-0-1");
    leptos::task::tick().await;
    assert!(text(&app, "#net-toggle-0-1").contains("Cut"));
    assert!(
        find(&app, "#net-link-0-1")
            .get_attribute("aria-label")
            .unwrap()
            .contains("working")
    );
}

/// Guards the contract view: deploying the token example and calling
/// `mint` each run in a mined block, and the receipts show the gas used,
/// the event, and the storage the call wrote.
#[wasm_bindgen_test]
async fn the_contract_view_deploys_calls_and_shows_gas() {
    let (app, _mounted) = mount_app("#/contract", None).await;
    assert!(text(&app, "#contract-check").contains("Compiles"));
    click(&app, "#contract-deploy");
    leptos::task::tick().await;
    let receipts = text(&app, "#contract-receipts");
    assert!(
        receipts.contains("deploy") && receipts.contains("gas used"),
        "{receipts}"
    );
    let select = find(&app, "#contract-function");
    select
        .dyn_ref::<web_sys::HtmlSelectElement>()
        .unwrap()
        .set_value("mint");
    fire(&select, "change");
    type_text(&find(&app, "#contract-args"), "@bob, 5");
    click(&app, "#contract-call");
    leptos::task::tick().await;
    let receipts = text(&app, "#contract-receipts");
    assert!(
        receipts.contains("mint()") && receipts.contains("Minted("),
        "{receipts}"
    );
    let storage = text(&app, "#contract-storage");
    assert!(
        storage.contains("supply") && storage.contains('5'),
        "{storage}"
    );
    // Too little gas: the call runs out of gas and says so.
    type_text(&find(&app, "#contract-call-gas"), "250");
    click(&app, "#contract-call");
    leptos::task::tick().await;
    assert!(
        text(&app, "#contract-receipts").contains("out of gas"),
        "{}",
        text(&app, "#contract-receipts")
    );
}
