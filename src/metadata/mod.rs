//! The metadata model: serde types for the JSON files engines put next to
//! the CRIU images, and the helpers of checkpointctl's `lib` package
//! (`read_json_file`, `write_json_file`, `byte_to_string`, and the
//! `read_container_checkpoint_*` readers of an extracted checkpoint
//! directory).

pub mod annotations;
pub(crate) mod capped;
mod config;
mod dump_log;
mod kubernetes;
pub(crate) mod lenient;
mod network;
mod pod;
mod slots;
mod spec;
mod time;

use std::io::{self, Read, Write};
use std::path::{Path, PathBuf};

use serde::Serialize;
use serde::de::DeserializeOwned;

pub use config::ContainerConfig;
pub use dump_log::{DUMP_LOG_HEAD, DumpLog};
pub use kubernetes::{
    BindMount, CheckpointedPodOptions, ContainerdStatus, KubernetesCheckpoint,
    KubernetesContainerCheckpointMetadata,
};
pub use network::{
    NetworkStatus, PodmanNetworkInterface, PodmanNetworkResult, PodmanNetworkStatus,
    PodmanNetworkSubnet,
};
pub(crate) use pod::IndexedManifest;
pub use pod::{ManifestContainer, PodManifest, PodSandboxConfig, PodSandboxMetadata};
pub use spec::{SpecDump, SpecMount, SpecNamespace, SpecProcess, SpecRoot};
pub use time::{Time, TimeError};

use crate::error::{Error, Result};
use crate::layout::{
    CONFIG_DUMP_FILE, DELETED_FILES_FILE, NETWORK_STATUS_FILE, POD_OPTIONS_FILE, SPEC_DUMP_FILE,
    STATUS_FILE,
};
use crate::options::Limits;

/// Formats a byte count as checkpointctl does (`ByteToString`): `"%d B"`
/// below 1024, else one decimal and a binary unit.
///
/// ```
/// use ckpt::metadata::byte_to_string;
/// assert_eq!(byte_to_string(1023), "1023 B");
/// assert_eq!(byte_to_string(722_749), "705.8 KiB");
/// assert_eq!(byte_to_string(50_401_280), "48.1 MiB");
/// ```
pub fn byte_to_string(bytes: u64) -> String {
    const UNIT: u64 = 1024;
    if bytes < UNIT {
        return format!("{bytes} B");
    }
    let (mut div, mut exp) = (UNIT, 0usize);
    let mut n = bytes / UNIT;
    while n >= UNIT {
        div *= UNIT;
        exp += 1;
        n /= UNIT;
    }
    let unit = ['K', 'M', 'G', 'T', 'P', 'E']
        .get(exp)
        .copied()
        .unwrap_or('E');
    format!("{:.1} {unit}iB", bytes as f64 / div as f64)
}

/// Reads `path` whole, refusing symbolic links, non-regular files and files
/// over `limit` bytes.
fn read_file_capped(path: &Path, limit: u64) -> Result<Vec<u8>> {
    let open = |source| Error::Open {
        path: path.to_owned(),
        source,
    };
    let meta = std::fs::symlink_metadata(path).map_err(open)?;
    if !meta.is_file() {
        return Err(Error::NotAFile {
            path: path.to_owned(),
        });
    }
    let too_large = |size| Error::EntryTooLarge {
        archive: parent_name(path),
        entry: file_name(path),
        offset: None,
        size,
        limit,
    };
    if meta.len() > limit {
        return Err(too_large(meta.len()));
    }
    let file = std::fs::File::open(path).map_err(open)?;
    let mut buf = Vec::with_capacity(usize::try_from(meta.len()).unwrap_or(0));
    // The file may have grown since; never read more than the limit.
    file.take(limit.saturating_add(1))
        .read_to_end(&mut buf)
        .map_err(open)?;
    if buf.len() as u64 > limit {
        return Err(too_large(buf.len() as u64));
    }
    Ok(buf)
}

fn parent_name(path: &Path) -> String {
    path.parent()
        .map(|p| p.display().to_string())
        .unwrap_or_default()
}

fn file_name(path: &Path) -> String {
    path.file_name()
        .map(|f| f.to_string_lossy().into_owned())
        .unwrap_or_default()
}

/// Reads `dir/file` as JSON into `T` (checkpointctl's `ReadJSONFile`) and
/// returns it with the path read. The file must be a regular file of at most
/// 64 MiB.
pub fn read_json_file<T: DeserializeOwned>(dir: &Path, file: &str) -> Result<(T, PathBuf)> {
    let path = dir.join(file);
    let bytes = read_file_capped(&path, Limits::DEFAULT.max_entry_size)?;
    let value = serde_json::from_slice(&bytes).map_err(|source| Error::Json {
        archive: dir.display().to_string(),
        entry: file.to_owned(),
        offset: None,
        source,
    })?;
    Ok((value, path))
}

/// Writes `value` as indented JSON to `dir/file` with mode 0600
/// (checkpointctl's `WriteJSONFile`) and returns the path written.
///
/// Like the original it replaces an existing file: it is meant for the
/// checkpoint directory an engine is building, not for paths taken from an
/// archive.
pub fn write_json_file<T: Serialize + ?Sized>(
    value: &T,
    dir: &Path,
    file: &str,
) -> io::Result<PathBuf> {
    let json = serde_json::to_vec_pretty(value).map_err(io::Error::other)?;
    let path = dir.join(file);
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create(true).truncate(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(0o600);
    }
    let mut f = options.open(&path)?;
    f.write_all(&json)?;
    Ok(path)
}

/// Reads `config.dump` from an extracted checkpoint directory.
pub fn read_container_checkpoint_config_dump(dir: &Path) -> Result<(ContainerConfig, PathBuf)> {
    read_json_file(dir, CONFIG_DUMP_FILE)
}

/// Reads `spec.dump` from an extracted checkpoint directory, leniently (see
/// [`SpecDump`]).
pub fn read_container_checkpoint_spec_dump(dir: &Path) -> Result<(SpecDump, PathBuf)> {
    let path = dir.join(SPEC_DUMP_FILE);
    let bytes = read_file_capped(&path, Limits::DEFAULT.max_entry_size)?;
    let (spec, _notes) = SpecDump::from_slice(&bytes).map_err(|source| Error::Json {
        offset: None,
        archive: dir.display().to_string(),
        entry: SPEC_DUMP_FILE.to_owned(),
        source,
    })?;
    Ok((spec, path))
}

/// Reads `network.status` from an extracted checkpoint directory.
pub fn read_container_checkpoint_network_status(dir: &Path) -> Result<(NetworkStatus, PathBuf)> {
    let path = dir.join(NETWORK_STATUS_FILE);
    let bytes = read_file_capped(&path, Limits::DEFAULT.max_entry_size)?;
    let status = NetworkStatus::from_slice(&bytes).map_err(|source| Error::Json {
        offset: None,
        archive: dir.display().to_string(),
        entry: NETWORK_STATUS_FILE.to_owned(),
        source,
    })?;
    Ok((status, path))
}

/// Reads `deleted.files` from an extracted checkpoint directory.
pub fn read_container_checkpoint_deleted_files(dir: &Path) -> Result<(Vec<String>, PathBuf)> {
    read_json_file(dir, DELETED_FILES_FILE)
}

/// Reads containerd's `status` file from an extracted checkpoint directory.
pub fn read_container_checkpoint_status_file(dir: &Path) -> Result<(ContainerdStatus, PathBuf)> {
    read_json_file(dir, STATUS_FILE)
}

/// Reads `pod.options` from an extracted pod checkpoint directory.
pub fn read_checkpoint_pod_options(dir: &Path) -> Result<(CheckpointedPodOptions, PathBuf)> {
    read_json_file(dir, POD_OPTIONS_FILE)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn byte_to_string_matches_go() {
        assert_eq!(byte_to_string(0), "0 B");
        assert_eq!(byte_to_string(1024), "1.0 KiB");
        assert_eq!(byte_to_string(2048), "2.0 KiB");
        assert_eq!(byte_to_string(14_848), "14.5 KiB");
        assert_eq!(byte_to_string(794_760), "776.1 KiB");
        assert_eq!(byte_to_string(1 << 30), "1.0 GiB");
        assert_eq!(byte_to_string(u64::MAX), "16.0 EiB");
    }
}
