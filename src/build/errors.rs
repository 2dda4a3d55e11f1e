//! The errors of writing an image, named.

use std::io;
use std::path::Path;

use crate::error::Error;

/// An error writing `path` (an output asked for).
pub(super) fn write_error(path: &Path) -> impl Fn(io::Error) -> Error + '_ {
    move |source| Error::Write {
        path: path.to_owned(),
        source,
    }
}

/// An error reading the archive `name`.
pub(super) fn io_error(name: &str, source: io::Error) -> Error {
    Error::Io {
        archive: name.to_owned(),
        entry: None,
        offset: None,
        source,
    }
}
