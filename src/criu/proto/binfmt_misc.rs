use serde::Serialize;

/// `binfmt_misc_entry` (`images/binfmt-misc.proto`): one handler
/// registered in the mount namespace's `binfmt_misc`.
#[derive(Clone, PartialEq, prost::Message, Serialize)]
pub struct BinfmtMiscEntry {
    /// The handler's name (the file under `/proc/sys/fs/binfmt_misc`).
    #[prost(string, required, tag = "1")]
    pub name: String,
    /// Whether it is enabled.
    #[prost(bool, required, tag = "2")]
    pub enabled: bool,
    /// The interpreter it runs.
    #[prost(string, required, tag = "3")]
    pub interpreter: String,
    /// Its flags (`P`, `O`, `C`, `F`).
    #[prost(string, optional, tag = "4")]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub flags: Option<String>,
    /// The file name extension it matches (extension handlers).
    #[prost(string, optional, tag = "5")]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub extension: Option<String>,
    /// The magic bytes it matches, escaped (magic handlers).
    #[prost(string, optional, tag = "6")]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub magic: Option<String>,
    /// The mask applied before matching the magic.
    #[prost(string, optional, tag = "7")]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub mask: Option<String>,
    /// Where in the file the magic is.
    #[prost(int32, optional, tag = "8")]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub offset: Option<i32>,
}
