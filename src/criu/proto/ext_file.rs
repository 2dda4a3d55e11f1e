use serde::Serialize;

use super::FownEntry;

/// `ext_file_entry` (`images/ext-file.proto`): a file a plugin dumps.
#[derive(Clone, PartialEq, prost::Message, Serialize)]
pub struct ExtFileEntry {
    /// File id.
    #[prost(uint32, required, tag = "1")]
    pub id: u32,
    /// Signal owner.
    #[prost(message, optional, tag = "5")]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub fown: Option<FownEntry>,
}
