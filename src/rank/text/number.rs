//! Numbers written in digits, as script-neutral keys: one figure written two ways
//! (`194,000`, `194K`; `6,6`, `6.6`) is one key.

use super::{CONCEPT_BIT, hash};

/// Marks number keys apart from name keys.
const NUMBER_KEY: u64 = 0x9e37_79b9_7f4a_7c15;

/// The key of a number written in digits.
pub(super) fn key(digits: &[u8]) -> u64 {
    (hash(digits) ^ NUMBER_KEY) & !CONCEPT_BIT
}

/// The key of the number a numeric word starts with ([`significant`]).
pub(super) fn key_of(word: &[u8]) -> u64 {
    let mut digits = [0u8; 24];
    key(significant(word, &mut digits))
}

/// The significant digits a numeric word starts with, as an integer (the first 18):
/// `$1.2 trillion` is 12, `$1 trillion` 1, `194,000` 194.
pub(super) fn value_of(word: &[u8]) -> u64 {
    let mut digits = [0u8; 24];
    let digits = significant(word, &mut digits);
    (digits.iter().take(18)).fold(0, |value, d| value * 10 + u64::from(d - b'0'))
}

/// The significant digits a numeric word starts with: no decimal point, no trailing
/// zeros, no unit (`194,000`, `194K` and `194` are `194`; `6.4` and `6,4` are `64`;
/// `25C` is `25`), so that one figure written two ways is one number.
/// `buffer` holds them (longer numbers are cut, which only makes two of them meet).
fn significant<'b>(word: &[u8], buffer: &'b mut [u8; 24]) -> &'b [u8] {
    let mut len = 0;
    for &b in word
        .iter()
        .take_while(|b| b.is_ascii_digit() || **b == b'.')
    {
        if b != b'.' && len < buffer.len() {
            buffer[len] = b;
            len += 1;
        }
    }
    while len > 1 && buffer[len - 1] == b'0' {
        len -= 1;
    }
    &buffer[..len]
}
