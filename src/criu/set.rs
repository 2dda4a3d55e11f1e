//! The decoded images of one dump, by kind and id, as the archive walk
//! finds them (in any order).

use std::collections::BTreeMap;

use serde::Serialize;

use super::image::{Image, ImageError, count_field};
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

/// Limits on what one image may hold, checked before it is decoded or as
/// its records are; hitting one is an [`ImageError::Limit`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub struct ImageLimits {
    /// Most records in one image (open files, page runs, mounts).
    pub max_records: u64,
    /// Most processes in `pstree.img`.
    pub max_processes: u64,
    /// Most memory areas in one `mm-*.img`.
    pub max_vmas: u64,
}

impl Default for ImageLimits {
    fn default() -> ImageLimits {
        use crate::options::{DEFAULT_MAX_PROCESSES, DEFAULT_MAX_RECORDS, DEFAULT_MAX_VMAS};
        ImageLimits {
            max_records: DEFAULT_MAX_RECORDS,
            max_processes: DEFAULT_MAX_PROCESSES,
            max_vmas: DEFAULT_MAX_VMAS,
        }
    }
}

/// Every record of `image`, at most `max_records` of them.
fn records<M: prost::Message + Default>(
    image: Image<'_>,
    limits: &ImageLimits,
) -> Result<Vec<M>, ImageError> {
    image.decode_at_most(limits.max_records, "max-records", "records")
}

/// `MmEntry.vmas`' field number.
const MM_VMAS_FIELD: u32 = 14;

/// The images of one dump that answer a user's questions, decoded.
#[derive(Debug, Clone, Default, Serialize)]
#[non_exhaustive]
pub struct ImageSet {
    /// The limits [`ImageSet::insert`] applies.
    #[serde(skip)]
    pub limits: ImageLimits,
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

    /// An empty set whose images are decoded under `limits`.
    pub fn with_limits(limits: ImageLimits) -> ImageSet {
        ImageSet {
            limits,
            ..ImageSet::default()
        }
    }

    /// Decodes an image and keeps it. `kind` and `id` are those of
    /// [`split_name`]; images of other kinds are ignored.
    pub fn insert(&mut self, kind: &str, id: Option<u32>, bytes: &[u8]) -> Result<(), ImageError> {
        let need_id = || {
            id.ok_or_else(|| ImageError::Invalid {
                what: format!("{kind} image without an id in its name"),
            })
        };
        let limits = self.limits;
        match kind {
            "inventory" => {
                self.inventory = Some(Image::parse_expecting(bytes, "INVENTORY")?.decode_one()?);
            }
            "pstree" => {
                let image = Image::parse_expecting(bytes, "PSTREE")?;
                self.pstree = Some(if limits.max_processes <= limits.max_records {
                    image.decode_at_most(limits.max_processes, "max-processes", "processes")?
                } else {
                    records(image, &limits)?
                });
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
                let image = Image::parse_expecting(bytes, "MM")?;
                // Count the areas before they are allocated.
                if let Some(Ok(record)) = image.records().next_record()
                    && count_field(record.bytes, MM_VMAS_FIELD)? > limits.max_vmas
                {
                    return Err(ImageError::Limit {
                        limit: "max-vmas",
                        what: "memory areas",
                        max: limits.max_vmas,
                    });
                }
                self.mm.insert(id, image.decode_one()?);
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
                    if entries.len() as u64 >= limits.max_records {
                        return Err(ImageError::Limit {
                            limit: "max-records",
                            what: "records",
                            max: limits.max_records,
                        });
                    }
                    entries.push(r?.decode::<PagemapEntry>()?);
                }
                self.pagemap
                    .insert(id, PageMap::new(head.pages_id, &entries)?);
            }
            "fdinfo" => {
                let id = need_id()?;
                self.fdinfo.insert(
                    id,
                    records(Image::parse_expecting(bytes, "FDINFO")?, &limits)?,
                );
            }
            "files" => {
                self.files = Some(records(Image::parse_expecting(bytes, "FILES")?, &limits)?);
            }
            "mountpoints" => {
                let id = need_id()?;
                self.mountpoints.insert(
                    id,
                    records(Image::parse_expecting(bytes, "MNTS")?, &limits)?,
                );
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
    fn vmas_counted_by_their_field_number() {
        use prost::Message;
        let mm = MmEntry {
            mm_env_start: 7,
            mm_saved_auxv: vec![1, 2],
            vmas: vec![VmaEntry::default(); 3],
            ..MmEntry::default()
        };
        assert_eq!(count_field(&mm.encode_to_vec(), MM_VMAS_FIELD).unwrap(), 3);
    }

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
