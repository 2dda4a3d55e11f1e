//! An image written as `crit decode --pretty` prints it, one record at a
//! time.

use std::io::{self, Write};

use serde::Serialize;

use super::decode::each_entry;
use super::image::{Image, ImageError};
use crate::options::Limits;

/// Why [`write_pretty`] stopped.
#[derive(Debug, thiserror::Error)]
pub enum WriteError {
    /// The image does not decode, or holds more than the limits allow.
    #[error(transparent)]
    Image(#[from] ImageError),
    /// Writing failed.
    #[error("cannot write: {0}")]
    Write(#[source] io::Error),
}

/// Writes an image as `crit decode --pretty` prints it (four spaces of
/// indent), one record decoded at a time. Before anything is written the
/// records are counted against [`Limits::max_records`] and the memory one
/// record may decode into against [`Limits::max_total_size`].
pub fn write_pretty(bytes: &[u8], limits: &Limits, out: &mut dyn Write) -> Result<(), WriteError> {
    // A first pass decodes and drops each record, so that an image that
    // does not decode or breaks a limit fails before anything is written.
    each_entry(bytes, limits, &mut |_| Ok(()))?;
    let image = Image::parse(bytes)?;
    let magic = image.magic_name().ok_or(ImageError::BadMagic {
        found: image.magic(),
    })?;
    let w = |r: io::Result<()>| r.map_err(WriteError::Write);
    w(write!(
        out,
        "{{\n    \"magic\": \"{magic}\",\n    \"entries\": ["
    ))?;
    let mut first = true;
    let mut failed = None;
    let result = each_entry(bytes, limits, &mut |v| {
        let mut text = Vec::new();
        let formatter = crate::escape::JsonFormatter::with_indent(b"    ");
        let mut ser = serde_json::Serializer::with_formatter(&mut text, formatter);
        v.serialize(&mut ser).map_err(|e| ImageError::Invalid {
            what: e.to_string(),
        })?;
        let sep = if first { "\n" } else { ",\n" };
        first = false;
        let text = String::from_utf8_lossy(&text).replace('\n', "\n        ");
        if let Err(e) = write!(out, "{sep}        {text}") {
            failed = Some(e);
            return Err(ImageError::Invalid {
                what: "output closed".into(),
            });
        }
        Ok(())
    });
    if let Some(e) = failed {
        return Err(WriteError::Write(e));
    }
    result?;
    let close = if first { "]\n}\n" } else { "\n    ]\n}\n" };
    w(out.write_all(close.as_bytes()))
}
