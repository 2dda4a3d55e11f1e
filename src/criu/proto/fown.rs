use serde::Serialize;

/// `fown_entry` (`images/fown.proto`): the owner of a file's async I/O
/// signals (`F_SETOWN`, `F_SETSIG`).
#[derive(Clone, PartialEq, prost::Message, Serialize)]
pub struct FownEntry {
    /// Real uid of the owner.
    #[prost(uint32, required, tag = "1")]
    pub uid: u32,
    /// Effective uid of the owner.
    #[prost(uint32, required, tag = "2")]
    pub euid: u32,
    /// Signal sent (`F_SETSIG`, 0 for `SIGIO`).
    #[prost(uint32, required, tag = "3")]
    pub signum: u32,
    /// Kind of owner (`PIDTYPE_*`).
    #[prost(uint32, required, tag = "4")]
    pub pid_type: u32,
    /// Owner pid (0 when none).
    #[prost(uint32, required, tag = "5")]
    pub pid: u32,
}
