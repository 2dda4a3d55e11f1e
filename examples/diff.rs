//! What changed between two checkpoints of one container: processes,
//! sockets, and each process's memory page by page, the two archives read
//! at the same time.
//!
//! ```text
//! cargo run --example diff -- tests/fixtures/piggie-diff-a.gnutar.tar.zst tests/fixtures/piggie-diff-b.gnutar.tar.zst
//! ```

use std::collections::hash_map::RandomState;
use std::process::ExitCode;

use ckpt::views::Inspection;
use ckpt::views::diff::{Diff, DiffOptions, PageHashes, compare_pages};

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let [a, b] = args.as_slice() else {
        eprintln!("usage: diff A B");
        return ExitCode::from(2);
    };
    let mut diff = DiffOptions::default();
    diff.sockets = true;
    diff.memory = true;
    let mut options = ckpt::Options::default();
    options.want = diff.want();
    // One hasher for both sides, so that their page hashes compare.
    let hasher = RandomState::new();
    let read = |path: &String| {
        let mut pages = PageHashes::new(hasher.clone());
        let checkpoint = ckpt::read_path_with(path, &options, &mut pages)?;
        let inspection = Inspection::new(&checkpoint, &diff.inspect())?;
        Ok::<_, ckpt::Error>((checkpoint, inspection, pages))
    };
    let (ra, rb) = std::thread::scope(|s| {
        let rb = s.spawn(|| read(b));
        (read(a), rb.join())
    });
    let result = match (ra, rb) {
        (Ok(a), Ok(Ok(b))) => Diff::new((&a.0, &a.1), (&b.0, &b.1), &diff, false)
            .map(|d| d.with_pages(compare_pages(&a.2, &b.2))),
        (Err(e), _) | (_, Ok(Err(e))) => Err(e),
        (_, Err(_)) => {
            eprintln!("reading {b} panicked");
            return ExitCode::FAILURE;
        }
    };
    match result {
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
