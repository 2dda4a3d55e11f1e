//! The decoded images of one dump, by kind and id, as the archive walk
//! finds them (in any order).

use std::collections::BTreeMap;

use serde::Serialize;

use super::image::{Image, ImageError};
use super::proto::*;
use crate::memory::PageMap;

/// Splits an image file name into its kind and id: `core-12.img` is
/// `("core", Some(12))`, `ipcns-var-11.img` is `("ipcns-var", Some(11))`,
/// `files.img` is `("files", None)`.
pub fn split_name(file: &str) -> (&str, Option<u32>) {
    let stem = file.strip_suffix(".img").unwrap_or(file);
    match stem.rsplit_once('-') {
        Some((kind, id)) if !id.is_empty() && id.bytes().all(|b| b.is_ascii_digit()) => {
            match id.parse() {
                Ok(id) => (kind, Some(id)),
                Err(_) => (stem, None),
            }
        }
        _ => (stem, None),
    }
}

/// The images of one dump that answer a user's questions, decoded.
#[derive(Debug, Clone, Default, Serialize)]
#[non_exhaustive]
pub struct ImageSet {
    /// `inventory.img`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub inventory: Option<InventoryEntry>,
    /// `pstree.img`: the tasks, in image order.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub pstree: Option<Vec<PstreeEntry>>,
    /// `core-<pid>.img`.
    pub core: BTreeMap<u32, CoreEntry>,
    /// `ids-<pid>.img`.
    pub ids: BTreeMap<u32, TaskKobjIdsEntry>,
    /// `fs-<pid>.img`.
    pub fs: BTreeMap<u32, FsEntry>,
    /// `mm-<pid>.img`.
    pub mm: BTreeMap<u32, MmEntry>,
    /// `pagemap-<pid>.img`, with offsets in the pages file worked out.
    pub pagemap: BTreeMap<u32, PageMap>,
    /// `fdinfo-<files_id>.img`.
    pub fdinfo: BTreeMap<u32, Vec<FdinfoEntry>>,
    /// `files.img`: every open file, by the ids fdinfo entries use.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub files: Option<Vec<FileEntry>>,
    /// `mountpoints-<mnt_ns_id>.img`.
    pub mountpoints: BTreeMap<u32, Vec<MntEntry>>,
    /// `stats-dump`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub stats: Option<StatsEntry>,
}

impl ImageSet {
    /// Whether an image of this kind is kept by [`ImageSet::insert`].
    pub fn knows(kind: &str) -> bool {
        matches!(
            kind,
            "inventory"
                | "pstree"
                | "core"
                | "ids"
                | "fs"
                | "mm"
                | "pagemap"
                | "fdinfo"
                | "files"
                | "mountpoints"
                | "stats-dump"
        )
    }

    /// Decodes an image and keeps it. `kind` and `id` are those of
    /// [`split_name`]; images of other kinds are ignored.
    pub fn insert(&mut self, kind: &str, id: Option<u32>, bytes: &[u8]) -> Result<(), ImageError> {
        let need_id = || {
            id.ok_or_else(|| ImageError::Invalid {
                what: format!("{kind} image without an id in its name"),
            })
        };
        match kind {
            "inventory" => {
                self.inventory = Some(Image::parse_expecting(bytes, "INVENTORY")?.decode_one()?);
            }
            "pstree" => {
                self.pstree = Some(Image::parse_expecting(bytes, "PSTREE")?.decode_all()?);
            }
            "core" => {
                let id = need_id()?;
                self.core
                    .insert(id, Image::parse_expecting(bytes, "CORE")?.decode_one()?);
            }
            "ids" => {
                let id = need_id()?;
                self.ids
                    .insert(id, Image::parse_expecting(bytes, "IDS")?.decode_one()?);
            }
            "fs" => {
                let id = need_id()?;
                self.fs
                    .insert(id, Image::parse_expecting(bytes, "FS")?.decode_one()?);
            }
            "mm" => {
                let id = need_id()?;
                self.mm
                    .insert(id, Image::parse_expecting(bytes, "MM")?.decode_one()?);
            }
            "pagemap" => {
                let id = need_id()?;
                let image = Image::parse_expecting(bytes, "PAGEMAP")?;
                let mut records = image.records();
                let head: PagemapHead = match records.next_record() {
                    Some(r) => r?.decode()?,
                    None => {
                        return Err(ImageError::Missing {
                            message: "PagemapHead",
                        });
                    }
                };
                let mut entries = Vec::new();
                for r in records {
                    entries.push(r?.decode::<PagemapEntry>()?);
                }
                self.pagemap
                    .insert(id, PageMap::new(head.pages_id, &entries)?);
            }
            "fdinfo" => {
                let id = need_id()?;
                self.fdinfo
                    .insert(id, Image::parse_expecting(bytes, "FDINFO")?.decode_all()?);
            }
            "files" => {
                self.files = Some(Image::parse_expecting(bytes, "FILES")?.decode_all()?);
            }
            "mountpoints" => {
                let id = need_id()?;
                self.mountpoints
                    .insert(id, Image::parse_expecting(bytes, "MNTS")?.decode_all()?);
            }
            "stats-dump" => {
                self.stats = Some(Image::parse_expecting(bytes, "STATS")?.decode_one()?);
            }
            _ => {}
        }
        Ok(())
    }

    /// Whether nothing was decoded.
    pub fn is_empty(&self) -> bool {
        self.inventory.is_none()
            && self.pstree.is_none()
            && self.core.is_empty()
            && self.ids.is_empty()
            && self.fs.is_empty()
            && self.mm.is_empty()
            && self.pagemap.is_empty()
            && self.fdinfo.is_empty()
            && self.files.is_none()
            && self.mountpoints.is_empty()
            && self.stats.is_none()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn image_names() {
        assert_eq!(split_name("core-12.img"), ("core", Some(12)));
        assert_eq!(split_name("ipcns-var-11.img"), ("ipcns-var", Some(11)));
        assert_eq!(split_name("files.img"), ("files", None));
        assert_eq!(split_name("stats-dump"), ("stats-dump", None));
        assert_eq!(
            split_name("tmpfs-dev-44.tar.gz.img"),
            ("tmpfs-dev-44.tar.gz", None)
        );
        assert_eq!(
            split_name("core-99999999999.img"),
            ("core-99999999999", None)
        );
        assert_eq!(split_name("core-.img"), ("core-", None));
    }
}
