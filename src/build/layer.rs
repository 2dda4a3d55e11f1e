//! The layer pass: the archive copied into the layer blob, hashed as it
//! goes, decompressed on the way to hash the DiffID, and walked for its
//! metadata, all at once.

use std::fs::File;
use std::io::{self, BufReader, Read, Write};
use std::path::Path;
use std::sync::{Arc, Mutex};

use oci_spec::image::MediaType;
use sha2::{Digest as _, Sha256};

use super::blobs::{media_type, sha256_hex};
use super::errors::{io_error, write_error};
use crate::compression::{self, Compression};
use crate::error::{Error, Result};
use crate::model::Checkpoint;
use crate::options::{Options, Want};
use crate::source::{Source, read_prefix};

/// What [`Tee`] reads from and writes to, shared so that it can be taken
/// back once the decoder that reads through it is done.
struct TeeState<W> {
    file: File,
    out: W,
    hash: Sha256,
    len: u64,
    /// An error writing `out`, told apart from one reading.
    write_error: Option<io::Error>,
}

/// Copies every byte read through it to `out`, and hashes it.
struct Tee<W>(Arc<Mutex<TeeState<W>>>);

impl<W: Write> Read for Tee<W> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let mut s = self
            .0
            .lock()
            .map_err(|_| io::Error::other("layer copy poisoned"))?;
        let n = s.file.read(buf)?;
        let data = &buf[..n];
        s.hash.update(data);
        s.len += n as u64;
        if let Err(e) = s.out.write_all(data) {
            let kind = e.kind();
            s.write_error = Some(e);
            return Err(io::Error::new(kind, "writing the layer failed"));
        }
        Ok(n)
    }
}

/// Hashes every byte read through it.
struct Hashing<R> {
    inner: R,
    hash: Sha256,
    len: u64,
}

impl<R: Read> Read for Hashing<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.hash.update(&buf[..n]);
        self.len += n as u64;
        Ok(n)
    }
}

/// The layer pass: copies the archive at `input` to `out`, hashing it, and
/// reads its metadata and the DiffID on the way.
pub(super) fn copy_layer<W: Write + Send>(
    input: &Path,
    out: W,
    out_path: &Path,
    options: &Options,
) -> Result<(Checkpoint, MediaType, String, u64, String)> {
    let file = File::open(input).map_err(|source| Error::Open {
        path: input.to_owned(),
        source,
    })?;
    let name = input.display().to_string();
    let state = Arc::new(Mutex::new(TeeState {
        file,
        out,
        hash: Sha256::new(),
        len: 0,
        write_error: None,
    }));
    let mut tee = Tee(state.clone());
    let mut magic = [0u8; Compression::MAGIC_LEN];
    let n = read_prefix(&mut tee, &mut magic).map_err(|e| io_error(&name, e))?;
    let compression = Compression::detect(&magic[..n]);
    let Some(media) = media_type(compression) else {
        return Err(Error::LayerCompression {
            archive: name,
            compression,
        });
    };
    let prefixed =
        BufReader::with_capacity(128 << 10, io::Cursor::new(magic[..n].to_vec()).chain(tee));
    let decoded = compression::decoder(compression, prefixed).map_err(|e| io_error(&name, e))?;
    let mut hashing = Hashing {
        inner: decoded,
        hash: Sha256::new(),
        len: 0,
    };
    let options = Options {
        want: Want::metadata_only(),
        ..options.clone()
    };
    let read = crate::read::read(Source::from_reader(&mut hashing, name.clone()), &options);
    // The rest of the archive: to the blob, through the hashes.
    let rest = io::copy(&mut hashing, &mut io::sink());
    let diff_id = sha256_hex(hashing.hash);
    drop(hashing.inner);
    let Ok(state) = Arc::try_unwrap(state).map(Mutex::into_inner) else {
        return Err(io_error(&name, io::Error::other("layer copy still in use")));
    };
    let Ok(mut state) = state else {
        return Err(io_error(&name, io::Error::other("layer copy poisoned")));
    };
    if let Some(e) = state.write_error.take() {
        return Err(Error::Write {
            path: out_path.to_owned(),
            source: e,
        });
    }
    let checkpoint = read?;
    rest.map_err(|e| io_error(&name, e))?;
    // Whatever the decoder left unread after the end of its stream.
    let mut buf = vec![0u8; 64 << 10];
    loop {
        let n = match state.file.read(&mut buf) {
            Ok(0) => break,
            Ok(n) => n,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
            Err(e) => return Err(io_error(&name, e)),
        };
        state.hash.update(&buf[..n]);
        state.len += n as u64;
        state
            .out
            .write_all(&buf[..n])
            .map_err(write_error(out_path))?;
    }
    state.out.flush().map_err(write_error(out_path))?;
    Ok((
        checkpoint,
        media,
        sha256_hex(state.hash),
        state.len,
        diff_id,
    ))
}
