//! [`Reread`]: an entry's data read again after the walk, by offset in a
//! plain tar read with positioned reads, by path in a directory.

use std::fs::File;
use std::io;
use std::path::PathBuf;
use std::sync::Arc;

use super::ReadAt;
use super::context::Context;
use super::dir::open_regular;
use super::entry::Location;
use crate::error::Error;

/// Reads entries' data again after the walk: by offset in a plain tar, by
/// path in a directory.
pub(crate) struct Reread<'r> {
    random: Option<(Arc<dyn ReadAt + 'r>, u64)>,
    archive: Arc<str>,
    ctx: Option<Context>,
    /// The directory file read last.
    open: Option<(PathBuf, File)>,
}

impl<'r> Reread<'r> {
    pub(super) fn new(
        random: Option<(Arc<dyn ReadAt + 'r>, u64)>,
        archive: Arc<str>,
        ctx: Option<Context>,
    ) -> Reread<'r> {
        Reread {
            random,
            archive,
            ctx,
            open: None,
        }
    }

    /// Fills `buf` from `offset` of the data at `location`.
    pub(crate) fn read_exact_at(
        &mut self,
        location: &Location,
        offset: u64,
        buf: &mut [u8],
    ) -> io::Result<()> {
        match location {
            Location::Offset(base) => {
                let Some((random, len)) = &self.random else {
                    return Err(io::Error::other("the archive cannot be read again"));
                };
                let start = base.checked_add(offset);
                let end = start.and_then(|s| s.checked_add(buf.len() as u64));
                match (start, end) {
                    (Some(start), Some(end)) if end <= *len => random.read_exact_at(start, buf),
                    _ => Err(io::Error::new(
                        io::ErrorKind::UnexpectedEof,
                        format!(
                            "bytes {base}+{offset}..+{} are past the end of the archive ({len} bytes)",
                            buf.len()
                        ),
                    )),
                }
            }
            Location::Path(path) => {
                let file = match &mut self.open {
                    Some((p, f)) if p == path => f,
                    _ => &mut self.open.insert((path.clone(), open_regular(path)?)).1,
                };
                file.read_exact_at(offset, buf)
            }
            Location::Stream => Err(io::Error::other("the entry cannot be read again")),
        }
    }

    /// An error of [`Reread::read_exact_at`] as an [`Error`] naming the
    /// archive and `entry`.
    pub(crate) fn error(&self, e: io::Error, location: &Location, entry: &str) -> Error {
        match (location, &self.ctx) {
            (Location::Path(path), _) => Error::Open {
                path: path.clone(),
                source: e,
            },
            (_, Some(ctx)) => match ctx.classify(e, Some(entry)) {
                Ok(error) => error,
                Err(e) if e.kind() == io::ErrorKind::UnexpectedEof => ctx.truncated(Some(entry)),
                Err(source) => Error::Io {
                    archive: ctx.name.to_string(),
                    entry: Some(entry.to_owned()),
                    offset: None,
                    source,
                },
            },
            (_, None) => Error::Io {
                archive: self.archive.to_string(),
                entry: Some(entry.to_owned()),
                offset: None,
                source: e,
            },
        }
    }
}
