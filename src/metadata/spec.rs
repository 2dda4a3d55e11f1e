//! `spec.dump`: the OCI runtime spec, read leniently.
//!
//! A runtime newer than this crate may write capability, namespace or
//! rlimit names nobody here knows; typed parsers refuse such a spec
//! (oci-spec 0.10 fails on `CAP_UNKNOWN`). This reader takes the fields
//! checkpoint tools show straight from the JSON, as Go reads them (see
//! [`lenient`](super::lenient)), and a field of an unexpected type is
//! skipped with a note instead of failing the read. Nothing else of the
//! document is kept. The typed `oci_spec::runtime::Spec` is available with
//! the `oci-spec` feature.

use std::collections::BTreeMap;

use serde::Serialize;

use super::lenient::{self, lenient_object};

/// The parts of `spec.dump` that checkpoint tools show.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
#[non_exhaustive]
pub struct SpecDump {
    /// `ociVersion`.
    #[serde(rename = "ociVersion")]
    pub oci_version: String,
    /// `hostname`.
    pub hostname: String,
    /// `annotations`, sorted by key. Non-string values are skipped.
    pub annotations: BTreeMap<String, String>,
    /// `mounts`, in spec order.
    pub mounts: Vec<SpecMount>,
    /// `process`, if present.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub process: Option<SpecProcess>,
    /// `root`, if present.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub root: Option<SpecRoot>,
    /// `linux.namespaces`.
    pub namespaces: Vec<SpecNamespace>,
}

/// One entry of `mounts`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
#[non_exhaustive]
pub struct SpecMount {
    /// Path inside the container.
    pub destination: String,
    /// File system type (`proc`, `bind`, …).
    #[serde(rename = "type")]
    pub mount_type: String,
    /// Source path or device.
    pub source: String,
    /// Mount options.
    pub options: Vec<String>,
}

/// `process`: what the container ran.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
#[non_exhaustive]
pub struct SpecProcess {
    /// Command line.
    pub args: Vec<String>,
    /// Environment, `KEY=VALUE`, in spec order.
    pub env: Vec<String>,
    /// Working directory.
    pub cwd: String,
    /// Whether a terminal was attached.
    pub terminal: bool,
}

/// `root`: the root file system.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
#[non_exhaustive]
pub struct SpecRoot {
    /// Path of the root file system on the host.
    pub path: String,
    /// Whether it is read-only.
    pub readonly: bool,
}

/// One entry of `linux.namespaces`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
#[non_exhaustive]
pub struct SpecNamespace {
    /// Namespace type as written (`pid`, `network`, or a name from the
    /// future).
    #[serde(rename = "type")]
    pub namespace_type: String,
    /// Path of a namespace to join, if any.
    #[serde(skip_serializing_if = "String::is_empty")]
    pub path: String,
}

/// The document as Go reads it, before `linux` is flattened.
#[derive(Default)]
struct RawSpec {
    oci_version: String,
    hostname: String,
    annotations: BTreeMap<String, String>,
    mounts: Vec<SpecMount>,
    process: Option<SpecProcess>,
    root: Option<SpecRoot>,
    linux: Option<RawLinux>,
}

#[derive(Default)]
struct RawLinux {
    namespaces: Vec<SpecNamespace>,
}

lenient_object!(RawSpec {
    "ociVersion" => oci_version,
    "hostname" => hostname,
    "annotations" => annotations,
    "mounts" => mounts,
    "process" => process,
    "root" => root,
    "linux" => linux,
});
lenient_object!(RawLinux { "namespaces" => namespaces });
lenient_object!(SpecMount {
    "destination" => destination,
    "type" => mount_type,
    "source" => source,
    "options" => options,
});
lenient_object!(SpecProcess {
    "args" => args,
    "env" => env,
    "cwd" => cwd,
    "terminal" => terminal,
});
lenient_object!(SpecRoot { "path" => path, "readonly" => readonly });
lenient_object!(SpecNamespace { "type" => namespace_type, "path" => path });

impl SpecDump {
    /// Reads `spec.dump`. Fails only if the bytes are not a JSON object;
    /// fields of unexpected types are skipped and described in the returned
    /// notes.
    pub fn from_slice(bytes: &[u8]) -> serde_json::Result<(SpecDump, Vec<String>)> {
        let mut raw = RawSpec::default();
        let notes = lenient::from_slice(bytes, &mut raw)?;
        let first = bytes.iter().find(|b| !b" \t\n\r".contains(b));
        if first != Some(&b'{') {
            return Err(serde::de::Error::custom("not a JSON object"));
        }
        let spec = SpecDump {
            oci_version: raw.oci_version,
            hostname: raw.hostname,
            annotations: raw.annotations,
            mounts: raw.mounts,
            process: raw.process,
            root: raw.root,
            namespaces: raw.linux.map(|l| l.namespaces).unwrap_or_default(),
        };
        Ok((spec, notes))
    }

    /// The value of an annotation.
    pub fn annotation(&self, key: &str) -> Option<&str> {
        self.annotations.get(key).map(String::as_str)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_what_typed_parsers_refuse() {
        let json = br#"{
            "ociVersion": "1.2.0",
            "process": {"user": {"uid": 0}, "args": ["sh", "-c", "x"], "env": ["A=1"], "cwd": "/",
                        "capabilities": {"bounding": ["CAP_FROM_THE_FUTURE"]}},
            "hostname": "h",
            "mounts": [{"destination": "/proc", "type": "proc", "source": "proc"}],
            "annotations": {"io.container.manager": "libpod", "b": "2"},
            "linux": {"namespaces": [{"type": "futurens"}, {"type": "network", "path": "/run/netns/x"}]}
        }"#;
        let (spec, notes) = SpecDump::from_slice(json).unwrap();
        assert!(notes.is_empty(), "{notes:?}");
        assert_eq!(spec.annotation("io.container.manager"), Some("libpod"));
        assert_eq!(spec.process.unwrap().args, ["sh", "-c", "x"]);
        assert_eq!(spec.mounts[0].mount_type, "proc");
        assert_eq!(spec.namespaces[0].namespace_type, "futurens");
        assert_eq!(spec.namespaces[1].path, "/run/netns/x");
    }

    #[test]
    fn wrong_types_are_notes_not_errors() {
        let json = br#"{"hostname": 7, "annotations": {"a": "x", "n": 1}, "mounts": [3, {"destination": "/d"}],
                        "process": {"env": ["A=1", false]}}"#;
        let (spec, notes) = SpecDump::from_slice(json).unwrap();
        assert_eq!(spec.hostname, "");
        assert_eq!(spec.annotations.len(), 1);
        assert_eq!(spec.mounts.len(), 1);
        assert_eq!(spec.process.unwrap().env, ["A=1"]);
        assert_eq!(notes.len(), 4, "{notes:?}");
    }

    #[test]
    fn not_an_object_is_an_error() {
        assert!(SpecDump::from_slice(b"[]").is_err());
        assert!(SpecDump::from_slice(b"null").is_err());
        assert!(SpecDump::from_slice(b"").is_err());
    }
}
