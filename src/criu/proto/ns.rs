use serde::Serialize;

/// `ns_file_entry` (`images/ns.proto`): an open namespace file
/// (`/proc/PID/ns/*`).
#[derive(Clone, PartialEq, prost::Message, Serialize)]
pub struct NsFileEntry {
    /// File id.
    #[prost(uint32, required, tag = "1")]
    pub id: u32,
    /// Namespace id.
    #[prost(uint32, required, tag = "2")]
    pub ns_id: u32,
    /// `CLONE_NEW*` flag of the namespace type.
    #[prost(uint32, required, tag = "3")]
    pub ns_cflag: u32,
    /// File status flags.
    #[prost(uint32, required, tag = "4")]
    pub flags: u32,
}
