//! `ckpt completion` and `ckpt man`: generated from the same definitions
//! as the commands, so every command and flag is in them.

#![cfg(feature = "cli")]

mod common;

use common::run_ckpt as ckpt;

const COMMANDS: &[&str] = &[
    "show", "inspect", "memparse", "list", "diff", "decode", "cat", "coredump", "check", "plugin",
];

#[test]
fn completions_name_every_command_for_each_shell() {
    for (shell, marker) in [
        ("bash", "complete -F _ckpt"),
        ("zsh", "#compdef ckpt"),
        ("fish", "complete -c ckpt"),
    ] {
        let (out, err, code) = ckpt(&["completion", shell]);
        assert_eq!((code, err.as_str()), (0, ""), "{shell}");
        assert!(out.contains(marker), "{shell}");
        for c in COMMANDS {
            assert!(out.contains(c), "{shell}: {c}");
        }
    }
    // Flags of subcommands too.
    let (bash, _, _) = ckpt(&["completion", "bash"]);
    for flag in [
        "--ps-tree-cmd",
        "--show-unchanged",
        "--max-total-size",
        "--search",
    ] {
        assert!(bash.contains(flag), "{flag}");
    }
    let (_, err, code) = ckpt(&["completion", "tcsh"]);
    assert_eq!(code, 1);
    assert!(
        err.starts_with("Error: invalid argument \"tcsh\" for <SHELL>"),
        "{err}"
    );
}

#[test]
fn man_pages_for_ckpt_and_each_command() {
    let (out, _, code) = ckpt(&["man"]);
    assert_eq!(code, 0);
    let version = format!(".TH ckpt 1  \"ckpt {}\"", env!("CARGO_PKG_VERSION"));
    assert!(out.contains(&version), "{out}");
    for c in COMMANDS {
        assert!(out.contains(&format!("ckpt\\-{c}")), "{c}");
        let (page, err, code) = ckpt(&["man", c]);
        assert_eq!((code, err.as_str()), (0, ""), "{c}");
        assert!(page.contains(&format!(".TH ckpt-{c} 1")), "{c}");
    }
    let (page, _, _) = ckpt(&["man", "diff"]);
    assert!(page.contains("\\-\\-show\\-unchanged"));
    let (out, err, code) = ckpt(&["man", "nope"]);
    assert_eq!((out.as_str(), code), ("", 1));
    assert_eq!(err, "Error: no command \"nope\"\n");
}

#[test]
fn version_is_the_crates() {
    for flag in ["--version", "-v", "-V"] {
        let (out, _, code) = ckpt(&[flag]);
        assert_eq!(code, 0);
        assert_eq!(out, format!("ckpt {}\n", env!("CARGO_PKG_VERSION")));
    }
}
