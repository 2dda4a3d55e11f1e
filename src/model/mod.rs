//! The model of a checkpoint: what one pass learned ([`Checkpoint`]), the
//! container it describes ([`ContainerInfo`]), and its processes
//! ([`Process`]) with their threads, open files, sockets and memory, read
//! through the decoded CRIU images ([`ImageSet`]).
//!
//! Views, `inspect`, `diff` and `memparse` are built on it.

mod checkpoint;
mod container;
mod files;
mod images;
mod needs;
mod plugins;
mod pod;
mod process;
mod rootfs;
mod select;
mod shared;
mod tree;

pub(crate) use checkpoint::EntryTimes;
pub use checkpoint::{
    Checkpoint, CheckpointTime, EntryInfo, Pod, PodContainer, ProcessText, Sizes, TimeSource,
};
pub use container::{
    ContainerInfo, Engine, InterfaceInfo, MANAGER_ANNOTATION, NetworkInfo, container_info,
};
pub use files::{OpenFile, Socket, unix_name};
pub use images::{ImageSet, ShmFiles};
pub use plugins::PluginImage;
pub use pod::{InPod, PodLayout, Unread};
pub(crate) use pod::{selects, split_directory_name};
pub use process::{Process, ProcessMemory, TaskState, Thread};
pub use rootfs::{RootfsChange, RootfsDiff};
pub use tree::{MAX_DEPTH, ProcessNode, ProcessTable};
