//! Views: what the commands show, built from a [`Checkpoint`] and
//! serialisable as the JSON the `ckpt` binary prints. Rendering as text is
//! the binary's business.
//!
//! [`Checkpoint`]: crate::Checkpoint

pub mod diff;
pub mod files;
mod inspect;
pub mod list;
pub mod memory;
mod overview;
pub mod process;

pub use inspect::{
    CriuMountNode, FdNode, InspectOptions, Inspection, Metadata, MountNode, OpenFileNode, PsNode,
    SkNode, SocketData, SocketNode, Statistics, count_bytes,
};
pub use overview::{CheckpointSize, Header, Overview, OverviewMetadata};
