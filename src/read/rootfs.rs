//! The nested tars, read as they stream by, by the same reader as the
//! archive, through the entry's own data: `rootfs-diff.tar` (plain or
//! compressed), of which only the headers are kept, and Podman's
//! `devshm-checkpoint.tar`, whose files are kept for a memory sink (the
//! POSIX shared memory the processes map).

use std::collections::HashMap;

use super::collect::Collector;
use crate::compression::Compression;
use crate::error::{Error, Result};
use crate::model::{RootfsChange, RootfsDiff};
use crate::options::LimitKind;
use crate::source::{Archive, Entry, FileType, Source};
use crate::warning::{Warning, WarningKind};

/// Memory one listed member takes besides its path and link target.
const CHANGE_COST: u64 = std::mem::size_of::<RootfsChange>() as u64;

impl Collector<'_, '_> {
    /// The tar inside `entry`, read through it; one that does not open is
    /// a warning.
    fn open_nested<'e>(
        &mut self,
        entry: &'e mut Entry<'_, '_>,
        outer: &str,
    ) -> Option<Archive<'e>> {
        let name = format!("{}/{outer}", self.archive);
        match Archive::new(Source::from_reader(entry, name)) {
            Ok(a) => Some(a),
            Err(e) => {
                self.warnings.push(Warning::new(
                    WarningKind::NestedArchive,
                    Some(outer),
                    format!("not read: {e}"),
                ));
                None
            }
        }
    }

    /// Takes the nested walk's warnings, named under `outer`, and the
    /// damage that ended it, if any; whether it read to the end.
    fn end_nested(
        &mut self,
        nested: &mut Archive<'_>,
        outer: &str,
        failure: Option<Error>,
    ) -> bool {
        for mut w in nested.take_warnings() {
            w.entry = Some(match w.entry.take() {
                Some(e) => format!("{outer}/{e}"),
                None => outer.to_owned(),
            });
            self.warnings.push(w);
        }
        let Some(e) = failure else {
            return true;
        };
        self.warnings.push(Warning::new(
            WarningKind::NestedArchive,
            Some(outer),
            format!("read up to the damage: {e}"),
        ));
        false
    }

    /// Lists the members of `rootfs-diff.tar`. A damaged nested tar is a
    /// warning (what was read before stays listed); a limit is an error.
    pub(super) fn rootfs_diff(&mut self, entry: &mut Entry<'_, '_>) -> Result<()> {
        let outer = entry.name().to_owned();
        let offset = entry.data_offset();
        let Some(mut nested) = self.open_nested(entry, &outer) else {
            return Ok(());
        };
        let compression = nested.compression().unwrap_or(Compression::None);
        // Slots in archive order; a replaced copy leaves an empty slot.
        let mut changes: Vec<Option<RootfsChange>> = Vec::new();
        // A later copy of a path replaces the earlier one.
        let mut at: HashMap<String, usize> = HashMap::new();
        let max_records = self.options.limits.max_records;
        let max_total = self.options.limits.max_total_size;
        let limit_error = |limit, max| Error::LimitExceeded {
            archive: self.archive.clone(),
            entry: outer.clone(),
            offset,
            limit,
            max,
        };
        let mut failure = None;
        match nested.entries() {
            Ok(entries) => {
                for member in entries {
                    let member = match member {
                        Ok(m) => m,
                        Err(e) => {
                            failure = Some(e);
                            break;
                        }
                    };
                    let path = member.name().to_owned();
                    let link_target = member.link_target().map(str::to_owned);
                    // Charged before it is kept: the path twice (list and
                    // index), the link target and the record.
                    let cost = (path.len() as u64)
                        .saturating_mul(2)
                        .saturating_add(link_target.as_ref().map_or(0, |t| t.len() as u64))
                        .saturating_add(CHANGE_COST);
                    match self.held.checked_add(cost) {
                        Some(total) if total <= max_total => self.held = total,
                        _ => return Err(limit_error(LimitKind::TotalSize, max_total)),
                    }
                    let file_type = member.file_type();
                    let change = RootfsChange {
                        size: if file_type == FileType::File {
                            member.size()
                        } else {
                            0
                        },
                        mode: member.mode() & 0o7777,
                        mtime: member.mtime(),
                        link_target,
                        file_type,
                        path,
                    };
                    if changes.len() as u64 >= max_records {
                        return Err(limit_error(LimitKind::Records, max_records));
                    }
                    if let Some(earlier) = at.insert(change.path.clone(), changes.len())
                        && let Some(slot) = changes.get_mut(earlier)
                    {
                        *slot = None;
                    }
                    changes.push(Some(change));
                }
            }
            Err(e) => failure = Some(e),
        }
        let complete = self.end_nested(&mut nested, &outer, failure);
        self.rootfs_diff = Some(RootfsDiff {
            compression,
            changes: changes.into_iter().flatten().collect(),
            complete,
        });
        Ok(())
    }
}

impl Collector<'_, '_> {
    /// Keeps the regular files of `devshm-checkpoint.tar` (each within the
    /// entry size limit, all within the total). A damaged nested tar is a
    /// warning; what was read before stays.
    pub(super) fn devshm(&mut self, entry: &mut Entry<'_, '_>) -> Result<()> {
        let outer = entry.name().to_owned();
        let Some(mut nested) = self.open_nested(entry, &outer) else {
            return Ok(());
        };
        let mut kept: Vec<(String, Vec<u8>)> = Vec::new();
        let mut failure = None;
        let max_total = self.options.limits.max_total_size;
        let max_entry = self.options.limits.max_entry_size;
        match nested.entries() {
            Ok(entries) => {
                for member in entries {
                    let mut member = match member {
                        Ok(m) => m,
                        Err(e) => {
                            failure = Some(e);
                            break;
                        }
                    };
                    if !member.is_file() {
                        continue;
                    }
                    let size = member.size();
                    if size > max_entry {
                        // Not kept, and not damage: the walk goes on.
                        self.warnings.push(
                            Warning::new(
                                WarningKind::MemoryUnavailable,
                                Some(&format!("{outer}/{}", member.name())),
                                format!(
                                    "{size} bytes, more than the {max_entry} kept of one file: \
                                     its memory is not read"
                                ),
                            )
                            .with_limit(Some(LimitKind::EntrySize)),
                        );
                        continue;
                    }
                    // Charged before it is read.
                    match self.held.checked_add(size) {
                        Some(total) if total <= max_total => self.held = total,
                        _ => {
                            return Err(Error::LimitExceeded {
                                archive: self.archive.clone(),
                                entry: format!("{outer}/{}", member.name()),
                                offset: member.data_offset(),
                                limit: LimitKind::TotalSize,
                                max: max_total,
                            });
                        }
                    }
                    match member.read_to_vec(max_entry) {
                        Ok(bytes) => kept.push((member.name().to_owned(), bytes)),
                        Err(e) => {
                            failure = Some(e);
                            break;
                        }
                    }
                }
            }
            Err(e) => failure = Some(e),
        }
        for (name, bytes) in kept {
            self.images.keep_shm_file(None, Some(name), bytes);
        }
        self.end_nested(&mut nested, &outer, failure);
        Ok(())
    }
}
