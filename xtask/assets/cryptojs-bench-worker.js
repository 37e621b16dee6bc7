// The CryptoJS baseline of `cargo xtask bench` (see xtask/src/bench.rs): a
// classic Web Worker that hashes 80-byte block headers with CryptoJS's
// SHA-256, the library the best-known in-browser blockchain demo uses. The
// xtask serves it, with crypto-js's core.js and sha256.js from npm, beside
// the app in the benchmark's own build only; the bench page starts it with
// `#/bench?cryptojs=cryptojs/worker.js`.
//
// It speaks the app worker's benchmark protocol (web-worker/src/lib.rs):
// `{type: "ready"}` once loaded, then `{type: "bench", kind, ms}` ->
// `{type: "bench", kind, count, ms}`, or `{type: "error", message}`.
//
// Two kinds, both 80 bytes = 2 SHA-256 compressions per hash, the same as
// the app's mining loop per nonce (its 143 tagged bytes are 3 blocks, the
// first saved as a midstate):
// - `cryptojs`: the header as a WordArray, the nonce its last word: no
//   string work per hash, CryptoJS's fastest path (a baseline that, if
//   anything, flatters it);
// - `cryptojs-string`: the mining step as the demo does it: the header as
//   a string (72 characters of block fields, then the nonce as 8 decimal
//   digits) that CryptoJS.SHA256 turns into bytes on every call, and the
//   hash read back as hex to compare its leading zeros.
importScripts("core.js", "sha256.js");

function selfTest() {
  // FIPS 180-2, appendix B.1.
  const abc = CryptoJS.SHA256("abc").toString();
  return abc === "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad";
}

function benchWords(ms) {
  const words = [];
  for (let i = 0; i < 20; i++) words.push(Math.imul(i + 1, 0x9e3779b9) | 0);
  const header = CryptoJS.lib.WordArray.create(words, 80);
  let count = 0;
  let sink = 0;
  const start = performance.now();
  while (performance.now() - start < ms) {
    for (let i = 0; i < 1000; i++) {
      header.words[19] = count; // the nonce, last as in a Bitcoin header
      sink ^= CryptoJS.SHA256(header).words[0];
      count++;
    }
  }
  return { count, ms: performance.now() - start, sink };
}

function benchString(ms) {
  // Block number, previous hash (hex) and data, as the demo concatenates.
  const fields = ("1" + "0".repeat(64) + "alice->bob").padEnd(72, " ").slice(0, 72);
  let count = 0;
  let sink = 0;
  const start = performance.now();
  while (performance.now() - start < ms) {
    for (let i = 0; i < 1000; i++) {
      const nonce = String(count % 100000000).padStart(8, "0");
      // The demo reads each hash as hex to compare its leading zeros.
      sink ^= CryptoJS.SHA256(fields + nonce).toString().charCodeAt(0);
      count++;
    }
  }
  return { count, ms: performance.now() - start, sink };
}

const KINDS = { cryptojs: benchWords, "cryptojs-string": benchString };

self.onmessage = (event) => {
  const data = event.data || {};
  if (data.type !== "bench") {
    self.postMessage({ type: "error", message: "unreadable request" });
    return;
  }
  if (!selfTest()) {
    self.postMessage({ type: "error", message: "CryptoJS SHA-256 of \"abc\" is wrong" });
    return;
  }
  const bench = KINDS[data.kind];
  if (!bench) {
    self.postMessage({ type: "error", message: `unknown benchmark \`${data.kind}\`` });
    return;
  }
  const r = bench(data.ms);
  self.postMessage({ type: "bench", kind: data.kind, count: r.count, ms: r.ms, sink: r.sink });
};

self.postMessage({ type: "ready" });
