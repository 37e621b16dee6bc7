//! Mining in Web Workers: the pool, the messages, and the [`Miner`] handle
//! that views use. The page's thread only hands out nonce ranges and reads
//! results; every hash is computed in a worker, inside wasm, by
//! `sandbox_chain::pow::mine_range` (see the `web-worker` crate).
//!
//! Protocol (plain JS objects):
//! - worker → page `{type: "ready"}` once its wasm is loaded;
//! - page → worker `{type: "mine", job, header, start, count}` (`header`: the
//!   124-byte canonical header in hex);
//! - worker → page `{type: "mined", job, tried, nonce?, hash?}`;
//! - page → worker `{type: "bench", kind: "hash" | "verify" | "world", ms}`;
//! - worker → page `{type: "bench", kind, count, ms}` or `{type: "error",
//!   message}`.

use std::cell::RefCell;
use std::rc::Rc;

use leptos::prelude::*;
use sandbox_chain::encode::Encode;
use sandbox_chain::pow::Header;
use wasm_bindgen::JsCast;
use wasm_bindgen::prelude::*;
use web_sys::{MessageEvent, Worker, WorkerOptions, WorkerType};

use crate::browser;
use crate::mining::{CHUNK, ChunkPlan, MiningState, MiningStatus};

/// The worker script when the page names none (`<meta name="chainlab-worker">`).
const DEFAULT_WORKER_URL: &str = "./worker.js";

type OnFound = Box<dyn FnOnce(u64)>;
type MessageHandler = Closure<dyn FnMut(MessageEvent)>;
type ErrorHandler = Closure<dyn FnMut(web_sys::Event)>;

struct Slot {
    worker: Worker,
    ready: bool,
    busy: bool,
    _on_message: Closure<dyn FnMut(MessageEvent)>,
    _on_error: Closure<dyn FnMut(web_sys::Event)>,
}

struct Job {
    id: u32,
    header_hex: String,
    plan: ChunkPlan,
    started_ms: f64,
    on_found: Option<OnFound>,
}

struct Pool {
    slots: Vec<Slot>,
    job: Option<Job>,
    next_id: u32,
    status: RwSignal<MiningStatus>,
}

thread_local! {
    static POOL: RefCell<Option<Pool>> = const { RefCell::new(None) };
}

fn worker_url() -> String {
    browser::meta_content("chainlab-worker").unwrap_or_else(|| DEFAULT_WORKER_URL.into())
}

/// Starts the app's module worker; its messages go to `on_message`.
fn spawn_worker(
    on_message: impl FnMut(MessageEvent) + 'static,
    on_error: impl FnMut(web_sys::Event) + 'static,
) -> Result<(Worker, MessageHandler, ErrorHandler), String> {
    spawn_worker_at(&BenchWorker::App, on_message, on_error)
}

/// Starts `which` worker; its messages go to `on_message`.
fn spawn_worker_at(
    which: &BenchWorker,
    on_message: impl FnMut(MessageEvent) + 'static,
    on_error: impl FnMut(web_sys::Event) + 'static,
) -> Result<(Worker, MessageHandler, ErrorHandler), String> {
    let options = WorkerOptions::new();
    let url = match which {
        BenchWorker::App => {
            options.set_type(WorkerType::Module);
            worker_url()
        }
        BenchWorker::Script(url) => {
            options.set_type(WorkerType::Classic);
            url.clone()
        }
    };
    let worker = Worker::new_with_options(&url, &options).map_err(|e| format!("{e:?}"))?;
    let on_message = Closure::<dyn FnMut(MessageEvent)>::new(on_message);
    let on_error = Closure::<dyn FnMut(web_sys::Event)>::new(on_error);
    worker.set_onmessage(Some(on_message.as_ref().unchecked_ref()));
    worker.set_onerror(Some(on_error.as_ref().unchecked_ref()));
    Ok((worker, on_message, on_error))
}

fn get_str(value: &JsValue, key: &str) -> Option<String> {
    js_sys::Reflect::get(value, &JsValue::from_str(key))
        .ok()?
        .as_string()
}

fn get_f64(value: &JsValue, key: &str) -> Option<f64> {
    js_sys::Reflect::get(value, &JsValue::from_str(key))
        .ok()?
        .as_f64()
}

fn message(fields: &[(&str, JsValue)]) -> JsValue {
    let object = js_sys::Object::new();
    for (key, value) in fields {
        let _ = js_sys::Reflect::set(&object, &JsValue::from_str(key), value);
    }
    object.into()
}

impl Pool {
    fn new(status: RwSignal<MiningStatus>) -> Result<Pool, String> {
        let count = browser::hardware_concurrency();
        let mut slots = Vec::new();
        for index in 0..count as usize {
            let (worker, on_message, on_error) = spawn_worker(
                move |event| on_pool_message(index, &event.data()),
                move |_| on_pool_error(),
            )?;
            slots.push(Slot {
                worker,
                ready: false,
                busy: false,
                _on_message: on_message,
                _on_error: on_error,
            });
        }
        Ok(Pool {
            slots,
            job: None,
            next_id: 1,
            status,
        })
    }

    /// Gives the next chunk of the current job to worker `index` if idle.
    fn dispatch(&mut self, index: usize) {
        let Some(job) = self.job.as_mut() else { return };
        let Some(slot) = self.slots.get_mut(index) else {
            return;
        };
        if !slot.ready || slot.busy {
            return;
        }
        let Some(range) = job.plan.next_chunk() else {
            return;
        };
        let msg = message(&[
            ("type", "mine".into()),
            ("job", job.id.into()),
            ("header", job.header_hex.as_str().into()),
            ("start", (range.start as f64).into()),
            ("count", ((range.end - range.start) as f64).into()),
        ]);
        if slot.worker.post_message(&msg).is_ok() {
            slot.busy = true;
        }
    }

    fn dispatch_all(&mut self) {
        for index in 0..self.slots.len() {
            self.dispatch(index);
        }
    }
}

fn on_pool_error() {
    POOL.with(|pool| {
        if let Some(pool) = pool.borrow_mut().as_mut() {
            pool.job = None;
            pool.status.update(|s| {
                s.state = MiningState::Failed("a mining worker failed to start".into());
            });
        }
    });
}

fn on_pool_message(index: usize, data: &JsValue) {
    let kind = get_str(data, "type").unwrap_or_default();
    let found: Option<(OnFound, u64)> = POOL.with(|pool| {
        let mut pool = pool.borrow_mut();
        let pool = pool.as_mut()?;
        let slot = pool.slots.get_mut(index)?;
        match kind.as_str() {
            "ready" => slot.ready = true,
            "mined" => slot.busy = false,
            _ => return None,
        }
        let mut found = None;
        if kind == "mined" {
            let job_id = get_f64(data, "job").unwrap_or(-1.0) as u32;
            let tried = get_f64(data, "tried").unwrap_or(0.0) as u64;
            let now = browser::now_ms();
            if let Some(job) = pool.job.as_mut().filter(|j| j.id == job_id) {
                let elapsed = now - job.started_ms;
                pool.status.update(|s| {
                    s.record(job_id, tried, elapsed);
                });
                if let Some(nonce) = get_f64(data, "nonce") {
                    let hash = get_str(data, "hash").unwrap_or_default();
                    let nonce = nonce as u64;
                    pool.status
                        .update(|s| s.state = MiningState::Found { nonce, hash });
                    let callback = job.on_found.take();
                    pool.job = None;
                    found = callback.map(|f| (f, nonce));
                }
            }
        }
        if pool.job.is_some() {
            pool.dispatch(index);
        }
        found
    });
    // Called with the pool released: the callback may start the next job.
    if let Some((callback, nonce)) = found {
        callback(nonce);
    }
}

/// What views use to mine: the status to show, and start and cancel.
#[derive(Clone, Copy)]
pub struct Miner {
    status: RwSignal<MiningStatus>,
}

/// Provides the [`Miner`]; the workers start at the first job.
pub fn provide_miner() -> Miner {
    let miner = Miner {
        status: RwSignal::new(MiningStatus::default()),
    };
    provide_context(miner);
    miner
}

/// The miner from context.
pub fn use_miner() -> Miner {
    expect_context()
}

impl Miner {
    /// The current job's status (tracked).
    pub fn status(self) -> MiningStatus {
        self.status.get()
    }

    /// Whether `owner`'s job is running (tracked).
    pub fn is_running_for(self, owner: &str) -> bool {
        self.status.with(|s| s.owner == owner && s.is_running())
    }

    /// Whether any job is running (tracked).
    pub fn busy(self) -> bool {
        self.status.with(MiningStatus::is_running)
    }

    /// Searches nonces for `header` on every worker; `on_found` gets the
    /// nonce. Replaces any running job.
    pub fn start(self, owner: &str, header: &Header, on_found: impl FnOnce(u64) + 'static) {
        let status = self.status;
        let header_hex = hex::encode(header.encode());
        let expected = header.target.work() as f64;
        let error = POOL.with(|cell| {
            let mut cell = cell.borrow_mut();
            if cell.is_none() {
                match Pool::new(status) {
                    Ok(pool) => *cell = Some(pool),
                    Err(error) => return Some(error),
                }
            }
            let pool = cell.as_mut()?;
            let id = pool.next_id;
            pool.next_id = pool.next_id.wrapping_add(1);
            pool.job = Some(Job {
                id,
                header_hex,
                plan: ChunkPlan::new(CHUNK),
                started_ms: browser::now_ms(),
                on_found: Some(Box::new(on_found)),
            });
            let workers = pool.slots.len() as u32;
            status.set(MiningStatus::start(owner, id, expected, workers));
            pool.dispatch_all();
            None
        });
        if let Some(error) = error {
            self.status.set(MiningStatus {
                owner: owner.into(),
                state: MiningState::Failed(error),
                ..MiningStatus::default()
            });
        }
    }

    /// Stops the running job; workers finish their current chunk and idle.
    pub fn cancel(self) {
        POOL.with(|cell| {
            if let Some(pool) = cell.borrow_mut().as_mut() {
                pool.job = None;
            }
        });
        self.status.update(|s| {
            if s.is_running() {
                s.state = MiningState::Cancelled;
            }
        });
    }
}

/// Which script a benchmark's workers run.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum BenchWorker {
    /// The app's own worker (the `web-worker` crate's wasm).
    App,
    /// A classic worker script at this relative URL that speaks the same
    /// benchmark protocol (the CryptoJS baseline `cargo xtask bench` serves).
    Script(String),
}

/// One benchmark: `workers` fresh `which` workers each run `kind` for `ms`
/// milliseconds; `done` gets the summed rate per second, or why it failed
/// (a worker that could not start or load, or that answered an error).
/// The workers are terminated afterwards.
pub fn run_bench(
    which: BenchWorker,
    kind: &'static str,
    workers: u32,
    ms: f64,
    done: impl FnOnce(Result<f64, String>) + 'static,
) {
    type Done = Box<dyn FnOnce(Result<f64, String>)>;
    struct Run {
        workers: Vec<Worker>,
        closures: Vec<Closure<dyn FnMut(MessageEvent)>>,
        error_closures: Vec<Closure<dyn FnMut(web_sys::Event)>>,
        rates: Vec<f64>,
        done: Option<Done>,
    }
    impl Run {
        /// Stops every worker and hands back `done` (once).
        fn finish(&mut self) -> Option<Done> {
            for worker in &self.workers {
                worker.terminate();
            }
            self.done.take()
        }
    }
    let run = Rc::new(RefCell::new(Run {
        workers: Vec::new(),
        closures: Vec::new(),
        error_closures: Vec::new(),
        rates: Vec::new(),
        done: Some(Box::new(done)),
    }));
    for index in 0..workers as usize {
        let shared = Rc::clone(&run);
        let on_message = move |event: MessageEvent| {
            let data = event.data();
            let finished = {
                let mut run = shared.borrow_mut();
                match get_str(&data, "type").as_deref() {
                    Some("ready") => {
                        let msg = message(&[
                            ("type", "bench".into()),
                            ("kind", kind.into()),
                            ("ms", ms.into()),
                        ]);
                        if let Some(worker) = run.workers.get(index) {
                            let _ = worker.post_message(&msg);
                        }
                        None
                    }
                    Some("bench") => {
                        let count = get_f64(&data, "count").unwrap_or(0.0);
                        let took = get_f64(&data, "ms").unwrap_or(1.0).max(1.0);
                        run.rates.push(count * 1000.0 / took);
                        if run.rates.len() == run.workers.len() {
                            let total: f64 = run.rates.iter().sum();
                            run.finish().map(|f| (f, Ok(total)))
                        } else {
                            None
                        }
                    }
                    Some("error") => {
                        let why = get_str(&data, "message").unwrap_or_default();
                        run.finish().map(|f| (f, Err(why)))
                    }
                    _ => None,
                }
            };
            if let Some((done, result)) = finished {
                done(result);
            }
        };
        let shared = Rc::clone(&run);
        let on_error = move |event: web_sys::Event| {
            let why = get_str(event.as_ref(), "message")
                .filter(|m| !m.is_empty())
                .unwrap_or_else(|| "the worker script could not be loaded or failed".into());
            let finished = shared.borrow_mut().finish();
            if let Some(done) = finished {
                done(Err(why));
            }
        };
        match spawn_worker_at(&which, on_message, on_error) {
            Ok((worker, on_message, on_error)) => {
                let mut run = run.borrow_mut();
                run.workers.push(worker);
                run.closures.push(on_message);
                run.error_closures.push(on_error);
            }
            Err(why) => {
                let finished = run.borrow_mut().finish();
                if let Some(done) = finished {
                    done(Err(why));
                }
                return;
            }
        }
    }
    // The closures must outlive every message; a benchmark runs a few times
    // per page, so its handful of closures is deliberately never freed.
    std::mem::forget(run);
}
