//! CRIU's protobuf messages, written by hand with `prost` derive from
//! CRIU 4.2's `images/*.proto` (MIT licensed; each struct names its file).
//!
//! Names follow the `.proto` files: message `pstree_entry` is
//! [`PstreeEntry`], fields keep their names (`type` is `r#type`). Structs
//! list their fields in tag order and serialise as `crit decode --pretty`
//! prints them: optional fields only when set, repeated ones only when not
//! empty, numbers marked `(criu).hex` as hex strings and so on (see
//! [`pretty`](super::pretty)). Fields not listed are skipped when decoding.

mod binfmt_misc;
mod bpfmap_file;
mod cgroup;
mod core;
mod core_x86;
mod creds;
mod eventfd;
mod eventpoll;
mod ext_file;
mod fdinfo;
mod fown;
mod fs;
mod fsnotify;
mod ghost_file;
mod inventory;
mod ipc_shm;
mod memfd;
mod mm;
mod mnt;
mod namespaces;
mod netdev;
mod ns;
mod packet_sock;
mod pagemap;
mod pidfd;
mod pipe;
mod pstree;
mod regfile;
mod remap;
mod seccomp;
mod signalfd;
mod sk_inet;
mod sk_netlink;
mod sk_opts;
mod sk_packet;
mod sk_unix;
mod stats;
mod tcp_stream;
mod timerfd;
mod tty;
mod tun;

pub use self::core::*;
pub use binfmt_misc::*;
pub use bpfmap_file::*;
pub use cgroup::*;
pub use core_x86::*;
pub use creds::*;
pub use eventfd::*;
pub use eventpoll::*;
pub use ext_file::*;
pub use fdinfo::*;
pub use fown::*;
pub use fs::*;
pub use fsnotify::*;
pub use ghost_file::*;
pub use inventory::*;
pub use ipc_shm::*;
pub use memfd::*;
pub use mm::*;
pub use mnt::*;
pub use namespaces::*;
pub use netdev::*;
pub use ns::*;
pub use packet_sock::*;
pub use pagemap::*;
pub use pidfd::*;
pub use pipe::*;
pub use pstree::*;
pub use regfile::*;
pub use remap::*;
pub use seccomp::*;
pub use signalfd::*;
pub use sk_inet::*;
pub use sk_netlink::*;
pub use sk_opts::*;
pub use sk_packet::*;
pub use sk_unix::*;
pub use stats::*;
pub use tcp_stream::*;
pub use timerfd::*;
pub use tty::*;
pub use tun::*;
