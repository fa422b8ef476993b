//! Decoding and the XML repairs: what each gives, and when a document is borrowed.

use super::*;

#[test]
fn utf8_passes_through_and_declaration_is_rewritten() {
    let doc = "<?xml version=\"1.0\" encoding=\"windows-1251\"?><rss>Привет</rss>";
    let text = to_utf8(doc.as_bytes(), None);
    assert!(text.starts_with("<?xml version=\"1.0\" encoding=\"UTF-8\"?>"));
    assert!(text.contains("Привет"));
}

/// Valid UTF-8 whose declaration is already UTF-8's is borrowed; every other
/// document is copied, and both give the bytes the rewrite gives.
#[test]
fn documents_needing_no_change_are_borrowed() {
    let utf8 = "<?xml version=\"1.0\" encoding=\"UTF-8\"?><rss>é © \u{a0}</rss>";
    let cases = [
        (utf8, true),
        ("<rss>Привет</rss>", true),
        ("<?xml version=\"1.0\"?><rss/>", true),
        ("<?xml version=\"1.0\" encoding=\"utf-8\"?><rss/>", false),
        ("<?xml version='1.0' encoding='UTF-8'?><rss/>", false),
        (
            "\u{feff}<?xml version=\"1.0\" encoding=\"UTF-8\"?><rss/>",
            false,
        ),
        ("\n <rss/>", false),
        ("<rss>\u{85}</rss>", false),
    ];
    for (doc, borrowed) in cases {
        let text = read_text(doc.as_bytes(), None).unwrap();
        assert_eq!(matches!(text, Cow::Borrowed(_)), borrowed, "{doc:?}");
        let copied = charset::decode(doc.as_bytes(), None, declared_encoding(doc.as_bytes()))
            .unwrap()
            .into_owned();
        assert_eq!(text, rewrite_declaration(copied), "{doc:?}");
    }
}

#[test]
fn declared_single_byte_encodings_are_honoured() {
    let (bytes, _, _) = encoding_rs::WINDOWS_1251
        .encode("<?xml version=\"1.0\" encoding=\"windows-1251\"?><t>Москва</t>");
    assert!(to_utf8(&bytes, None).contains("Москва"));
}

#[test]
fn undeclared_cyrillic_is_detected() {
    let sentence = "<rss version=\"2.0\"><channel><title>Новости дня</title><item><title>Правительство утвердило бюджет на следующий год</title></item></channel></rss>";
    let (bytes, _, _) = encoding_rs::WINDOWS_1251.encode(sentence);
    assert!(to_utf8(&bytes, None).contains("Правительство утвердило бюджет"));
}

#[test]
fn utf16_with_and_without_bom() {
    let doc = "<?xml version=\"1.0\" encoding=\"UTF-16\"?><rss>Zürich</rss>";
    let le: Vec<u8> = doc.encode_utf16().flat_map(u16::to_le_bytes).collect();
    let be: Vec<u8> = doc.encode_utf16().flat_map(u16::to_be_bytes).collect();
    let with_bom: Vec<u8> = [0xFE, 0xFF].into_iter().chain(be.iter().copied()).collect();
    for bytes in [le, be, with_bom] {
        let text = to_utf8(&bytes, None);
        assert!(text.contains("Zürich"), "{text}");
        assert!(text.contains("encoding=\"UTF-8\""));
    }
}

#[test]
fn http_charset_is_read() {
    assert_eq!(
        charset_of("text/xml; charset=\"ISO-8859-1\""),
        Some("ISO-8859-1")
    );
    assert_eq!(charset_of("application/rss+xml"), None);
}

#[test]
fn entities_are_repaired_only_where_broken() {
    assert_eq!(repair_entities("Tom & Jerry"), "Tom &amp; Jerry");
    assert_eq!(repair_entities("?a=1&b=2"), "?a=1&amp;b=2");
    assert_eq!(
        repair_entities("a&nbsp;b &amp; c &#160; &lt;"),
        "a&#160;b &amp; c &#160; &lt;"
    );
    assert_eq!(repair_entities("&unknown; &"), "&amp;unknown; &amp;");
}

#[test]
fn legacy_roots_are_modernised() {
    let fixed = modernise("<?xml version=\"1.0\"?>\n<!-- c --><rss><channel/></rss>").unwrap();
    assert!(fixed.contains("<rss version=\"2.0\">"));
    assert!(modernise("<rss version=\"0.91\"><channel/></rss>").is_none());
    assert!(
        modernise("<feed xmlns=\"http://purl.org/atom/ns#\"><modified>x</modified></feed>")
            .unwrap()
            .contains("<updated>x</updated>")
    );
}
