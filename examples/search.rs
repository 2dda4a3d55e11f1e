//! Searches the memory of every process of a checkpoint for a regular
//! expression, as the archive streams by, and prints each match with the
//! kind of memory it is in. The search stops the read at its hundredth
//! match: nothing after it is decompressed.
//!
//! ```text
//! cargo run --example search -- tests/fixtures/multi-proc.none.tar 'SECRET_[A-Z]+_[0-9a-f]{6}'
//! ```

use std::process::ExitCode;

use ckpt::memory::MemoryFilter;
use ckpt::memory::search::{MemorySearch, Pattern};
use ckpt::{Options, Source, Want};

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let [path, regex] = args.as_slice() else {
        eprintln!("usage: search ARCHIVE REGEX");
        return ExitCode::from(2);
    };
    let pattern = match Pattern::regex(regex) {
        Ok(p) => p,
        Err(e) => {
            eprintln!("{e}");
            return ExitCode::from(2);
        }
    };
    let mut search = MemorySearch::new(&pattern, 0, MemoryFilter::default(), 100);
    // The memory layout is read whatever is wanted; nothing else is needed.
    let options = Options::new(Want::none());
    let read = Source::open(path).and_then(|s| ckpt::read_with(s, &options, &mut search));
    if let Err(e) = read {
        eprintln!("{e}");
        return ExitCode::FAILURE;
    }
    let results = search.finish();
    for h in &results.hits {
        println!(
            "pid {:<5} {:#018x} {:<6} {}",
            h.pid,
            h.hit.vaddr,
            h.vma.map_or("?", |v| v.name()),
            String::from_utf8_lossy(&h.hit.matched)
        );
    }
    if results.stopped {
        eprintln!("stopped at {} matches", results.hits.len());
    }
    ExitCode::SUCCESS
}
