use serde::Serialize;

/// `pstree_entry` (`images/pstree.proto`): one task of the process tree.
#[derive(Clone, PartialEq, prost::Message, Serialize)]
pub struct PstreeEntry {
    /// Pid (in the dumped pid namespace).
    #[prost(uint32, required, tag = "1")]
    pub pid: u32,
    /// Parent pid; 0 for the root.
    #[prost(uint32, required, tag = "2")]
    pub ppid: u32,
    /// Process group id.
    #[prost(uint32, required, tag = "3")]
    pub pgid: u32,
    /// Session id.
    #[prost(uint32, required, tag = "4")]
    pub sid: u32,
    /// Thread ids (`[0]` for a zombie).
    #[prost(uint32, repeated, packed = "false", tag = "5")]
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub threads: Vec<u32>,
}
