//! VERP return paths: each message's envelope sender names its reader, so that a
//! bounce arriving later by email (to that address) says whom it is about even when
//! the report itself names a forwarded or rewritten address.
//! `anna@readers.example` under `bounces.news.example` gives
//! `bounces+anna=readers.example@bounces.news.example`.

/// The local part every return path starts with.
const LOCAL: &str = "bounces";

/// The return path of a message to `reader` under `domain`.
pub fn encode(reader: &str, domain: &str) -> String {
    match reader.rsplit_once('@') {
        Some((local, host)) => format!("{LOCAL}+{local}={host}@{domain}"),
        None => format!("{LOCAL}+{reader}@{domain}"),
    }
}

/// The reader a return path names, if `address` is one (any domain).
pub fn decode(address: &str) -> Option<String> {
    let address = address.trim().trim_start_matches('<').trim_end_matches('>');
    let (local, _) = address.rsplit_once('@')?;
    let (prefix, reader) = local.split_once('+')?;
    if !prefix.eq_ignore_ascii_case(LOCAL) {
        return None;
    }
    let (local, host) = reader.rsplit_once('=')?;
    (!local.is_empty() && !host.is_empty()).then(|| format!("{local}@{host}").to_lowercase())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_return_path_names_its_reader_and_back() {
        let path = encode("anna.petrova@readers.example", "bounces.news.example");
        assert_eq!(
            path,
            "bounces+anna.petrova=readers.example@bounces.news.example"
        );
        assert_eq!(
            decode(&path).as_deref(),
            Some("anna.petrova@readers.example")
        );
        assert_eq!(
            decode("<Bounces+Sam=Readers.Example@b.example>").as_deref(),
            Some("sam@readers.example")
        );
        // A local part with '=' of its own keeps it: the host is after the last one.
        let odd = encode("a=b@x.example", "b.example");
        assert_eq!(decode(&odd).as_deref(), Some("a=b@x.example"));
        assert_eq!(decode("review@news.example"), None);
        assert_eq!(decode("someone+tag@news.example"), None);
    }
}
