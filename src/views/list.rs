//! The checkpoints of a directory at a glance (`checkpointctl list`):
//! each archive read only as far as its `config.dump` and `spec.dump`,
//! several at a time.

use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::sync::atomic::{AtomicUsize, Ordering};

use serde::Serialize;

use crate::error::{Error, Result};
use crate::metadata::Time;
use crate::model::{Checkpoint, Engine, InPod, TimeSource};
use crate::options::{Limits, Options, Want};
use crate::read::read_path;
use crate::warning::Warning;

/// The directory kubelet keeps checkpoints in.
pub const KUBELET_CHECKPOINTS: &str = "/var/lib/kubelet/checkpoints";
/// The directory kubelet keeps pod checkpoints in (KEP-5823): a directory
/// `checkpoint-<uid>` per pod checkpoint.
pub const KUBELET_POD_CHECKPOINTS: &str = "/var/lib/kubelet/pod-checkpoints";

/// One checkpoint of a listing.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[non_exhaustive]
pub struct ListEntry {
    /// Kubernetes namespace.
    pub namespace: String,
    /// Pod.
    pub pod: String,
    /// Container name.
    pub container: String,
    /// Engine.
    pub engine: Engine,
    /// When it was checkpointed: `config.dump`'s `checkpointedTime`, else
    /// the entry times CRIU left (see `time_checkpointed_from`); the zero
    /// time when nothing says.
    pub time_checkpointed: Time,
    /// What `time_checkpointed` is read from.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub time_checkpointed_from: Option<TimeSource>,
    /// The archive's file name.
    pub checkpoint_name: String,
    /// The archive's path.
    pub path: PathBuf,
    /// The pod checkpoint it is one container of, and which.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub in_pod: Option<InPod>,
    /// What was wrong with optional parts.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub warnings: Vec<Warning>,
}

/// The archives named `checkpoint-*` in `dir`, sorted by name.
pub fn candidates(dir: &Path) -> Result<Vec<PathBuf>> {
    let open = |source| Error::Open {
        path: dir.to_owned(),
        source,
    };
    let mut out = Vec::new();
    for item in std::fs::read_dir(dir).map_err(open)? {
        let item = item.map_err(open)?;
        if item
            .file_name()
            .to_string_lossy()
            .starts_with("checkpoint-")
        {
            out.push(item.path());
        }
    }
    out.sort();
    Ok(out)
}

/// Reads one archive as far as its metadata, under the default limits.
pub fn entry(path: &Path) -> Result<ListEntry> {
    entry_within(path, &Limits::default())
}

/// Reads one archive as far as its metadata, under `limits`.
pub fn entry_within(path: &Path, limits: &Limits) -> Result<ListEntry> {
    match entry_partial(path, limits) {
        (Some(entry), None) => Ok(entry),
        (_, Some(e)) => Err(e),
        (None, None) => Err(Error::MissingEntry {
            archive: path.display().to_string(),
            entry: crate::layout::CONFIG_DUMP_FILE.to_owned(),
        }),
    }
}

/// Reads one archive as far as its metadata, under `limits`, keeping what
/// was read before any damage: the entry when its metadata was read, and
/// the error (the damage, or why there is no entry). A pod checkpoint
/// gives its first container's (see [`entries_partial`]).
pub fn entry_partial(path: &Path, limits: &Limits) -> (Option<ListEntry>, Option<Error>) {
    let (entries, error) = entries_partial(path, limits);
    (entries.into_iter().next(), error)
}

/// [`entry_partial`] of every container checkpoint in the archive: one,
/// or a pod checkpoint's containers, in the pod's order.
pub fn entries_partial(path: &Path, limits: &Limits) -> (Vec<ListEntry>, Option<Error>) {
    let options = Options {
        want: Want::metadata_only(),
        limits: *limits,
        keep_partial: true,
        ..Options::default()
    };
    let mut c = match read_path(path, &options) {
        Ok(c) => c,
        Err(e) => return (Vec::new(), Some(e)),
    };
    // The only owner of the damage is the checkpoint just read.
    let owned = |c: &mut Checkpoint| {
        c.damage.take().map(|d| {
            std::sync::Arc::try_unwrap(d).unwrap_or_else(|d| Error::Io {
                archive: c.archive.clone(),
                entry: None,
                offset: None,
                source: std::io::Error::other(d.to_string()),
            })
        })
    };
    let mut damage = owned(&mut c);
    let Some(pod) = c.pod.take() else {
        return match (listed(&c, path), damage) {
            (Ok(entry), damage) => (vec![entry], damage),
            (Err(_), Some(damage)) => (Vec::new(), Some(damage)),
            (Err(e), None) => (Vec::new(), Some(e)),
        };
    };
    let mut out = Vec::new();
    // What was wrong with the pod's own parts goes with its first row.
    let mut pod_warnings = std::mem::take(&mut c.warnings);
    for container in pod.containers {
        let Some(mut k) = container.checkpoint else {
            continue;
        };
        k.warnings.append(&mut pod_warnings);
        let inner = owned(&mut k);
        match listed(&k, path) {
            Ok(entry) => out.push(entry),
            Err(e) => damage = damage.or(Some(e)),
        }
        damage = damage.or(inner);
    }
    (out, damage)
}

/// A container checkpoint's row.
fn listed(c: &Checkpoint, path: &Path) -> Result<ListEntry> {
    let config = c.require_config()?;
    c.require_spec()?;
    let in_pod = c.in_pod.clone();
    Ok(ListEntry {
        namespace: in_pod
            .as_ref()
            .map_or_else(|| c.container.namespace.clone(), |p| p.namespace.clone()),
        pod: in_pod
            .as_ref()
            .map_or_else(|| c.container.pod.clone(), |p| p.pod.clone()),
        container: in_pod
            .as_ref()
            .map_or_else(|| c.container.name.clone(), |p| p.container.clone()),
        engine: c.container.engine,
        time_checkpointed: c.checkpointed.map_or(config.checkpointed_time, |t| t.time),
        time_checkpointed_from: c.checkpointed.map(|t| t.source),
        checkpoint_name: path
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default(),
        path: path.to_owned(),
        in_pod,
        warnings: c.warnings.clone(),
    })
}

/// Reads every archive, on as many threads as there are cores, and
/// returns the entries sorted by time checkpointed, then name, and the
/// failures in path order (an archive damaged after its metadata has both
/// an entry and a failure).
pub fn entries(paths: &[PathBuf]) -> (Vec<ListEntry>, Vec<(PathBuf, Error)>) {
    let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
    entries_on(paths, cores)
}

/// [`entries`] on at most `threads` threads (at least one), under the
/// default limits.
pub fn entries_on(paths: &[PathBuf], threads: usize) -> (Vec<ListEntry>, Vec<(PathBuf, Error)>) {
    entries_within(paths, threads, &Limits::default())
}

/// [`entries`] on at most `threads` threads (at least one), all of them
/// together within `limits`: each reads with an equal share of
/// [`Limits::max_total_size`], so that the total holds whatever the
/// parallelism.
pub fn entries_within(
    paths: &[PathBuf],
    threads: usize,
    limits: &Limits,
) -> (Vec<ListEntry>, Vec<(PathBuf, Error)>) {
    let next = AtomicUsize::new(0);
    type Partial = (Vec<ListEntry>, Option<Error>);
    let results: Mutex<Vec<(usize, Partial)>> = Mutex::new(Vec::with_capacity(paths.len()));
    let workers = threads.clamp(1, paths.len().max(1));
    let share = limits.max_total_size / workers as u64;
    let limits = Limits {
        max_total_size: share,
        max_entry_size: limits.max_entry_size.min(share),
        ..*limits
    };
    std::thread::scope(|scope| {
        for _ in 0..workers {
            scope.spawn(|| {
                loop {
                    let i = next.fetch_add(1, Ordering::Relaxed);
                    let Some(path) = paths.get(i) else {
                        break;
                    };
                    let result = entries_partial(path, &limits);
                    if let Ok(mut r) = results.lock() {
                        r.push((i, result));
                    }
                }
            });
        }
    });
    let mut results = results.into_inner().unwrap_or_default();
    results.sort_by_key(|(i, _)| *i);
    let mut ok = Vec::new();
    let mut failed = Vec::new();
    for (i, (entry, error)) in results {
        ok.extend(entry);
        if let Some(e) = error {
            failed.push((paths[i].clone(), e));
        }
    }
    ok.sort_by(|a, b| {
        a.time_checkpointed
            .cmp(&b.time_checkpointed)
            .then_with(|| a.checkpoint_name.cmp(&b.checkpoint_name))
    });
    (ok, failed)
}
