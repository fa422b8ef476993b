//! DKIM's "relaxed" canonicalization (RFC 6376 §3.4.2 and §3.4.4), applied to a
//! message exactly as it goes on the wire: the header fields a signature covers,
//! picked from the bottom up as §5.4.2 asks, and the body.

/// The header block and the body of `message` (the bytes after the empty line);
/// a message without a body is all header.
pub(super) fn split(message: &[u8]) -> (&[u8], &[u8]) {
    if message.starts_with(b"\r\n") {
        return (&[], &message[2..]);
    }
    match memchr::memmem::find(message, b"\r\n\r\n") {
        Some(end) => (&message[..end + 2], &message[end + 4..]),
        None => (message, &[]),
    }
}

/// The header fields of a header block, each with its continuation lines and final
/// CRLF, in order.
pub(super) fn fields(block: &[u8]) -> Vec<&[u8]> {
    let mut fields = Vec::new();
    let mut start = 0;
    let mut at = 0;
    while at < block.len() {
        let end = block[at..]
            .windows(2)
            .position(|w| w == b"\r\n")
            .map_or(block.len(), |p| at + p + 2);
        let continues = matches!(block.get(end), Some(b' ' | b'\t'));
        if !continues {
            fields.push(&block[start..end]);
            start = end;
        }
        at = end;
    }
    fields
}

/// A field's name as written (before the colon, blanks dropped).
pub(super) fn name(field: &[u8]) -> &[u8] {
    let colon = field.iter().position(|&b| b == b':').unwrap_or(field.len());
    trim_blanks(&field[..colon])
}

/// Appends the canonical form of each field `names` lists (case-insensitively), in
/// that order, to `out`: for a name listed twice, the last field of that name, then
/// the one above it, and so on; a name with no field left adds nothing (§5.4).
pub(super) fn headers(fields: &[&[u8]], names: &[&str], out: &mut Vec<u8>) {
    let mut used = vec![false; fields.len()];
    for wanted in names {
        let found = (0..fields.len())
            .rev()
            .find(|&i| !used[i] && name(fields[i]).eq_ignore_ascii_case(wanted.as_bytes()));
        if let Some(i) = found {
            used[i] = true;
            header(fields[i], out);
            out.extend_from_slice(b"\r\n");
        }
    }
}

/// Appends the relaxed form of one field, without its final CRLF: the name in lower
/// case, a colon, and the value unfolded with each run of blanks made one space and
/// the blanks at either end dropped.
pub(super) fn header(field: &[u8], out: &mut Vec<u8>) {
    let colon = field.iter().position(|&b| b == b':').unwrap_or(field.len());
    out.extend(
        trim_blanks(&field[..colon])
            .iter()
            .map(u8::to_ascii_lowercase),
    );
    out.push(b':');
    let value = field.get(colon + 1..).unwrap_or_default();
    let mut blank = false;
    let mut started = false;
    for &b in value {
        match b {
            b'\r' | b'\n' => {}
            b' ' | b'\t' => blank = true,
            _ => {
                if blank && started {
                    out.push(b' ');
                }
                blank = false;
                started = true;
                out.push(b);
            }
        }
    }
}

/// The relaxed form of a body: each run of blanks within a line made one space, the
/// blanks at the end of each line and the empty lines at the end of the body
/// dropped, and every line ended by CRLF (an empty body stays empty). A line ends at
/// CRLF only: a bare LF or CR is part of it.
///
/// Line by line, and a line with no tab and no two blanks in a row is copied whole:
/// a body is about 30 KB of quoted-printable, where such runs are rare, and a byte at
/// a time it cost a tenth of an RSA-signed message's CPU.
pub(super) fn body(body: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(body.len() + 2);
    // Where `out` ends after its last non-empty line.
    let mut kept = 0;
    // Where the current line starts in `body`, and where to look for its end.
    let (mut line_start, mut from) = (0, 0);
    while line_start < body.len() {
        let (line, next) = match memchr::memchr(b'\n', &body[from..]).map(|i| from + i) {
            Some(at) if at > line_start && body[at - 1] == b'\r' => {
                (&body[line_start..at - 1], at + 1)
            }
            // A bare LF: part of the line, unless it ends the body.
            Some(at) if at + 1 < body.len() => {
                from = at + 1;
                continue;
            }
            _ => (&body[line_start..], body.len()),
        };
        let start = out.len();
        relaxed_line(line, &mut out);
        // Runs are one space already, so at most one blank ends the line.
        if out.len() > start && out.last() == Some(&b' ') {
            out.pop();
        }
        let empty = out.len() == start;
        out.extend_from_slice(b"\r\n");
        if !empty {
            kept = out.len();
        }
        (line_start, from) = (next, next);
    }
    out.truncate(kept);
    out
}

/// Appends `line` with each run of blanks made one space.
fn relaxed_line(line: &[u8], out: &mut Vec<u8>) {
    if !line.contains(&b'\t') && memchr::memmem::find(line, b"  ").is_none() {
        out.extend_from_slice(line);
        return;
    }
    let mut blank = false;
    for &b in line {
        if b == b' ' || b == b'\t' {
            blank = true;
        } else {
            if blank {
                out.push(b' ');
                blank = false;
            }
            out.push(b);
        }
    }
    if blank {
        out.push(b' ');
    }
}

fn trim_blanks(mut s: &[u8]) -> &[u8] {
    while let [b' ' | b'\t', rest @ ..] = s {
        s = rest;
    }
    while let [rest @ .., b' ' | b'\t'] = s {
        s = rest;
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The example of RFC 6376 §3.4.5.
    const EXAMPLE: &[u8] = b"A: X\r\nB : Y\t\r\n\tZ  \r\n\r\n C \r\nD \t E\r\n\r\n\r\n";

    #[test]
    fn the_rfc_example_in_relaxed_form() {
        let (block, rest) = split(EXAMPLE);
        let fields = fields(block);
        assert_eq!(fields, [&b"A: X\r\n"[..], b"B : Y\t\r\n\tZ  \r\n"]);
        let mut out = Vec::new();
        headers(&fields, &["a", "B"], &mut out);
        assert_eq!(out, b"a:X\r\nb:Y Z\r\n");
        assert_eq!(body(rest), b" C\r\nD E\r\n");
    }

    #[test]
    fn repeated_and_missing_names_are_taken_from_the_bottom() {
        let block = b"Received: one\r\nX: 1\r\nReceived: two\r\n";
        let mut out = Vec::new();
        headers(
            &fields(block),
            &["received", "reply-to", "received"],
            &mut out,
        );
        assert_eq!(out, b"received:two\r\nreceived:one\r\n");
        // A third "received" finds none left and adds nothing.
        out.clear();
        headers(
            &fields(block),
            &["x", "received", "received", "received"],
            &mut out,
        );
        assert_eq!(out, b"x:1\r\nreceived:two\r\nreceived:one\r\n");
    }

    #[test]
    fn bodies_at_the_edges() {
        assert_eq!(body(b""), b"");
        assert_eq!(body(b"\r\n\r\n"), b"");
        assert_eq!(body(b"  \r\n \t\r\n"), b"");
        // A last line without CRLF gets one.
        assert_eq!(body(b"a  b"), b"a b\r\n");
        // Empty lines inside stay; trailing blanks go; leading ones become one space.
        assert_eq!(body(b"a\r\n\r\n\t\tb \r\n"), b"a\r\n\r\n b\r\n");
        // A bare LF is not a line end.
        assert_eq!(body(b"a \n b\r\n"), b"a \n b\r\n");
        assert_eq!(body(b"x\r\n \r\n"), b"x\r\n");
        assert_eq!(
            body(b"x\r\n\r\n\r\n\r\ny \r\n\r\n"),
            b"x\r\n\r\n\r\n\r\ny\r\n"
        );
    }

    /// The byte-at-a-time form `body` replaced, as RFC 6376 §3.4.4 words it.
    fn body_by_bytes(body: &[u8]) -> Vec<u8> {
        let mut out = Vec::new();
        let (mut kept, mut start) = (0, 0);
        let mut pieces = body.split_inclusive(|&b| b == b'\n').peekable();
        while let Some(piece) = pieces.next() {
            let (line, ends) = match piece.strip_suffix(b"\r\n") {
                Some(line) => (line, true),
                None => (piece, pieces.peek().is_none()),
            };
            for &b in line {
                if b == b' ' || b == b'\t' {
                    if out.last() != Some(&b' ') {
                        out.push(b' ');
                    }
                } else {
                    out.push(b);
                }
            }
            if !ends {
                continue;
            }
            if out.len() > start && out.last() == Some(&b' ') {
                out.pop();
            }
            let empty = out.len() == start;
            out.extend_from_slice(b"\r\n");
            if !empty {
                kept = out.len();
            }
            start = out.len();
        }
        out.truncate(kept);
        out
    }

    #[test]
    fn bodies_line_by_line_as_byte_by_byte() {
        // Every string of up to six bytes from the ones that matter, then longer ones.
        let alphabet = [b'a', b' ', b'\t', b'\r', b'\n', b'.'];
        let mut cases: Vec<Vec<u8>> = vec![Vec::new()];
        for _ in 0..6 {
            let longer: Vec<Vec<u8>> = (cases.iter())
                .filter(|c| c.len() == cases.last().map_or(0, Vec::len))
                .flat_map(|c| alphabet.iter().map(move |&b| [c.as_slice(), &[b]].concat()))
                .collect();
            cases.extend(longer);
        }
        let mut state = 7u32;
        for _ in 0..2000 {
            let len = (state % 300) as usize;
            let case = (0..len)
                .map(|_| {
                    state = state.wrapping_mul(1_103_515_245).wrapping_add(12345);
                    alphabet[(state >> 16) as usize % alphabet.len()]
                })
                .collect();
            cases.push(case);
        }
        for case in &cases {
            assert_eq!(
                body(case),
                body_by_bytes(case),
                "{:?}",
                String::from_utf8_lossy(case)
            );
        }
    }

    #[test]
    fn header_values_lose_the_blanks_at_either_end() {
        let mut out = Vec::new();
        header(b"Subject:\t  Hello   there \r\n", &mut out);
        assert_eq!(out, b"subject:Hello there");
        out.clear();
        header(b"DKIM-Signature: v=1; a=x;\r\n b=", &mut out);
        assert_eq!(out, b"dkim-signature:v=1; a=x; b=");
    }
}
