//! CRIU's protobuf messages, written by hand with `prost` derive from
//! CRIU 4.2's `images/*.proto` (MIT licensed; each struct names its file).
//!
//! Names follow the `.proto` files: message `pstree_entry` is
//! [`PstreeEntry`], fields keep their names (`type` is `r#type`). Structs
//! list their fields in tag order and serialise as `crit decode --pretty`
//! prints them: optional fields only when set, repeated ones only when not
//! empty, numbers marked `(criu).hex` as hex strings and so on (see
//! [`pretty`](super::pretty)). Fields not listed are skipped when decoding.

mod core;
mod fdinfo;
mod fs;
mod inventory;
mod mm;
mod pagemap;
mod pstree;
mod stats;

pub use self::core::*;
pub use fdinfo::*;
pub use fs::*;
pub use inventory::*;
pub use mm::*;
pub use pagemap::*;
pub use pstree::*;
pub use stats::*;
