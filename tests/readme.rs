//! The README's tour is real output: every `$ ckpt …` line of a `console`
//! block is run and its output compared with the lines under it. A line
//! `…` stands for any number of lines; trailing spaces are not compared.
//! `/tmp/` in a command or its output is a fresh temporary directory, so
//! the commands that write (`build -o`, `memparse -o`) can run again.

#![cfg(feature = "cli")]

use std::path::Path;

struct Example {
    line: usize,
    args: Vec<String>,
    expected: Vec<String>,
}

fn examples(readme: &str) -> Vec<Example> {
    let mut out: Vec<Example> = Vec::new();
    let mut in_console = false;
    for (n, line) in readme.lines().enumerate() {
        if line.starts_with("```") {
            in_console = line == "```console";
            continue;
        }
        if !in_console {
            continue;
        }
        if let Some(command) = line.strip_prefix("$ ") {
            let words: Vec<String> = command.split_whitespace().map(str::to_owned).collect();
            assert_eq!(
                words.first().map(String::as_str),
                Some("ckpt"),
                "README.md:{}: a console example runs ckpt",
                n + 1
            );
            assert!(
                !command.contains(['\'', '"', '|', '>', '<', '$']),
                "README.md:{}: keep examples to plain words",
                n + 1
            );
            out.push(Example {
                line: n + 1,
                args: words.into_iter().skip(1).collect(),
                expected: Vec::new(),
            });
        } else if let Some(example) = out.last_mut() {
            example.expected.push(line.trim_end().to_owned());
        } else {
            panic!("README.md:{}: output before any command", n + 1);
        }
    }
    out
}

/// Whether `actual` matches `expected`, where a `…` line matches any run
/// of lines (none included).
fn matches(expected: &[String], actual: &[&str]) -> bool {
    match expected.split_first() {
        None => actual.is_empty(),
        Some((first, rest)) if first == "…" => {
            (0..=actual.len()).any(|skip| matches(rest, actual.get(skip..).unwrap_or(&[])))
        }
        Some((first, rest)) => match actual.split_first() {
            Some((line, tail)) => line.trim_end() == first && matches(rest, tail),
            None => false,
        },
    }
}

#[test]
fn every_console_example_in_the_readme_prints_what_it_shows() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let readme = std::fs::read_to_string(root.join("README.md")).unwrap();
    let examples = examples(&readme);
    assert!(
        examples.len() >= 10,
        "the tour has {} examples",
        examples.len()
    );
    for example in examples {
        let tmp = tempfile::tempdir().unwrap();
        let tmp_prefix = format!("{}/", tmp.path().display());
        let args: Vec<String> = example
            .args
            .iter()
            .map(|a| a.replace("/tmp/", &tmp_prefix))
            .collect();
        let out = assert_cmd::Command::cargo_bin("ckpt")
            .unwrap()
            .current_dir(root)
            .env_remove("NO_COLOR")
            .env_remove("CLICOLOR_FORCE")
            .args(&args)
            .output()
            .unwrap();
        let printed = format!(
            "{}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        )
        .replace(&tmp_prefix, "/tmp/");
        let mut expected = example.expected.clone();
        while expected.last().is_some_and(String::is_empty) {
            expected.pop();
        }
        let mut actual: Vec<&str> = printed.lines().collect();
        while actual.last().is_some_and(|l| l.trim().is_empty()) {
            actual.pop();
        }
        assert!(
            matches(&expected, &actual),
            "README.md:{}: `ckpt {}` printed\n{printed}\nbut the README shows\n{}",
            example.line,
            example.args.join(" "),
            expected.join("\n")
        );
    }
}

#[test]
fn the_ellipsis_matches_any_run_of_lines_and_nothing_else() {
    let e = |v: &[&str]| v.iter().map(|s| s.to_string()).collect::<Vec<_>>();
    assert!(matches(&e(&["a", "…", "d"]), &["a", "b", "c", "d"]));
    assert!(matches(&e(&["a", "…", "d"]), &["a", "d"]));
    assert!(!matches(&e(&["a", "…", "d"]), &["a", "b", "c"]));
    assert!(!matches(&e(&["a", "b"]), &["a", "b", "c"]));
    assert!(matches(&e(&["a", "…"]), &["a", "b", "c"]));
}

/// The README's install lines, pasted into a fresh shell with a fresh
/// home: every line but `cargo install` (the test's own build stands in
/// for what it installs, in `~/.cargo/bin`) must succeed and leave what it
/// says.
#[test]
fn the_install_lines_work_in_a_fresh_home() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let readme = std::fs::read_to_string(root.join("README.md")).unwrap();
    let block: Vec<&str> = readme
        .split("## Install")
        .nth(1)
        .and_then(|s| s.split("```sh\n").nth(1))
        .and_then(|s| s.split("```").next())
        .expect("README.md has an Install section with a sh block")
        .lines()
        .collect();
    assert!(block.first().unwrap().starts_with("cargo install --path ."));
    let home = tempfile::tempdir().unwrap();
    let bin = home.path().join(".cargo/bin");
    std::fs::create_dir_all(&bin).unwrap();
    std::fs::copy(env!("CARGO_BIN_EXE_ckpt"), bin.join("ckpt")).unwrap();
    let script = block[1..].join("\n");
    let out = std::process::Command::new("bash")
        .args(["-euc", &script])
        .env_clear()
        .env("HOME", home.path())
        // A fresh shell: cargo's bin directory is not on PATH yet.
        .env("PATH", "/usr/bin:/bin")
        .current_dir(root)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{script}\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let completion = home
        .path()
        .join(".local/share/bash-completion/completions/ckpt");
    assert!(
        std::fs::read_to_string(completion)
            .unwrap()
            .contains("_ckpt()")
    );
    let man = home.path().join(".local/share/man/man1/ckpt.1");
    assert!(std::fs::read_to_string(man).unwrap().starts_with(".ie"));
    // The alias answers as checkpointctl does.
    let alias = std::process::Command::new(bin.join("checkpointctl"))
        .arg("--wrong-parameter")
        .output()
        .unwrap();
    assert_eq!(alias.status.code(), Some(1));
    assert_eq!(
        String::from_utf8_lossy(&alias.stderr),
        "Error: unknown flag: --wrong-parameter\n"
    );
}
