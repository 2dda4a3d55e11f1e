//! Any supported image to JSON, as `crit decode --pretty` prints it:
//! `{"magic": "PSTREE", "entries": [...]}`.

use serde::Serialize;
use serde_json::{Value, json};

use super::image::{Image, ImageError, Records};
use super::proto::*;

/// Decodes a whole image (not a raw one such as `pages-*.img`) to crit's
/// JSON. Fields this crate does not decode are absent.
pub fn to_json(bytes: &[u8]) -> Result<Value, ImageError> {
    let image = Image::parse(bytes)?;
    let magic = image.magic_name().ok_or(ImageError::BadMagic {
        found: image.magic(),
    })?;
    let mut records = image.records();
    let entries = match magic {
        "INVENTORY" => all::<InventoryEntry>(&mut records)?,
        "PSTREE" => all::<PstreeEntry>(&mut records)?,
        "CORE" => all::<CoreEntry>(&mut records)?,
        "IDS" => all::<TaskKobjIdsEntry>(&mut records)?,
        "FS" => all::<FsEntry>(&mut records)?,
        "MM" => all::<MmEntry>(&mut records)?,
        "FDINFO" => all::<FdinfoEntry>(&mut records)?,
        "STATS" => all::<StatsEntry>(&mut records)?,
        "PAGEMAP" => pagemap(&mut records)?,
        other => {
            return Err(ImageError::Invalid {
                what: format!("{other} images are not decoded"),
            });
        }
    };
    Ok(json!({ "magic": magic, "entries": entries }))
}

fn value<T: Serialize>(v: &T) -> Result<Value, ImageError> {
    serde_json::to_value(v).map_err(|e| ImageError::Invalid {
        what: e.to_string(),
    })
}

/// Every record as `M`.
fn all<M: prost::Message + Default + Serialize>(
    records: &mut Records<'_>,
) -> Result<Vec<Value>, ImageError> {
    let mut out = Vec::new();
    for record in records {
        out.push(value(&record?.decode::<M>()?)?);
    }
    Ok(out)
}

/// A `pagemap_head`, then `pagemap_entry` records.
fn pagemap(records: &mut Records<'_>) -> Result<Vec<Value>, ImageError> {
    let mut out = Vec::new();
    if let Some(head) = records.next_record() {
        out.push(value(&head?.decode::<PagemapHead>()?)?);
    }
    out.extend(all::<PagemapEntry>(records)?);
    Ok(out)
}
