//! [`FileType`]: what kind of file an entry is.

/// What kind of file an entry is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum FileType {
    /// A regular file.
    File,
    /// A directory.
    Directory,
    /// A symbolic link.
    Symlink,
    /// A hard link to an earlier entry.
    Hardlink,
    /// A character device.
    CharDevice,
    /// A block device.
    BlockDevice,
    /// A named pipe.
    Fifo,
    /// Anything else (a socket in a directory, an unknown tar type).
    #[serde(other)]
    Other,
}

impl FileType {
    /// The name shown: `file`, `dir`, `symlink`, `hardlink`, `char`,
    /// `block`, `fifo`, `other`.
    pub fn name(self) -> &'static str {
        match self {
            FileType::File => "file",
            FileType::Directory => "dir",
            FileType::Symlink => "symlink",
            FileType::Hardlink => "hardlink",
            FileType::CharDevice => "char",
            FileType::BlockDevice => "block",
            FileType::Fifo => "fifo",
            FileType::Other => "other",
        }
    }
}
