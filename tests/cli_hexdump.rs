//! `memparse --pid` text hexdump: repeated lines squeezed into `*` as
//! `hexdump -C` does, never across a gap between memory areas; every line
//! with `--no-squeeze` (`-v`), in the `-o` file and in JSON.

#![cfg(feature = "cli")]

mod common;

use serde_json::Value;

fn stdout(args: &[&str]) -> String {
    common::ckpt_stdout(args)
}

/// One JSON row: its address and bytes.
struct Row {
    at: u64,
    bytes: Vec<u8>,
}

fn rows(json: &str) -> Vec<Row> {
    let v: Value = serde_json::from_str(json).unwrap();
    v["rows"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| {
            let hex = r["hex"].as_str().unwrap();
            Row {
                at: r["vaddr"].as_u64().unwrap(),
                bytes: (0..hex.len() / 2)
                    .map(|i| u8::from_str_radix(&hex[2 * i..2 * i + 2], 16).unwrap())
                    .collect(),
            }
        })
        .collect()
}

/// `hexdump -C`'s text line.
fn line(row: &Row) -> String {
    let hex: String = (0..16)
        .map(|i| match row.bytes.get(i) {
            Some(b) => format!("{b:02x} "),
            None => "   ".to_owned(),
        })
        .collect();
    let ascii: String = row
        .bytes
        .iter()
        .map(|&b| {
            if (32..127).contains(&b) {
                b as char
            } else {
                '.'
            }
        })
        .collect();
    format!("{:016x}  {hex} |{ascii}|", row.at)
}

/// Whether row `i` repeats the row before it: 16 equal bytes at the next
/// address.
fn repeats(rows: &[Row], i: usize) -> bool {
    i > 0
        && rows[i].bytes.len() == 16
        && rows[i - 1].at + 16 == rows[i].at
        && rows[i - 1].bytes == rows[i].bytes
}

/// What the squeezed dump of `rows` is, worked out from all of them at
/// once: each maximal run of repeats is one `*`, then its last line unless
/// the next row follows it.
fn squeezed(rows: &[Row]) -> Vec<String> {
    let mut out = Vec::new();
    let mut i = 0;
    while i < rows.len() {
        if !repeats(rows, i) {
            out.push(line(&rows[i]));
            i += 1;
            continue;
        }
        let mut end = i;
        while end + 1 < rows.len() && repeats(rows, end + 1) {
            end += 1;
        }
        out.push("*".to_owned());
        let followed = rows.get(end + 1).is_some_and(|n| n.at == rows[end].at + 16);
        if !followed {
            out.push(line(&rows[end]));
        }
        i = end + 1;
    }
    out
}

const HEADER_LINES: usize = 5;

#[test]
fn repeated_lines_are_squeezed_as_hexdump_does_but_never_across_a_gap() {
    for fixture in ["multi-proc.none.tar", "mini-sleep.none.tar"] {
        let path = format!("tests/fixtures/{fixture}");
        let args = ["memparse", "-p", "1", &path];
        let all = rows(&stdout(&[&args[..], &["--format", "json"]].concat()));
        // JSON has every row: 128 KiB of memory for multi-proc's pid 1.
        if fixture == "multi-proc.none.tar" {
            assert_eq!(all.len(), 128 * 1024 / 16);
        }
        let runs_at_gaps = (1..all.len())
            .filter(|&i| repeats(&all, i))
            .filter(|&i| all.get(i + 1).is_none_or(|n| n.at != all[i].at + 16))
            .count();
        assert!(runs_at_gaps > 0, "{fixture}: no run ends at a gap");

        let text = stdout(&args);
        let lines: Vec<&str> = text.lines().collect();
        // checkpointctl's bats test: the fourth non-blank line is a hex line.
        let nonblank: Vec<&str> = lines.iter().copied().filter(|l| !l.is_empty()).collect();
        assert_eq!(nonblank[3], line(&all[0]), "{fixture}");
        let body = &lines[HEADER_LINES..];
        assert_eq!(body, squeezed(&all), "{fixture}");
        let stars = body.iter().filter(|l| **l == "*").count();
        assert!(stars > 100, "{fixture}: {stars} stars");
        assert!(body.len() + stars < all.len(), "{fixture}: {}", body.len());
        // A star never starts or ends the dump, and never follows a star.
        assert_ne!(body.first(), Some(&"*"));
        assert_ne!(body.last(), Some(&"*"));
        assert!(body.windows(2).all(|w| w != ["*", "*"]));

        // `--no-squeeze` and `-v`: every row, none a star.
        let every: Vec<String> = all.iter().map(line).collect();
        for flag in ["--no-squeeze", "-v"] {
            let text = stdout(&[&args[..], &[flag]].concat());
            let body: Vec<&str> = text.lines().skip(HEADER_LINES).collect();
            assert_eq!(body, every, "{fixture} {flag}");
        }
    }
}

#[test]
fn a_run_squeezed_is_shown_by_address() {
    // mini-sleep's pid 1: the PLT's repeated jumps from 0x401020 on, up to
    // 0x401170 where zeros start.
    let out = stdout(&["memparse", "-p", "1", "tests/fixtures/mini-sleep.none.tar"]);
    let lines: Vec<&str> = out.lines().skip(HEADER_LINES).take(5).collect();
    assert_eq!(
        lines,
        [
            "0000000000401000  48 83 ec 08 48 c7 c0 00 00 00 00 48 85 c0 74 02  |H...H......H..t.|",
            "0000000000401010  ff d0 48 83 c4 08 c3 00 ff 25 ba 0d 1e 00 66 90  |..H......%....f.|",
            "0000000000401020  ff 25 ba 0d 1e 00 66 90 ff 25 ba 0d 1e 00 66 90  |.%....f..%....f.|",
            "*",
            "0000000000401170  00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00  |................|",
        ]
    );
}

#[test]
fn the_output_file_has_every_line_as_checkpointctl_writes_it() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("pid1.txt");
    let path = "tests/fixtures/multi-proc.none.tar";
    stdout(&["memparse", "-p", "1", path, "-o", file.to_str().unwrap()]);
    let written = std::fs::read_to_string(&file).unwrap();
    assert!(!written.lines().any(|l| l == "*"));
    let every = stdout(&["memparse", "-p", "1", path, "--no-squeeze"]);
    // The file has the column header, not the "Displaying" line.
    assert_eq!(written, every.splitn(4, '\n').nth(3).unwrap());
    assert_eq!(written.lines().count(), 2 + 128 * 1024 / 16);
}
