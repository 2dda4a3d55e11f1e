//! Where a walk is, what its errors and warnings name, and the names it
//! has seen (to find an entry given twice).

use std::collections::HashMap;
use std::collections::hash_map::RandomState;
use std::hash::BuildHasher;
use std::io;

use super::member::WalkError;
use crate::compression::Compression;
use crate::error::{Error, Result};
use crate::source::context::Context;
use crate::warning::{Capped, Warning, WarningKind};

/// Most distinct names remembered to find an entry given twice; past it
/// (an archive of millions of entries) duplicates are no longer looked for,
/// and a warning says so.
const MAX_NAMES: usize = 1 << 22;

/// Where a walk is: what errors and warnings need to name.
pub(crate) struct Walk {
    pub(crate) ctx: Context,
    /// Length of the input when known (a file, positioned reads).
    pub(crate) input_len: Option<u64>,
    /// Whether the input is a plain tar read with seeks.
    pub(crate) seekable: bool,
    /// Offset of the next tar header.
    pub(super) next_header: u64,
    /// Name of the last entry handed out.
    pub(super) last_entry: Option<String>,
    /// Entries handed out so far.
    pub(super) count: u64,
    pub(crate) warnings: Capped,
    /// Keyed hashes of the cleaned names seen, and whether each was a
    /// directory: to find an entry given twice without holding every name.
    pub(super) names: HashMap<u64, bool>,
    pub(super) hasher: RandomState,
}

impl Walk {
    /// Turns an error of the tar walk into an [`Error`] that names the
    /// archive and the entry.
    pub(super) fn error(&self, e: WalkError, entry: Option<&str>) -> Error {
        let e = match e {
            WalkError::Truncated if self.count == 0 && self.ctx.state.tar_pos() < 512 => {
                return Error::NotATar {
                    archive: self.ctx.name.to_string(),
                    source: io::Error::new(
                        io::ErrorKind::UnexpectedEof,
                        "shorter than one tar header block",
                    ),
                };
            }
            WalkError::NotATar { head, message } => {
                let looks_like = crate::compression::describe_head(&head);
                return match self.ctx.compression {
                    Compression::None => Error::UnknownFormat {
                        archive: self.ctx.name.to_string(),
                        looks_like,
                    },
                    c => Error::NotATar {
                        archive: self.ctx.name.to_string(),
                        source: io::Error::new(
                            io::ErrorKind::InvalidData,
                            format!("{message}: the {c} stream holds {looks_like}"),
                        ),
                    },
                };
            }
            WalkError::Truncated => return self.ctx.truncated(entry),
            WalkError::Invalid { offset, message } if self.count == 0 => {
                return Error::NotATar {
                    archive: self.ctx.name.to_string(),
                    source: io::Error::new(
                        io::ErrorKind::InvalidData,
                        format!("{message} at offset {offset}"),
                    ),
                };
            }
            WalkError::Invalid { offset, message } => {
                return Error::Tar {
                    archive: self.ctx.name.to_string(),
                    offset,
                    previous: self.last_entry.clone(),
                    source: io::Error::new(io::ErrorKind::InvalidData, message),
                };
            }
            WalkError::Io(e) => e,
        };
        match self.ctx.classify(e, entry) {
            Ok(error) => error,
            Err(e) if self.ctx.ended(&e) => self.ctx.truncated(entry),
            Err(e) => Error::Tar {
                archive: self.ctx.name.to_string(),
                offset: self.next_header,
                previous: self.last_entry.clone(),
                source: e,
            },
        }
    }

    /// Notes a cleaned name; warns when it was seen before (what the
    /// runtime's extraction does then: the later entry replaces the
    /// earlier, unless both are directories).
    pub(super) fn seen(&mut self, name: &str, raw: &str, is_dir: bool) {
        if self.names.len() >= MAX_NAMES {
            if self.names.len() == MAX_NAMES {
                self.names.insert(u64::MAX, false);
                self.warnings.push(Warning::new(
                    WarningKind::DuplicateEntry,
                    None,
                    format!(
                        "more than {MAX_NAMES} entries: later ones are not checked for duplicates"
                    ),
                ));
            }
            return;
        }
        let key = self.hasher.hash_one(name);
        match self.names.insert(key, is_dir) {
            Some(true) if is_dir => {}
            Some(_) => {
                let spelled = if raw == name {
                    String::new()
                } else {
                    format!(" (here as `{raw}`)")
                };
                self.warnings.push(Warning::new(
                    WarningKind::DuplicateEntry,
                    Some(name),
                    format!(
                        "appears more than once{spelled}: the runtime's extraction keeps the \
                         last copy, and so does ckpt"
                    ),
                ));
            }
            None => {}
        }
    }

    /// Called when the tar walk stops without an error: tells a complete
    /// archive from a truncated one.
    pub(super) fn check_end(&mut self, marker: bool, dangling: Option<String>) -> Result<()> {
        if let Some(message) = dangling {
            self.warnings
                .push(Warning::new(WarningKind::Ambiguous, None, message));
        }
        if marker {
            return Ok(());
        }
        if self.count > 0 {
            self.warnings.push(Warning::new(
                WarningKind::NoEndMarker,
                None,
                "the tar has no end-of-archive marker: the archive may be truncated",
            ));
        }
        Ok(())
    }
}
