//! Chain of custody: an archive's digests compared with a manifest
//! written earlier.
//!
//! [`Options::digest`](crate::Options::digest) makes the one pass over an
//! archive compute [`Digests`]: the SHA-256 of the input as read and of
//! every entry's content. Written out as JSON (what `ckpt show --digest
//! --format json` prints), they are a manifest; [`Manifest::parse`] reads
//! one back, bounded and leniently, and [`compare`] says which entries
//! changed, went missing or are new, and whether the archive's own digest
//! still matches.
//!
//! ```
//! # fn main() -> Result<(), Box<dyn std::error::Error>> {
//! use ckpt::digest::{Manifest, compare};
//! let options = ckpt::Options { digest: true, ..ckpt::Options::new(ckpt::Want::none()) };
//! let path = "tests/fixtures/mini-sleep.none.tar";
//! let digests = ckpt::read_path(path, &options)?.digests.unwrap();
//! let json = serde_json::json!([{ "archive": path, "digest": &digests }]).to_string();
//! let manifest = Manifest::parse(json.as_bytes(), path)?;
//! let verdict = compare(&manifest.digests, &digests);
//! assert!(verdict.identical());
//! # Ok(()) }
//! ```

mod compare;
mod manifest;

pub use crate::source::{ALGORITHM, ArchiveDigest, Digests, EntryDigest, Sha256};
pub use compare::{ArchiveCheck, Difference, DifferenceKind, Verdict, compare};
pub use manifest::{Manifest, ManifestError};
