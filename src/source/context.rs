//! What an error of the reader layers needs to name, and which layer
//! raised it: the input's (an [`Error::Io`]), the decoder's (truncated or
//! corrupt stream), or the tar parser's.

use std::io;
use std::sync::Arc;

use super::input::State;
use crate::compression::{Compression, InputError, StreamError};
use crate::error::Error;

/// What an error needs to name: the archive, its compression, and how far
/// the stream got.
#[derive(Clone)]
pub(crate) struct Context {
    pub(crate) name: Arc<str>,
    pub(crate) compression: Compression,
    pub(crate) state: Arc<State>,
}

impl Context {
    /// Classifies an I/O error that the reader layers raised: the input's or
    /// the decoder's. Gives back any other error (the tar parser's own, or
    /// the end of the input).
    pub(crate) fn classify(
        &self,
        e: io::Error,
        entry: Option<&str>,
    ) -> std::result::Result<Error, io::Error> {
        let archive = self.name.to_string();
        let entry = entry.map(str::to_owned);
        let offset = Some(self.state.tar_pos());
        if e.get_ref().is_some_and(|i| i.is::<InputError>()) {
            return Ok(Error::Io {
                archive,
                entry,
                offset,
                source: unwrap_input_error(e),
            });
        }
        if e.get_ref().is_some_and(|i| i.is::<StreamError>()) {
            if e.kind() == io::ErrorKind::UnexpectedEof {
                return Ok(Error::Truncated {
                    archive,
                    compression: self.compression,
                    entry,
                    offset,
                });
            }
            return Ok(Error::Decompress {
                archive,
                compression: self.compression,
                entry,
                offset,
                source: e,
            });
        }
        Err(e)
    }

    /// Whether the uncompressed stream has ended (or an error says so).
    pub(crate) fn ended(&self, e: &io::Error) -> bool {
        e.kind() == io::ErrorKind::UnexpectedEof || self.state.ended()
    }

    pub(crate) fn truncated(&self, entry: Option<&str>) -> Error {
        Error::Truncated {
            archive: self.name.to_string(),
            compression: self.compression,
            entry: entry.map(str::to_owned),
            offset: Some(self.state.tar_pos()),
        }
    }

    /// An error from reading `entry`'s data, named.
    pub(crate) fn entry_error(&self, e: io::Error, entry: &str) -> Error {
        match self.classify(e, Some(entry)) {
            Ok(error) => error,
            Err(e) if self.ended(&e) => self.truncated(Some(entry)),
            Err(source) => Error::Io {
                archive: self.name.to_string(),
                entry: Some(entry.to_owned()),
                offset: Some(self.state.tar_pos()),
                source,
            },
        }
    }
}

/// The inner error of an [`InputError`], or the error itself.
fn unwrap_input_error(e: io::Error) -> io::Error {
    if !e.get_ref().is_some_and(|i| i.is::<InputError>()) {
        return e;
    }
    match e.into_inner().map(|i| i.downcast::<InputError>()) {
        Some(Ok(input)) => input.0,
        Some(Err(other)) => io::Error::other(other),
        None => io::Error::other("read error"),
    }
}

/// An error of the input before the walk began, named.
pub(crate) fn input_error(name: &str, e: io::Error) -> Error {
    Error::Io {
        archive: name.to_owned(),
        entry: None,
        offset: None,
        source: unwrap_input_error(e),
    }
}
