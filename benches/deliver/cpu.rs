//! CPU time from `/proc`, to tell where a run's two cores went: the bench's children
//! once waited for (`pressroom publish`, `smtp-source`) and a running process
//! (`smtp-sink`). Linux counts it in ticks of 1/100 s (`USER_HZ`).

/// Seconds of CPU (user and system) of the children this process has waited for.
pub fn children() -> f64 {
    stat_fields("/proc/self/stat", 13, 14)
}

/// Seconds of CPU (user and system) of the running process `pid`.
pub fn of(pid: u32) -> f64 {
    stat_fields(&format!("/proc/{pid}/stat"), 11, 12)
}

/// The sum of two tick counts of a `stat` file, counted from the state field (after
/// the command's name in parentheses, which may hold blanks), in seconds.
fn stat_fields(path: &str, a: usize, b: usize) -> f64 {
    let text = std::fs::read_to_string(path).unwrap_or_default();
    let after = text.rsplit_once(')').map_or("", |(_, rest)| rest);
    let fields: Vec<&str> = after.split_whitespace().collect();
    let ticks = |i: usize| fields.get(i).and_then(|f| f.parse::<f64>().ok());
    match (ticks(a), ticks(b)) {
        (Some(x), Some(y)) => (x + y) / 100.0,
        _ => f64::NAN,
    }
}
