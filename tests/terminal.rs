//! Tables on an 80-column terminal (a pseudo-terminal from util-linux's
//! `script`, `COLUMNS=80`): the columns people copy (IDs, names, paths,
//! matches) are whole, the others narrowed.

#![cfg(all(feature = "cli", unix))]

use std::process::Command;

/// What `ckpt ARGS` prints on an 80-column terminal, or `None` where
/// `script` cannot give it one.
fn on_terminal(args: &[&str]) -> Option<String> {
    let bin = assert_cmd::cargo::cargo_bin("ckpt");
    let quoted: Vec<String> = std::iter::once(bin.to_str().unwrap())
        .chain(args.iter().copied())
        .map(|a| format!("'{}'", a.replace('\'', r"'\''")))
        .collect();
    let out = Command::new("script")
        .args(["-qec", &quoted.join(" "), "/dev/null"])
        .env("COLUMNS", "80")
        .env("SHELL", "/bin/sh")
        .env("NO_COLOR", "1")
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .output()
        .ok()
        .filter(|o| o.status.success());
    if out.is_none() {
        eprintln!("no pseudo-terminal from script(1): skipped");
    }
    out.map(|o| String::from_utf8_lossy(&o.stdout).replace("\r\n", "\n"))
}

/// What `ckpt ARGS` prints to a pipe.
fn piped(args: &[&str]) -> String {
    let out = Command::new(assert_cmd::cargo::cargo_bin("ckpt"))
        .args(args)
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .output()
        .unwrap();
    assert!(out.status.success(), "{out:?}");
    String::from_utf8(out.stdout).unwrap()
}

/// Whether `cell` is a whole field (between column paddings) of a line.
fn whole(out: &str, cell: &str) -> bool {
    out.lines()
        .any(|l| l.split("   ").any(|field| field.trim() == cell))
}

#[test]
fn list_keeps_the_checkpoint_file_name_whole() {
    let Some(out) = on_terminal(&["list", "tests/fixtures/kubelet"]) else {
        return;
    };
    for name in [
        "checkpoint-counters_default-counter-2026-11-28T17:38:14Z.tar",
        "checkpoint-mini-sleep-2026-11-28T17:36:08Z.tar.zst",
    ] {
        assert!(whole(&out, name), "{name} cut in\n{out}");
    }
    for cell in ["default", "counters", "counter", "mini-sleep"] {
        assert!(whole(&out, cell), "{cell} cut in\n{out}");
    }
    // The file names alone are wider than 80 columns: nothing else is cut
    // for nothing (the time keeps its footnote mark).
    assert!(out.lines().any(|l| l.chars().count() > 80), "{out}");
    assert!(!out.contains('…'), "{out}");
    assert!(out.contains("28 Nov 26 17:36 UTC*"), "{out}");
}

#[test]
fn show_keeps_container_names_and_ids_whole() {
    let archives = [
        "tests/fixtures/crio-counter.assembled.tar",
        "tests/fixtures/mini-sleep.none.tar",
    ];
    let Some(out) = on_terminal(&[&["show"][..], &archives].concat()) else {
        return;
    };
    let json: serde_json::Value = serde_json::from_str(&piped(
        &[&["show", "--format", "json"][..], &archives].concat(),
    ))
    .unwrap();
    for shown in json.as_array().unwrap() {
        let name = shown["container_name"].as_str().unwrap();
        let id = &shown["id"].as_str().unwrap()[..12];
        assert!(whole(&out, name), "{name} cut in\n{out}");
        assert!(whole(&out, id), "{id} cut in\n{out}");
    }
    let image = "localhost/mini:latest";
    assert!(whole(&out, image), "{image} cut in\n{out}");
    // What is kept is too wide for 80 columns with the rest at its
    // narrowest: nothing is cut, the terminal wraps.
    assert!(!out.contains('…'), "{out}");
}

#[test]
fn a_search_match_is_shown_whole() {
    let args = [
        "memparse",
        "--search",
        "_MARKER_",
        "-c",
        "24",
        "tests/fixtures/threads-memfd.tar.zst",
    ];
    let Some(out) = on_terminal(&args) else {
        return;
    };
    let json: serde_json::Value =
        serde_json::from_str(&piped(&[&args[..], &["--format", "json"]].concat())).unwrap();
    let hits = json.as_array().unwrap();
    // The README's 15 rows: 5 matches in the processes' own memory, 5 in
    // shared memory (a row for each of the 2 processes mapping it).
    assert_eq!(hits.len(), 10);
    for hit in hits {
        let shown = format!(
            "{}{}{}",
            hit["before"].as_str().unwrap(),
            hit["match"].as_str().unwrap(),
            hit["after"].as_str().unwrap()
        );
        assert!(whole(&out, &shown), "{shown} cut in\n{out}");
        assert!(whole(
            &out,
            &format!("{:016x}", hit["vaddr"].as_u64().unwrap())
        ));
    }
    // Too wide for 80 columns, and nothing of it cut.
    assert!(out.lines().any(|l| l.chars().count() > 80), "{out}");
    assert!(!out.contains('…'), "{out}");
}

#[test]
fn a_hexdump_fits_80_columns() {
    let args = ["memparse", "-p", "1", "tests/fixtures/mini-sleep.none.tar"];
    let Some(out) = on_terminal(&args) else {
        return;
    };
    // Lines of 8 bytes instead of 16 that the terminal would wrap (the
    // heading naming the archive is as long as its path).
    let table = out.lines().filter(|l| !l.starts_with("Displaying "));
    assert!(table.clone().all(|l| l.chars().count() <= 80), "{out}");
    assert!(table.clone().any(|l| l.starts_with("Address ")), "{out}");
    let rows: Vec<&str> = out
        .lines()
        .filter(|l| l.len() > 16 && l.as_bytes()[..16].iter().all(u8::is_ascii_hexdigit))
        .collect();
    assert!(rows.len() > 10, "{out}");
    assert!(
        rows.iter()
            .all(|r| r.ends_with('|') && r.chars().count() == 53),
        "{rows:?}"
    );
    // The same bytes as the 16-byte lines piped: the first row's halves.
    let piped = piped(&args);
    let first = piped
        .lines()
        .find(|l| l.starts_with("0000000000401000"))
        .unwrap();
    let hex: Vec<&str> = first.split_whitespace().skip(1).take(16).collect();
    assert_eq!(
        rows[0],
        format!(
            "0000000000401000  {}  |{}|",
            hex[..8].join(" "),
            &first[68..76]
        )
    );
    assert!(rows[1].starts_with(&format!("0000000000401008  {}", hex[8..].join(" "))));
}
