//! W3C-DTF and ISO 8601 as feeds write them: `2026-11-26T10:00:00+03:00` and its
//! relatives: no seconds, fractions, no zone (UTC), `+0300` and `+03`, a space for the
//! `T`, basic forms (`20261126T100000Z`), ordinal dates (`2026-330`), year and month
//! only, and two-digit years (`03-12-31` is 2003, the current century as feedparser
//! reads them).

use chrono::{DateTime, Duration, NaiveDate, Utc};

use super::names;

/// Reads an ISO 8601 / W3C-DTF date, or `None`.
pub fn parse(text: &str) -> Option<DateTime<Utc>> {
    let (date_part, rest) = match text.find(['T', 't', ' ']) {
        Some(i) => (&text[..i], text[i + 1..].trim_start()),
        None => (text, ""),
    };
    let date = date(date_part)?;
    let (seconds, offset) = if rest.is_empty() {
        (0, 0)
    } else {
        time_and_zone(rest)?
    };
    let at = date.and_hms_opt(0, 0, 0)?.and_utc() + Duration::seconds(seconds)
        - Duration::minutes(i64::from(offset));
    Some(at)
}

fn digits(s: &str) -> Option<u32> {
    (!s.is_empty() && s.len() <= 4 && s.bytes().all(|b| b.is_ascii_digit()))
        .then(|| s.parse().ok())
        .flatten()
}

/// Two-digit years are in the current century, as feedparser reads them.
fn year(s: &str) -> Option<i32> {
    let y = digits(s)? as i32;
    match s.len() {
        4 => Some(y),
        2 => Some(2000 + y),
        _ => None,
    }
}

fn date(text: &str) -> Option<NaiveDate> {
    let parts: Vec<&str> = text.split('-').collect();
    let ymd = |y: i32, m: u32, d: u32| NaiveDate::from_ymd_opt(y, m, d);
    let ordinal = |y: i32, o: u32| NaiveDate::from_yo_opt(y, o);
    match parts.as_slice() {
        [y, m, d] if m.len() <= 2 && d.len() <= 2 => ymd(year(y)?, digits(m)?, digits(d)?),
        [y, o] if y.len() == 4 && o.len() == 3 => ordinal(year(y)?, digits(o)?),
        [y, m] if y.len() == 4 && m.len() <= 2 => ymd(year(y)?, digits(m)?, 1),
        [y] if y.len() == 4 => ymd(year(y)?, 1, 1),
        [compact] if compact.bytes().all(|b| b.is_ascii_digit()) => match compact.len() {
            8 => ymd(
                year(&compact[..4])?,
                digits(&compact[4..6])?,
                digits(&compact[6..])?,
            ),
            7 => ordinal(year(&compact[..4])?, digits(&compact[4..])?),
            6 => ymd(
                year(&compact[..2])?,
                digits(&compact[2..4])?,
                digits(&compact[4..])?,
            ),
            _ => None,
        },
        _ => None,
    }
}

/// `hh:mm[:ss[.f]]` or `hhmm[ss]`, then a zone: seconds into the day, offset minutes.
fn time_and_zone(text: &str) -> Option<(i64, i32)> {
    let end = text
        .find(|c: char| !(c.is_ascii_digit() || c == ':' || c == '.' || c == ','))
        .unwrap_or(text.len());
    let (clock, zone) = (&text[..end], text[end..].trim());
    let clock = clock.split(['.', ',']).next()?;
    let fields: Vec<u32> = if clock.contains(':') {
        clock.split(':').map(digits).collect::<Option<_>>()?
    } else {
        let b = clock.as_bytes();
        if b.len() % 2 != 0 || b.len() > 6 {
            return None;
        }
        (0..b.len() / 2)
            .map(|i| digits(&clock[2 * i..2 * i + 2]))
            .collect::<Option<_>>()?
    };
    let (h, m, s) = match fields.as_slice() {
        [h] => (*h, 0, 0),
        [h, m] => (*h, *m, 0),
        [h, m, s] => (*h, *m, *s),
        _ => return None,
    };
    if h > 24 || m > 59 || s > 60 {
        return None;
    }
    let seconds = i64::from(h * 3600 + m * 60 + s.min(59));
    Some((seconds, offset(zone)?))
}

/// `Z`, `+hh:mm`, `+hhmm`, `+hh`, a zone name, or nothing (UTC): minutes east of UTC.
pub fn offset(zone: &str) -> Option<i32> {
    let zone = zone.trim();
    if zone.is_empty() {
        return Some(0);
    }
    if let Some(sign) = zone.strip_prefix('+').map(|z| (1, z)).or_else(|| {
        zone.strip_prefix('-')
            .or_else(|| zone.strip_prefix('\u{2212}'))
            .map(|z| (-1, z))
    }) {
        let (sign, rest) = sign;
        let rest = rest.replace(':', "");
        if !rest.bytes().all(|b| b.is_ascii_digit()) {
            return None;
        }
        let (h, m) = match rest.len() {
            1 | 2 => (digits(&rest)?, 0),
            3 => (digits(&rest[..1])?, digits(&rest[1..])?),
            4 => (digits(&rest[..2])?, digits(&rest[2..])?),
            _ => return None,
        };
        if h > 14 || m > 59 {
            return None;
        }
        return Some(sign * (h as i32 * 60 + m as i32));
    }
    let lowered = zone.to_ascii_lowercase();
    if let Some(rest) = lowered
        .strip_prefix("gmt")
        .or_else(|| lowered.strip_prefix("utc"))
        && !rest.is_empty()
    {
        return offset(rest);
    }
    names::zone(&lowered)
}
