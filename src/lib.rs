//! Read container checkpoint archives without unpacking them.
//!
//! `podman container checkpoint --export`, CRI-O and containerd (for
//! Kubernetes forensic checkpointing) write a tar, often gzip- or
//! zstd-compressed, holding the engine's metadata (`config.dump`,
//! `spec.dump`, `network.status`, …), CRIU's images of the processes under
//! `checkpoint/`, and the container's file system changes. This crate reads
//! such an archive in **one streaming pass**, decodes what is asked for in
//! memory, under limits, and writes nothing anywhere.
//!
//! # A tour
//!
//! Data flows one way:
//!
//! ```text
//! Source ─▶ Archive (compression, tar walk) ─▶ entries by name ─▶ read
//!    (metadata JSON, CRIU images, pages streamed) ─▶ Checkpoint (model)
//!    ─▶ Process, files, sockets, memory ─▶ views, diff ─▶ your output
//! ```
//!
//! * A [`Source`] is where the bytes are: a file opened by path (read with
//!   positioned reads, so a plain tar is walked with seeks), a stream such
//!   as standard input, any [`source::ReadAt`] (a buffer, a ranged remote
//!   object), or an extracted checkpoint directory. The same checkpoint
//!   from any of them gives the same results.
//! * [`read`] walks it once and returns a [`Checkpoint`]; [`Options`] say
//!   which parts to decode ([`Want`]) and the [`Limits`] that hold
//!   whatever the archive declares. What is not wanted is skipped; every
//!   header is read, since a later entry of one name replaces an earlier
//!   one, as in the runtime's extraction.
//! * [`Checkpoint::processes`] yields each [`Process`]: pid, parent,
//!   threads with their names, command name and state, command line and
//!   environment (read from its memory in the same pass, in the order the
//!   process holds it), open files (deleted ones marked), sockets, memory
//!   areas and pagemap. [`model`] holds the rest of the model: the
//!   container and its engine, when it was checkpointed (and what says
//!   so), sizes, the root file system changes (`rootfs-diff.tar` walked
//!   from inside the archive), the decoded CRIU images and the shared
//!   memory objects (memfds, SysV segments, anonymous shared memory, files
//!   of `/dev/shm`) with every process and address that maps them.
//! * A pod checkpoint (Kubernetes pod-level checkpointing, in any of the
//!   three layouts of 2026, as a tar or a directory) is read in the same
//!   pass: [`Checkpoint::pod`] names the pod and holds a [`Checkpoint`]
//!   per container, each naming its pod ([`Checkpoint::in_pod`]);
//!   [`Checkpoint::containers`] gives the container checkpoints of any
//!   read, and [`Options::container`] chooses one.
//!
//!   ```
//!   # fn main() -> Result<(), ckpt::Error> {
//!   let source = ckpt::Source::open("tests/fixtures/pod-counters.tar.zst")?;
//!   let read = ckpt::read(source, &ckpt::Options::default())?;
//!   let pod = read.pod.as_ref().expect("a pod checkpoint");
//!   assert_eq!((pod.name.as_str(), pod.names()), ("counters", vec!["counter", "sleeper"]));
//!   let ids: Vec<_> = read.containers(None)?.iter().map(|c| &c.config.as_ref().unwrap().id[..12]).collect();
//!   assert_eq!(ids, ["03a294012b41", "5eeb5eeb8af2"]);
//!   # Ok(()) }
//!   ```
//! * A damaged archive (cut short, corrupt) fails the read, or with
//!   [`Options::keep_partial`] gives what was read before the damage, with
//!   [`Checkpoint::damage`] saying what went wrong.
//! * [`read_with`] also streams process memory through a
//!   [`memory::MemorySink`], which can stop the read or fail it; the
//!   [`memory::search`] sink searches it for a literal or a regular
//!   expression, shared memory included. Pages are never held whole, never
//!   written anywhere. In a pod, a sink gets the chosen container's memory,
//!   or every container's if it tells them apart
//!   ([`memory::MemorySink::every_container`]: the search does, naming
//!   each hit's container).
//! * [`cat`] streams one file to a writer: an archive entry, a file of
//!   `rootfs-diff.tar`, or the content CRIU saved of a deleted file.
//! * [`views`] are what the `ckpt` binary shows (checkpointctl's `show`,
//!   `inspect`, `memparse` and `list`), as serialisable structs with
//!   checkpointctl's JSON keys; [`diff`] compares two checkpoints, down to
//!   each page of memory.
//! * [`check`] tells whether a checkpoint will restore on a node: its
//!   requirements (architecture, CRIU, kernel, cgroups, namespaces, TCP
//!   connections, runtime, image, mount sources, …) against the facts of
//!   a node described as JSON, one line each with the reason and the fix.
//! * With [`Options::digest`], the same pass takes the SHA-256 of the
//!   archive as read and of every entry's content ([`source::Digests`]);
//!   [`digest`] reads a manifest of them back and compares.
//! * [`Error`]s name the archive, the entry and the offset, and say which
//!   [`LimitKind`] was hit; damage to an optional part is a [`Warning`]
//!   with a [`WarningKind`]. Neither carries command-line advice: the
//!   binary adds that.
//! * Underneath: [`Archive`] hands out the entries of a source in order,
//!   each readable with [`std::io::Read`]; [`criu`] decodes CRIU's images
//!   (framing, protobuf messages, crit-style JSON); [`metadata`] holds the
//!   serde types of the engines' JSON files.
//!
//! # Example
//!
//! The processes of a checkpoint with their command lines:
//!
//! ```
//! # fn main() -> Result<(), ckpt::Error> {
//! use ckpt::{Options, Source, Want};
//!
//! let source = Source::open("tests/fixtures/multi-proc.none.tar")?;
//! let want = Want { processes: true, memory_text: true, ..Want::default() };
//! let checkpoint = ckpt::read(source, &Options::new(want))?;
//!
//! assert_eq!(checkpoint.container.engine, ckpt::Engine::Podman);
//! assert_eq!(checkpoint.container.name, "multi-proc");
//! let root = checkpoint.process(1).unwrap();
//! assert_eq!(root.comm(), "ckpt-parent");
//! assert_eq!(root.args().unwrap(), ["/usr/bin/ckptwork", "multi"]);
//! let children: Vec<u32> = checkpoint
//!     .processes()
//!     .filter(|p| p.ppid() == 1)
//!     .map(|p| p.pid())
//!     .collect();
//! assert_eq!(children, [6, 7, 8]);
//! # Ok(()) }
//! ```
//!
//! Reading a stream, decoding only `config.dump` and `spec.dump`:
//!
//! ```
//! # fn main() -> Result<(), ckpt::Error> {
//! let file = std::fs::File::open("tests/fixtures/mini-sleep.gzip.tar.gz").unwrap();
//! let source = ckpt::Source::from_reader(file, "mini-sleep");
//! let checkpoint = ckpt::read(source, &ckpt::Options::new(ckpt::Want::metadata_only()))?;
//! assert!(checkpoint.complete);
//! assert_eq!(checkpoint.require_config()?.oci_runtime, "runc");
//! # Ok(()) }
//! ```
//!
//! Searching the memory of every process as it streams by (what `ckpt
//! memparse --search` does):
//!
//! ```
//! # fn main() -> Result<(), ckpt::Error> {
//! use ckpt::memory::MemoryFilter;
//! use ckpt::memory::search::{MemorySearch, Pattern};
//! let pattern = Pattern::literal("SECRET_MARKER_7f3a9c").unwrap();
//! let mut search = MemorySearch::new(&pattern, 8, MemoryFilter::default(), 100);
//! let source = ckpt::Source::open("tests/fixtures/multi-proc.none.tar")?;
//! ckpt::read_with(source, &ckpt::Options::new(ckpt::Want::none()), &mut search)?;
//! let hits = search.finish().hits;
//! assert_eq!((hits[0].pid, hits[0].hit.vaddr), (1, 0x1f5a6d0));
//! assert_eq!(hits[0].hit.matched, b"SECRET_MARKER_7f3a9c");
//! # Ok(()) }
//! ```
//!
//! Comparing two checkpoints of one container (what `ckpt diff` does; both
//! are read at once, on two threads): see [`diff::compare`].
//!
//! More in `examples/`: `processes` (the processes with their command
//! lines and sockets), `search` (memory search with a regex), `diff` (two
//! checkpoints compared, memory page by page) and `summary` (one line per
//! archive).
//!
//! # Features
//!
//! * `cli` (default): the `ckpt` binary and its dependencies. A runtime or
//!   service that embeds the reader turns the defaults off
//!   (`default-features = false`) and pulls only tar, the decompressors
//!   (and lz4_flex for memory pages CRIU compressed), serde, the decoders
//!   and sha2 (for [`Options::digest`]).
//! * `xz`, `bzip2` (default): read xz and bzip2 archives.
//! * `views` (default): [`views`] and [`diff`], checkpointctl's shapes of
//!   what a checkpoint holds and of what changed between two.
//! * `regex` (default): regular-expression memory search
//!   ([`memory::search::Pattern::regex`]); literal search needs nothing.
//! * `build` (default): [`build`], an OCI image of a checkpoint archive
//!   (`oci_spec`'s image types are re-exported with the crate).
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
//!   its header declares is within [`Limits::max_entry_size`] (64 MiB by
//!   default); otherwise the read fails with [`Error::EntryTooLarge`] before
//!   any allocation, however well the entry compresses. Decompression
//!   windows over 128 MiB are refused.
//! * Whatever an archive declares, what is held in memory is bounded:
//!   [`Limits::max_total_size`] (1 GiB) for the entries decoded and the
//!   command lines and environments read together, [`Limits::max_records`]
//!   per CRIU image, [`Limits::max_processes`], and [`Limits::max_vmas`]
//!   per process (counted in the record before it is decoded). Hitting one
//!   is an [`Error::LimitExceeded`] naming the entry and the [`LimitKind`].
//!   Pages are streamed, never held; JSON nesting stops at 128 levels.
//! * Truncated and corrupt input gives an [`Error`] naming the archive and
//!   the entry; the gzip and zstd checksums are verified when the whole
//!   stream is read.
//! * The tar parser is the `tar` crate (≥ 0.4.46, with the 2026 fixes for
//!   PAX sizes and extension headers). It does not yet resolve every
//!   ambiguity the way Go's `archive/tar` (what Podman and CRI-O restore
//!   with) does, repeated PAX keys for one: reading tar exactly as the
//!   runtime does is tracked work.
//! * This crate has no `unsafe` code. Its decoders are fuzzed (the
//!   `fuzz/` targets: whole archives, CRIU framing, each message kind,
//!   process memory, metadata), and a suite cuts and corrupts every
//!   fixture at each entry and header field; no input has made it panic,
//!   hang or allocate beyond these limits.

#![forbid(unsafe_code)]
#![deny(missing_docs)]
#![warn(unreachable_pub)]

#[cfg(feature = "build")]
pub mod build;
pub mod cat;
pub mod check;
mod compression;
pub mod coredump;
pub mod criu;
#[cfg(feature = "views")]
pub mod diff;
pub mod digest;
mod error;
pub mod escape;
pub mod layout;
pub mod memory;
pub mod metadata;
pub mod model;
mod options;
mod read;
pub mod source;
#[cfg(feature = "views")]
pub mod views;
mod warning;

pub use compression::Compression;
pub use error::{Error, Result};
pub use layout::EntryKind;
pub use model::{Checkpoint, ContainerInfo, Engine, Process};
pub use options::{LimitKind, Limits, Options, Want};
pub use read::{read, read_path, read_with};
pub use source::{Archive, Entry, FileType, Source};
pub use warning::{Warning, WarningKind};

/// The OCI types, re-exported because ckpt's public API exposes them:
/// the typed runtime spec (`Checkpoint::oci_spec`, feature `oci-spec`) and
/// the image types [`build`] writes (feature `build`).
#[cfg(any(feature = "oci-spec", feature = "build"))]
pub use oci_spec;

#[doc = include_str!("../README.md")]
#[cfg(doctest)]
pub struct ReadmeDoctests;
