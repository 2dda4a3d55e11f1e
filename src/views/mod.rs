//! Views: what the commands show, built from the [model](crate::model) of
//! a checkpoint and serialisable as the JSON the `ckpt` binary prints,
//! with checkpointctl's key names. Rendering as text is the binary's
//! business.

mod inspect;
pub mod list;
pub mod memory;
mod overview;

pub use inspect::{
    CriuMountNode, FdNode, InspectOptions, Inspection, Metadata, MountNode, OpenFileNode, PsNode,
    RootfsNode, SkNode, SocketData, SocketNode, Statistics, ThreadNode, count_bytes,
};
pub use overview::{
    CheckpointSize, Header, Overview, OverviewMetadata, PagesCompression, PluginImageRow,
};
