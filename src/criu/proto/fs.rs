use serde::Serialize;

/// `fs_entry` (`images/fs.proto`): a task's cwd and root, as file ids in
/// `files.img`.
#[derive(Clone, PartialEq, prost::Message, Serialize)]
pub struct FsEntry {
    /// File id of the working directory.
    #[prost(uint32, required, tag = "1")]
    pub cwd_id: u32,
    /// File id of the root directory.
    #[prost(uint32, required, tag = "2")]
    pub root_id: u32,
    /// umask.
    #[prost(uint32, optional, tag = "3")]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub umask: Option<u32>,
}
