//! What changed between two checkpoints of one container: processes,
//! sockets, and each process's memory page by page, the two archives read
//! at the same time, one pass each.
//!
//! ```text
//! cargo run --example diff -- tests/fixtures/piggie-diff-a.gnutar.tar.zst tests/fixtures/piggie-diff-b.gnutar.tar.zst
//! ```

use std::process::ExitCode;

use ckpt::diff::DiffOptions;
use ckpt::{Options, Source};

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let [a, b] = args.as_slice() else {
        eprintln!("usage: diff A B");
        return ExitCode::from(2);
    };
    let options = DiffOptions {
        sockets: true,
        memory: true,
        ..DiffOptions::default()
    };
    let diff = Source::open(a)
        .and_then(|a| Ok((a, Source::open(b)?)))
        .and_then(|(a, b)| ckpt::diff::compare(a, b, &options, &Options::default()));
    match diff {
        Ok(d) => {
            println!("{}", d.summary);
            for p in &d.memory_changes.processes {
                let (added, removed, changed) = p.counts();
                println!("pid {}: pages +{added} -{removed} ~{changed}", p.pid);
            }
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("{e}");
            ExitCode::FAILURE
        }
    }
}
