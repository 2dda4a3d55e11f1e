//! The compression layer: recognise the format from the first bytes and
//! decode it as a stream.
//!
//! The file name never matters. gzip goes through flate2's `zlib-rs` backend
//! as a multi-member stream (what `gzip -d` reads); zstd through libzstd,
//! reading concatenated frames; xz through liblzma (feature `xz`) and bzip2
//! through libbz2-rs-sys (feature `bzip2`), concatenated streams too;
//! anything else is taken to be a plain tar. Without their feature, xz and
//! bzip2 are recognised so that the error can name them.
//!
//! Every decoder's memory is bounded whatever the stream declares: zstd
//! windows up to 128 MiB, xz up to [`Compression::XZ_MEMORY_LIMIT`] (xz -9
//! needs 65 MiB),
//! bzip2 by its format (at most 900 kB blocks).

use std::fmt;
use std::io::{self, BufRead, Read};

use serde::Serialize;

/// The compression of a checkpoint archive.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
#[non_exhaustive]
pub enum Compression {
    /// A plain tar (`podman container checkpoint --compress none`, CRI-O).
    None,
    /// gzip (`--compress gzip`).
    Gzip,
    /// zstd (`--compress zstd`, Podman's default).
    Zstd,
    /// xz (read with the `xz` feature, a default).
    Xz,
    /// bzip2 (read with the `bzip2` feature, a default).
    Bzip2,
}

impl Compression {
    /// Number of leading bytes [`Compression::detect`] looks at.
    pub const MAGIC_LEN: usize = 6;

    /// Most memory the xz decoder may use (liblzma's memory limit): a stream
    /// whose dictionary needs more is refused before it is allocated.
    pub const XZ_MEMORY_LIMIT: u64 = 256 << 20;

    /// Recognises the compression from the first bytes of a file.
    ///
    /// Fewer than [`Compression::MAGIC_LEN`] bytes are fine; whatever does not
    /// start with a known magic is a plain tar.
    ///
    /// ```
    /// use ckpt::Compression;
    /// assert_eq!(Compression::detect(&[0x28, 0xb5, 0x2f, 0xfd]), Compression::Zstd);
    /// assert_eq!(Compression::detect(b"config.dump\0"), Compression::None);
    /// ```
    pub fn detect(prefix: &[u8]) -> Compression {
        if prefix.starts_with(&[0x1f, 0x8b, 0x08]) {
            Compression::Gzip
        } else if prefix.starts_with(&[0x28, 0xb5, 0x2f, 0xfd]) {
            Compression::Zstd
        } else if prefix.starts_with(&[0xfd, b'7', b'z', b'X', b'Z', 0x00]) {
            Compression::Xz
        } else if prefix.starts_with(b"BZh") {
            Compression::Bzip2
        } else {
            Compression::None
        }
    }

    /// Whether this build can decode it.
    pub fn is_supported(self) -> bool {
        match self {
            Compression::None | Compression::Gzip | Compression::Zstd => true,
            Compression::Xz => cfg!(feature = "xz"),
            Compression::Bzip2 => cfg!(feature = "bzip2"),
        }
    }

    /// The name used in messages and JSON: `none`, `gzip`, `zstd`, `xz`,
    /// `bzip2`.
    pub fn name(self) -> &'static str {
        match self {
            Compression::None => "none",
            Compression::Gzip => "gzip",
            Compression::Zstd => "zstd",
            Compression::Xz => "xz",
            Compression::Bzip2 => "bzip2",
        }
    }
}

/// What the first bytes of an input that is no archive look like, for an
/// error of one line: `text ("…")`, `a zip archive`, `binary data (50 4b
/// …)`.
pub(crate) fn describe_head(head: &[u8]) -> String {
    const SHOWN: usize = 24;
    let known: [(&[u8], &str); 6] = [
        (
            &[0x1f, 0x8b],
            "a gzip header with an unknown compression method",
        ),
        (b"PK\x03\x04", "a zip archive"),
        (b"\x7fELF", "an ELF executable"),
        (b"%PDF", "a PDF document"),
        (b"\x89PNG", "a PNG image"),
        (b"7z\xbc\xaf", "a 7-Zip archive"),
    ];
    if let Some((_, what)) = known.iter().find(|(magic, _)| head.starts_with(magic)) {
        return (*what).to_owned();
    }
    let text = std::str::from_utf8(head)
        .ok()
        .or_else(|| {
            // A multi-byte character cut at the end is still text.
            let valid = std::str::from_utf8(head).err()?.valid_up_to();
            (head.len() - valid < 4)
                .then(|| std::str::from_utf8(head.get(..valid)?).ok())
                .flatten()
        })
        .filter(|t| !t.is_empty() && t.chars().all(|c| !c.is_control() || c.is_whitespace()));
    match text {
        Some(t) => {
            let shown: String = t.chars().take(SHOWN).collect();
            let more = if t.chars().count() > SHOWN { "…" } else { "" };
            format!("text ({shown:?}{more})")
        }
        None => {
            let hex: Vec<String> = head.iter().take(8).map(|b| format!("{b:02x}")).collect();
            format!("binary data ({})", hex.join(" "))
        }
    }
}

/// The compressions this build reads, as `gzip, zstd, xz or bzip2`.
pub(crate) fn compressions_read() -> String {
    let names: Vec<&str> = [
        Compression::Gzip,
        Compression::Zstd,
        Compression::Xz,
        Compression::Bzip2,
    ]
    .into_iter()
    .filter(|c| c.is_supported())
    .map(Compression::name)
    .collect();
    match names.split_last() {
        Some((last, rest)) if !rest.is_empty() => format!("{} or {last}", rest.join(", ")),
        _ => names.join(""),
    }
}

/// The compressions this build reads, as `none, gzip, zstd, xz, bzip2`.
pub(crate) fn supported_names() -> String {
    [
        Compression::None,
        Compression::Gzip,
        Compression::Zstd,
        Compression::Xz,
        Compression::Bzip2,
    ]
    .iter()
    .filter(|c| c.is_supported())
    .map(|c| c.name())
    .collect::<Vec<_>>()
    .join(", ")
}

impl fmt::Display for Compression {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// Marks an I/O error raised by the decoder (bad data, truncated stream), as
/// opposed to one from the underlying reader.
#[derive(Debug)]
pub(crate) struct StreamError(pub(crate) io::Error);

impl fmt::Display for StreamError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.fmt(f)
    }
}

impl std::error::Error for StreamError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        self.0.source()
    }
}

/// Marks an I/O error from the underlying reader, so that it is not taken for
/// a decoder error when it comes up through the decoder.
#[derive(Debug)]
pub(crate) struct InputError(pub(crate) io::Error);

impl fmt::Display for InputError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.fmt(f)
    }
}

impl std::error::Error for InputError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        Some(&self.0)
    }
}

/// Is this error (as it comes out of a decoder) the underlying reader's?
pub(crate) fn is_input_error(e: &io::Error) -> bool {
    e.get_ref().is_some_and(|inner| inner.is::<InputError>())
}

/// Wraps a decoder so that its own errors carry [`StreamError`].
struct Marked<R>(R);

impl<R: Read> Read for Marked<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        self.0.read(buf).map_err(|e| {
            if is_input_error(&e) {
                e
            } else {
                io::Error::new(e.kind(), StreamError(e))
            }
        })
    }
}

/// Output buffer between a decoder and the tar walk: tar reads 512-byte
/// headers, so small reads must not each reach the decoder.
const DECODED_BUFFER: usize = 256 << 10;

/// A decoder for `compression` reading from `input` (positioned at the first
/// byte of the compressed stream). `None` passes the bytes through.
pub(crate) fn decoder<'r>(
    compression: Compression,
    input: impl BufRead + Send + 'r,
) -> io::Result<Box<dyn BufRead + Send + 'r>> {
    Ok(match compression {
        Compression::Gzip => Box::new(io::BufReader::with_capacity(
            DECODED_BUFFER,
            Marked(flate2::bufread::MultiGzDecoder::new(input)),
        )),
        Compression::Zstd => {
            let mut d = zstd::stream::read::Decoder::with_buffer(input)?;
            // libzstd's default limit (128 MiB windows), stated so that a
            // frame declaring a bigger window is refused, never allocated.
            d.window_log_max(27)?;
            Box::new(io::BufReader::with_capacity(DECODED_BUFFER, Marked(d)))
        }
        Compression::None => Box::new(input),
        #[cfg(feature = "xz")]
        Compression::Xz => {
            let stream = liblzma::stream::Stream::new_stream_decoder(
                Compression::XZ_MEMORY_LIMIT,
                liblzma::stream::CONCATENATED,
            )
            .map_err(io::Error::other)?;
            Box::new(io::BufReader::with_capacity(
                DECODED_BUFFER,
                Marked(liblzma::bufread::XzDecoder::new_stream(input, stream)),
            ))
        }
        #[cfg(feature = "bzip2")]
        Compression::Bzip2 => Box::new(io::BufReader::with_capacity(
            DECODED_BUFFER,
            Marked(bzip2::bufread::MultiBzDecoder::new(input)),
        )),
        #[allow(unreachable_patterns)] // with both features
        Compression::Xz | Compression::Bzip2 => {
            return Err(io::Error::new(
                io::ErrorKind::Unsupported,
                format!("{compression} is not supported"),
            ));
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn describes_what_is_no_archive() {
        assert_eq!(
            describe_head(b"hello world, this is a text file\n"),
            r#"text ("hello world, this is a t"…)"#
        );
        assert_eq!(describe_head(b"short\n"), r#"text ("short\n")"#);
        assert_eq!(describe_head(b"PK\x03\x04\x14\0"), "a zip archive");
        assert_eq!(
            describe_head(&[0x1f, 0x8b, 0x85, 0x1f]),
            "a gzip header with an unknown compression method"
        );
        assert_eq!(
            describe_head(&[0, 1, 2, 0xff, 0x80, 5, 6, 7, 8, 9]),
            "binary data (00 01 02 ff 80 05 06 07)"
        );
        // A character cut by the end of what was read is still text.
        assert_eq!(
            describe_head("résumé".as_bytes().get(..7).unwrap()),
            r#"text ("résum")"#
        );
    }

    #[test]
    fn detects_every_magic() {
        assert_eq!(
            Compression::detect(&[0x1f, 0x8b, 0x08, 0]),
            Compression::Gzip
        );
        assert_eq!(
            Compression::detect(&[0x28, 0xb5, 0x2f, 0xfd, 4]),
            Compression::Zstd
        );
        assert_eq!(
            Compression::detect(&[0xfd, 0x37, 0x7a, 0x58, 0x5a, 0x00]),
            Compression::Xz
        );
        assert_eq!(Compression::detect(b"BZh91AY"), Compression::Bzip2);
        assert_eq!(Compression::detect(b""), Compression::None);
        // A gzip magic without the deflate method byte is not gzip.
        assert_eq!(Compression::detect(&[0x1f, 0x8b]), Compression::None);
    }
}
