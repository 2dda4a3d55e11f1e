//! Text safe to print on a terminal.

use std::borrow::Cow;

/// Escapes control characters, so that names taken from an archive cannot
/// move the cursor, change colours or hide text on the user's terminal.
pub fn clean(s: &str) -> Cow<'_, str> {
    if !s.chars().any(char::is_control) {
        return Cow::Borrowed(s);
    }
    let mut out = String::with_capacity(s.len() + 8);
    for c in s.chars() {
        if c.is_control() {
            out.extend(c.escape_default());
        } else {
            out.push(c);
        }
    }
    Cow::Owned(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_terminal_controls() {
        assert_eq!(clean("plain name"), "plain name");
        assert_eq!(clean("evil\x1b[2Jname\n"), "evil\\u{1b}[2Jname\\n");
    }
}
