//! CRIU images met during the pass: decoded into the [`ImageSet`] when a
//! wanted part of the model needs them.
//!
//! [`ImageSet`]: crate::model::ImageSet

use super::collect::Collector;
use crate::criu::{ImageError, ImageKind};
use crate::error::{Error, Result};
use crate::layout::EntryKind;
use crate::model::ImageSet;
use crate::source::Entry;
use crate::warning::{Warning, WarningKind};

impl Collector<'_, '_> {
    /// Whether CRIU images of this kind are decoded.
    fn wanted_image(&self, kind: ImageKind) -> bool {
        let want = &self.options.want;
        let memory = want.memory_text || want.memory || self.sink.is_some();
        match kind {
            ImageKind::Pstree | ImageKind::Core => want.processes || want.files || memory,
            ImageKind::Ids | ImageKind::Fdinfo | ImageKind::Fs => want.files,
            ImageKind::RemapFpath => want.files || memory,
            ImageKind::Mountpoints => want.mounts,
            ImageKind::Mm | ImageKind::Pagemap => memory,
            // Shared memory, and what names it and maps it.
            ImageKind::ShmemPagemap | ImageKind::IpcnsShm => memory,
            ImageKind::Memfd | ImageKind::Files => want.files || memory,
            // The plugins a restore needs are among the sizes' facts.
            ImageKind::Inventory => want.processes || want.sizes,
            ImageKind::StatsDump => want.stats,
            ImageKind::Cgroup => want.cgroups,
            _ => false,
        }
    }

    /// A CRIU image (or `stats-dump`).
    pub(super) fn image(&mut self, entry: &mut Entry<'_, '_>) -> Result<()> {
        if !self.options.want.any_image() && self.sink.is_none() {
            return Ok(());
        }
        let name = entry.name().to_owned();
        let file = name.rsplit('/').next().unwrap_or(&name);
        let Some((kind, id)) = ImageKind::parse(file) else {
            return Ok(());
        };
        // Ids that do not fit a pid are no image of the model's (shared
        // memory is named by a 64-bit id).
        let fits = kind == ImageKind::ShmemPagemap || id.is_none_or(|id| u32::try_from(id).is_ok());
        // A file of /dev/shm deleted while open: what a memory sink may be
        // given as the content of the object mapped from it.
        if kind == ImageKind::GhostFile && self.sink.is_some() && id.is_some() {
            let bytes = self.read_held(entry)?;
            self.images.keep_shm_file(id, None, bytes);
            return Ok(());
        }
        if !fits || !self.wanted_image(kind) {
            return Ok(());
        }
        let top_level = entry.kind()
            == (EntryKind::StatsDump {
                in_checkpoint: false,
            });
        if kind == ImageKind::StatsDump && self.stats_from_top && !top_level {
            // The top-level copy (Podman, CRI-O) wins over checkpoint/'s.
            return Ok(());
        }
        let bytes = self.read_held(entry)?;
        // What decoding will take, bounded before anything is decoded.
        let limit_error = |limit, max| Error::LimitExceeded {
            archive: self.archive.clone(),
            entry: name.clone(),
            offset: entry.data_offset(),
            limit,
            max,
        };
        if let Err(ImageError::Limit { limit, max }) =
            ImageSet::check_counts(kind, &bytes, &self.options.limits)
        {
            return Err(limit_error(limit, max));
        }
        if let Ok(image) = crate::criu::Image::parse(&bytes)
            && let Ok(cost) =
                crate::criu::budget::image_size(&image, self.options.limits.max_total_size)
        {
            self.hold(entry, cost)?;
        }
        match self.images.insert(kind, id, &bytes, &self.options.limits) {
            Ok(()) => {
                self.stats_from_top |= kind == ImageKind::StatsDump && top_level;
                // The layout of a process is known once both are.
                if let (ImageKind::Mm | ImageKind::Pagemap, Some(pid)) =
                    (kind, id.and_then(|i| u32::try_from(i).ok()))
                    && self.images.mm.contains_key(&pid)
                    && self.images.pagemap.contains_key(&pid)
                {
                    self.to_lay_out.insert(pid);
                }
            }
            Err(ImageError::Limit { limit, max }) => {
                return Err(Error::LimitExceeded {
                    archive: self.archive.clone(),
                    entry: name,
                    offset: entry.data_offset(),
                    limit,
                    max,
                });
            }
            Err(e) => self.warnings.push(Warning::new(
                WarningKind::InvalidImage,
                Some(&name),
                format!("invalid CRIU image, ignored: {e}"),
            )),
        }
        Ok(())
    }
}
