//! The lines of a hexdump: as text (address, hex, ASCII), squeezed as
//! `hexdump -C` squeezes repeated lines ([`Squeeze`]), or as JSON rows.

use std::io::Write as _;

const HEX: &[u8; 16] = b"0123456789abcdef";

fn printable(b: u8) -> u8 {
    if (32..127).contains(&b) { b } else { b'.' }
}

/// Bytes on a text line: 16 (85 columns), or 8 on a terminal narrower
/// than that (53 columns).
pub(super) const WIDE: usize = 85;

/// Appends the text line of up to 16 `bytes` at `at`: address, hex, ASCII;
/// `narrow`, as two lines of 8.
pub(super) fn text_line(line: &mut Vec<u8>, at: u64, bytes: &[u8], narrow: bool) {
    if narrow {
        for (i, half) in bytes.chunks(8).enumerate() {
            one_line(line, at + 8 * i as u64, half, 8);
        }
    } else {
        one_line(line, at, bytes, 16);
    }
}

fn one_line(line: &mut Vec<u8>, at: u64, bytes: &[u8], width: usize) {
    let _ = write!(line, "{at:016x}  ");
    for i in 0..width {
        match bytes.get(i) {
            Some(&b) => {
                line.extend_from_slice(&[HEX[usize::from(b >> 4)], HEX[usize::from(b & 15)], b' '])
            }
            None => line.extend_from_slice(b"   "),
        }
    }
    line.extend_from_slice(b" |");
    line.extend(bytes.iter().map(|&b| printable(b)));
    line.extend_from_slice(b"|\n");
}

/// Appends the JSON row of `bytes` at `at` (`address`, `vaddr`, `hex`,
/// `ascii`), after a comma unless it is the `first`, on a line indented
/// by `pad` more than a document's rows.
pub(super) fn json_row(line: &mut Vec<u8>, at: u64, bytes: &[u8], first: bool, pad: &str) {
    let sep = if first { "" } else { "," };
    let _ = write!(
        line,
        "{sep}\n{pad}    {{\"address\":\"{at:#x}\",\"vaddr\":{at},\"hex\":\""
    );
    for &b in bytes {
        line.extend_from_slice(&[HEX[usize::from(b >> 4)], HEX[usize::from(b & 15)]]);
    }
    line.extend_from_slice(b"\",\"ascii\":\"");
    for &b in bytes {
        // Printable ASCII: only these two need escaping in JSON.
        if matches!(b, b'"' | b'\\') {
            line.push(b'\\');
        }
        line.push(printable(b));
    }
    line.extend_from_slice(b"\"}");
}

/// `hexdump -C`'s squeezing of text lines: a full line equal to the line
/// just before it (the same bytes, at the next address) is not printed,
/// and the first of a run of them becomes `*`. A run that ends where the
/// memory does (a gap between areas, or the end) prints its last line, so
/// that a `*` never hides where the addresses jump: the line after a `*`
/// always follows the repeated ones.
#[derive(Debug, Default)]
pub(super) struct Squeeze {
    /// The last full line seen, printed or squeezed.
    last_at: Option<u64>,
    last: [u8; 16],
    /// The address of the last squeezed line while a run goes on, and
    /// whether the run's `*` is printed.
    held: Option<u64>,
    starred: bool,
    /// Lines of 8 bytes (a narrow terminal).
    narrow: bool,
}

impl Squeeze {
    /// Squeezing for lines of 16 bytes, printed as two of 8 if `narrow`.
    pub(super) fn new(narrow: bool) -> Squeeze {
        Squeeze {
            narrow,
            ..Squeeze::default()
        }
    }

    /// Appends to `line` what the line of `bytes` at `at` prints as: itself
    /// (after the end of a run before it), a `*`, or nothing.
    pub(super) fn line(&mut self, line: &mut Vec<u8>, at: u64, bytes: &[u8]) {
        let next = self.last_at.and_then(|l| l.checked_add(16)) == Some(at);
        if next && self.last[..] == *bytes {
            if self.held.is_some() && !self.starred {
                line.extend_from_slice(b"*\n");
                self.starred = true;
            }
            self.held = Some(at);
            self.last_at = Some(at);
            return;
        }
        self.end_run(line, next);
        match <[u8; 16]>::try_from(bytes) {
            Ok(full) => {
                self.last = full;
                self.last_at = Some(at);
            }
            Err(_) => self.last_at = None,
        }
        text_line(line, at, bytes, self.narrow);
    }

    /// Ends the run of repeated lines, if one goes on, where the memory
    /// dumped ends.
    pub(super) fn end(&mut self, line: &mut Vec<u8>) {
        self.end_run(line, false);
        self.last_at = None;
    }

    /// A run followed by the next address gets its `*` if it has none yet
    /// (a single repeat, as `hexdump -C` prints it); one followed by a gap
    /// or nothing prints its last line.
    fn end_run(&mut self, line: &mut Vec<u8>, next: bool) {
        let Some(held) = self.held.take() else {
            return;
        };
        let starred = std::mem::take(&mut self.starred);
        if !next {
            text_line(line, held, &self.last, self.narrow);
        } else if !starred {
            line.extend_from_slice(b"*\n");
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The text `Squeeze` prints for 16-byte lines of `fill` bytes at
    /// these addresses, as (address, byte) pairs, then the end.
    fn squeezed(lines: &[(u64, u8)]) -> Vec<String> {
        let mut s = Squeeze::default();
        let mut out = Vec::new();
        for &(at, fill) in lines {
            s.line(&mut out, at, &[fill; 16]);
        }
        s.end(&mut out);
        String::from_utf8(out)
            .unwrap()
            .lines()
            .map(|l| match l.split_once(' ') {
                Some((at, rest)) => format!("{}:{}", at.trim_start_matches('0'), &rest[1..3]),
                None => l.to_owned(),
            })
            .collect()
    }

    #[test]
    fn a_run_becomes_one_star_and_the_next_line_shows_where_it_ended() {
        let lines = [(0x10, 0), (0x20, 0), (0x30, 0), (0x40, 0), (0x50, 7)];
        assert_eq!(squeezed(&lines), ["10:00", "*", "50:07"]);
        // One repeat is a `*` too, as in `hexdump -C`.
        assert_eq!(
            squeezed(&[(0x10, 0), (0x20, 0), (0x30, 7)]),
            ["10:00", "*", "30:07"]
        );
    }

    #[test]
    fn a_gap_ends_a_run_with_its_last_line_and_is_never_squeezed() {
        // 0x40 is not after 0x20: the same bytes, but never a repeat.
        assert_eq!(
            squeezed(&[(0x10, 0), (0x20, 0), (0x40, 0)]),
            ["10:00", "20:00", "40:00"]
        );
        assert_eq!(
            squeezed(&[(0x10, 0), (0x20, 0), (0x30, 0), (0x1000, 0), (0x1010, 1)]),
            ["10:00", "*", "30:00", "1000:00", "1010:01"]
        );
        // At the end, the last line says how far the run went.
        assert_eq!(
            squeezed(&[(0x10, 5), (0x20, 5), (0x30, 5), (0x40, 5)]),
            ["10:05", "*", "40:05"]
        );
    }

    #[test]
    fn a_short_line_is_never_a_repeat() {
        let mut s = Squeeze::default();
        let mut out = Vec::new();
        s.line(&mut out, 0x10, &[0; 16]);
        s.line(&mut out, 0x20, &[0; 8]);
        s.line(&mut out, 0x28, &[0; 16]);
        s.end(&mut out);
        assert_eq!(String::from_utf8(out).unwrap().lines().count(), 3);
    }
}

#[cfg(test)]
mod narrow {
    use super::*;

    #[test]
    fn a_narrow_line_is_two_of_eight_bytes() {
        let bytes: Vec<u8> = (b'A'..b'A' + 16).collect();
        let mut wide = Vec::new();
        text_line(&mut wide, 0x401000, &bytes, false);
        let wide = String::from_utf8(wide).unwrap();
        assert_eq!(wide.trim_end().chars().count(), WIDE);
        let mut narrow = Vec::new();
        text_line(&mut narrow, 0x401000, &bytes, true);
        assert_eq!(
            String::from_utf8(narrow).unwrap(),
            "0000000000401000  41 42 43 44 45 46 47 48  |ABCDEFGH|\n\
             0000000000401008  49 4a 4b 4c 4d 4e 4f 50  |IJKLMNOP|\n"
        );
    }
}
