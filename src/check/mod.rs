//! Whether a checkpoint will restore on a node, before anyone tries.
//!
//! Restores fail late: in CRIU's restore log, after the image was pulled
//! and the pod scheduled. Most of what makes them fail is in the archive:
//! the architecture of the core images, what the inventory says of the
//! dump (image version, security module, plugins, pre-dump and parent
//! images, how the network was locked), the CRIU and kernel of
//! `dump.log`, the cgroup layout of `cgroup.img`, the namespaces, TCP
//! connections, engine, runtime, image and bind mounts of the metadata.
//!
//! Three pure steps, none of which looks at the machine it runs on:
//!
//! * [`Requirements::of`] works out what a [`Checkpoint`](crate::Checkpoint)
//!   (read with [`Requirements::want`]) needs;
//! * [`Host`] holds what a node offers: the JSON `ckpt check
//!   --describe-host` writes (the binary probes the node it runs on) and
//!   `ckpt check --target FILE` reads;
//! * [`check`] compares the two: one [`CheckLine`] per requirement, `ok`,
//!   `warning` or `failure`, with the reason and the fix.
//!
//! A fact nobody knows (no `dump.log` in the archive, a field left out of
//! the node's description) makes a warning, never a failure: a failure
//! means the restore will fail on that node.
//!
//! ```
//! # fn main() -> Result<(), ckpt::Error> {
//! use ckpt::check::{Host, Requirements, Status, check, verdict};
//! let source = ckpt::Source::open("tests/fixtures/crio-counter.assembled.tar")?;
//! let checkpoint = ckpt::read(source, &ckpt::Options::new(Requirements::want()))?;
//! let needs = Requirements::of(&checkpoint);
//! assert_eq!(needs.criu_version.as_deref(), Some("4.2"));
//!
//! let arm = Host::from_json(br#"{"arch": "aarch64"}"#).unwrap();
//! let lines = check(&needs, &arm);
//! assert_eq!(lines[0].name, "architecture");
//! assert_eq!(lines[0].status, Status::Failure);
//! assert_eq!(verdict(&lines), Status::Failure);
//! # Ok(()) }
//! ```

mod host;
mod requirements;
mod rules;
mod version;

pub use host::{CgroupLayout, Host, HostError, Lsm, MAX_HOST_JSON};
pub use requirements::{MountSource, Requirements, RootfsImage, TcpConnection};
pub use rules::{CheckLine, Status, check};

/// The worst status of the lines: [`Status::Failure`] if any failed.
pub fn verdict(lines: &[CheckLine]) -> Status {
    lines.iter().map(|l| l.status).max().unwrap_or(Status::Ok)
}
