//! The whole read, as `ckpt inspect --all` and `ckpt memparse --search`
//! run it: bytes → compression detected → tar walk → every decoder (the
//! nested rootfs-diff.tar, shared memory) → views; or as `ckpt cat` runs
//! it. The first byte picks a streamed or a seekable reader, whether what
//! precedes damage is kept, and whether it is `cat` of a container path
//! (rootfs-diff.tar member, else a deleted file's saved content).

#![no_main]

use std::io::Cursor;

use ckpt::memory::MemoryFilter;
use ckpt::memory::search::{MemorySearch, Pattern};
use ckpt::views::{InspectOptions, Inspection, Overview};
use ckpt::{Options, Source};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Some((&mode, bytes)) = data.split_first() else {
        return;
    };
    let source = |bytes| {
        if mode & 1 == 0 {
            Ok(Source::from_reader(bytes, "fuzz.tar"))
        } else {
            Source::from_seekable(Cursor::new(bytes), "fuzz.tar")
        }
    };
    if mode & 2 != 0 {
        let limits = ckpt::Limits {
            max_total_size: 64 << 20,
            ..ckpt::Limits::default()
        };
        if let Ok(source) = source(bytes) {
            let path = if mode & 8 == 0 {
                "/etc/motd"
            } else {
                "/tmp/ckpt-deleted.txt"
            };
            let _ = ckpt::cat::cat(source, path, &limits, &mut std::io::sink());
        }
        return;
    }
    let all = InspectOptions::all();
    let mut options = Options::default();
    options.keep_partial = mode & 4 != 0;
    options.want = all.want();
    // Small limits, so that the fuzzer reaches them.
    options.limits.max_total_size = 64 << 20;
    let Ok(pattern) = Pattern::literal("SECRET") else {
        return;
    };
    let mut sink = MemorySearch::new(&pattern, 16, MemoryFilter::default(), 64);
    let Ok(source) = source(bytes) else {
        return;
    };
    if let Ok(checkpoint) = ckpt::read_with(source, &options, &mut sink) {
        let _ = Overview::new(&checkpoint);
        if let Ok(inspection) = Inspection::new(&checkpoint, &all) {
            let _ = serde_json::to_string(&inspection);
        }
    }
    let _ = sink.finish();
});
