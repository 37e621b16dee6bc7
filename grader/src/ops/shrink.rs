//! Generic shrinking steps shared by operations.

/// Smaller versions of a list: empty, halves, each element removed (bounded),
/// each element shrunk with `elem` (bounded).
pub(crate) fn vec<T: Clone>(v: &[T], elem: impl Fn(&T) -> Vec<T>) -> Vec<Vec<T>> {
    let mut out = Vec::new();
    if v.is_empty() {
        return out;
    }
    out.push(Vec::new());
    if v.len() > 2 {
        let half = v.len() / 2;
        out.push(v[..half].to_vec());
        out.push(v[half..].to_vec());
    }
    for i in 0..v.len().min(16) {
        let mut w = v.to_vec();
        w.remove(i);
        out.push(w);
    }
    for i in 0..v.len().min(8) {
        for smaller in elem(&v[i]).into_iter().take(3) {
            let mut w = v.to_vec();
            w[i] = smaller;
            out.push(w);
        }
    }
    out
}

/// Smaller bytes: fewer of them, or zeroed.
pub(crate) fn bytes(b: &[u8]) -> Vec<Vec<u8>> {
    let mut out = vec(b, |&x| if x == 0 { vec![] } else { vec![0, x / 2] });
    if b.iter().any(|&x| x != 0) {
        out.push(vec![0; b.len()]);
    }
    out
}

/// Smaller numbers: 0, 1, half, one less.
#[allow(dead_code)] // for the chain operations that take numbers
pub(crate) fn u64(x: u64) -> Vec<u64> {
    let mut out = Vec::new();
    for c in [0, 1, x / 2, x.saturating_sub(1)] {
        if c < x && !out.contains(&c) {
            out.push(c);
        }
    }
    out
}
