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

// ---- The lesson player ----

/// A small lesson for the player's tests (test data, as an instructor
/// writes it): a hash step with two hints, and a mining step with a wallet.
const FIXTURE_TOML: &str = r#"
format_version = 1
id = "fixture"
version = 1
minutes = 5

[world]
seed = 7
difficulty = 8
funds = { alice = 100 }
nodes = [{ name = "my-node", keys = ["alice"] }, { name = "other" }]

[[steps]]
id = "hash-it"
views = [{ view = "hash", input = "hi" }]
hints = ["h1", "h2"]
objectives = [{ id = "hashed", hashed = { input = "hello" } }]
solution = [{ action = "hash", input = "hello" }]

[[steps]]
id = "mine-it"
views = [{ view = "block" }, { view = "wallet" }]
hints = ["h3"]
objectives = [{ id = "mined", mined = {} }]
solution = [{ action = "mine", node = 0 }]
"#;

const FIXTURE_EN: &str = "# Fixture lesson\n\nIntro with **bold** and <b>tags</b>.\n\n## Hash it {#hash-it}\n\nHash `hello`.\n\n### Hashed hello {#hashed}\n\n### Hint {#h1}\n\nFirst hint.\n\n### Hint {#h2}\n\nSecond hint.\n\n## Mine it {#mine-it}\n\nPress Mine.\n\n### Mined a block {#mined}\n\n### Hint {#h3}\n\nThe button.\n";

const FIXTURE_ZH: &str = "# 测试课\n\n介绍。\n\n## 哈希 {#hash-it}\n\n计算 `hello` 的哈希。\n\n### 算过 hello {#hashed}\n\n### 提示 {#h1}\n\n第一个提示。\n\n### 提示 {#h2}\n\n第二个提示。\n\n## 挖矿 {#mine-it}\n\n按挖矿。\n\n### 挖到一个区块 {#mined}\n\n### 提示 {#h3}\n\n按钮。\n";

fn fixture_lesson() -> lessons::Lesson {
    lessons::Lesson::parse(&lessons::LessonSource {
        toml_name: "fixture/lesson.toml".into(),
        toml: FIXTURE_TOML,
        locales: vec![
            ("en".into(), "fixture/en.md".into(), Some(FIXTURE_EN)),
            ("zh-CN".into(), "fixture/zh-CN.md".into(), Some(FIXTURE_ZH)),
        ],
    })
    .unwrap()
}

fn fixture_bundle() -> String {
    let manifest = lessons::CourseManifest::parse(
        "course.toml",
        "format_version = 1\nlocales = [\"en\", \"zh-CN\"]\nlessons = [\"01-fixture\"]\n[title]\nen = \"Test course\"\n\"zh-CN\" = \"测试课程\"\n",
    )
    .unwrap();
    lessons::Bundle::new(&manifest, vec![fixture_lesson()]).to_json()
}

/// Points the page's course `<meta>` at `url`.
fn set_course_url(url: &str) {
    let document = document();
    let meta = match document
        .query_selector(&format!("meta[name=\"{}\"]", web::app::COURSE_META))
        .unwrap()
    {
        Some(meta) => meta,
        None => {
            let meta = document.create_element("meta").unwrap();
            meta.set_attribute("name", web::app::COURSE_META).unwrap();
            document
                .query_selector("head")
                .unwrap()
                .unwrap()
                .append_child(&meta)
                .unwrap();
            meta
        }
    };
    meta.set_attribute("content", url).unwrap();
}

/// Serves `json` as the course (through a blob URL the app fetches).
fn serve_course(json: &str) {
    let parts = js_sys::Array::of1(&wasm_bindgen::JsValue::from_str(json));
    let blob = web_sys::Blob::new_with_str_sequence(&parts).unwrap();
    set_course_url(&web_sys::Url::create_object_url_with_blob(&blob).unwrap());
}

async fn sleep(ms: i32) {
    let promise = js_sys::Promise::new(&mut |resolve, _| {
        web_sys::window()
            .unwrap()
            .set_timeout_with_callback_and_timeout_and_arguments_0(&resolve, ms)
            .unwrap();
    });
    wasm_bindgen_futures::JsFuture::from(promise).await.unwrap();
}

/// Waits (up to 10 s) for `css` to appear: the course arrives by fetch.
async fn wait_for(container: &HtmlElement, css: &str) -> Element {
    for _ in 0..200 {
        leptos::task::tick().await;
        if let Some(found) = container.query_selector(css).unwrap() {
            return found;
        }
        sleep(50).await;
    }
    panic!(
        "`{css}` did not appear; the page says: {}",
        container.text_content().unwrap_or_default()
    );
}

/// Mounts the app at `route` over the current storage (not cleared).
async fn remount(route: &str) -> (HtmlElement, impl Drop) {
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

fn objective_done(container: &HtmlElement, index: usize) -> String {
    container
        .query_selector_all("#objectives li")
        .unwrap()
        .get(index as u32)
        .unwrap()
        .unchecked_into::<Element>()
        .get_attribute("data-done")
        .unwrap_or_default()
}

async fn hash_in_lesson(app: &HtmlElement, text: &str) {
    type_text(&find(app, "[data-role=hash-input]"), text);
    leptos::task::tick().await;
    click(app, "[data-role=hash-button]");
    leptos::task::tick().await;
}

#[wasm_bindgen_test]
async fn the_lesson_list_shows_each_lesson_and_its_progress() {
    serve_course(&fixture_bundle());
    let (app, _mounted) = mount_app("#/lessons", None).await;
    let list = wait_for(&app, "#lesson-list").await;
    let text = list.text_content().unwrap_or_default();
    assert!(text.contains("Fixture lesson"), "{text}");
    assert!(text.contains("Not started"), "{text}");
    assert!(text.contains("about 5 min"), "{text}");
    assert_eq!(
        find(&app, "#lesson-list .lesson-link")
            .get_attribute("href")
            .as_deref(),
        Some("#/lesson/fixture")
    );
    assert_eq!(text_of_h1(&app), "Test course");
}

fn text_of_h1(app: &HtmlElement) -> String {
    text(app, "main h1")
}

/// Guards the player's core promise: an action in a view reaches the
/// session, and its objective ticks at once; the work is stored.
#[wasm_bindgen_test]
async fn an_objective_ticks_after_an_action_and_the_work_is_saved() {
    serve_course(&fixture_bundle());
    let (app, _mounted) = mount_app("#/lesson/fixture", None).await;
    wait_for(&app, "#objectives").await;
    assert_eq!(text_of_h1(&app), "Fixture lesson");
    // The intro's Markdown is drawn, and its HTML shown as text.
    let intro = text(&app, "#lesson-intro");
    assert!(intro.contains("<b>tags</b>"), "{intro}");
    assert!(
        app.query_selector("#lesson-intro strong")
            .unwrap()
            .is_some()
    );
    assert_eq!(objective_done(&app, 0), "false");
    hash_in_lesson(&app, "not it").await;
    assert_eq!(objective_done(&app, 0), "false");
    assert!(text(&app, "#feedback").contains("Accepted"));
    hash_in_lesson(&app, "hello").await;
    assert_eq!(objective_done(&app, 0), "true");
    assert!(text(&app, "#ticked").contains("Hashed hello"));
    assert!(
        find(&app, "#step-done")
            .text_content()
            .unwrap_or_default()
            .contains("Step complete")
    );
    leptos::task::tick().await;
    let saved = storage().get_item(STORAGE_KEY).unwrap().unwrap();
    assert!(saved.contains("\"lessons\":{\"fixture\""), "{saved}");
    assert!(saved.contains("\"input\":\"hello\""), "{saved}");
}

/// Guards "progress survives a reload": a new app over the same storage
/// replays the work and shows the same ticks.
#[wasm_bindgen_test]
async fn progress_survives_a_remount() {
    serve_course(&fixture_bundle());
    {
        let (app, _mounted) = mount_app("#/lesson/fixture", None).await;
        wait_for(&app, "#objectives").await;
        hash_in_lesson(&app, "hello").await;
        assert_eq!(objective_done(&app, 0), "true");
        leptos::task::tick().await;
    }
    let (app, _mounted) = remount("#/lessons").await;
    let list = wait_for(&app, "#lesson-list").await;
    assert!(
        list.text_content()
            .unwrap_or_default()
            .contains("1 of 2 steps")
    );
    drop(_mounted);
    let (app, _mounted) = remount("#/lesson/fixture").await;
    wait_for(&app, "#steps").await;
    // The first unfinished step opens; the first one is marked done.
    assert_eq!(
        find(&app, "#step-tab-0")
            .get_attribute("data-done")
            .as_deref(),
        Some("true")
    );
    assert_eq!(
        find(&app, "#step-panel")
            .get_attribute("data-step")
            .as_deref(),
        Some("1")
    );
    click(&app, "#step-tab-0");
    leptos::task::tick().await;
    assert_eq!(objective_done(&app, 0), "true");
    assert!(text(&app, "#work").contains("1 actions"));
}

#[wasm_bindgen_test]
async fn hints_are_revealed_one_at_a_time() {
    serve_course(&fixture_bundle());
    let (app, _mounted) = mount_app("#/lesson/fixture", None).await;
    wait_for(&app, "#hint-next").await;
    let hints = || app.query_selector_all("#hints .hint").unwrap().length();
    assert_eq!(hints(), 0);
    assert!(text(&app, "#hint-next").contains("2 left"));
    click(&app, "#hint-next");
    leptos::task::tick().await;
    assert_eq!(hints(), 1);
    assert!(text(&app, "#hints").contains("First hint."));
    assert!(!text(&app, "#hints").contains("Second hint."));
    click(&app, "#hint-next");
    leptos::task::tick().await;
    assert_eq!(hints(), 2);
    assert!(text(&app, "#hints").contains("Second hint."));
    assert!(find(&app, "#hint-next").has_attribute("disabled"));
    click(&app, "#hint-next");
    leptos::task::tick().await;
    assert_eq!(hints(), 2);
}

/// Guards the solution gate: hidden, then a warning, then shown; applying
/// it goes through the session and ticks the objective.
#[wasm_bindgen_test]
async fn the_solution_needs_two_asks_and_applies_through_the_session() {
    serve_course(&fixture_bundle());
    let (app, _mounted) = mount_app("#/lesson/fixture", None).await;
    wait_for(&app, "#solution-ask").await;
    assert!(app.query_selector("#solution").unwrap().is_none());
    click(&app, "#solution-ask");
    leptos::task::tick().await;
    assert!(app.query_selector("#solution-warning").unwrap().is_some());
    assert!(app.query_selector("#solution").unwrap().is_none());
    click(&app, "#solution-ask");
    leptos::task::tick().await;
    assert!(text(&app, "#solution").contains(r#"{"action":"hash","input":"hello"}"#));
    assert_eq!(objective_done(&app, 0), "false");
    click(&app, "#solution-apply");
    leptos::task::tick().await;
    assert_eq!(objective_done(&app, 0), "true");
    // A finished step shows its solution without asking.
    click(&app, "#next-step");
    leptos::task::tick().await;
    assert!(app.query_selector("#solution").unwrap().is_none());
    click(&app, "#step-tab-0");
    leptos::task::tick().await;
    assert!(app.query_selector("#solution").unwrap().is_some());
    assert!(app.query_selector("#solution-apply").unwrap().is_none());
}

/// Mining in the block view is the world's `mine` action; a payment the
/// world refuses is shown with its reason.
#[wasm_bindgen_test]
async fn mining_ticks_and_a_refusal_shows_the_worlds_reason() {
    serve_course(&fixture_bundle());
    let (app, _mounted) = mount_app("#/lesson/fixture", None).await;
    wait_for(&app, "#step-tab-1").await;
    click(&app, "#step-tab-1");
    leptos::task::tick().await;
    type_text(&find(&app, "[data-view=wallet] [data-role=send-to]"), "bob");
    type_text(
        &find(&app, "[data-view=wallet] [data-role=send-amount]"),
        "1000",
    );
    click(&app, "[data-view=wallet] [data-role=send-button]");
    leptos::task::tick().await;
    let feedback = text(&app, "#feedback");
    assert!(
        feedback.contains("Refused") && feedback.contains("has only"),
        "{feedback}"
    );
    assert_eq!(
        find(&app, "#feedback").get_attribute("role").as_deref(),
        Some("alert")
    );
    assert_eq!(objective_done(&app, 0), "false");
    click(&app, "[data-view=block] [data-role=mine]");
    leptos::task::tick().await;
    assert_eq!(objective_done(&app, 0), "true");
    assert_eq!(
        text(&app, "[data-view=block] [data-role=block-height]"),
        "1"
    );
}

/// The exported transcript is a file the grader grades: fetched back from
/// the download link and graded here, in wasm, by `lessons::grade`.
#[wasm_bindgen_test]
async fn the_exported_transcript_grades() {
    serve_course(&fixture_bundle());
    let (app, _mounted) = mount_app("#/lesson/fixture", None).await;
    wait_for(&app, "#objectives").await;
    hash_in_lesson(&app, "hello").await;
    click(&app, "#export-transcript");
    leptos::task::tick().await;
    let link = find(&app, "#transcript-file");
    assert_eq!(
        link.get_attribute("download").as_deref(),
        Some("fixture.json")
    );
    let json = web::browser::fetch_text(&link.get_attribute("href").unwrap())
        .await
        .unwrap();
    let report = lessons::grade(&fixture_lesson(), &json, "en").unwrap();
    assert_eq!((report.passed, report.total, report.actions), (1, 2, 1));
}

#[wasm_bindgen_test]
async fn a_lesson_route_with_lang_selects_chinese() {
    serve_course(&fixture_bundle());
    let (app, _mounted) = mount_app("#/lesson/fixture?lang=zh-CN", None).await;
    wait_for(&app, "#objectives").await;
    leptos::task::tick().await;
    assert_eq!(text_of_h1(&app), "测试课");
    assert_eq!(
        find(&app, "#book-link").get_attribute("href").as_deref(),
        Some("book/zh-CN/fixture.html")
    );
    click(&app, "#lang-en");
    leptos::task::tick().await;
    assert_eq!(text_of_h1(&app), "Fixture lesson");
    assert_eq!(
        find(&app, "#book-link").get_attribute("href").as_deref(),
        Some("book/students/fixture.html")
    );
}

/// Guards "a clear error if the course fails to load", never a blank page.
#[wasm_bindgen_test]
async fn a_course_that_cannot_be_fetched_or_read_says_why() {
    set_course_url("./no-such-course.json");
    let (app, _mounted) = mount_app("#/lessons", None).await;
    let error = wait_for(&app, "#course-error").await;
    let text = error.text_content().unwrap_or_default();
    assert!(text.contains("no-such-course.json"), "{text}");
    drop(_mounted);
    serve_course("{\"format_version\": 9}");
    let (app, _mounted) = mount_app("#/lesson/fixture", None).await;
    let error = wait_for(&app, "#course-error").await;
    let text = error.text_content().unwrap_or_default();
    assert!(text.contains("format_version 9"), "{text}");
}

/// Guards per-lesson recovery: stored work that does not replay starts the
/// lesson afresh with a notice naming the lesson, and is kept aside.
#[wasm_bindgen_test]
async fn stored_work_that_does_not_replay_gives_a_notice_not_a_blank_page() {
    serve_course(&fixture_bundle());
    let zeros = "0".repeat(64);
    let stored = format!(
        r#"{{"version":1,"lessons":{{"fixture":{{"transcript":{{"format_version":1,"lesson":"fixture","lesson_version":1,"seed":7,"actions":[{{"action":"hash","input":"hello"}}],"refused":[],"digest":"{zeros}"}}}}}}}}"#
    );
    let (app, _mounted) = mount_app("#/lesson/fixture", Some(&stored)).await;
    wait_for(&app, "#objectives").await;
    leptos::task::tick().await;
    let notice = text(&app, "#notice");
    assert!(
        notice.contains("fixture") && notice.contains("digest"),
        "{notice}"
    );
    assert_eq!(objective_done(&app, 0), "false");
    assert!(
        storage()
            .get_item(&web::store::lesson_backup_key("fixture"))
            .unwrap()
            .is_some()
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
