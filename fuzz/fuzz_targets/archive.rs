//! The whole read, as `ckpt inspect --all` and `ckpt memparse --search`
//! run it: bytes → compression detected → tar walk → every decoder (the
//! nested rootfs-diff.tar, shared memory) → views; or as `ckpt cat` runs
//! it, or as `ckpt coredump -o DIR` writes every core in one read. The
//! first byte picks a streamed or a seekable reader, whether what precedes
//! damage is kept, and whether it is `cat` of a container path
//! (rootfs-diff.tar member, else a deleted file's saved content) or
//! `coredump` (into memory, each core capped at 64 MiB, as into files that
//! can go back or as into a stream). Bit 64 chooses a pod's container
//! (`--container counter`): the memory search and `cat` go to it; without
//! it, every container of a pod is viewed and searched (one sink shared by
//! the containers).

#![no_main]

use std::io::{self, Cursor, Seek, SeekFrom, Write};

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
    if mode & 16 != 0 {
        // `ckpt coredump -o DIR`: every core written in one read, into
        // memory, each at most 64 MiB.
        let mut options = Options::default();
        options.limits.max_total_size = 64 << 20;
        if let Ok(source) = source(bytes) {
            let can_go_back = mode & 32 == 0;
            let _ = ckpt::coredump::coredump_in_one_read(source, &[], &options, &mut |_| {
                let out = Capped {
                    core: Cursor::default(),
                    can_go_back,
                };
                Ok(Box::new(out) as Box<dyn ckpt::coredump::CoreOutput>)
            });
        }
        return;
    }
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
            let out = &mut std::io::sink();
            let _ = match mode & 64 {
                0 => ckpt::cat::cat(source, path, &limits, out),
                _ => ckpt::cat::cat_container(source, "counter", path, &limits, out),
            };
        }
        return;
    }
    let all = InspectOptions::all();
    let mut options = Options::default();
    options.keep_partial = mode & 4 != 0;
    options.want = all.want();
    // Small limits, so that the fuzzer reaches them.
    options.limits.max_total_size = 64 << 20;
    if mode & 64 != 0 {
        options.container = Some("counter".into());
    }
    let Ok(pattern) = Pattern::literal("SECRET") else {
        return;
    };
    let mut sink = MemorySearch::new(&pattern, 16, MemoryFilter::default(), 64);
    let Ok(source) = source(bytes) else {
        return;
    };
    if let Ok(checkpoint) = ckpt::read_with(source, &options, &mut sink) {
        // A container checkpoint, or each of a pod's.
        for c in checkpoint.containers(None).unwrap_or_default() {
            let _ = Overview::new(c);
            if let Ok(inspection) = Inspection::new(c, &all) {
                let _ = serde_json::to_string(&inspection);
            }
        }
        let _ = serde_json::to_string(&checkpoint.pod);
    }
    let _ = sink.finish();
});

/// A core in memory, refusing to grow past 64 MiB.
struct Capped {
    core: Cursor<Vec<u8>>,
    can_go_back: bool,
}

const CAP: u64 = 64 << 20;

impl Capped {
    fn room(&self, n: u64) -> io::Result<()> {
        match self.core.position().checked_add(n) {
            Some(end) if end <= CAP => Ok(()),
            _ => Err(io::Error::other("over 64 MiB")),
        }
    }
}

impl Write for Capped {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        self.room(buf.len() as u64)?;
        self.core.write(buf)
    }
    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

impl ckpt::coredump::CoreOutput for Capped {
    fn can_go_back(&self) -> bool {
        self.can_go_back
    }
    fn zeros(&mut self, n: u64) -> io::Result<()> {
        self.room(n)?;
        let n = i64::try_from(n).map_err(io::Error::other)?;
        self.core.seek(SeekFrom::Current(n)).map(|_| ())
    }
    fn write_at(&mut self, offset: u64, bytes: &[u8]) -> io::Result<()> {
        let here = self.core.position();
        self.core.set_position(offset);
        let written = self.write_all(bytes);
        self.core.set_position(here);
        written
    }
    fn append_notes(
        &mut self,
        notes: &[u8],
        notes_at: u64,
        headers: &[u8],
        headers_at: u64,
    ) -> io::Result<()> {
        self.write_at(headers_at, headers)?;
        self.core.set_position(notes_at);
        self.write_all(notes)
    }
}
