//! [`Manifest`]: digests written earlier, read back from the JSON that
//! `ckpt show --digest --format json` or `ckpt inspect --digest --format
//! json` printed. A manifest is input like any other: its size is bounded
//! by the caller, its nesting by the JSON parser, and what it holds beyond
//! the digests is ignored.

use serde::Deserialize;

use crate::source::{ALGORITHM, Digests};

/// Digests read from a manifest.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct Manifest {
    /// The archive the manifest was written for, as it named it.
    pub archive: Option<String>,
    /// The digests it holds.
    pub digests: Digests,
}

/// Why a manifest cannot be used.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ManifestError {
    /// It is not JSON of the shape `show` and `inspect` print.
    #[error("not a digest manifest (the JSON of `show --digest --format json`): {0}")]
    Json(#[from] serde_json::Error),
    /// It holds no `digest` section.
    #[error("no `digest` section: write the manifest with `--digest --format json`")]
    NoDigest,
    /// It holds several archives' digests, none of them named as the
    /// archive given.
    #[error("digests of {count} archives, none of them named {archive}")]
    WhichArchive {
        /// How many archives the manifest holds.
        count: usize,
        /// The archive asked for.
        archive: String,
    },
    /// Its digests are of an algorithm ckpt does not compute.
    #[error("digests of algorithm {0:?}; ckpt computes sha256")]
    Algorithm(String),
}

/// One archive's object in `show`'s or `inspect`'s JSON: only what a
/// manifest needs.
#[derive(Deserialize)]
struct Described {
    #[serde(default)]
    archive: Option<String>,
    #[serde(default)]
    digest: Option<Digests>,
}

/// The JSON printed for several archives (an array), or one object.
#[derive(Deserialize)]
#[serde(untagged)]
enum Document {
    Many(Vec<Described>),
    One(Described),
}

impl Manifest {
    /// Reads a manifest: the JSON array `show` or `inspect` printed with
    /// `--digest --format json`, or one object of it. When it describes
    /// several archives, the one whose `archive` is `archive` is taken.
    pub fn parse(json: &[u8], archive: &str) -> Result<Manifest, ManifestError> {
        // Two typed parses rather than one into an untyped value: nothing
        // beyond what is kept is built in memory.
        let described = match serde_json::from_slice::<Vec<Described>>(json) {
            Ok(many) => many,
            Err(_) => match serde_json::from_slice::<Document>(json)? {
                Document::Many(many) => many,
                Document::One(one) => vec![one],
            },
        };
        let with_digest: Vec<Described> = described
            .into_iter()
            .filter(|d| d.digest.is_some())
            .collect();
        let count = with_digest.len();
        let chosen = match count {
            0 => return Err(ManifestError::NoDigest),
            1 => with_digest.into_iter().next(),
            _ => with_digest
                .into_iter()
                .find(|d| d.archive.as_deref() == Some(archive)),
        };
        let Some(Described {
            archive: named,
            digest: Some(digests),
        }) = chosen
        else {
            return Err(ManifestError::WhichArchive {
                count,
                archive: archive.to_owned(),
            });
        };
        if !digests.algorithm.eq_ignore_ascii_case(ALGORITHM) {
            return Err(ManifestError::Algorithm(digests.algorithm));
        }
        Ok(Manifest {
            archive: named,
            digests,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const SUM: &str = "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad";

    fn entry(name: &str) -> String {
        format!(r#"{{"name":"{name}","type":"file","size":3,"sha256":"{SUM}","extra":[1]}}"#)
    }

    #[test]
    fn the_archive_named_is_taken_from_several() {
        let one = |a: &str| {
            format!(
                r#"{{"archive":"{a}","container_name":"x","digest":{{"algorithm":"sha256","archive":null,"entries":[{}]}}}}"#,
                entry(a)
            )
        };
        let json = format!("[{},{}]", one("a.tar"), one("b.tar"));
        let m = Manifest::parse(json.as_bytes(), "b.tar").unwrap();
        assert_eq!(m.archive.as_deref(), Some("b.tar"));
        assert_eq!(m.digests.entries[0].name, "b.tar");
        assert!(matches!(
            Manifest::parse(json.as_bytes(), "c.tar"),
            Err(ManifestError::WhichArchive { count: 2, .. })
        ));
        // One object alone, named otherwise, is taken as it is.
        let m = Manifest::parse(one("a.tar").as_bytes(), "elsewhere.tar").unwrap();
        assert_eq!(m.digests.entries[0].size, 3);
    }

    #[test]
    fn what_is_no_manifest_says_why() {
        let no_digest = br#"[{"archive":"a.tar","container_name":"x"}]"#;
        assert!(matches!(
            Manifest::parse(no_digest, "a.tar"),
            Err(ManifestError::NoDigest)
        ));
        let md5 = br#"{"digest":{"algorithm":"md5","archive":null,"entries":[]}}"#;
        assert!(matches!(
            Manifest::parse(md5, "a.tar"),
            Err(ManifestError::Algorithm(_))
        ));
        let bad_sum = br#"{"digest":{"algorithm":"sha256","entries":[{"name":"a","type":"file","sha256":"zz"}]}}"#;
        assert!(matches!(
            Manifest::parse(bad_sum, "a.tar"),
            Err(ManifestError::Json(_))
        ));
        let deep = "[".repeat(100_000);
        assert!(Manifest::parse(deep.as_bytes(), "a.tar").is_err());
    }
}
