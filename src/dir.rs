//! Reading an extracted checkpoint directory the way an archive is read.

use std::path::{Path, PathBuf};

use std::io::Read;

use crate::checkpoint::Checkpoint;
use crate::collect::{Collector, EntrySource, PagesHint};
use crate::error::{Error, Result};
use crate::layout::{EntryKind, classify};
use crate::memory::MemorySink;
use crate::metadata::read_file_capped;
use crate::options::Options;

/// Deepest directory level walked below the checkpoint directory.
const MAX_DEPTH: usize = 8;
/// Most directory entries looked at.
const MAX_ENTRIES: usize = 1_000_000;

struct DirEntry {
    path: PathBuf,
    file: Option<std::fs::File>,
    name: String,
    kind: EntryKind,
    size: u64,
    is_file: bool,
}

impl EntrySource for DirEntry {
    fn name(&self) -> &str {
        &self.name
    }
    fn kind(&self) -> EntryKind {
        self.kind
    }
    fn size(&self) -> u64 {
        self.size
    }
    fn is_file(&self) -> bool {
        self.is_file
    }
    fn read_to_vec(&mut self, limit: u64) -> Result<Vec<u8>> {
        read_file_capped(&self.path, limit)
    }
    fn hint(&self) -> PagesHint {
        PagesHint::Path(self.path.clone())
    }
    fn stream(&mut self) -> Result<&mut dyn Read> {
        let file = std::fs::File::open(&self.path).map_err(|source| Error::Open {
            path: self.path.clone(),
            source,
        })?;
        Ok(self.file.insert(file))
    }
    fn error(&self, source: std::io::Error) -> Error {
        Error::Open {
            path: self.path.clone(),
            source,
        }
    }
}

pub(crate) fn read(
    dir: &Path,
    options: &Options,
    sink: Option<&mut dyn MemorySink>,
) -> Result<Checkpoint> {
    let name = dir.display().to_string();
    let meta = std::fs::metadata(dir).map_err(|source| Error::Open {
        path: dir.to_owned(),
        source,
    })?;
    if !meta.is_dir() {
        return Err(Error::NotAFile {
            path: dir.to_owned(),
        });
    }
    let mut entries = Vec::new();
    walk(dir, "", 0, &mut entries)?;
    // Directory order is arbitrary; read in name order so results do not
    // depend on it.
    entries.sort_by(|a, b| a.name.cmp(&b.name));
    let mut collector = Collector::new(&name, None, options, sink);
    for entry in &mut entries {
        collector.visit(entry)?;
        if collector.done() {
            return Ok(collector.finish(false));
        }
    }
    collector.resolve_pages(None)?;
    Ok(collector.finish(true))
}

fn walk(dir: &Path, prefix: &str, depth: usize, out: &mut Vec<DirEntry>) -> Result<()> {
    let open = |source| Error::Open {
        path: dir.to_owned(),
        source,
    };
    for item in std::fs::read_dir(dir).map_err(open)? {
        if out.len() >= MAX_ENTRIES {
            break;
        }
        let item = item.map_err(open)?;
        let path = item.path();
        let file_name = item.file_name().to_string_lossy().into_owned();
        let name = format!("{prefix}{file_name}");
        // Not followed: a symbolic link is listed as what it is.
        let meta = std::fs::symlink_metadata(&path).map_err(|source| Error::Open {
            path: path.clone(),
            source,
        })?;
        let is_dir = meta.is_dir();
        let is_file = meta.is_file();
        out.push(DirEntry {
            kind: classify(&name, is_dir),
            size: if is_file { meta.len() } else { 0 },
            is_file,
            name: name.clone(),
            path: path.clone(),
            file: None,
        });
        if is_dir && depth < MAX_DEPTH {
            walk(&path, &format!("{name}/"), depth + 1, out)?;
        }
    }
    Ok(())
}
