//! The stable 64-bit hash every word, term and key is compared by.

/// A 64-bit hash of a word, eight bytes at a time (multiply–rotate, then a final
/// avalanche): stable across runs and platforms, so results never depend on a random
/// hasher seed.
pub fn hash(bytes: &[u8]) -> u64 {
    const K: u64 = 0x9E37_79B9_7F4A_7C15;
    let mut h = bytes.len() as u64;
    let mut chunks = bytes.chunks_exact(8);
    for chunk in chunks.by_ref() {
        let word = u64::from_le_bytes(chunk.try_into().unwrap_or_default());
        h = (h.rotate_left(23) ^ word).wrapping_mul(K);
    }
    h = (h.rotate_left(23) ^ tail(chunks.remainder())).wrapping_mul(K);
    h ^= h >> 32;
    h = h.wrapping_mul(0xD6E8_FEB8_6659_FD93);
    h ^ (h >> 32)
}

/// The last 0 to 7 bytes of a word as a little-endian number, zero-padded: what
/// `u64::from_le_bytes` gives of them copied into eight zero bytes, read in at most
/// two overlapping loads instead of a copy through memory (which stalls the load
/// after it, and most words end in such a tail).
#[inline]
pub(super) fn tail(bytes: &[u8]) -> u64 {
    let n = bytes.len();
    debug_assert!(n < 8);
    if n >= 4 {
        let low = u32::from_le_bytes([bytes[0], bytes[1], bytes[2], bytes[3]]);
        let high = u32::from_le_bytes([bytes[n - 4], bytes[n - 3], bytes[n - 2], bytes[n - 1]]);
        // The bytes both loads read land in the same places, so OR keeps them.
        u64::from(low) | u64::from(high) << (8 * (n - 4))
    } else if n > 0 {
        u64::from(bytes[0])
            | u64::from(bytes[n / 2]) << (8 * (n / 2))
            | u64::from(bytes[n - 1]) << (8 * (n - 1))
    } else {
        0
    }
}
