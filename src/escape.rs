//! Text from an archive made safe to show: control characters and Unicode
//! format characters (bidirectional overrides, zero-width characters,
//! tags), which can reorder or hide what a terminal shows, escaped.
//!
//! A process name with a right-to-left override can display as another
//! name; a zero-width space makes two different names look the same. The
//! `ckpt` binary escapes them in text output ([`escape`]) and writes them
//! as `\uXXXX` escapes in JSON ([`JsonFormatter`]), which JSON readers
//! decode back to the same string.

use std::borrow::Cow;
use std::io;

/// Unicode's format characters (general category Cf, Unicode 15.1) and the
/// line and paragraph separators, as inclusive ranges.
const FORMAT: &[(u32, u32)] = &[
    (0x00ad, 0x00ad),
    (0x0600, 0x0605),
    (0x061c, 0x061c),
    (0x06dd, 0x06dd),
    (0x070f, 0x070f),
    (0x0890, 0x0891),
    (0x08e2, 0x08e2),
    (0x180e, 0x180e),
    (0x200b, 0x200f),
    (0x2028, 0x202e),
    (0x2060, 0x2064),
    (0x2066, 0x206f),
    (0xfeff, 0xfeff),
    (0xfff9, 0xfffb),
    (0x110bd, 0x110bd),
    (0x110cd, 0x110cd),
    (0x13430, 0x1343f),
    (0x1bca0, 0x1bca3),
    (0x1d173, 0x1d17a),
    (0xe0001, 0xe0001),
    (0xe0020, 0xe007f),
];

/// Whether `c` is a Unicode format character (or a line or paragraph
/// separator): invisible, yet able to change how text around it shows.
pub fn is_format(c: char) -> bool {
    let c = u32::from(c);
    c >= 0xad && FORMAT.iter().any(|&(lo, hi)| (lo..=hi).contains(&c))
}

/// Whether `c` is escaped in text output: a control or a format character.
pub fn is_unsafe(c: char) -> bool {
    c.is_control() || is_format(c)
}

/// `s` with control and format characters escaped (`\u{202e}`), borrowed
/// when there is none.
///
/// ```
/// assert_eq!(ckpt::escape::escape("gpj.\u{202e}exe"), "gpj.\\u{202e}exe");
/// assert_eq!(ckpt::escape::escape("a\x1b[2Jb"), "a\\u{1b}[2Jb");
/// assert_eq!(ckpt::escape::escape("plain"), "plain");
/// ```
pub fn escape(s: &str) -> Cow<'_, str> {
    if !s.chars().any(is_unsafe) {
        return Cow::Borrowed(s);
    }
    let mut out = String::with_capacity(s.len() + 8);
    for c in s.chars() {
        if is_unsafe(c) {
            out.extend(c.escape_default());
        } else {
            out.push(c);
        }
    }
    Cow::Owned(out)
}

/// serde_json's pretty formatter (with the indent given), writing format
/// characters in strings as `\uXXXX` escapes (control characters it
/// escapes already).
pub struct JsonFormatter<'a> {
    pretty: serde_json::ser::PrettyFormatter<'a>,
}

impl<'a> JsonFormatter<'a> {
    /// Pretty-printed with `indent`.
    pub fn with_indent(indent: &'a [u8]) -> JsonFormatter<'a> {
        JsonFormatter {
            pretty: serde_json::ser::PrettyFormatter::with_indent(indent),
        }
    }
}

impl Default for JsonFormatter<'_> {
    /// Two spaces, as `serde_json::to_string_pretty`.
    fn default() -> Self {
        JsonFormatter::with_indent(b"  ")
    }
}

/// `value` as pretty JSON (two spaces), format characters escaped.
pub fn to_json_pretty<T: serde::Serialize + ?Sized>(value: &T) -> serde_json::Result<String> {
    let mut out = Vec::new();
    let mut ser = serde_json::Serializer::with_formatter(&mut out, JsonFormatter::default());
    value.serialize(&mut ser)?;
    // The formatter writes only what serde_json gives it and ASCII escapes.
    Ok(String::from_utf8_lossy(&out).into_owned())
}

use serde_json::ser::Formatter;

impl Formatter for JsonFormatter<'_> {
    fn write_string_fragment<W: ?Sized + io::Write>(
        &mut self,
        writer: &mut W,
        fragment: &str,
    ) -> io::Result<()> {
        let mut rest = fragment;
        while let Some((at, c)) = rest.char_indices().find(|&(_, c)| is_format(c)) {
            writer.write_all(&rest.as_bytes()[..at])?;
            let mut units = [0u16; 2];
            for unit in c.encode_utf16(&mut units) {
                write!(writer, "\\u{unit:04x}")?;
            }
            rest = &rest[at + c.len_utf8()..];
        }
        writer.write_all(rest.as_bytes())
    }

    fn begin_array<W: ?Sized + io::Write>(&mut self, w: &mut W) -> io::Result<()> {
        self.pretty.begin_array(w)
    }

    fn end_array<W: ?Sized + io::Write>(&mut self, w: &mut W) -> io::Result<()> {
        self.pretty.end_array(w)
    }

    fn begin_array_value<W: ?Sized + io::Write>(
        &mut self,
        w: &mut W,
        first: bool,
    ) -> io::Result<()> {
        self.pretty.begin_array_value(w, first)
    }

    fn end_array_value<W: ?Sized + io::Write>(&mut self, w: &mut W) -> io::Result<()> {
        self.pretty.end_array_value(w)
    }

    fn begin_object<W: ?Sized + io::Write>(&mut self, w: &mut W) -> io::Result<()> {
        self.pretty.begin_object(w)
    }

    fn end_object<W: ?Sized + io::Write>(&mut self, w: &mut W) -> io::Result<()> {
        self.pretty.end_object(w)
    }

    fn begin_object_key<W: ?Sized + io::Write>(
        &mut self,
        w: &mut W,
        first: bool,
    ) -> io::Result<()> {
        self.pretty.begin_object_key(w, first)
    }

    fn begin_object_value<W: ?Sized + io::Write>(&mut self, w: &mut W) -> io::Result<()> {
        self.pretty.begin_object_value(w)
    }

    fn end_object_value<W: ?Sized + io::Write>(&mut self, w: &mut W) -> io::Result<()> {
        self.pretty.end_object_value(w)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn format_characters_are_escaped_in_json_and_read_back() {
        let name = "evil\u{202e}gpj.exe\u{200b}\u{e0041}";
        let json = to_json_pretty(&[name]).unwrap();
        assert_eq!(json, "[\n  \"evil\\u202egpj.exe\\u200b\\udb40\\udc41\"\n]");
        let back: Vec<String> = serde_json::from_str(&json).unwrap();
        assert_eq!(back, [name]);
        assert_eq!(
            to_json_pretty(&serde_json::json!({"a": [1, {"b": "c"}]})).unwrap(),
            serde_json::to_string_pretty(&serde_json::json!({"a": [1, {"b": "c"}]})).unwrap()
        );
    }

    #[test]
    fn text_escapes_controls_and_format_characters() {
        assert_eq!(escape("a\u{2066}b\u{feff}"), "a\\u{2066}b\\u{feff}");
        assert!(!is_format('a') && !is_format('é') && !is_format('\u{4e2d}'));
    }
}
