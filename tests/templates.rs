//! Templates checked whole: `check` renders the subject like every other template, the
//! subject is filled in per reader, and a template that fails only on real data stops
//! `publish` with exit 78 before anything is frozen or written.

use crate::support::{Project, smtp::Sink, stderr, stdout};

/// The demo with `subject` as its subject template.
fn demo_with_subject(subject: &str) -> Project {
    let project = Project::demo();
    let config = std::fs::read_to_string(project.config()).unwrap();
    let line = "subject = \"{{issue.title}}: {{issue.date}}\"";
    assert!(config.contains(line));
    let config = config.replace(line, &format!("subject = {subject:?}"));
    std::fs::write(project.config(), config).unwrap();
    project
}

#[test]
fn a_subject_that_does_not_render_fails_check() {
    let project = demo_with_subject("{{issue.titel}}: {{issue.date}}");
    let output = project.run(&["check"]);
    assert_eq!(output.status.code(), Some(78), "{}", stdout(&output));
    let err = stderr(&output);
    assert!(
        err.contains("email.subject: template subject:") && err.contains("issue.titel"),
        "{err}"
    );
    // The same configuration with the field spelled right checks clean.
    let project = demo_with_subject("{{issue.title}} for {{reader.name}}");
    let output = project.run(&["check"]);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
}

/// A header's value with its RFC 2047 encoded words decoded (UTF-8, B or Q).
fn decode_header(value: &str) -> String {
    use base64::Engine;
    let mut out = String::new();
    let mut last_encoded = false;
    for (i, word) in value.split(' ').enumerate() {
        let encoded = word
            .strip_prefix("=?")
            .and_then(|w| w.strip_suffix("?="))
            .and_then(|w| {
                let mut parts = w.splitn(3, '?');
                let (charset, kind, text) = (parts.next()?, parts.next()?, parts.next()?);
                assert!(charset.eq_ignore_ascii_case("utf-8"), "{word}");
                let bytes = match kind {
                    "b" | "B" => base64::engine::general_purpose::STANDARD
                        .decode(text)
                        .ok()?,
                    _ => quoted_printable::decode(
                        text.replace('_', " "),
                        quoted_printable::ParseMode::Strict,
                    )
                    .ok()?,
                };
                String::from_utf8(bytes).ok()
            });
        // White space between two encoded words is not part of the text.
        if i > 0 && !(last_encoded && encoded.is_some()) {
            out.push(' ');
        }
        last_encoded = encoded.is_some();
        out.push_str(&encoded.unwrap_or_else(|| word.to_owned()));
    }
    out
}

#[test]
fn the_readers_name_is_filled_in_each_subject() {
    let sink = Sink::start();
    let project = demo_with_subject("{{reader.name}}, your {{issue.title}}");
    let config = std::fs::read_to_string(project.config()).unwrap().replace(
        "transport = \"file\"",
        &format!(
            "transport = \"smtp\"\nhost = \"127.0.0.1\"\nport = {}\ntls = \"none\"\ntimeout = \"5s\"",
            sink.port
        ),
    );
    std::fs::write(project.config(), config).unwrap();
    let output = project.run(&["publish"]);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    let messages = sink.messages();
    assert_eq!(messages.len(), 6);
    let expected = [
        ("anna.petrova@readers.example", "Anna Petrova"),
        ("tomas@readers.example", "Tomás Ibáñez"),
        ("li.wei@readers.example", "Li Wei"),
        ("sam@readers.example", "Sam O'Neill"),
        ("desk@newsroom.example", "reader"),
        ("irina@readers.example", "Ирина Соколова"),
    ];
    for (address, name) in expected {
        let message = messages
            .iter()
            .find(|m| m.to() == address)
            .unwrap_or_else(|| panic!("no message to {address}"));
        let raw = message.header("subject").unwrap();
        assert!(raw.is_ascii(), "{raw}: a header is ASCII (RFC 2047)");
        assert_eq!(
            decode_header(raw),
            format!("{name}, your Meridian Morning Review")
        );
        assert!(!message.raw.contains("[[pressroom:"), "{address}");
        // The footer names the address the message was sent to.
        let text = message.part("text/plain").unwrap();
        let words = text.split_whitespace().collect::<Vec<_>>().join(" ");
        let sent_to = match address {
            "irina@readers.example" => format!("отправлено на адрес {address},"),
            _ => format!("sent to {address} because"),
        };
        assert!(words.contains(&sent_to), "{text}");
        if let Some(html) = message.part("text/html") {
            let at = html.find("<meta charset=\"utf-8\">").expect("a charset");
            assert!(at < 1024, "<meta charset> at byte {at}");
        }
    }
}

/// An email template that renders the sample issue (sections politics and sport) but
/// fails on the demo's, which has a business section.
const FAILS_ON_BUSINESS: &str = "<!DOCTYPE html><html><head><meta charset=\"utf-8\"></head><body>\
{{#each sections}}{{#if (eq id \"business\")}}{{no_such_field}}{{/if}}<h2>{{title}}</h2>{{/each}}\
<a href=\"{{links.unsubscribe}}\">Unsubscribe</a></body></html>";

#[test]
fn a_template_failing_on_real_data_stops_publish_before_anything_is_frozen() {
    for (broken, name) in [
        ("email", "email.html"),
        ("subject", "subject"),
        ("archive", "archive.html"),
    ] {
        let project = match broken {
            "subject" => demo_with_subject(
                "{{#if (eq issue.edition \"morning\")}}{{no_such_field}}{{/if}}{{issue.title}}",
            ),
            _ => Project::demo(),
        };
        if broken != "subject" {
            project.write(&format!("my-templates/{name}.hbs"), FAILS_ON_BUSINESS);
            let config = std::fs::read_to_string(project.config()).unwrap();
            let config = config.replace("[site]\n", "[site]\ntemplates = \"my-templates\"\n");
            std::fs::write(project.config(), config).unwrap();
        }
        // It passes check: the sample issue has no business section.
        let output = project.run(&["check"]);
        assert_eq!(
            output.status.code(),
            Some(0),
            "{broken}: {}",
            stderr(&output)
        );
        let output = project.run(&["publish"]);
        assert_eq!(
            output.status.code(),
            Some(78),
            "{broken}: {}",
            stdout(&output)
        );
        let err = stderr(&output);
        assert!(err.contains(&format!("template {name}")), "{broken}: {err}");
        assert!(err.contains("no_such_field"), "{broken}: {err}");
        // Nothing frozen, nothing written, nothing sent.
        let status = stdout(&project.run(&["status"]));
        assert!(!status.contains("issue morning/"), "{broken}: {status}");
        assert!(
            !project.path("out/morning").exists(),
            "{broken}: an archive page"
        );
        assert!(!project.path("out/feeds").exists(), "{broken}: feeds");
        let outbox = std::fs::read_dir(project.path("state/outbox")).map_or(0, |d| d.count());
        assert_eq!(outbox, 0, "{broken}: messages");
    }
}

#[test]
fn the_published_archive_page_links_its_feeds() {
    let project = Project::demo();
    let output = project.run(&["publish"]);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    let page = std::fs::read_to_string(project.path("out/morning/2026-11-27/index.html")).unwrap();
    let at = page.find("<meta charset=\"utf-8\">").expect("a charset");
    assert!(at < 1024);
    // Edition and site share their title: it is not repeated.
    assert!(
        page.contains("<title>Meridian Morning Review, Friday, 27 November 2026</title>"),
        "{}",
        &page[..600]
    );
    for (kind, title, file) in [
        ("application/rss+xml", "RSS", "morning.xml"),
        ("application/atom+xml", "Atom", "morning.atom"),
        ("application/feed+json", "JSON Feed", "morning.json"),
    ] {
        let link = format!(
            "<link rel=\"alternate\" type=\"{kind}\" title=\"Meridian Morning Review ({title})\" \
             href=\"http://127.0.0.1:8080/feeds/{file}\">"
        );
        assert!(page.contains(&link), "missing {link}");
        assert!(project.path("out/feeds").join(file).exists(), "{file}");
    }
}
