//! Read container checkpoint archives without unpacking them.
//!
//! `podman container checkpoint --export`, CRI-O and containerd (for
//! Kubernetes forensic checkpointing) write a tar, often gzip- or
//! zstd-compressed, holding the engine's metadata (`config.dump`,
//! `spec.dump`, `network.status`, …), CRIU's images of the processes under
//! `checkpoint/`, and the container's file system changes. This crate reads
//! such an archive in **one streaming pass**, decodes the well-known entries
//! in memory, and writes nothing anywhere.
//!
//! # Overview
//!
//! * [`read_path`] (or [`read`] on an [`Archive`] built from any reader)
//!   returns a [`Checkpoint`]: the decoded metadata, the engine and container
//!   it describes ([`ContainerInfo`]), sizes from the tar headers, and
//!   [`Warning`]s about damaged optional parts. [`Options`] say which parts
//!   to decode; the pass stops as soon as those are known.
//! * [`Archive`] is the walk underneath: it recognises the [`Compression`]
//!   from the first bytes and hands out the entries in order, each
//!   classified by name ([`EntryKind`]) and readable with [`std::io::Read`].
//!   A plain tar opened by path is read with seeks, so data nobody reads is
//!   never read.
//! * [`criu`] reads CRIU's images: the framing, the protobuf messages
//!   (hand-written `prost` structs), and crit-style JSON of any image.
//!   [`Options`] say which images to decode during the pass; command lines
//!   and environments are read from the few pages that hold them
//!   ([`memory`]).
//! * [`views`] turns a checkpoint into what the `ckpt` binary shows (the
//!   overview, the process tree, open files and sockets), as serialisable
//!   structs; [`views::list`] lists a directory of checkpoints and
//!   [`views::diff`] compares two, down to each page of memory.
//! * [`metadata`] holds the serde types of the metadata files and the
//!   helpers of checkpointctl's Go `lib` package.
//!
//! # Example
//!
//! ```
//! # fn main() -> Result<(), ckpt::Error> {
//! let checkpoint = ckpt::read_path(
//!     "tests/fixtures/multi-proc.none.tar",
//!     &ckpt::Options::default(),
//! )?;
//! assert_eq!(checkpoint.container.engine, ckpt::Engine::Podman);
//! assert_eq!(checkpoint.container.name, "multi-proc");
//! assert_eq!(checkpoint.container.ip, "10.88.0.8");
//! let config = checkpoint.require_config()?;
//! assert_eq!(config.rootfs_image_name, "localhost/ckptwork:latest");
//! println!("{} B of memory pages", checkpoint.sizes.pages);
//! # Ok(()) }
//! ```
//!
//! Reading from a stream, stopping as soon as `config.dump` and `spec.dump`
//! are known:
//!
//! ```
//! # fn main() -> Result<(), ckpt::Error> {
//! let file = std::fs::File::open("tests/fixtures/mini-sleep.gzip.tar.gz").unwrap();
//! let archive = ckpt::Archive::from_reader(file, "mini-sleep")?;
//! let mut options = ckpt::Options::default();
//! options.want = ckpt::Want::metadata_only();
//! let checkpoint = ckpt::read(archive, &options)?;
//! assert!(!checkpoint.complete);
//! assert_eq!(checkpoint.require_config()?.oci_runtime, "runc");
//! # Ok(()) }
//! ```
//!
//! The process tree, with command lines read from process memory:
//!
//! ```
//! # fn main() -> Result<(), ckpt::Error> {
//! use ckpt::views::{InspectOptions, Inspection};
//! let mut inspect = InspectOptions::default();
//! inspect.cmdline = true;
//! let mut options = ckpt::Options::default();
//! options.want = inspect.want();
//! let checkpoint = ckpt::read_path("tests/fixtures/multi-proc.none.tar", &options)?;
//! let inspection = Inspection::new(&checkpoint, &inspect)?;
//! let root = inspection.process_tree.as_ref().unwrap();
//! assert_eq!((root.pid, root.command.as_str()), (1, "ckpt-parent"));
//! assert_eq!(root.cmdline.as_deref(), Some("/usr/bin/ckptwork multi "));
//! let children: Vec<u32> = root.children.iter().map(|c| c.pid).collect();
//! assert_eq!(children, [6, 7, 8]);
//! # Ok(()) }
//! ```
//!
//! Searching the memory of every process as it streams by (what `ckpt
//! memparse --search` does); pages are never held or written anywhere:
//!
//! ```
//! # fn main() -> Result<(), ckpt::Error> {
//! use ckpt::memory::MemoryFilter;
//! use ckpt::search::{MemorySearch, Pattern};
//! let pattern = Pattern::literal("SECRET_MARKER_7f3a9c").unwrap();
//! let mut search = MemorySearch::new(&pattern, 8, MemoryFilter::default(), 100);
//! let mut options = ckpt::Options::default();
//! options.want = ckpt::Want::metadata_only();
//! let archive = ckpt::Archive::open("tests/fixtures/multi-proc.none.tar")?;
//! ckpt::read_with(archive, &options, &mut search)?;
//! let (hits, _dropped) = search.finish();
//! let first = &hits[0];
//! assert_eq!((first.pid, first.hit.vaddr), (1, 0x1f5a6d0));
//! assert_eq!(first.hit.matched, b"SECRET_MARKER_7f3a9c");
//! # Ok(()) }
//! ```
//!
//! Comparing two checkpoints of one container (what `ckpt diff` does; the
//! binary reads both at once on two threads):
//!
//! ```
//! # fn main() -> Result<(), ckpt::Error> {
//! use ckpt::views::Inspection;
//! use ckpt::views::diff::{Diff, DiffOptions};
//! let mut diff = DiffOptions::default();
//! diff.sockets = true;
//! let mut options = ckpt::Options::default();
//! options.want = diff.want();
//! let a = ckpt::read_path("tests/fixtures/piggie-diff-a.gnutar.tar.zst", &options)?;
//! let b = ckpt::read_path("tests/fixtures/piggie-diff-b.gnutar.tar.zst", &options)?;
//! let (ia, ib) = (Inspection::new(&a, &diff.inspect())?, Inspection::new(&b, &diff.inspect())?);
//! let d = Diff::new((&a, &ia), (&b, &ib), &diff, false)?;
//! let added: Vec<u32> = d.process_changes.added.iter().map(|p| p.pid).collect();
//! assert_eq!(added, [13, 14, 15]);
//! # Ok(()) }
//! ```
//!
//! More in `examples/`: `summary` (one line per archive), `search`
//! (memory search with a regex) and `diff`.
//!
//! # Features
//!
//! * `cli` (default): the `ckpt` binary and its dependencies. Library users
//!   can turn it off with `default-features = false`.
//! * `xz`, `bzip2` (default): read xz and bzip2 archives.
//! * `build` (default): `build_image`, an OCI image of a checkpoint
//!   archive (`oci_spec`'s image types are re-exported with the crate).
//! * `oci-spec`: also parse `spec.dump` as the typed
//!   `oci_spec::runtime::Spec` (the `oci_spec` field of [`Checkpoint`]; a
//!   spec it refuses is a warning). The `oci_spec` crate is re-exported.
//!
//! # Security
//!
//! Checkpoint archives are evidence taken from containers that may have
//! been compromised, so everything in them is treated as hostile:
//!
//! * Nothing is extracted and nothing an archive names is ever used as a
//!   path to write. Entry names are only compared with well-known names
//!   after normalisation; names with `..` are never taken for one.
//! * An entry is read into memory only to be decoded, and only if the size
//!   its header declares is within [`Options::max_entry_size`] (64 MiB by
//!   default); otherwise the read fails with [`Error::EntryTooLarge`] before
//!   any allocation, however well the entry compresses. Decompression
//!   windows over 128 MiB are refused.
//! * Whatever an archive declares, what is held in memory is bounded:
//!   [`Options::max_total_size`] (1 GiB) for the entries decoded and the
//!   command lines and environments read together, [`Options::max_records`]
//!   per CRIU image, [`Options::max_processes`], and [`Options::max_vmas`]
//!   per process (counted in the record before it is decoded). Hitting one
//!   is an [`Error::LimitExceeded`] naming the entry and the limit. Pages
//!   are streamed, never held; JSON nesting stops at 128 levels.
//! * Truncated and corrupt input gives an [`Error`] naming the archive and
//!   the entry; the gzip and zstd checksums are verified when the whole
//!   stream is read.
//! * The tar parser is `tar` ≥ 0.4.46, which has the 2026 fixes for PAX
//!   size and extension-header handling, so an archive parses as Go's
//!   `archive/tar` (what Podman and checkpointctl use) parses it.
//! * This crate has no `unsafe` code. Its decoders are fuzzed (the
//!   `fuzz/` targets: whole archives, CRIU framing, each message kind,
//!   process memory, metadata), and a suite cuts and corrupts every
//!   fixture at each entry and header field; no input has made it panic,
//!   hang or allocate beyond these limits.

#![forbid(unsafe_code)]
#![deny(missing_docs)]

mod archive;
#[cfg(feature = "build")]
mod build;
mod checkpoint;
mod collect;
mod compression;
pub mod criu;
mod dir;
mod engine;
mod error;
pub mod layout;
pub mod memory;
pub mod metadata;
mod options;
pub mod search;
pub mod views;

pub use archive::{Archive, Entries, Entry, Progress, StreamEnd};
#[cfg(feature = "build")]
pub use build::{BuiltImage, ImageOutput, build_image, checkpoint_annotations};
pub use checkpoint::{
    Checkpoint, EntryInfo, ProcessText, Sizes, read, read_dir, read_path, read_path_with, read_with,
};
pub use compression::{Compression, XZ_MEMORY_LIMIT};
pub use engine::{ContainerInfo, Engine, InterfaceInfo, NetworkInfo, container_info};
pub use error::{Error, Result, Warning};
pub use layout::EntryKind;
pub use metadata::{
    ContainerConfig, NetworkStatus, SpecDump, Time, byte_to_string, read_json_file, write_json_file,
};
pub use options::{
    DEFAULT_MAX_ENTRY_SIZE, DEFAULT_MAX_PROCESSES, DEFAULT_MAX_RECORDS, DEFAULT_MAX_TOTAL_SIZE,
    DEFAULT_MAX_VMAS, Options, Want,
};

/// The OCI types, re-exported because ckpt's public API exposes them:
/// the typed runtime spec (`Checkpoint::oci_spec`, feature `oci-spec`) and
/// the image types `build_image` writes (feature `build`).
#[cfg(any(feature = "oci-spec", feature = "build"))]
pub use oci_spec;

#[doc = include_str!("../README.md")]
#[cfg(doctest)]
pub struct ReadmeDoctests;
