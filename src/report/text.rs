//! Text from the graded account (names, bodies, headers, policies) is untrusted: before it reaches a terminal or an
//! XML document, characters that could forge lines, move the cursor, colour the screen, reorder text or break the
//! document are written out as visible escapes.

use std::borrow::Cow;
use std::fmt::Write;

/// Whether `c` must not reach a terminal or an XML document as it is: control characters (C0 including newline and
/// tab, DEL, C1), bidirectional-text controls (which can make text read differently from what it is), and the
/// non-characters U+FFFE/U+FFFF (invalid in XML).
fn unsafe_char(c: char) -> bool {
    c.is_control()
        || matches!(c, '\u{200E}' | '\u{200F}' | '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}')
        || matches!(c, '\u{FFFE}' | '\u{FFFF}')
}

/// `text` with every unsafe character written as an escape (`\n`, `\t`, `\r`, `\u{1b}`): one visible line.
pub fn printable(text: &str) -> Cow<'_, str> {
    if !text.chars().any(unsafe_char) {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len() + 8);
    for c in text.chars() {
        match c {
            '\n' => out.push_str("\\n"),
            '\t' => out.push_str("\\t"),
            '\r' => out.push_str("\\r"),
            c if unsafe_char(c) => {
                let _ = write!(out, "\\u{{{:x}}}", u32::from(c));
            }
            c => out.push(c),
        }
    }
    Cow::Owned(out)
}

/// `text` for HTML content and attribute values: unsafe characters made visible ([`printable`]), then `& < > " '`
/// escaped.
pub fn html(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in printable(text).chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

/// `text` as a double-quoted JSON string (also a YAML one) with every unsafe character as a `\uXXXX` escape, so a
/// reader gets the text exactly and a terminal showing the document sees no control or bidi character.
pub fn quoted(text: &str) -> String {
    let json = serde_json::to_string(text).expect("a string serializes");
    let mut out = String::with_capacity(json.len());
    for c in json.chars() {
        if unsafe_char(c) {
            // Every unsafe character is in the Basic Multilingual Plane: one escape each.
            let _ = write!(out, "\\u{:04x}", u32::from(c));
        } else {
            out.push(c);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn control_and_bidi_characters_become_visible_escapes() {
        assert_eq!(printable("plain ✔ text"), "plain ✔ text");
        assert_eq!(printable("a\nb\tc\r"), "a\\nb\\tc\\r");
        assert_eq!(printable("\u{1b}[2J\u{7}\u{9b}"), "\\u{1b}[2J\\u{7}\\u{9b}");
        assert_eq!(printable("abc\u{202E}fed"), "abc\\u{202e}fed");
        assert_eq!(printable("\u{FFFF}"), "\\u{ffff}");
    }

    #[test]
    fn quoted_strings_read_back_exactly() {
        let text = "a\"b\n\u{1b}[2J\u{202e}c\u{9b}";
        let q = quoted(text);
        assert!(!q.contains(['\u{1b}', '\u{202e}', '\u{9b}', '\n']), "{q}");
        assert_eq!(serde_json::from_str::<String>(&q).unwrap(), text);
    }
}
