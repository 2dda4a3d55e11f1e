//! The whole read, as `ckpt inspect --all` and `ckpt memparse --search`
//! run it: bytes → compression detected → tar walk → every decoder →
//! views. The first byte picks a streamed or a seekable reader.

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
    let all = InspectOptions::all();
    let mut options = Options::default();
    options.want = all.want();
    // Small limits, so that the fuzzer reaches them.
    options.limits.max_total_size = 64 << 20;
    let Ok(pattern) = Pattern::literal("SECRET") else {
        return;
    };
    let mut sink = MemorySearch::new(&pattern, 16, MemoryFilter::default(), 64);
    let source = if mode & 1 == 0 {
        Ok(Source::from_reader(bytes, "fuzz.tar"))
    } else {
        Source::from_seekable(Cursor::new(bytes), "fuzz.tar")
    };
    let Ok(source) = source else {
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
