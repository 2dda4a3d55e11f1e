//! One file of a checkpoint, streamed to a writer in one pass: an archive
//! entry, a file inside `rootfs-diff.tar`, or the content CRIU saved of a
//! file the container deleted while it held it open.
//!
//! What is asked for names where to look:
//!
//! | path | what is written |
//! |---|---|
//! | `config.dump`, `checkpoint/pstree.img` | that archive entry |
//! | `rootfs-diff.tar/etc/app.conf` | that member of `rootfs-diff.tar` |
//! | `/etc/app.conf` | the container's file: the member of `rootfs-diff.tar`, else the saved content of a deleted file of that path |
//! | `deleted:/tmp/x` | the saved content of the deleted file `/tmp/x` |
//!
//! Nothing is extracted and nothing is written but to the caller's writer.
//! The runtime restores the last copy of a name given twice: when a second
//! copy of what was written turns up later, the result is
//! [`Error::Ambiguous`] (what was written is the earlier copy).
//!
//! ```
//! # fn main() -> Result<(), ckpt::Error> {
//! let source = ckpt::Source::open("tests/fixtures/mini-sleep.none.tar")?;
//! let mut out = Vec::new();
//! let found = ckpt::cat::cat(source, "stats-dump", &ckpt::Limits::default(), &mut out)?;
//! assert_eq!(found.size, out.len() as u64);
//! assert_eq!(found.kind, ckpt::cat::CatKind::Entry);
//! # Ok(()) }
//! ```

mod ghost;
mod nearest;
mod pod;
mod rootfs;
mod target;

use std::io::{self, Read, Write};

use serde::Serialize;

use crate::criu::ImageKind;
use crate::error::{Error, Result};
use crate::layout::EntryKind;
use crate::options::{LimitKind, Limits};
use crate::source::{Archive, Entry, Source};
use crate::warning::{Warning, WarningKind};
use target::Target;

/// Where what was written came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum CatKind {
    /// An entry of the archive.
    Entry,
    /// A member of `rootfs-diff.tar`.
    RootfsDiff,
    /// The saved content of a deleted-but-open file (a CRIU ghost file).
    Deleted,
}

/// What [`cat`] wrote.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[non_exhaustive]
pub struct Cat {
    /// Where it came from.
    pub kind: CatKind,
    /// Its name, qualified as [`cat`] takes it (`rootfs-diff.tar/etc/x`,
    /// `deleted:/tmp/x`, or the entry's name).
    pub name: String,
    /// Bytes written.
    pub size: u64,
    /// What was odd about the archive.
    pub warnings: Vec<Warning>,
}

/// Most bytes of names kept to suggest the nearest when nothing matches
/// (names past it are not suggested; each is cut at 256 bytes): at most
/// some 2^28 steps of edit distance for an error message.
const MAX_NAME_BYTES: usize = 1 << 20;
/// Longest part of a name kept for suggestions.
const MAX_NAME_LEN: usize = 256;

/// Writes the file `path` names (see the [module](self) for the forms it
/// takes) to `out`, reading `source` once.
///
/// Fails with [`Error::NotFound`] (with the nearest names) when the archive
/// has no such file, [`Error::Ambiguous`] when it has it twice,
/// [`Error::Output`] when `out` fails, and as [`read`](crate::read) does on a
/// damaged archive. Images read to find a deleted file's content are held
/// within `limits`.
pub fn cat(source: Source<'_>, path: &str, limits: &Limits, out: &mut dyn Write) -> Result<Cat> {
    cat_with(source, None, path, limits, out)
}

/// [`cat`] of a file of one container of a pod checkpoint: `container`
/// names it as [`Options::container`](crate::Options::container) does, and
/// `path` is what [`cat`] takes, within that container's checkpoint.
pub fn cat_container(
    source: Source<'_>,
    container: &str,
    path: &str,
    limits: &Limits,
    out: &mut dyn Write,
) -> Result<Cat> {
    cat_with(source, Some(container), path, limits, out)
}

fn cat_with(
    source: Source<'_>,
    container: Option<&str>,
    path: &str,
    limits: &Limits,
    out: &mut dyn Write,
) -> Result<Cat> {
    let mut archive = Archive::new(source)?;
    let name = archive.name().to_owned();
    let target = Target::parse(path);
    let mut walk = Walk {
        archive: name.clone(),
        limits,
        held: 0,
        names: Vec::new(),
        name_bytes: 0,
        found: None,
        from_rootfs_copy: false,
        files: None,
        remap: None,
        ghosts: Default::default(),
        warnings: Vec::new(),
    };
    let mut pod = container.map(pod::PodWalk::new);
    let positioned = archive.positioned();
    for entry in archive.entries()? {
        let mut entry = entry?;
        if let Some(pod) = pod.as_mut() {
            match pod.part(&mut entry, limits)? {
                pod::Part::Skip => continue,
                pod::Part::Inner => {}
                pod::Part::Nested => {
                    // A second copy of the archive the file came from is
                    // refused before any of it is written.
                    walk.twice(entry.data_offset())?;
                    let read = |s: Source<'_>| cat_with(s, None, path, limits, out);
                    let at = positioned.as_ref();
                    if let Some(mut found) = pod.nested(&name, &mut entry, at, read)? {
                        walk.warnings.append(&mut found.warnings);
                        walk.found = Some(found);
                    }
                    continue;
                }
            }
        }
        walk.visit(&mut entry, &target, out)?;
    }
    walk.warnings.extend(archive.take_warnings());
    if let Some(pod) = pod.as_mut() {
        pod.finish(&name, walk.found.is_some())?;
    }
    if walk.found.is_none() && target.deleted.is_some() {
        walk.deleted(&target, out)?;
    }
    match walk.found {
        Some(mut found) => {
            found.warnings = walk.warnings;
            Ok(found)
        }
        None => Err(Error::NotFound {
            archive: name,
            path: path.to_owned(),
            nearest: nearest::nearest(path, &walk.names, 5)
                .into_iter()
                .map(str::to_owned)
                .collect(),
        }),
    }
}

struct Walk<'l> {
    archive: String,
    limits: &'l Limits,
    /// Bytes of images held to find a deleted file.
    held: u64,
    /// Names seen, for the nearest ones, and their bytes.
    names: Vec<String>,
    name_bytes: usize,
    found: Option<Cat>,
    /// Whether what was written came from a `rootfs-diff.tar`.
    from_rootfs_copy: bool,
    files: Option<Vec<u8>>,
    remap: Option<Vec<u8>>,
    ghosts: std::collections::BTreeMap<u64, Vec<u8>>,
    warnings: Vec<Warning>,
}

impl Walk<'_> {
    fn name(&mut self, mut name: String) {
        if name.len() > MAX_NAME_LEN {
            let mut end = MAX_NAME_LEN;
            while !name.is_char_boundary(end) {
                end -= 1;
            }
            name.truncate(end);
        }
        if self.name_bytes + name.len() <= MAX_NAME_BYTES {
            self.name_bytes += name.len();
            self.names.push(name);
        }
    }

    fn visit(
        &mut self,
        entry: &mut Entry<'_, '_>,
        target: &Target,
        out: &mut dyn Write,
    ) -> Result<()> {
        let name = entry.name().to_owned();
        if entry.is_file() {
            self.name(name.clone());
        }
        if target.entry.as_deref() == Some(name.as_str()) && entry.is_file() {
            self.twice(entry.data_offset())?;
            let size = copy(entry, out, &self.archive, &name)?;
            self.found = Some(Cat {
                kind: CatKind::Entry,
                name,
                size,
                warnings: Vec::new(),
            });
            return Ok(());
        }
        match entry.kind() {
            EntryKind::RootfsDiff if entry.is_file() && target.member.is_some() => {
                if self.from_rootfs_copy {
                    // The runtime extracts the last copy, which may differ.
                    self.twice(entry.data_offset())?;
                }
                self.rootfs_diff(entry, target, out)
            }
            EntryKind::CriuImage if entry.is_file() && target.deleted.is_some() => {
                self.image(entry)
            }
            _ => Ok(()),
        }
    }

    /// Fails if something was written already: a second copy of it is
    /// what the runtime would restore.
    fn twice(&self, offset: Option<u64>) -> Result<()> {
        match &self.found {
            Some(found) => Err(Error::Ambiguous {
                archive: self.archive.clone(),
                first: format!(
                    "{} is in the archive twice (again at byte {}): the runtime restores the \
                     later copy, and the earlier one was written",
                    found.name,
                    offset.map_or_else(|| "?".to_owned(), |o| o.to_string()),
                ),
                others: 0,
            }),
            None => Ok(()),
        }
    }

    /// Keeps what finding a deleted file's content takes: `files.img`,
    /// `remap-fpath.img`, `ghost-file-*.img` (the last copy of each).
    fn image(&mut self, entry: &mut Entry<'_, '_>) -> Result<()> {
        let name = entry.name().to_owned();
        let file = name.rsplit('/').next().unwrap_or(&name);
        let Some((kind, id)) = ImageKind::parse(file) else {
            return Ok(());
        };
        if !matches!(
            kind,
            ImageKind::Files | ImageKind::RemapFpath | ImageKind::GhostFile
        ) {
            return Ok(());
        }
        let max = self.limits.max_total_size;
        let size = entry.size();
        match self.held.checked_add(size) {
            Some(total) if total <= max => self.held = total,
            _ => {
                return Err(Error::LimitExceeded {
                    archive: self.archive.clone(),
                    entry: name,
                    offset: entry.data_offset(),
                    limit: LimitKind::TotalSize,
                    max,
                });
            }
        }
        let bytes = entry.read_to_vec(self.limits.max_entry_size)?;
        match (kind, id) {
            (ImageKind::Files, _) => self.files = Some(bytes),
            (ImageKind::RemapFpath, _) => self.remap = Some(bytes),
            (_, Some(id)) => {
                self.ghosts.insert(id, bytes);
            }
            _ => {}
        }
        Ok(())
    }

    /// Writes the deleted file asked for, once the walk has seen the images.
    fn deleted(&mut self, target: &Target, out: &mut dyn Write) -> Result<()> {
        let wanted = target.deleted.as_deref().unwrap_or_default();
        let (Some(files), Some(remap)) = (&self.files, &self.remap) else {
            return Ok(());
        };
        let archive = self.archive.clone();
        let image_error = |entry: &str, source| Error::Image {
            archive: archive.clone(),
            entry: format!("checkpoint/{entry}"),
            offset: None,
            source,
        };
        let ghosts = ghost::ghosts(files, remap).map_err(|e| image_error("remap-fpath.img", e))?;
        for g in &ghosts {
            self.name(format!("deleted:{}", g.path));
        }
        let mut matching = ghosts.iter().filter(|g| g.path == wanted);
        let Some(g) = matching.next() else {
            return Ok(());
        };
        if let Some(other) = matching.next() {
            return Err(Error::Ambiguous {
                archive: self.archive.clone(),
                first: format!(
                    "two deleted files were open as {wanted} (ghost files {:x} and {:x})",
                    g.ghost_id, other.ghost_id
                ),
                others: 0,
            });
        }
        let image_name = format!("ghost-file-{:x}.img", g.ghost_id);
        let Some(image) = self.ghosts.get(&u64::from(g.ghost_id)) else {
            self.warnings.push(Warning::new(
                WarningKind::MissingImage,
                Some(&format!("checkpoint/{image_name}")),
                format!(
                    "{wanted} was deleted while open, but its saved content is not in the archive"
                ),
            ));
            return Ok(());
        };
        let size = ghost::size(image).map_err(|e| image_error(&image_name, e))?;
        if size > self.limits.max_total_size {
            return Err(Error::LimitExceeded {
                archive: self.archive.clone(),
                entry: format!("checkpoint/{image_name}"),
                offset: None,
                limit: LimitKind::TotalSize,
                max: self.limits.max_total_size,
            });
        }
        let name = format!("deleted:{wanted}");
        let size = ghost::write_content(image, out).map_err(|e| match e {
            ghost::WriteError::Image(e) => image_error(&image_name, e),
            ghost::WriteError::Output(source) => Error::Output {
                archive: self.archive.clone(),
                entry: name.clone(),
                source,
            },
        })?;
        self.found = Some(Cat {
            kind: CatKind::Deleted,
            name,
            size,
            warnings: Vec::new(),
        });
        Ok(())
    }
}

/// Streams an entry's data to `out`; read errors name the entry, write
/// errors are [`Error::Output`].
fn copy(entry: &mut Entry<'_, '_>, out: &mut dyn Write, archive: &str, name: &str) -> Result<u64> {
    let mut buf = vec![0u8; 64 * 1024];
    let mut total = 0u64;
    loop {
        let n = match entry.read(&mut buf) {
            Ok(0) => return Ok(total),
            Ok(n) => n,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
            Err(e) => return Err(entry.error(e)),
        };
        out.write_all(&buf[..n]).map_err(|source| Error::Output {
            archive: archive.to_owned(),
            entry: name.to_owned(),
            source,
        })?;
        total += n as u64;
    }
}
