//! Drives headless Chromium (through chromedriver, with fantoccini) against
//! the built app served on 127.0.0.1. Run by `cargo xtask test` and `cargo
//! xtask bench`; by hand:
//!
//! ```text
//! browser-check e2e   <webdriver url> <site url> <screenshot dir> [axe.min.js]
//! browser-check bench <webdriver url> <site url> [query, default auto=1]
//! ```
//!
//! `e2e` does what a student does in each view and in the lessons, and
//! saves a screenshot of every main view, the lesson list and lesson pages;
//! it saves the transcript it exports under `<screenshots>/transcripts/`
//! for the xtask to grade with `grader lesson`. Given axe-core's bundle, it
//! checks each main view's accessibility (failing on serious or critical
//! violations). `bench` runs the app's benchmark page (`#/bench?<query>`)
//! and prints its results as `BENCH <name> <number>` lines, and a benchmark
//! that failed in the page as `FAILED <name>: <why>`.

use std::path::{Path, PathBuf};
use std::time::Duration;

use anyhow::{Context, Result, bail, ensure};
use fantoccini::{Client, ClientBuilder, Locator};
use serde_json::{Value, json};

/// SHA-256("hello"), what the hash view must show after typing "hello".
const SHA256_HELLO: &str = "2cf24dba5fb0a30e26e83b2ac5b9e29e1b161e5c1fa7425e73043362938b9824";

fn main() -> Result<()> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()?;
    match args.as_slice() {
        [mode, driver, site, shots] if mode == "e2e" => {
            let shots = Path::new(shots);
            runtime.block_on(with_browser(driver, shots, |c| e2e(c, site, shots, None)))
        }
        [mode, driver, site, shots, axe] if mode == "e2e" => {
            let shots = Path::new(shots);
            let axe = std::fs::read_to_string(axe)
                .with_context(|| format!("could not read axe-core from {axe}"))?;
            runtime.block_on(with_browser(driver, shots, |c| {
                e2e(c, site, shots, Some(axe))
            }))
        }
        [mode, driver, site, rest @ ..] if mode == "bench" && rest.len() <= 1 => {
            let shots = std::env::temp_dir();
            let query = rest.first().map_or("auto=1", String::as_str);
            runtime.block_on(with_browser(driver, &shots, |c| bench(c, site, query)))
        }
        _ => bail!(
            "usage: browser-check e2e <webdriver> <site> <screenshots> [axe.min.js] | bench <webdriver> <site> [query]"
        ),
    }
}

/// Opens a fresh headless Chromium, runs `f`, and always closes it. If `f`
/// fails, prints what the page showed and saves `failure.png` in `shots`.
async fn with_browser<F, Fut>(driver: &str, shots: &Path, f: F) -> Result<()>
where
    F: FnOnce(Client) -> Fut,
    Fut: std::future::Future<Output = Result<Client>>,
{
    let profile = std::env::temp_dir().join(format!("chainlab-chromium-{}", std::process::id()));
    let mut args: Vec<Value> = [
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--disable-dev-shm-usage",
        "--lang=en-US",
        "--window-size=1280,900",
        "--hide-scrollbars",
    ]
    .iter()
    .map(|a| json!(a))
    .collect();
    args.push(json!(format!("--user-data-dir={}", profile.display())));
    let mut caps = serde_json::Map::new();
    caps.insert(
        "goog:chromeOptions".into(),
        json!({ "args": args, "prefs": { "intl.accept_languages": "en-US" } }),
    );
    let connector = hyper_util::client::legacy::connect::HttpConnector::new();
    let client = ClientBuilder::new(connector)
        .capabilities(caps)
        .connect(driver)
        .await
        .context("could not start a Chromium session through chromedriver")?;
    let result = f(client.clone()).await;
    if result.is_err() {
        report_failure(&client, shots).await;
    }
    let _ = client.close().await;
    let _ = std::fs::remove_dir_all(&profile);
    result.map(|_| ())
}

/// After a failure: the URL, the visible text of the page and the browser's
/// console errors, and a screenshot, so the log says what went wrong.
async fn report_failure(c: &Client, shots: &Path) {
    eprintln!("e2e: FAILED; this is what the browser showed:");
    if let Ok(url) = c.current_url().await {
        eprintln!("e2e: url: {url}");
    }
    match c
        .execute(
            "return document.body ? document.body.innerText : ''",
            vec![],
        )
        .await
    {
        Ok(Value::String(text)) => {
            let text: String = text.chars().take(4000).collect();
            eprintln!("e2e: page text:\n{text}\n-- end of page text");
        }
        other => eprintln!("e2e: could not read the page text: {other:?}"),
    }
    let _ = std::fs::create_dir_all(shots);
    let path = shots.join("failure.png");
    match c.screenshot().await {
        Ok(png) if std::fs::write(&path, &png).is_ok() => {
            eprintln!("e2e: screenshot of the failure: {}", path.display());
        }
        _ => eprintln!("e2e: could not save a screenshot of the failure"),
    }
}

async fn text_of(c: &Client, css: &str) -> Result<String> {
    let element = c
        .wait()
        .at_most(Duration::from_secs(20))
        .for_element(Locator::Css(css))
        .await
        .with_context(|| format!("`{css}` did not appear"))?;
    Ok(element.text().await?)
}

/// Waits until `css`'s text contains `needle`.
async fn wait_text(c: &Client, css: &str, needle: &str, seconds: u64) -> Result<String> {
    let deadline = std::time::Instant::now() + Duration::from_secs(seconds);
    loop {
        let text = match c.find(Locator::Css(css)).await {
            Ok(element) => element.text().await.unwrap_or_default(),
            Err(_) => String::new(),
        };
        if text.contains(needle) {
            return Ok(text);
        }
        if std::time::Instant::now() > deadline {
            bail!("`{css}` should contain {needle:?} within {seconds} s; it says {text:?}");
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

async fn open(c: &Client, site: &str, route: &str) -> Result<()> {
    c.goto(&format!("{site}#/{route}")).await?;
    text_of(c, "main h1").await?;
    Ok(())
}

async fn shot(c: &Client, dir: &Path, name: &str) -> Result<()> {
    // Web fonts and the CJK system font must be loaded, or the picture
    // shows boxes; `document.fonts.ready` says when.
    c.execute_async(
        "const done = arguments[arguments.length - 1]; document.fonts.ready.then(() => done(true));",
        vec![],
    )
    .await
    .context("document.fonts.ready did not resolve")?;
    let png = c.screenshot().await?;
    let path: PathBuf = dir.join(format!("{name}.png"));
    std::fs::write(&path, png).with_context(|| format!("could not write {}", path.display()))?;
    println!("e2e: screenshot {}", path.display());
    Ok(())
}

async fn type_into(c: &Client, css: &str, text: &str) -> Result<()> {
    let field = c.find(Locator::Css(css)).await?;
    field.clear().await?;
    field.send_keys(text).await?;
    Ok(())
}

async fn step(name: &str) {
    println!("e2e: {name}");
}

/// An attribute of the first element matching `css` (`None`: no element or
/// no attribute).
async fn attr_of(c: &Client, css: &str, name: &str) -> Option<String> {
    c.find(Locator::Css(css))
        .await
        .ok()?
        .attr(name)
        .await
        .ok()?
}

/// Waits until `css`'s attribute `name` is `value`.
async fn wait_attr(c: &Client, css: &str, name: &str, value: &str, seconds: u64) -> Result<()> {
    let deadline = std::time::Instant::now() + Duration::from_secs(seconds);
    loop {
        let now = attr_of(c, css, name).await;
        if now.as_deref() == Some(value) {
            return Ok(());
        }
        if std::time::Instant::now() > deadline {
            bail!("`{css}` should have {name}={value:?} within {seconds} s; it has {now:?}");
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

async fn click(c: &Client, css: &str) -> Result<()> {
    c.wait()
        .at_most(Duration::from_secs(20))
        .for_element(Locator::Css(css))
        .await
        .with_context(|| format!("`{css}` did not appear"))?
        .click()
        .await
        .with_context(|| format!("could not click `{css}`"))?;
    Ok(())
}

/// Fetches `url` in the page (a relative address or a blob URL) as text.
async fn fetch_in_page(c: &Client, url: &str) -> Result<String> {
    let text = c
        .execute_async(
            "const done = arguments[arguments.length - 1]; \
             fetch(arguments[0]).then(r => r.text()).then(done, e => done('ERROR ' + e));",
            vec![json!(url)],
        )
        .await?;
    let text = text.as_str().unwrap_or_default().to_owned();
    ensure!(
        !text.starts_with("ERROR "),
        "could not fetch {url} in the page: {text}"
    );
    Ok(text)
}

/// What the lesson steps of the e2e need from the course, read from the
/// bundle the page fetched (no lesson is named in this code).
struct CoursePlan {
    /// The first lesson: its id and the text its first step's solution hashes.
    first: (String, String),
    /// A lesson with a step solved by one `mine` on the student's node, that
    /// shows a view with a mine button: its id, zh-CN title, the step.
    mining: (String, String, usize),
}

fn plan(bundle: &Value) -> Result<CoursePlan> {
    let lessons = bundle["lessons"]
        .as_array()
        .context("the bundle has no lessons")?;
    let first = lessons.first().context("the bundle has no lessons")?;
    let first_id = first["id"]
        .as_str()
        .context("a lesson without an id")?
        .to_owned();
    let action = &first["steps"][0]["solution"][0];
    ensure!(
        action["action"] == "hash",
        "the e2e expects the first lesson's first step to be solved by a hash action; it is {action}"
    );
    let input = action["input"].as_str().unwrap_or_default().to_owned();
    let mut mining = None;
    'find: for lesson in lessons {
        let student = lesson["start"]["student"].as_u64().unwrap_or(0);
        for (k, step) in lesson["steps"].as_array().into_iter().flatten().enumerate() {
            let solution = step["solution"]
                .as_array()
                .map(Vec::as_slice)
                .unwrap_or_default();
            let mines = matches!(solution, [a] if a["action"] == "mine" && a["node"].as_u64() == Some(student));
            let has_button = step["views"]
                .as_array()
                .into_iter()
                .flatten()
                .any(|v| v["view"] == "block" && v.get("node").is_none_or(Value::is_null));
            if mines && has_button {
                let id = lesson["id"].as_str().unwrap_or_default().to_owned();
                let zh = lesson["text"]["zh-CN"]["title"]
                    .as_str()
                    .unwrap_or_default()
                    .to_owned();
                mining = Some((id, zh, k));
                break 'find;
            }
        }
    }
    Ok(CoursePlan {
        first: (first_id, input),
        mining: mining.context("no lesson has a step solved by one `mine` with a block view")?,
    })
}

/// The lesson part of the end-to-end run: the list, the first lesson, the
/// mining lesson, a reload, Chinese, and the exported transcript.
async fn lessons(c: &Client, site: &str, shots: &Path) -> Result<()> {
    step("lessons: the list, reached from the navigation").await;
    open(c, site, "").await?;
    click(c, "#nav-lessons").await?;
    text_of(c, "#lesson-list").await?;
    let bundle = course_bundle(c).await?;
    let plan = plan(&bundle)?;
    shot(c, shots, "lessons").await?;

    step("lessons: the first lesson, an objective ticks").await;
    click(c, "#lesson-list li:first-child .lesson-link").await?;
    text_of(c, "#objectives").await?;
    let (first, input) = &plan.first;
    ensure!(
        c.current_url()
            .await?
            .as_str()
            .ends_with(&format!("#/lesson/{first}")),
        "the first card did not open lesson {first}"
    );
    wait_attr(c, "#objectives li", "data-done", "false", 10).await?;
    type_into(c, "[data-role=hash-input]", input).await?;
    click(c, "[data-role=hash-button]").await?;
    wait_attr(c, "#objectives li", "data-done", "true", 10).await?;
    wait_text(c, "#feedback", "Accepted", 10).await?;
    shot(c, shots, "lesson").await?;

    let (mining, mining_zh, k) = &plan.mining;
    step(&format!("lessons: mine in lesson {mining}, step {}", k + 1)).await;
    c.goto(&format!("{site}#/lesson/{mining}")).await?;
    click(c, &format!("#step-tab-{k}")).await?;
    wait_attr(c, "#step-panel", "data-step", &k.to_string(), 10).await?;
    wait_attr(c, "#objectives li", "data-done", "false", 10).await?;
    click(c, "[data-view=block] [data-role=mine]").await?;
    wait_attr(c, "#objectives li", "data-done", "true", 20).await?;
    wait_text(c, "[data-view=block] [data-role=block-height]", "1", 10).await?;
    shot(c, shots, "lesson-mining").await?;

    step("lessons: reload, the progress is kept").await;
    c.refresh().await?;
    click(c, &format!("#step-tab-{k}")).await?;
    wait_attr(c, &format!("#step-tab-{k}"), "data-done", "true", 20).await?;
    wait_attr(c, "#objectives li", "data-done", "true", 10).await?;
    open(c, site, "lessons").await?;
    let card = format!("#lesson-list li[data-lesson=\"{first}\"] .lesson-status");
    let status = text_of(c, &card).await?;
    ensure!(
        status.contains(" of "),
        "lesson {first} shows {status:?} after a reload"
    );

    step("lessons: Chinese, by the switch and by ?lang=zh-CN").await;
    c.goto(&format!("{site}#/lesson/{mining}")).await?;
    text_of(c, "#objectives").await?;
    click(c, "#lang-zh-CN").await?;
    wait_text(c, "main h1", mining_zh, 10).await?;
    let href = attr_of(c, "#book-link", "href").await.unwrap_or_default();
    ensure!(
        href == format!("book/zh-CN/{mining}.html"),
        "the book link is {href:?}"
    );
    shot(c, shots, "lesson-zh").await?;
    click(c, "#lang-en").await?;
    wait_text(c, "#lang-en[aria-pressed=true]", "English", 10).await?;
    c.goto(&format!("{site}#/lesson/{mining}?lang=zh-CN"))
        .await?;
    wait_text(c, "main h1", mining_zh, 10).await?;
    click(c, "#lang-en").await?;

    step("lessons: export the transcript").await;
    click(c, "#export-transcript").await?;
    let link = c
        .wait()
        .at_most(Duration::from_secs(10))
        .for_element(Locator::Css("#transcript-file"))
        .await
        .context("no transcript link after the export")?;
    let name = link.attr("download").await?.unwrap_or_default();
    ensure!(
        name == format!("{mining}.json"),
        "the transcript file is named {name:?}"
    );
    let href = link
        .attr("href")
        .await?
        .context("the transcript link has no address")?;
    let transcript = fetch_in_page(c, &href).await?;
    let parsed: Value = serde_json::from_str(&transcript).context("the transcript is not JSON")?;
    ensure!(
        parsed["lesson"] == json!(mining),
        "the transcript is for {}",
        parsed["lesson"]
    );
    let dir = shots.join("transcripts");
    std::fs::create_dir_all(&dir)?;
    let path = dir.join(&name);
    std::fs::write(&path, &transcript)?;
    println!(
        "e2e: transcript of lesson {mining} saved to {}",
        path.display()
    );

    step("lessons: phone-sized lesson page").await;
    c.set_window_size(390, 844).await?;
    c.goto(&format!("{site}#/lesson/{first}")).await?;
    text_of(c, "#objectives").await?;
    shot(c, shots, "phone-lesson").await?;
    c.set_window_size(1280, 900).await?;
    Ok(())
}

/// The course bundle the page names in its `<meta name="chainlab-course">`.
async fn course_bundle(c: &Client) -> Result<Value> {
    let meta = attr_of(c, "meta[name=chainlab-course]", "content")
        .await
        .context("the page has no course <meta>")?;
    serde_json::from_str(&fetch_in_page(c, &meta).await?).context("the course bundle is not JSON")
}

/// Every lesson of the course played in the browser as a stuck student
/// plays it: from a fresh start, each step's solution asked for twice and
/// applied, and the step must complete. This proves that every lesson's
/// world (connected chains included) runs in wasm32 in the page as the
/// checker ran it natively, through the views' `PlayWrite`. A screenshot
/// of each lesson's last step, and (given axe-core) each lesson page's
/// accessibility checked there, with its views in their final state.
async fn every_lesson(c: &Client, site: &str, shots: &Path, axe: Option<&str>) -> Result<()> {
    open(c, site, "lessons").await?;
    let bundle = course_bundle(c).await?;
    c.execute("localStorage.clear()", vec![]).await?;
    let mut failures = Vec::new();
    let lessons = bundle["lessons"]
        .as_array()
        .context("the bundle has no lessons")?;
    for lesson in lessons {
        let id = lesson["id"].as_str().context("a lesson without an id")?;
        let steps = lesson["steps"].as_array().map_or(0, Vec::len);
        step(&format!(
            "lessons: {id}, its {steps} steps solved in the page"
        ))
        .await;
        c.goto(&format!("{site}#/lesson/{id}")).await?;
        c.refresh().await?;
        text_of(c, "#objectives").await?;
        for k in 0..steps {
            let tab = format!("#step-tab-{k}");
            press(c, &tab).await?;
            wait_attr(c, "#step-panel", "data-step", &k.to_string(), 10).await?;
            // An earlier step's solution may already have done this one.
            if attr_of(c, &tab, "data-done").await.as_deref() == Some("true") {
                continue;
            }
            press(c, "#solution-ask").await?;
            c.wait()
                .at_most(Duration::from_secs(10))
                .for_element(Locator::Css("#solution-warning"))
                .await
                .with_context(|| format!("lesson {id}: no warning before the solution"))?;
            press(c, "#solution-ask").await?;
            press(c, "#solution-apply").await?;
            wait_attr(c, &tab, "data-done", "true", 60)
                .await
                .with_context(|| {
                    format!(
                        "lesson {id}, step {}: applying its solution in the page did not complete it",
                        k + 1
                    )
                })?;
        }
        shot(c, shots, &format!("lesson-{id}")).await?;
        if let Some(axe) = axe {
            failures.extend(axe_check(c, &format!("lesson/{id}"), axe).await?);
        }
    }
    ensure!(
        failures.is_empty(),
        "axe-core found serious or critical accessibility violations in lessons:\n{}",
        failures.join("\n")
    );
    Ok(())
}

async fn e2e(c: Client, site: &str, shots: &Path, axe: Option<String>) -> Result<Client> {
    std::fs::create_dir_all(shots)?;
    let _ = std::fs::remove_dir_all(shots.join("transcripts"));
    c.goto(site).await?;
    c.execute("localStorage.clear()", vec![]).await?;
    open(&c, site, "").await?;
    shot(&c, shots, "home").await?;

    step("hash: typing shows the SHA-256").await;
    open(&c, site, "hash").await?;
    type_into(&c, "#hash-input", "hello").await?;
    wait_text(&c, "#hash-output", SHA256_HELLO, 10).await?;
    shot(&c, shots, "hash").await?;

    step("keys: sign, verify, tamper").await;
    open(&c, site, "keys").await?;
    c.find(Locator::Css("#keys-sign")).await?.click().await?;
    wait_text(&c, "#keys-verdict", "Valid", 10).await?;
    c.find(Locator::Css("#keys-tamper")).await?.click().await?;
    wait_text(&c, "#keys-verdict", "does not match the sender's key", 10).await?;
    shot(&c, shots, "keys").await?;

    step("block: mine in workers").await;
    open(&c, site, "block").await?;
    wait_text(&c, "#block-status", "Not valid", 10).await?;
    c.find(Locator::Css("#block-mine")).await?.click().await?;
    wait_text(&c, "#miner-found", "nonce", 120).await?;
    wait_text(&c, "#block-status", "Valid", 10).await?;
    let stats = text_of(&c, "#miner-stats").await?;
    ensure!(stats.contains("hashes/s"), "no hash rate shown: {stats}");
    println!("e2e: block mined ({stats})");
    shot(&c, shots, "block").await?;

    step("chain: edit an old block, later ones break, re-mine").await;
    open(&c, site, "chain").await?;
    for index in 0..5 {
        wait_text(
            &c,
            &format!("#chain-block-{index} .chain-badge"),
            "valid",
            10,
        )
        .await
        .context("the default chain should be whole before any edit")?;
    }
    c.find(Locator::Css("#chain-data-1"))
        .await?
        .send_keys(" 1000")
        .await?;
    wait_text(&c, "#chain-block-4", "broken", 10).await?;
    shot(&c, shots, "chain-broken").await?;
    c.find(Locator::Css("#chain-repair")).await?.click().await?;
    for index in 1..5 {
        wait_text(
            &c,
            &format!("#chain-block-{index} .chain-badge"),
            "valid",
            120,
        )
        .await
        .context("the chain was not repaired")?;
    }
    shot(&c, shots, "chain").await?;

    step("merkle: a proof path").await;
    open(&c, site, "merkle").await?;
    c.find(Locator::Css("#merkle-leaf"))
        .await?
        .select_by_value("3")
        .await?;
    wait_text(&c, "#merkle-verdict", "root", 10).await?;
    shot(&c, shots, "merkle").await?;

    step("wallet: a refused transfer, an accepted one, a mined block").await;
    open(&c, site, "wallet").await?;
    type_into(&c, "#wallet-amount", "500").await?;
    c.find(Locator::Css("#wallet-send")).await?.click().await?;
    wait_text(&c, "#wallet-result", "has only", 10).await?;
    type_into(&c, "#wallet-amount", "25").await?;
    c.find(Locator::Css("#wallet-send")).await?.click().await?;
    wait_text(&c, "#wallet-result", "Accepted", 10).await?;
    c.find(Locator::Css("#wallet-mine")).await?.click().await?;
    wait_text(&c, "#wallet-blocks", "#1", 120).await?;
    shot(&c, shots, "wallet").await?;

    step("reload: the work is still there").await;
    c.refresh().await?;
    wait_text(&c, "#wallet-blocks", "#1", 20).await?;
    open(&c, site, "hash").await?;
    let kept = c
        .find(Locator::Css("#hash-input"))
        .await?
        .prop("value")
        .await?
        .unwrap_or_default();
    ensure!(
        kept == "hello",
        "the hash input was not kept over a reload: {kept:?}"
    );

    step("language: switch to Chinese, and it sticks").await;
    c.find(Locator::Css("#lang-zh-CN")).await?.click().await?;
    wait_text(&c, "main h1", "哈希", 10).await?;
    let lang = c
        .execute("return document.documentElement.lang", vec![])
        .await?;
    ensure!(lang == json!("zh-CN"), "<html lang> is {lang}");
    shot(&c, shots, "hash-zh").await?;
    open(&c, site, "wallet").await?;
    shot(&c, shots, "wallet-zh").await?;
    c.refresh().await?;
    wait_text(&c, "main h1", "钱包", 20).await?;
    c.find(Locator::Css("#lang-en")).await?.click().await?;
    wait_text(&c, "main h1", "Wallet", 10).await?;

    step("phone-sized screen").await;
    c.set_window_size(390, 844).await?;
    open(&c, site, "block").await?;
    shot(&c, shots, "phone-block").await?;
    open(&c, site, "").await?;
    shot(&c, shots, "phone-home").await?;
    c.set_window_size(1280, 900).await?;

    lessons(&c, site, shots).await?;
    every_lesson(&c, site, shots, axe.as_deref()).await?;

    step("corrupted storage: a notice, not a blank page").await;
    c.execute(
        "localStorage.setItem('chainlab.state', '{not json')",
        vec![],
    )
    .await?;
    c.refresh().await?;
    wait_text(&c, "#notice", "could not be read", 20).await?;
    text_of(&c, "main h1").await?;
    shot(&c, shots, "notice").await?;

    world_views(&c, site, shots).await?;
    match axe {
        Some(axe) => accessibility(&c, site, &axe).await?,
        None => println!("e2e: no axe-core given: accessibility not checked"),
    }

    println!("e2e: all steps passed");
    Ok(c)
}

/// Scrolls `css` to the middle of the window (clear of the sticky header)
/// and clicks it.
async fn press(c: &Client, css: &str) -> Result<()> {
    let element = c
        .find(Locator::Css(css))
        .await
        .with_context(|| format!("`{css}` is not on the page"))?;
    c.execute(
        "arguments[0].scrollIntoView({block: 'center', inline: 'center'});",
        vec![serde_json::to_value(&element)?],
    )
    .await?;
    element
        .click()
        .await
        .with_context(|| format!("could not click `{css}`"))?;
    Ok(())
}

/// Waits until `css` matches at least `n` elements.
async fn wait_count(c: &Client, css: &str, n: usize, seconds: u64) -> Result<usize> {
    let deadline = std::time::Instant::now() + Duration::from_secs(seconds);
    loop {
        let found = c
            .find_all(Locator::Css(css))
            .await
            .map(|v| v.len())
            .unwrap_or(0);
        if found >= n {
            return Ok(found);
        }
        if std::time::Instant::now() > deadline {
            bail!("expected at least {n} of `{css}` within {seconds} s, found {found}");
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

/// The world views over their playground worlds: what a student does in
/// each, and a screenshot of each.
async fn world_views(c: &Client, site: &str, shots: &Path) -> Result<()> {
    step("network: play, cut a link, split and heal").await;
    open(c, site, "network").await?;
    // The last lesson opened may still be played here; start afresh.
    press(c, "#playground-reset").await?;
    press(c, "#net-play").await?;
    // Messages appear as blocks and transactions travel.
    wait_count(c, "#net-svg .net-msg", 1, 60)
        .await
        .context("no message was drawn in flight while playing")?;
    shot(c, shots, "network").await?;
    press(c, "#net-play").await?;
    press(c, "#net-link-0-1").await?;
    wait_text(c, "#net-status", "Done", 10).await?;
    let label = c
        .find(Locator::Css("#net-link-0-1"))
        .await?
        .attr("aria-label")
        .await?
        .unwrap_or_default();
    ensure!(
        label.contains(": cut"),
        "clicking the link did not cut it: {label}"
    );
    press(c, "#net-group-0").await?;
    press(c, "#net-group-1").await?;
    press(c, "#net-partition").await?;
    wait_text(c, "#net-status", "Done", 10).await?;
    press(c, "#net-mine-0").await?;
    press(c, "#net-mine-2").await?;
    press(c, "#net-mine-2").await?;
    press(c, "#net-idle").await?;
    wait_text(c, "#net-agree", "no", 10).await?;
    shot(c, shots, "network-partitioned").await?;

    step("blocktree: the fork, then the reorg after healing").await;
    open(c, site, "blocktree").await?;
    press(c, "#net-heal").await?;
    press(c, "#net-mine-2").await?;
    press(c, "#net-idle").await?;
    wait_text(c, "#bt-reorg", "reorganisation", 20).await?;
    wait_count(c, "#bt-svg .bt-block", 4, 10).await?;
    shot(c, shots, "blocktree").await?;

    step("events: the log, filtered").await;
    open(c, site, "events").await?;
    wait_text(c, "#events-list", "reorganised", 10).await?;
    shot(c, shots, "events").await?;
    c.find(Locator::Css("#events-kind"))
        .await?
        .select_by_value("reorg")
        .await?;
    wait_text(c, "#events-list", "reorganised", 10).await?;

    step("mempool: fee order and replace-by-fee").await;
    open(c, site, "mempool").await?;
    type_into(c, "#mempool-nonce", "5").await?;
    press(c, "#mempool-send").await?;
    wait_text(c, "#mempool-status", "Refused", 10).await?;
    shot(c, shots, "mempool").await?;

    step("contract: deploy, call, gas").await;
    open(c, site, "contract").await?;
    press(c, "#contract-deploy").await?;
    wait_text(c, "#contract-receipts", "gas used", 20).await?;
    c.find(Locator::Css("#contract-function"))
        .await?
        .select_by_value("mint")
        .await?;
    type_into(c, "#contract-args", "@bob, 5").await?;
    press(c, "#contract-call").await?;
    wait_text(c, "#contract-receipts", "Minted(", 20).await?;
    wait_text(c, "#contract-storage", "supply", 10).await?;
    shot(c, shots, "contract").await?;

    step("bft: rounds and a decision").await;
    open(c, site, "bft").await?;
    type_into(c, "#net-advance-ms", "2500").await?;
    press(c, "#net-advance").await?;
    wait_text(c, "#bft-decided", "certificate", 20).await?;
    shot(c, shots, "bft").await?;

    step("bridge: lock on A, relay, mint on B").await;
    open(c, site, "bridge").await?;
    press(c, "#bridge-lock").await?;
    for _ in 0..4 {
        press(c, "#bridge-mine-0").await?;
        press(c, "#bridge-advance").await?;
    }
    for _ in 0..3 {
        press(c, "#bridge-mine-1").await?;
        press(c, "#bridge-advance").await?;
    }
    wait_text(c, "#bridge-supply-0", "bob: 40", 20).await?;
    shot(c, shots, "bridge").await?;

    step("world views on a phone-sized screen").await;
    c.set_window_size(390, 844).await?;
    open(c, site, "network").await?;
    shot(c, shots, "phone-network").await?;
    open(c, site, "contract").await?;
    shot(c, shots, "phone-contract").await?;
    press(c, "#nav-menu").await?;
    shot(c, shots, "phone-menu").await?;
    c.set_window_size(1280, 900).await?;
    Ok(())
}

/// Every main view, old and new, that axe-core checks.
const CHECKED_ROUTES: &[&str] = &[
    "",
    "lessons",
    "hash",
    "keys",
    "block",
    "chain",
    "merkle",
    "wallet",
    "network",
    "blocktree",
    "events",
    "mempool",
    "bft",
    "contract",
    "bridge",
];

/// Runs axe-core in each main view and fails on any serious or critical
/// violation, listing each with the elements it concerns.
async fn accessibility(c: &Client, site: &str, axe: &str) -> Result<()> {
    step("accessibility: axe-core in every main view").await;
    let mut failures = Vec::new();
    for route in CHECKED_ROUTES {
        open(c, site, route).await?;
        failures.extend(axe_check(c, route, axe).await?);
    }
    ensure!(
        failures.is_empty(),
        "axe-core found serious or critical accessibility violations:\n{}",
        failures.join("\n")
    );
    Ok(())
}

/// The serious or critical axe-core violations of the page open at
/// `#/{route}`, one line each.
async fn axe_check(c: &Client, route: &str, axe: &str) -> Result<Vec<String>> {
    // The hash route keeps the page, so axe is injected once per load.
    let loaded = c
        .execute("return typeof window.axe !== 'undefined'", vec![])
        .await?;
    if loaded != json!(true) {
        c.execute(&format!("{axe}\n;return true;"), vec![]).await?;
    }
    let result = c
        .execute_async(
            r#"const done = arguments[arguments.length - 1];
               window.axe.run(document, { resultTypes: ['violations'] })
                 .then(r => done(JSON.stringify(r.violations
                    .filter(v => v.impact === 'serious' || v.impact === 'critical')
                    .map(v => ({ id: v.id, impact: v.impact, help: v.help,
                                 nodes: v.nodes.slice(0, 5).map(n => n.target.join(' ')) })))))
                 .catch(e => done(JSON.stringify([{ id: 'axe-error', impact: 'critical', help: String(e), nodes: [] }])));"#,
            vec![],
        )
        .await?;
    let text = result.as_str().unwrap_or("[]");
    let violations: Vec<Value> = serde_json::from_str(text)
        .with_context(|| format!("axe gave unreadable results: {text}"))?;
    let name = if route.is_empty() { "home" } else { route };
    println!(
        "e2e: a11y {name}: {} serious or critical violation(s)",
        violations.len()
    );
    Ok(violations
        .iter()
        .map(|v| {
            format!(
                "#/{route}: {} ({}): {} at {}",
                v["id"].as_str().unwrap_or("?"),
                v["impact"].as_str().unwrap_or("?"),
                v["help"].as_str().unwrap_or("?"),
                v["nodes"]
            )
        })
        .collect())
}

async fn bench(c: Client, site: &str, query: &str) -> Result<Client> {
    c.goto(&format!("{site}#/bench?{query}")).await?;
    let json = c
        .wait()
        // Four 3 s rates plus the whole 100-node, 1,000-block world.
        .at_most(Duration::from_secs(600))
        .for_element(Locator::Css("#bench-json"))
        .await
        .context("the benchmark page did not finish within 600 s")?
        .text()
        .await?;
    let results: serde_json::Map<String, Value> =
        serde_json::from_str(&json).with_context(|| format!("bad benchmark JSON: {json}"))?;
    for (name, value) in results {
        if let Some(number) = value.as_f64() {
            println!("BENCH {name} {number}");
        } else if let (true, Some(failed)) = (name == "failed", value.as_object()) {
            for (name, why) in failed {
                let why = why.as_str().unwrap_or_default().replace('\n', " ");
                println!("FAILED {name}: {why}");
            }
        }
    }
    Ok(c)
}
