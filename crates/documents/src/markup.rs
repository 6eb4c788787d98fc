//! Escaping for the markup formats (HTML, the `.docx`'s XML): the five special characters become
//! references and the characters XML 1.0 forbids are dropped, so a caller's text can never open a
//! tag, close an attribute or make the file unreadable.

/// Whether XML 1.0 allows `c` in a document: tab, line feed, carriage return and everything from
/// U+0020 except the non-characters U+FFFE and U+FFFF (Rust `char`s are never surrogates).
pub(crate) fn allowed_in_xml(c: char) -> bool {
    matches!(c, '\t' | '\n' | '\r') || (c >= ' ' && c != '\u{FFFE}' && c != '\u{FFFF}')
}

/// Appends `text` to `out` escaped for element content and quoted attribute values alike.
pub(crate) fn escape_into(out: &mut String, text: &str) {
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c if allowed_in_xml(c) => out.push(c),
            _ => {}
        }
    }
}

/// `text` escaped (see [`escape_into`]).
pub(crate) fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    escape_into(&mut out, text);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn specials_become_references_and_forbidden_characters_go() {
        assert_eq!(escape("<a href=\"x\">'&'</a>"), "&lt;a href=&quot;x&quot;&gt;&#39;&amp;&#39;&lt;/a&gt;");
        assert_eq!(escape("a\u{0}b\u{1b}c\u{FFFE}d\te\n"), "abcd\te\n");
        assert_eq!(escape("街道\u{1F600}"), "街道\u{1F600}");
    }
}
