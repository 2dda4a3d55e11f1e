//! [`Digests`]: the SHA-256 of an archive as read and of each entry's
//! content, taken in the pass that reads it (see
//! [`Options::digest`](crate::Options::digest)).

use serde::{Deserialize, Serialize};

use super::file_type::FileType;

/// The one algorithm ckpt digests with, as manifests name it.
pub const ALGORITHM: &str = "sha256";

/// A SHA-256 digest, written as 64 lowercase hex digits.
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Sha256(pub [u8; 32]);

impl Sha256 {
    /// Parses 64 hex digits (either case); `None` for anything else.
    pub fn from_hex(hex: &str) -> Option<Sha256> {
        let bytes = hex.as_bytes();
        if bytes.len() != 64 {
            return None;
        }
        let mut out = [0u8; 32];
        for (byte, pair) in out.iter_mut().zip(bytes.chunks_exact(2)) {
            let digit = |c: u8| char::from(c).to_digit(16);
            let (hi, lo) = (digit(pair[0])?, digit(pair[1])?);
            *byte = u8::try_from(hi * 16 + lo).ok()?;
        }
        Some(Sha256(out))
    }

    /// The digest of `bytes`.
    pub fn of(bytes: &[u8]) -> Sha256 {
        use sha2::Digest as _;
        Sha256(sha2::Sha256::digest(bytes).into())
    }
}

impl std::fmt::Display for Sha256 {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        self.0.iter().try_for_each(|b| write!(f, "{b:02x}"))
    }
}

impl std::fmt::Debug for Sha256 {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Sha256({self})")
    }
}

impl Serialize for Sha256 {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for Sha256 {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Sha256, D::Error> {
        let text = <std::borrow::Cow<'de, str>>::deserialize(d)?;
        Sha256::from_hex(&text)
            .ok_or_else(|| serde::de::Error::custom("a sha256 is 64 hexadecimal digits"))
    }
}

/// The digests of one archive: of its bytes as read and of each entry.
///
/// ```
/// # fn main() -> Result<(), ckpt::Error> {
/// let options = ckpt::Options { digest: true, ..ckpt::Options::new(ckpt::Want::none()) };
/// let c = ckpt::read_path("tests/fixtures/mini-sleep.zstd.tar.zst", &options)?;
/// let digests = c.digests.unwrap();
/// let file = std::fs::read("tests/fixtures/mini-sleep.zstd.tar.zst").unwrap();
/// let archive = digests.archive.unwrap();
/// assert_eq!(archive.sha256, ckpt::source::Sha256::of(&file));
/// assert_eq!(archive.size, file.len() as u64);
/// let config = digests.entries.iter().find(|e| e.name == "config.dump").unwrap();
/// assert!(config.sha256.is_some());
/// # Ok(()) }
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct Digests {
    /// Always [`ALGORITHM`].
    pub algorithm: String,
    /// The archive file (or stream) as read: compressed bytes for a
    /// compressed archive, every byte to the end of the input. `None` when
    /// the input failed before its end.
    pub archive: Option<ArchiveDigest>,
    /// Every entry, in archive order: a name given twice is listed twice
    /// (the runtime restores the last copy; earlier ones are marked
    /// [`replaced`](EntryDigest::replaced)). PAX global headers and
    /// extension headers are no entries. When the read stopped at damage,
    /// the entries wholly read before it.
    #[serde(default)]
    pub entries: Vec<EntryDigest>,
}

/// The digest of a whole archive.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct ArchiveDigest {
    /// SHA-256 of every byte of the input.
    pub sha256: Sha256,
    /// How many bytes that is.
    pub size: u64,
}

/// One entry of an archive and the digest of its content.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct EntryDigest {
    /// The name, cleaned as the runtime cleans it.
    pub name: String,
    /// What kind of file it is.
    #[serde(rename = "type")]
    pub file_type: FileType,
    /// Size of the content in bytes (0 for what is not a regular file).
    #[serde(default)]
    pub size: u64,
    /// SHA-256 of the content, as the runtime would extract it: for
    /// regular files only, and not for a sparse one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sha256: Option<Sha256>,
    /// A link's target (symbolic or hard), as the archive names it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub link: Option<String>,
    /// A sparse file: its content is not digested (ckpt does not expand
    /// sparse files), only its size and name are listed.
    #[serde(default, skip_serializing_if = "is_false")]
    pub sparse: bool,
    /// A later entry has the same name: the runtime's extraction replaces
    /// this one with it.
    #[serde(default, skip_serializing_if = "is_false")]
    pub replaced: bool,
}

fn is_false(b: &bool) -> bool {
    !*b
}

impl Digests {
    /// Entries with `replaced` marked, in archive order.
    pub(crate) fn new(archive: Option<ArchiveDigest>, mut entries: Vec<EntryDigest>) -> Digests {
        let mut last = std::collections::HashMap::new();
        for (i, e) in entries.iter().enumerate() {
            last.insert(e.name.as_str(), i);
        }
        let replaced: Vec<bool> = entries
            .iter()
            .enumerate()
            .map(|(i, e)| last.get(e.name.as_str()).is_some_and(|&l| l != i))
            .collect();
        for (e, r) in entries.iter_mut().zip(replaced) {
            e.replaced = r;
        }
        Digests {
            algorithm: ALGORITHM.to_owned(),
            archive,
            entries,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hex_round_trips_and_refuses_what_is_not_a_digest() {
        let d = Sha256::of(b"abc");
        let hex = d.to_string();
        assert_eq!(
            hex,
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        );
        assert_eq!(Sha256::from_hex(&hex.to_uppercase()), Some(d));
        assert_eq!(Sha256::from_hex(&hex[1..]), None);
        assert_eq!(Sha256::from_hex(&format!("{}g", &hex[1..])), None);
        assert_eq!(Sha256::from_hex(&format!("{}é", &hex[2..])), None);
    }

    #[test]
    fn earlier_copies_of_a_name_are_marked_replaced() {
        let e = |name: &str| EntryDigest {
            name: name.into(),
            file_type: FileType::File,
            size: 0,
            sha256: None,
            link: None,
            sparse: false,
            replaced: false,
        };
        let d = Digests::new(None, vec![e("a"), e("b"), e("a")]);
        let r: Vec<bool> = d.entries.iter().map(|e| e.replaced).collect();
        assert_eq!(r, [true, false, false]);
    }
}
