//! Dates as feeds write them, read the way feedparser reads them: W3C-DTF and ISO
//! 8601 ([`iso`]), RFC 822 and its breakages (two-digit years, named and numeric
//! zones, no seconds, no weekday or a wrong one, day and month swapped), asctime, the
//! Korean, Greek and Hungarian forms feedparser knows, Perforce's `2006/09/15`, and
//! the common others (`26.11.2026 10:00`, `November 26, 2026 10:00 AM`, month names in
//! German, French, Spanish, Italian, Portuguese and Dutch). A date without a zone is
//! taken as UTC. What cannot be read returns `None`; the caller falls back to the
//! updated time, then to the time the story was first seen, and counts it.

mod iso;
mod names;
#[cfg(test)]
mod tests;

use chrono::{DateTime, Duration, NaiveDate, NaiveDateTime, Utc};

/// Parses a feed date, or `None` when no known form fits.
pub fn parse(raw: &str) -> Option<DateTime<Utc>> {
    common_rfc822(raw).or_else(|| any_form(raw))
}

/// The form nearly every RSS feed writes, `Fri, 27 Nov 2026 06:00:00 +0000`, read
/// without the allocations of the general path: exactly what [`any_form`] gives for
/// it, and `None` (try them all) for anything else, including an impossible date.
fn common_rfc822(raw: &str) -> Option<DateTime<Utc>> {
    const WEEKDAYS: [&str; 7] = ["Mon,", "Tue,", "Wed,", "Thu,", "Fri,", "Sat,", "Sun,"];
    const MONTHS: [&str; 12] = [
        "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
    ];
    if !raw.is_ascii() {
        return None;
    }
    let mut tokens = raw.split_whitespace();
    let mut next = || tokens.next();
    let (weekday, day, month, year, clock, zone) =
        (next()?, next()?, next()?, next()?, next()?, next()?);
    if tokens.next().is_some() || !WEEKDAYS.contains(&weekday) {
        return None;
    }
    let digits = |s: &str, n: std::ops::RangeInclusive<usize>| {
        (n.contains(&s.len()) && s.bytes().all(|b| b.is_ascii_digit()))
            .then(|| s.bytes().fold(0u32, |v, b| v * 10 + u32::from(b - b'0')))
    };
    let day = digits(day, 1..=2)?;
    let month = MONTHS.iter().position(|m| *m == month)? as u32 + 1;
    let year = digits(year, 4..=4)? as i32;
    let [h1, h2, b':', m1, m2, b':', s1, s2] = *clock.as_bytes() else {
        return None;
    };
    let field = |a: u8, b: u8| digits(std::str::from_utf8(&[a, b]).ok()?, 2..=2);
    let (hour, minute, second) = (field(h1, h2)?, field(m1, m2)?, field(s1, s2)?);
    let numeric = zone.len() == 5
        && zone.starts_with(['+', '-'])
        && zone[1..].bytes().all(|b| b.is_ascii_digit());
    if !(numeric || matches!(zone, "GMT" | "UTC" | "UT" | "Z")) {
        return None;
    }
    let offset = iso::offset(zone).unwrap_or(0);
    let at = NaiveDate::from_ymd_opt(year, month, day)?
        .and_hms_opt(hour, minute, second.min(59))?
        .and_utc();
    Some(at - Duration::minutes(i64::from(offset)))
        .filter(|at| (1..=9999).contains(&chrono::Datelike::year(at)))
}

/// Every form this module knows, tried in turn.
fn any_form(raw: &str) -> Option<DateTime<Utc>> {
    let text = raw.split_whitespace().collect::<Vec<_>>().join(" ");
    if text.is_empty() || text.len() > 100 {
        return None;
    }
    if let Ok(at) = DateTime::parse_from_rfc3339(&text) {
        return Some(at.to_utc());
    }
    korean(&text)
        .or_else(|| hungarian(&text))
        .or_else(|| iso::parse(&text))
        .or_else(|| rfc822(&text))
        .or_else(|| asctime(&text))
        .or_else(|| perforce(&text))
        .or_else(|| naive(&text))
        .filter(|at| (1..=9999).contains(&chrono::Datelike::year(at)))
}

/// RFC 822 as feedparser reads it: `[weekday,] day month year [time [zone]]`, the day
/// and month in either order, a two-digit year 90–99 in the 1900s and 00–89 in the
/// 2000s, a time without seconds, `AM`/`PM`, a zone as a name, `±hhmm`, `±hh:mm`,
/// `GMT+1` or nothing (UTC).
fn rfc822(text: &str) -> Option<DateTime<Utc>> {
    let cleaned: String = text
        .chars()
        .map(|c| if c == ',' { ' ' } else { c })
        .collect();
    let mut parts: Vec<String> = Vec::new();
    for token in cleaned.split_whitespace() {
        // Comments such as "(PST)" carry nothing the zone does not say.
        if token.starts_with('(') && token.ends_with(')') {
            continue;
        }
        // 26-Nov-2026 and 26/Nov/2026.
        let pieces: Vec<&str> = token.split(['-', '/']).collect();
        if pieces.len() == 3 && names::month(pieces[1]).is_some() {
            parts.extend(pieces.iter().map(|p| p.to_string()));
        } else {
            parts.push(token.to_owned());
        }
    }
    while parts.first().is_some_and(|p| names::is_weekday(p)) {
        parts.remove(0);
    }
    if parts.len() < 3 {
        return None;
    }
    // "26", "26." and "26th".
    let number = |s: &str| -> Option<u32> {
        let s = s.trim_end_matches('.');
        let s = ["st", "nd", "rd", "th"]
            .iter()
            .find_map(|suffix| s.strip_suffix(suffix))
            .unwrap_or(s);
        s.parse().ok()
    };
    let (day, month) = match (number(&parts[0]), names::month(&parts[0])) {
        (Some(day), _) => (day, names::month(&parts[1])?),
        (None, Some(month)) => (number(&parts[1])?, month),
        _ => return None,
    };
    let year_text = parts[2].trim_end_matches('.');
    let mut year: i32 = year_text.parse().ok()?;
    if year_text.len() <= 2 {
        year += if year < 90 { 2000 } else { 1900 };
    }
    let mut rest = parts[3..].iter().map(String::as_str).peekable();
    let (mut hour, mut minute, mut second) = (0, 0, 0);
    if let Some(clock) = rest.next_if(|p| p.contains(':')) {
        let mut fields = clock.split(':');
        hour = fields.next()?.parse().ok()?;
        minute = fields.next()?.parse().ok()?;
        second = match fields.next() {
            Some(s) => s.split(['.', ',']).next()?.parse().ok()?,
            None => 0,
        };
        if fields.next().is_some() {
            return None;
        }
    }
    match rest.next_if(|p| p.eq_ignore_ascii_case("am") || p.eq_ignore_ascii_case("pm")) {
        Some(pm) if pm.eq_ignore_ascii_case("pm") && hour < 12 => hour += 12,
        Some(_) if hour == 12 => hour = 0,
        _ => {}
    }
    let zone: String = rest.collect::<Vec<_>>().join("");
    let offset = match zone.as_str() {
        "" => 0,
        z => iso::offset(z).unwrap_or(0),
    };
    let at = NaiveDate::from_ymd_opt(year, month, day)?
        .and_hms_opt(hour, minute, second.min(59))?
        .and_utc();
    Some(at - Duration::minutes(i64::from(offset)))
}

/// asctime: `Sun Nov  6 08:49:37 1994`, possibly with a zone before the year.
fn asctime(text: &str) -> Option<DateTime<Utc>> {
    let parts: Vec<&str> = text.split_whitespace().collect();
    let (month, day, clock, zone, year) = match parts.as_slice() {
        [_, month, day, clock, year] => (month, day, clock, "", year),
        [_, month, day, clock, zone, year] => (month, day, clock, *zone, year),
        _ => return None,
    };
    names::month(month)?;
    if !clock.contains(':') || year.len() != 4 || year.parse::<i32>().is_err() {
        return None;
    }
    rfc822(&format!("{day} {month} {year} {clock} {zone}"))
}

/// Perforce: `Fri, 2006/09/15 08:19:53 EDT`.
fn perforce(text: &str) -> Option<DateTime<Utc>> {
    let (_, rest) = text.split_once(", ")?;
    let mut parts = rest.splitn(2, ' ');
    let date: Vec<&str> = parts.next()?.split('/').collect();
    let [year, month, day] = date.as_slice() else {
        return None;
    };
    let month: usize = month.parse().ok()?;
    const MONTHS: [&str; 12] = [
        "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
    ];
    let month = MONTHS.get(month.checked_sub(1)?)?;
    rfc822(&format!(
        "{day} {month} {year} {}",
        parts.next().unwrap_or("")
    ))
}

/// Korean (feedparser's OnBlog and Nate forms), in Korea's zone:
/// `2004년 05월 28일 01:31:15` and `2004-05-25 오후 11:23:17`.
fn korean(text: &str) -> Option<DateTime<Utc>> {
    let (date, clock) = if text.contains('년') {
        let numbers: Vec<&str> = text
            .split(|c: char| !c.is_ascii_digit() && c != ':')
            .filter(|s| !s.is_empty())
            .collect();
        let [y, m, d, clock] = numbers.as_slice() else {
            return None;
        };
        (format!("{y}-{m}-{d}"), clock.to_string())
    } else if text.contains("오전") || text.contains("오후") {
        let parts: Vec<&str> = text.split_whitespace().collect();
        let [date, half, clock] = parts.as_slice() else {
            return None;
        };
        let mut fields = clock.splitn(2, ':');
        let mut hour: u32 = fields.next()?.parse().ok()?;
        if *half == "오후" && hour < 12 {
            hour += 12;
        }
        (date.to_string(), format!("{hour:02}:{}", fields.next()?))
    } else {
        return None;
    };
    iso::parse(&format!("{date}T{clock}+09:00"))
}

/// Hungarian, as feedparser reads it: `2004-július-13T9:15-05:00`.
fn hungarian(text: &str) -> Option<DateTime<Utc>> {
    let mut parts = text.splitn(3, '-');
    let (year, month, rest) = (parts.next()?, parts.next()?, parts.next()?);
    if month.chars().all(|c| c.is_ascii_digit()) {
        return None;
    }
    let month = names::month(month)?;
    let (day, time) = rest.split_once(['T', 't']).unwrap_or((rest, ""));
    let time = match time.split_once(':') {
        Some((h, m)) if h.len() == 1 => format!("0{h}:{m}"),
        _ => time.to_owned(),
    };
    let day: u32 = day.parse().ok()?;
    iso::parse(&format!("{year}-{month:02}-{day:02}T{time}"))
}

/// Forms without a zone, read as UTC.
fn naive(text: &str) -> Option<DateTime<Utc>> {
    const FORMATS: &[&str] = &[
        "%d.%m.%Y %H:%M:%S",
        "%d.%m.%Y %H:%M",
        "%d/%m/%Y %H:%M",
        "%B %d, %Y %I:%M %p",
        "%B %d, %Y %H:%M",
        "%b %d, %Y %I:%M %p",
        "%d %B %Y %H:%M",
    ];
    if let Some(at) = FORMATS
        .iter()
        .find_map(|f| NaiveDateTime::parse_from_str(text, f).ok())
    {
        return Some(at.and_utc());
    }
    const DAYS: &[&str] = &["%d.%m.%Y", "%B %d, %Y"];
    DAYS.iter()
        .find_map(|f| NaiveDate::parse_from_str(text, f).ok())
        .and_then(|d| d.and_hms_opt(0, 0, 0))
        .map(|at| at.and_utc())
}
