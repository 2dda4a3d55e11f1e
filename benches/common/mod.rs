//! What the benches share: the synthetic archives of
//! `tests/common/synth.rs`, written to a file, decompressed alone for a
//! baseline, and sizes read from the environment.

// Each bench uses a different subset.
#![allow(dead_code)]

#[path = "../../tests/common/synth.rs"]
pub mod synth;

use std::fs::File;
use std::io::{self, BufReader, BufWriter, Read, Write};
use std::path::Path;

use synth::Compress;

pub const MIB: u64 = 1 << 20;

/// The number in environment variable `name`, else `default`.
pub fn env_or(name: &str, default: u64) -> u64 {
    std::env::var(name)
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(default)
}

/// Writes a synthetic checkpoint with `pages` bytes of memory to `path`.
pub fn write_archive(path: &Path, pages: u64, compress: Compress) {
    let file = File::create(path).expect("create fixture");
    let mut w = synth::write_checkpoint(
        BufWriter::with_capacity(MIB as usize, file),
        pages,
        compress,
    )
    .expect("write fixture");
    w.flush().expect("write fixture");
}

/// The whole tar of `path` (decompressed with the decoder `ckpt` uses)
/// into [`io::sink`] through a buffer of `chunk` bytes (`None`:
/// [`io::copy`]'s own, 8 KiB). Returns its length.
pub fn decompress(path: &Path, compress: Compress, chunk: Option<usize>) -> u64 {
    let file = File::open(path).expect("open");
    let mut d: Box<dyn Read> = match compress {
        Compress::None => Box::new(file),
        Compress::Gzip => Box::new(flate2::bufread::MultiGzDecoder::new(
            BufReader::with_capacity(128 << 10, file),
        )),
        Compress::Zstd => Box::new(zstd::stream::read::Decoder::new(file).expect("zstd decoder")),
    };
    let Some(chunk) = chunk else {
        return io::copy(&mut d, &mut io::sink()).expect("decompress");
    };
    let mut buf = vec![0; chunk];
    let mut total = 0;
    loop {
        match d.read(&mut buf) {
            Ok(0) => return total,
            Ok(n) => total += n as u64,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
            Err(e) => panic!("decompress: {e}"),
        }
    }
}
