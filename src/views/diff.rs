//! What changed between two checkpoints of one container
//! (`checkpointctl diff`): processes, open files, sockets, environments,
//! and memory, page by page.

use std::collections::{BTreeMap, BTreeSet};
use std::hash::{BuildHasher, Hasher};

use serde::Serialize;

use super::inspect::{InspectOptions, Inspection, PsNode};
use crate::checkpoint::Checkpoint;
use crate::error::{Error, Result};
use crate::memory::{AddressRange, MemoryChunk, MemorySink, PAGE_SIZE};
use crate::options::Want;

/// What to compare, as `checkpointctl diff`'s flags say it.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct DiffOptions {
    /// Compare command lines (`--ps-tree-cmd`).
    pub cmdline: bool,
    /// Compare environments (`--ps-tree-env`).
    pub env: bool,
    /// Compare open files (`--files`).
    pub files: bool,
    /// Compare sockets (`--sockets`).
    pub sockets: bool,
    /// Compare memory page by page (`--memory`).
    pub memory: bool,
}

impl DiffOptions {
    /// What each checkpoint is inspected for.
    pub fn inspect(&self) -> InspectOptions {
        InspectOptions {
            ps_tree: true,
            cmdline: self.cmdline,
            env: self.env,
            files: self.files,
            sockets: self.sockets,
            ..InspectOptions::default()
        }
        .normalized()
    }

    /// What the reader must decode.
    pub fn want(&self) -> Want {
        self.inspect().want()
    }
}

/// A process in a diff.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[non_exhaustive]
pub struct ProcessInfo {
    /// Pid.
    pub pid: u32,
    /// Command name.
    pub command: String,
    /// Command line (with `--ps-tree-cmd`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub cmdline: Option<String>,
}

/// Processes added (in B only), removed (in A only), modified (a
/// different command, command line or environment) and unchanged, by pid.
/// Empty lists are left out of JSON, as checkpointctl leaves them out.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
#[non_exhaustive]
pub struct ProcessDiff {
    /// In B only.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub added: Vec<ProcessInfo>,
    /// In A only.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub removed: Vec<ProcessInfo>,
    /// In both, different.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub modified: Vec<ProcessInfo>,
    /// In both, the same.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub unchanged: Vec<ProcessInfo>,
}

/// An open file in a diff.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[non_exhaustive]
pub struct FileInfo {
    /// Path or description.
    pub path: String,
    /// `REG`, `PIPE`, … (empty for cwd and root).
    #[serde(rename = "type")]
    pub file_type: String,
    /// Pid.
    pub pid: u32,
    /// `REG 3`, `cwd`, …
    pub fd: String,
}

/// Open files added, removed and unchanged, keyed by pid, fd and path.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
#[non_exhaustive]
pub struct FileDiff {
    /// In B only.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub added: Vec<FileInfo>,
    /// In A only.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub removed: Vec<FileInfo>,
    /// In both.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub unchanged: Vec<FileInfo>,
}

/// A socket in a diff (checkpointctl's keys).
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[non_exhaustive]
pub struct SocketInfo {
    /// Pid.
    pub pid: u32,
    /// `TCP`, `UDP`, or a unix socket's type.
    pub protocol: String,
    /// `TCP`, `UDP`, `UNIX`.
    #[serde(rename = "type")]
    pub socket_type: String,
    /// Unix socket name.
    #[serde(skip_serializing_if = "String::is_empty")]
    pub address: String,
    /// TCP state.
    #[serde(skip_serializing_if = "String::is_empty")]
    pub state: String,
    /// Local address.
    #[serde(skip_serializing_if = "String::is_empty")]
    pub source: String,
    /// Local port.
    #[serde(skip_serializing_if = "is_zero")]
    pub src_port: u32,
    /// Peer address.
    #[serde(skip_serializing_if = "String::is_empty")]
    pub dest: String,
    /// Peer port.
    #[serde(skip_serializing_if = "is_zero")]
    pub dst_port: u32,
}

fn is_zero(v: &u32) -> bool {
    *v == 0
}

/// Sockets added, removed and unchanged, keyed by pid, protocol, type,
/// address and ports.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
#[non_exhaustive]
pub struct SocketDiff {
    /// In B only.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub added: Vec<SocketInfo>,
    /// In A only.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub removed: Vec<SocketInfo>,
    /// In both.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub unchanged: Vec<SocketInfo>,
}

/// One environment variable that differs.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[non_exhaustive]
pub struct EnvChange {
    /// Pid.
    pub pid: u32,
    /// Variable name.
    pub name: String,
    /// Value in A (absent: added).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub before: Option<String>,
    /// Value in B (absent: removed).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub after: Option<String>,
}

/// How one process's memory changed, page by page.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
#[non_exhaustive]
pub struct ProcessMemoryDiff {
    /// Pid.
    pub pid: u32,
    /// Pages dumped in B only.
    pub added: Vec<AddressRange>,
    /// Pages dumped in A only.
    pub removed: Vec<AddressRange>,
    /// Pages in both, with different content.
    pub changed: Vec<AddressRange>,
    /// Pages in both with the same content.
    pub unchanged_pages: u64,
}

impl ProcessMemoryDiff {
    fn pages(ranges: &[AddressRange]) -> u64 {
        ranges.iter().map(|r| (r.end - r.start) / PAGE_SIZE).sum()
    }

    /// Pages added, removed, changed.
    pub fn counts(&self) -> (u64, u64, u64) {
        (
            Self::pages(&self.added),
            Self::pages(&self.removed),
            Self::pages(&self.changed),
        )
    }
}

/// The memory change (checkpointctl's `memory_changes`, from the pages
/// sizes) and, with `--memory`, the page by page comparison.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
#[non_exhaustive]
pub struct MemoryDiff {
    /// Change of the pages size, B − A, in bytes.
    pub size_change_bytes: i64,
    /// The same in MiB.
    pub size_change_mb: f64,
    /// Per process present in both, sorted by pid (with `--memory`).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub processes: Vec<ProcessMemoryDiff>,
}

/// A checkpoint's creation time and size, as in checkpointctl's diff.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[non_exhaustive]
pub struct CheckpointInfo {
    /// Creation time.
    pub created: String,
    /// Checkpoint size (regular files under `checkpoint/`).
    pub total_size: u64,
    /// The archive.
    pub archive: String,
}

/// The comparison of checkpoints A and B; checkpointctl's `diff --format
/// json` keys, every list sorted.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[non_exhaustive]
pub struct Diff {
    /// Container id (A's).
    pub container_id: String,
    /// Container name (A's).
    pub container_name: String,
    /// Image (A's).
    pub image: String,
    /// A.
    pub checkpoint_a: CheckpointInfo,
    /// B.
    pub checkpoint_b: CheckpointInfo,
    /// Processes.
    pub process_changes: ProcessDiff,
    /// Open files (`--files`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub file_changes: Option<FileDiff>,
    /// Memory.
    pub memory_changes: MemoryDiff,
    /// Sockets (`--sockets`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub socket_changes: Option<SocketDiff>,
    /// Environment variables (`--ps-tree-env`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub environment_changes: Option<Vec<EnvChange>>,
    /// checkpointctl's summary lines.
    pub summary: String,
    /// B's process tree, for drawing.
    #[serde(skip)]
    pub tree_b: Option<PsNode>,
}

/// Hashes every page of every process as it streams by; give one to
/// [`read_with`](crate::read_with) for each checkpoint, built from the same
/// `BuildHasher` so that their hashes compare.
#[derive(Debug)]
pub struct PageHashes<S: BuildHasher> {
    build: S,
    /// Per pid: (page address, hash), in address order.
    pages: BTreeMap<u32, Vec<(u64, u64)>>,
    /// A page not yet complete: its address and bytes.
    partial: Option<(u32, u64, Vec<u8>)>,
}

impl<S: BuildHasher> PageHashes<S> {
    /// Hashes pages with `build`.
    pub fn new(build: S) -> PageHashes<S> {
        PageHashes {
            build,
            pages: BTreeMap::new(),
            partial: None,
        }
    }

    fn hash(&self, page: &[u8]) -> u64 {
        let mut h = self.build.build_hasher();
        h.write(page);
        h.finish()
    }

    fn flush(&mut self) {
        if let Some((pid, vaddr, bytes)) = self.partial.take() {
            let hash = self.hash(&bytes);
            self.pages.entry(pid).or_default().push((vaddr, hash));
        }
    }
}

impl<S: BuildHasher> MemorySink for PageHashes<S> {
    fn wants(&self, _pid: u32) -> bool {
        true
    }

    fn chunk(&mut self, chunk: &MemoryChunk<'_>) {
        let mut data = chunk.data;
        let mut at = chunk.vaddr;
        // Finish a page begun in the previous chunk.
        if let Some((pid, vaddr, bytes)) = &mut self.partial {
            if *pid == chunk.pid && *vaddr + bytes.len() as u64 == at {
                let take = (PAGE_SIZE as usize - bytes.len()).min(data.len());
                bytes.extend_from_slice(&data[..take]);
                data = &data[take..];
                at += take as u64;
                if bytes.len() as u64 == PAGE_SIZE {
                    self.flush();
                }
            } else {
                self.flush();
            }
        }
        while !data.is_empty() {
            let take = (PAGE_SIZE as usize).min(data.len());
            if take as u64 == PAGE_SIZE {
                let hash = self.hash(&data[..take]);
                self.pages.entry(chunk.pid).or_default().push((at, hash));
            } else {
                self.partial = Some((chunk.pid, at, data[..take].to_vec()));
            }
            data = &data[take..];
            at += take as u64;
        }
    }

    fn end(&mut self, _pid: u32) {
        self.flush();
    }
}

/// Adds `[start, start + PAGE_SIZE)` to `ranges`, merging with the last.
fn push_page(ranges: &mut Vec<AddressRange>, start: u64) {
    let end = start.saturating_add(PAGE_SIZE);
    match ranges.last_mut() {
        Some(last) if last.end == start => last.end = end,
        _ => ranges.push(AddressRange { start, end }),
    }
}

/// Compares the page hashes of the processes in both checkpoints: a
/// merge of the two lists in address order, nothing else allocated.
pub fn compare_pages<S: BuildHasher>(
    a: &PageHashes<S>,
    b: &PageHashes<S>,
) -> Vec<ProcessMemoryDiff> {
    let sorted = |pages: &Vec<(u64, u64)>| -> Option<Vec<(u64, u64)>> {
        // Pages arrive in address order; sort only if an archive says
        // otherwise.
        if pages.windows(2).all(|w| w[0].0 < w[1].0) {
            return None;
        }
        let mut v = pages.clone();
        v.sort_unstable_by_key(|p| p.0);
        v.dedup_by_key(|p| p.0);
        Some(v)
    };
    let mut out = Vec::new();
    for (pid, pages_a) in &a.pages {
        let Some(pages_b) = b.pages.get(pid) else {
            continue;
        };
        let (sa, sb) = (sorted(pages_a), sorted(pages_b));
        let (pa, pb) = (
            sa.as_ref().unwrap_or(pages_a),
            sb.as_ref().unwrap_or(pages_b),
        );
        let mut diff = ProcessMemoryDiff {
            pid: *pid,
            ..ProcessMemoryDiff::default()
        };
        let (mut i, mut j) = (0, 0);
        loop {
            match (pa.get(i), pb.get(j)) {
                (Some(&(va, ha)), Some(&(vb, hb))) if va == vb => {
                    if ha == hb {
                        diff.unchanged_pages += 1;
                    } else {
                        push_page(&mut diff.changed, va);
                    }
                    i += 1;
                    j += 1;
                }
                (Some(&(va, _)), Some(&(vb, _))) if va < vb => {
                    push_page(&mut diff.removed, va);
                    i += 1;
                }
                (_, Some(&(vb, _))) => {
                    push_page(&mut diff.added, vb);
                    j += 1;
                }
                (Some(&(va, _)), None) => {
                    push_page(&mut diff.removed, va);
                    i += 1;
                }
                (None, None) => break,
            }
        }
        out.push(diff);
    }
    out
}

fn flatten(node: &PsNode, out: &mut Vec<PsNode>) {
    let mut stack = vec![node];
    while let Some(n) = stack.pop() {
        let mut flat = n.clone();
        flat.children = Vec::new();
        out.push(flat);
        stack.extend(n.children.iter());
    }
}

impl Diff {
    /// Compares two inspected checkpoints (inspected with
    /// [`DiffOptions::inspect`]). Checkpoints of different containers are
    /// an error unless `force`.
    pub fn new(
        a: (&Checkpoint, &Inspection),
        b: (&Checkpoint, &Inspection),
        options: &DiffOptions,
        force: bool,
    ) -> Result<Diff> {
        let (ca, ia) = a;
        let (cb, ib) = b;
        if ia.header.id != ib.header.id && !force {
            return Err(Error::DifferentContainers {
                a: format!("{} ({})", ia.header.container_name, ia.header.id),
                b: format!("{} ({})", ib.header.container_name, ib.header.id),
            });
        }
        let process_changes = processes(ia, ib, options);
        let file_changes = options.files.then(|| files(ia, ib));
        let socket_changes = options.sockets.then(|| sockets(ia, ib));
        let environment_changes = options.env.then(|| environments(ia, ib));
        let size_change_bytes = i64::try_from(ib.header.checkpoint_size.memory_pages_size)
            .unwrap_or(i64::MAX)
            .saturating_sub(
                i64::try_from(ia.header.checkpoint_size.memory_pages_size).unwrap_or(i64::MAX),
            );
        let mut diff = Diff {
            container_id: ia.header.id.clone(),
            container_name: ia.header.container_name.clone(),
            image: ia.header.image.clone(),
            checkpoint_a: CheckpointInfo {
                created: ia.header.created.clone(),
                total_size: ia.header.checkpoint_size.total_size,
                archive: ca.archive.clone(),
            },
            checkpoint_b: CheckpointInfo {
                created: ib.header.created.clone(),
                total_size: ib.header.checkpoint_size.total_size,
                archive: cb.archive.clone(),
            },
            process_changes,
            file_changes,
            memory_changes: MemoryDiff {
                size_change_bytes,
                size_change_mb: size_change_bytes as f64 / 1024.0 / 1024.0,
                processes: Vec::new(),
            },
            socket_changes,
            environment_changes,
            summary: String::new(),
            tree_b: ib.process_tree.clone(),
        };
        diff.summary = diff.summarise();
        Ok(diff)
    }

    /// Adds the page-by-page comparison.
    pub fn with_pages(mut self, pages: Vec<ProcessMemoryDiff>) -> Diff {
        self.memory_changes.processes = pages;
        self.summary = self.summarise();
        self
    }

    /// checkpointctl's summary, plus lines for what it does not compare.
    fn summarise(&self) -> String {
        let mut s = format!(
            "Checkpoint comparison for container {}",
            self.container_name
        );
        let p = &self.process_changes;
        if !(p.added.is_empty() && p.removed.is_empty() && p.modified.is_empty()) {
            s.push_str(&format!(
                "\nProcesses: +{} -{} ~{}",
                p.added.len(),
                p.removed.len(),
                p.modified.len()
            ));
        }
        if let Some(f) = &self.file_changes
            && !(f.added.is_empty() && f.removed.is_empty())
        {
            s.push_str(&format!("\nFiles: +{} -{}", f.added.len(), f.removed.len()));
        }
        if let Some(k) = &self.socket_changes
            && !(k.added.is_empty() && k.removed.is_empty())
        {
            s.push_str(&format!(
                "\nSockets: +{} -{}",
                k.added.len(),
                k.removed.len()
            ));
        }
        if let Some(env) = &self.environment_changes
            && !env.is_empty()
        {
            let added = env.iter().filter(|e| e.before.is_none()).count();
            let removed = env.iter().filter(|e| e.after.is_none()).count();
            s.push_str(&format!(
                "\nEnvironment: +{added} -{removed} ~{}",
                env.len() - added - removed
            ));
        }
        let m = &self.memory_changes;
        if m.size_change_bytes != 0 {
            s.push_str(&format!("\nMemory: {:+.2} MB", m.size_change_mb));
        }
        if !m.processes.is_empty() {
            let (a, r, c) = m.processes.iter().fold((0, 0, 0), |acc, p| {
                let (a, r, c) = p.counts();
                (acc.0 + a, acc.1 + r, acc.2 + c)
            });
            if a + r + c > 0 {
                s.push_str(&format!("\nMemory pages: +{a} -{r} ~{c}"));
            }
        }
        s
    }
}

fn processes(a: &Inspection, b: &Inspection, o: &DiffOptions) -> ProcessDiff {
    let mut fa = Vec::new();
    let mut fb = Vec::new();
    if let Some(t) = &a.process_tree {
        flatten(t, &mut fa);
    }
    if let Some(t) = &b.process_tree {
        flatten(t, &mut fb);
    }
    let ma: BTreeMap<u32, &PsNode> = fa.iter().map(|p| (p.pid, p)).collect();
    let mb: BTreeMap<u32, &PsNode> = fb.iter().map(|p| (p.pid, p)).collect();
    let info = |p: &PsNode| ProcessInfo {
        pid: p.pid,
        command: p.command.clone(),
        cmdline: if o.cmdline { p.cmdline.clone() } else { None },
    };
    let mut d = ProcessDiff::default();
    for (pid, pb) in &mb {
        match ma.get(pid) {
            None => d.added.push(info(pb)),
            Some(pa) => {
                let modified = pa.command != pb.command
                    || (o.cmdline && pa.cmdline != pb.cmdline)
                    || (o.env && pa.environment_variables != pb.environment_variables);
                if modified {
                    d.modified.push(info(pb));
                } else {
                    d.unchanged.push(info(pb));
                }
            }
        }
    }
    for (pid, pa) in &ma {
        if !mb.contains_key(pid) {
            d.removed.push(info(pa));
        }
    }
    d
}

/// Descriptors in number order, then `cwd` and `root`.
fn fd_rank(fd: &str) -> (u8, u64) {
    match fd.rsplit(' ').next().map(str::parse::<u64>) {
        Some(Ok(n)) => (0, n),
        _ => (1, 0),
    }
}

type FileKey = (u32, (u8, u64), String, String);

fn file_set(i: &Inspection) -> BTreeMap<FileKey, FileInfo> {
    let mut out = BTreeMap::new();
    for fds in i.file_descriptors.iter().flatten() {
        for f in &fds.open_files {
            let info = FileInfo {
                pid: fds.pid,
                fd: f.fd.clone(),
                path: f.path.clone(),
                file_type: f.file_type.clone(),
            };
            out.insert(
                (fds.pid, fd_rank(&f.fd), f.fd.clone(), f.path.clone()),
                info,
            );
        }
    }
    out
}

fn files(a: &Inspection, b: &Inspection) -> FileDiff {
    let (added, removed, unchanged) = compare_sets(file_set(a), file_set(b));
    FileDiff {
        added,
        removed,
        unchanged,
    }
}

/// What is in `b` only, in `a` only, and in both (as `b` has it), in key
/// order.
fn compare_sets<K: Ord, V>(a: BTreeMap<K, V>, b: BTreeMap<K, V>) -> (Vec<V>, Vec<V>, Vec<V>) {
    let (mut added, mut unchanged) = (Vec::new(), Vec::new());
    let mut a = a;
    for (k, v) in b {
        if a.remove(&k).is_some() {
            unchanged.push(v);
        } else {
            added.push(v);
        }
    }
    (added, a.into_values().collect(), unchanged)
}

type SocketKey = (u32, String, String, String, u32, String, u32);

fn socket_set(i: &Inspection) -> BTreeMap<SocketKey, SocketInfo> {
    let mut out = BTreeMap::new();
    for sks in i.sockets.iter().flatten() {
        for s in &sks.open_sockets {
            let d = &s.data;
            let info = SocketInfo {
                pid: sks.pid,
                protocol: s.protocol.clone(),
                socket_type: d.socket_type.clone(),
                address: d.address.clone(),
                state: d.state.clone(),
                source: d.src.clone(),
                src_port: d.src_port,
                dest: d.dst.clone(),
                dst_port: d.dst_port,
            };
            let key = (
                sks.pid,
                s.protocol.clone(),
                d.socket_type.clone(),
                d.address.clone(),
                d.src_port,
                d.dst.clone(),
                d.dst_port,
            );
            out.insert(key, info);
        }
    }
    out
}

fn sockets(a: &Inspection, b: &Inspection) -> SocketDiff {
    let (added, removed, unchanged) = compare_sets(socket_set(a), socket_set(b));
    SocketDiff {
        added,
        removed,
        unchanged,
    }
}

fn environments(a: &Inspection, b: &Inspection) -> Vec<EnvChange> {
    let mut fa = Vec::new();
    let mut fb = Vec::new();
    if let Some(t) = &a.process_tree {
        flatten(t, &mut fa);
    }
    if let Some(t) = &b.process_tree {
        flatten(t, &mut fb);
    }
    let mb: BTreeMap<u32, &PsNode> = fb.iter().map(|p| (p.pid, p)).collect();
    let mut out = Vec::new();
    for pa in &fa {
        let Some(pb) = mb.get(&pa.pid) else {
            continue;
        };
        let (Some(ea), Some(eb)) = (&pa.environment_variables, &pb.environment_variables) else {
            continue;
        };
        let names: BTreeSet<&String> = ea.keys().chain(eb.keys()).collect();
        for name in names {
            let (before, after) = (ea.get(name), eb.get(name));
            if before != after {
                out.push(EnvChange {
                    pid: pa.pid,
                    name: name.clone(),
                    before: before.cloned(),
                    after: after.cloned(),
                });
            }
        }
    }
    out.sort();
    out
}

#[cfg(test)]
mod tests {
    use std::collections::hash_map::RandomState;

    use super::*;

    /// Feeds `pages` (address, fill byte) to a sink, in chunks of `split`
    /// bytes that do not respect page boundaries.
    fn hashes(build: &RandomState, pages: &[(u64, u8)], split: usize) -> PageHashes<RandomState> {
        let mut h = PageHashes::new(build.clone());
        h.begin(1, &crate::memory::VmaMap::default());
        for &(vaddr, fill) in pages {
            let page = vec![fill; PAGE_SIZE as usize];
            for (i, part) in page.chunks(split).enumerate() {
                let at = (i * split) as u64;
                h.chunk(&MemoryChunk {
                    pid: 1,
                    pages_id: 1,
                    vaddr: vaddr + at,
                    file_offset: at,
                    data: part,
                });
            }
        }
        h.end(1);
        h
    }

    fn range(start: u64, end: u64) -> AddressRange {
        AddressRange { start, end }
    }

    #[test]
    fn pages_added_removed_changed_across_chunk_boundaries() {
        let build = RandomState::new();
        let a = hashes(
            &build,
            &[(0x1000, 1), (0x2000, 2), (0x4000, 3), (0x5000, 4)],
            1000,
        );
        let b = hashes(
            &build,
            &[(0x2000, 2), (0x3000, 9), (0x4000, 7), (0x5000, 8)],
            4096,
        );
        let d = compare_pages(&a, &b);
        assert_eq!(d.len(), 1);
        assert_eq!(d[0].removed, [range(0x1000, 0x2000)]);
        assert_eq!(d[0].added, [range(0x3000, 0x4000)]);
        assert_eq!(d[0].changed, [range(0x4000, 0x6000)]);
        assert_eq!(d[0].unchanged_pages, 1);
        assert_eq!(d[0].counts(), (1, 1, 2));
    }

    #[test]
    fn pages_out_of_order_are_sorted_first() {
        let build = RandomState::new();
        let a = hashes(&build, &[(0x3000, 3), (0x1000, 1)], 4096);
        let b = hashes(&build, &[(0x1000, 1), (0x3000, 3)], 4096);
        let d = compare_pages(&a, &b);
        assert_eq!(d[0].counts(), (0, 0, 0));
        assert_eq!(d[0].unchanged_pages, 2);
    }
}
