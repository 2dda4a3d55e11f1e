//! Views: what the commands show, built from a [`Checkpoint`] and
//! serialisable as the JSON the `ckpt` binary prints. Rendering as text is
//! the binary's business.
//!
//! [`Checkpoint`]: crate::Checkpoint

mod overview;

pub use overview::{CheckpointSize, Overview, OverviewMetadata};
