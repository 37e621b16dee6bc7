//! ChainLab's Web Worker: the hashing loop of the browser app, kept inside
//! wasm and off the page's thread.
//!
//! The page starts `worker.js` (a two-line module that loads this crate's
//! wasm-bindgen output) once per core. At start-up the worker answers
//! `{type: "ready"}`; then for each `{type: "mine", job, header, start,
//! count}` it runs `sandbox_chain::pow::mine_range` over `start..start+count`
//! and answers `{type: "mined", job, tried, nonce?, hash?}`. Benchmarks:
//! `{type: "bench", kind: "hash" | "verify" | "world", ms}` → `{type:
//! "bench", kind, count, ms}` (`world` runs the whole benchmark world and
//! counts its events; `ms` is then what it took), or `{type: "error",
//! message}`. The message logic is plain Rust ([`handle`]) so it is tested
//! natively; only [`start`] touches the browser.

use sandbox_chain::encode::Decode;
use sandbox_chain::hash::{BlockHash, Domain, MerkleRoot};
use sandbox_chain::keys::Keypair;
use sandbox_chain::pow::{Header, MineOutcome, Target, mine_range};

/// The world benchmark's size (as the native `world` bench).
const WORLD_NODES: u32 = 100;
/// Blocks the world benchmark runs to.
const WORLD_BLOCKS: u64 = 1_000;

/// Nonces hashed per clock reading in benchmarks.
const BENCH_CHUNK: u64 = 50_000;
/// Signatures verified per clock reading in benchmarks.
const VERIFY_CHUNK: u64 = 64;

/// A request from the page.
#[derive(Clone, Debug, PartialEq)]
pub enum Request {
    /// Search `start..start + count` for a nonce meeting the header's target.
    Mine {
        /// The job's number, echoed back.
        job: f64,
        /// The canonical header, hex.
        header: String,
        /// First nonce.
        start: u64,
        /// Nonces to try.
        count: u64,
    },
    /// Run a benchmark for about `ms` milliseconds.
    Bench {
        /// `hash` or `verify`.
        kind: String,
        /// Duration.
        ms: f64,
    },
}

/// An answer to the page.
#[derive(Clone, Debug, PartialEq)]
pub enum Reply {
    /// The result of a [`Request::Mine`].
    Mined {
        /// The job's number.
        job: f64,
        /// Nonces hashed.
        tried: u64,
        /// The winning nonce and its hash, if found.
        found: Option<(u64, String)>,
    },
    /// The result of a [`Request::Bench`].
    Bench {
        /// What was measured.
        kind: String,
        /// Operations done.
        count: u64,
        /// Milliseconds taken.
        ms: f64,
    },
    /// A request that could not be served.
    Error(String),
}

/// Serves one request; `now` reads a millisecond clock (for benchmarks).
pub fn handle(request: Request, now: &dyn Fn() -> f64) -> Reply {
    match request {
        Request::Mine {
            job,
            header,
            start,
            count,
        } => {
            let header = match hex::decode(&header)
                .map_err(|e| e.to_string())
                .and_then(|bytes| Header::decode(&bytes).map_err(|e| e.to_string()))
            {
                Ok(header) => header,
                Err(error) => return Reply::Error(format!("bad header: {error}")),
            };
            let end = start.saturating_add(count);
            match mine_range(&header, start..end) {
                MineOutcome::Found { nonce, hash, tried } => Reply::Mined {
                    job,
                    tried,
                    found: Some((nonce, hash.to_hex())),
                },
                outcome => Reply::Mined {
                    job,
                    tried: outcome.tried(),
                    found: None,
                },
            }
        }
        Request::Bench { kind, ms } => {
            let started = now();
            let mut count = 0u64;
            match kind.as_str() {
                "hash" => {
                    let header = bench_header();
                    while now() - started < ms {
                        let from = count;
                        count = count
                            .saturating_add(mine_range(&header, from..from + BENCH_CHUNK).tried());
                    }
                }
                "verify" => {
                    let key = Keypair::from_name("bench");
                    let message = [7u8; 100];
                    let signature = key.sign(Domain::Transfer, &message);
                    let public = key.public();
                    while now() - started < ms {
                        for _ in 0..VERIFY_CHUNK {
                            if public
                                .verify(Domain::Transfer, &message, &signature)
                                .is_ok()
                            {
                                count += 1;
                            }
                        }
                    }
                }
                "world" => {
                    // The same world as the native `world` bench.
                    let mut clock = || now();
                    let r = sandbox_chain::world::bench::bench_pow_world(
                        WORLD_NODES,
                        WORLD_BLOCKS,
                        8,
                        1,
                        &mut clock,
                    );
                    count = r.events;
                }
                other => return Reply::Error(format!("unknown benchmark `{other}`")),
            }
            Reply::Bench {
                kind,
                count,
                ms: now() - started,
            }
        }
    }
}

/// A header no nonce can meet (target 1), so a range is always hashed whole.
pub fn bench_header() -> Header {
    Header {
        chain_id: 1,
        height: 1,
        parent: BlockHash::ZERO,
        merkle_root: MerkleRoot::ZERO,
        timestamp_ms: 0,
        target: Target::MIN,
        nonce: 0,
    }
}

#[cfg(target_arch = "wasm32")]
mod browser {
    use wasm_bindgen::JsCast;
    use wasm_bindgen::prelude::*;
    use web_sys::{DedicatedWorkerGlobalScope, MessageEvent};

    use super::{Reply, Request, handle};

    fn get(value: &JsValue, key: &str) -> JsValue {
        js_sys::Reflect::get(value, &JsValue::from_str(key)).unwrap_or(JsValue::UNDEFINED)
    }

    fn parse(data: &JsValue) -> Option<Request> {
        match get(data, "type").as_string()?.as_str() {
            "mine" => Some(Request::Mine {
                job: get(data, "job").as_f64()?,
                header: get(data, "header").as_string()?,
                start: get(data, "start").as_f64()? as u64,
                count: get(data, "count").as_f64()? as u64,
            }),
            "bench" => Some(Request::Bench {
                kind: get(data, "kind").as_string()?,
                ms: get(data, "ms").as_f64()?,
            }),
            _ => None,
        }
    }

    fn object(fields: &[(&str, JsValue)]) -> JsValue {
        let object = js_sys::Object::new();
        for (key, value) in fields {
            let _ = js_sys::Reflect::set(&object, &JsValue::from_str(key), value);
        }
        object.into()
    }

    fn encode(reply: Reply) -> JsValue {
        match reply {
            Reply::Mined { job, tried, found } => {
                let mut fields = vec![
                    ("type", "mined".into()),
                    ("job", job.into()),
                    ("tried", (tried as f64).into()),
                ];
                if let Some((nonce, hash)) = found {
                    fields.push(("nonce", (nonce as f64).into()));
                    fields.push(("hash", hash.into()));
                }
                object(&fields)
            }
            Reply::Bench { kind, count, ms } => object(&[
                ("type", "bench".into()),
                ("kind", kind.into()),
                ("count", (count as f64).into()),
                ("ms", ms.into()),
            ]),
            Reply::Error(message) => {
                object(&[("type", "error".into()), ("message", message.into())])
            }
        }
    }

    /// Runs when the module loads: in a worker, listens for requests and
    /// says it is ready; anywhere else, does nothing.
    #[wasm_bindgen(start)]
    pub(crate) fn start() {
        let Ok(scope) = js_sys::global().dyn_into::<DedicatedWorkerGlobalScope>() else {
            return;
        };
        let performance = scope.performance();
        let reply_scope = scope.clone();
        let on_message = Closure::<dyn FnMut(MessageEvent)>::new(move |event: MessageEvent| {
            let reply = match parse(&event.data()) {
                Some(request) => {
                    let now = || performance.as_ref().map_or(0.0, |p| p.now());
                    handle(request, &now)
                }
                None => Reply::Error("unreadable request".into()),
            };
            let _ = reply_scope.post_message(&encode(reply));
        });
        scope.set_onmessage(Some(on_message.as_ref().unchecked_ref()));
        // The handler lives as long as the worker.
        on_message.forget();
        let _ = scope.post_message(&object(&[("type", "ready".into())]));
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use sandbox_chain::encode::Encode;

    fn header(bits: u32) -> Header {
        Header {
            target: Target::from_leading_zero_bits(bits).unwrap(),
            ..bench_header()
        }
    }

    #[test]
    fn mining_a_range_finds_the_same_nonce_as_the_library() {
        let h = header(8);
        let expected = mine_range(&h, 0..100_000).nonce().unwrap();
        let reply = handle(
            Request::Mine {
                job: 3.0,
                header: hex::encode(h.encode()),
                start: 0,
                count: 100_000,
            },
            &|| 0.0,
        );
        let Reply::Mined {
            job: 3.0,
            found: Some((nonce, hash)),
            tried,
        } = reply
        else {
            panic!("{reply:?}");
        };
        assert_eq!(nonce, expected);
        assert_eq!(tried, expected + 1);
        assert_eq!(hash, Header { nonce, ..h }.hash().to_hex());
    }

    #[test]
    fn an_unlucky_range_reports_how_many_were_tried() {
        let reply = handle(
            Request::Mine {
                job: 1.0,
                header: hex::encode(bench_header().encode()),
                start: 10,
                count: 500,
            },
            &|| 0.0,
        );
        assert_eq!(
            reply,
            Reply::Mined {
                job: 1.0,
                tried: 500,
                found: None
            }
        );
    }

    #[test]
    fn a_bad_header_is_an_error_not_a_panic() {
        let reply = handle(
            Request::Mine {
                job: 1.0,
                header: "zz".into(),
                start: 0,
                count: 1,
            },
            &|| 0.0,
        );
        assert!(matches!(reply, Reply::Error(_)));
    }

    #[test]
    fn benchmarks_stop_when_the_clock_says_so() {
        let ticks = std::cell::Cell::new(0.0);
        let clock = || {
            ticks.set(ticks.get() + 1.0);
            ticks.get()
        };
        let reply = handle(
            Request::Bench {
                kind: "hash".into(),
                ms: 3.0,
            },
            &clock,
        );
        let Reply::Bench { count, .. } = reply else {
            panic!("{reply:?}")
        };
        assert_eq!(count, 2 * BENCH_CHUNK);
        assert!(matches!(
            handle(
                Request::Bench {
                    kind: "nope".into(),
                    ms: 1.0
                },
                &|| 0.0
            ),
            Reply::Error(_)
        ));
    }
}
