//! A member of the container's `rootfs-diff.tar`, walked as a nested tar
//! inside the archive's walk.

use std::io::Write;

use super::target::Target;
use super::{Cat, CatKind, Walk, copy};
use crate::error::Result;
use crate::source::{Archive, Entry, FileType, Source};
use crate::warning::{Warning, WarningKind};

impl Walk<'_> {
    /// Walks the nested tar for the member asked for.
    pub(super) fn rootfs_diff(
        &mut self,
        entry: &mut Entry<'_, '_>,
        target: &Target,
        out: &mut dyn Write,
    ) -> Result<()> {
        let outer = entry.name().to_owned();
        let label = format!("{}/{outer}", self.archive);
        let mut nested = Archive::new(Source::from_reader(&mut *entry, label))?;
        let wanted = target.member.as_deref().unwrap_or_default();
        for member in nested.entries()? {
            let mut member = member?;
            let name = format!("{outer}/{}", member.name());
            if member.is_file() {
                self.name(name.clone());
            }
            if member.name() != wanted {
                continue;
            }
            if member.file_type() != FileType::File {
                self.warnings.push(Warning::new(
                    WarningKind::NotARegularFile,
                    Some(&name),
                    format!(
                        "a {}, which has no content to write",
                        member.file_type().name()
                    ),
                ));
                continue;
            }
            self.twice(member.data_offset())?;
            let size = copy(&mut member, out, &self.archive, &name)?;
            self.from_rootfs_copy = true;
            self.found = Some(Cat {
                kind: CatKind::RootfsDiff,
                name,
                size,
                warnings: Vec::new(),
            });
        }
        for mut w in nested.take_warnings() {
            w.entry = Some(
                w.entry
                    .take()
                    .map_or_else(|| outer.clone(), |e| format!("{outer}/{e}")),
            );
            self.warnings.push(w);
        }
        Ok(())
    }
}
