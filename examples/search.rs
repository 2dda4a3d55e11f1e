//! Searches the memory of every process of a checkpoint for a regular
//! expression, as the archive streams by, and prints each match with the
//! kind of memory it is in.
//!
//! ```text
//! cargo run --example search -- tests/fixtures/multi-proc.none.tar 'SECRET_[A-Z]+_[0-9a-f]{6}'
//! ```

use std::process::ExitCode;

use ckpt::memory::MemoryFilter;
use ckpt::search::{MemorySearch, Pattern};

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
    let mut search = MemorySearch::new(&pattern, 0, MemoryFilter::default(), 1000);
    let mut options = ckpt::Options::default();
    options.want = ckpt::Want::metadata_only();
    let read = ckpt::Archive::open(path).and_then(|a| ckpt::read_with(a, &options, &mut search));
    if let Err(e) = read {
        eprintln!("{e}");
        return ExitCode::FAILURE;
    }
    let (hits, dropped) = search.finish();
    for h in &hits {
        let vma = h.vma.map_or("?", |v| v.name());
        println!(
            "pid {:<5} {:#018x} {:<6} {}",
            h.pid,
            h.hit.vaddr,
            vma,
            String::from_utf8_lossy(&h.hit.matched)
        );
    }
    if dropped > 0 {
        eprintln!("{dropped} more matches not shown");
    }
    ExitCode::SUCCESS
}
