//! Writes a synthetic Podman-shaped checkpoint archive (see
//! `tests/common/synth.rs`), e.g. to measure the peak memory of `ckpt show`:
//!
//! ```text
//! cargo run --release --example synth -- /tmp/big.tar.zst 1024
//! /usr/bin/time -v target/release/ckpt show /tmp/big.tar.zst
//! ```
//!
//! The compression follows the extension: `.gz` gzip (level 6), `.zst` zstd
//! (level 3), anything else a plain tar. SIZE_MIB is the size of
//! `checkpoint/pages-1.img` in MiB. An existing file is never overwritten.

#[path = "../tests/common/synth.rs"]
mod synth;

use std::fs::OpenOptions;
use std::io::{BufWriter, Write};
use std::process::ExitCode;

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let [out, size] = args.as_slice() else {
        eprintln!("usage: synth OUT.tar[.gz|.zst] SIZE_MIB");
        return ExitCode::from(2);
    };
    let Ok(mib) = size.parse::<u64>() else {
        eprintln!("synth: SIZE_MIB must be a whole number of MiB, not {size:?}");
        return ExitCode::from(2);
    };
    let compress = synth::Compress::from_file_name(out);
    let file = match OpenOptions::new().write(true).create_new(true).open(out) {
        Ok(f) => f,
        Err(e) => {
            eprintln!("synth: {out}: {e}");
            return ExitCode::FAILURE;
        }
    };
    let written =
        synth::write_checkpoint(BufWriter::with_capacity(1 << 20, file), mib << 20, compress)
            .and_then(|mut w| {
                w.flush()?;
                w.into_inner().map_err(|e| e.into_error())?.sync_all()
            });
    if let Err(e) = written {
        eprintln!("synth: {out}: {e}");
        return ExitCode::FAILURE;
    }
    ExitCode::SUCCESS
}
