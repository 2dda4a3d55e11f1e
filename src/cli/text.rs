//! Text safe to print on a terminal.

use std::borrow::Cow;

/// Escapes control and Unicode format characters, so that names taken
/// from an archive cannot move the cursor, change colours, reorder or hide
/// text on the user's terminal.
pub fn clean(s: &str) -> Cow<'_, str> {
    ckpt::escape::escape(s)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_terminal_controls() {
        assert_eq!(clean("plain name"), "plain name");
        assert_eq!(clean("evil\x1b[2Jname\n"), "evil\\u{1b}[2Jname\\n");
        assert_eq!(clean("ps\u{202e}hs"), "ps\\u{202e}hs");
    }
}
