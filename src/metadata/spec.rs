//! `spec.dump`: the OCI runtime spec, read leniently.
//!
//! A runtime newer than this crate may write capability, namespace or
//! rlimit names nobody here knows; typed parsers refuse such a spec
//! (oci-spec 0.10 fails on `CAP_UNKNOWN`). This reader takes the fields
//! checkpoint tools show straight from the JSON, and a field of an
//! unexpected type is skipped with a note instead of failing the read. The
//! typed `oci_spec::runtime::Spec` is available with the `oci-spec`
//! feature.

use std::collections::BTreeMap;

use serde::Serialize;
use serde_json::{Map, Value};

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

impl SpecDump {
    /// Reads `spec.dump`. Fails only if the bytes are not a JSON object;
    /// fields of unexpected types are skipped and described in the returned
    /// notes.
    pub fn from_slice(bytes: &[u8]) -> serde_json::Result<(SpecDump, Vec<String>)> {
        let value: Value = serde_json::from_slice(bytes)?;
        let Value::Object(top) = value else {
            return Err(serde::de::Error::custom("not a JSON object"));
        };
        let mut notes = Vec::new();
        let mut r = Lenient { notes: &mut notes };
        let spec = SpecDump {
            oci_version: r.string(&top, "ociVersion", "ociVersion"),
            hostname: r.string(&top, "hostname", "hostname"),
            annotations: r.annotations(&top),
            mounts: r.mounts(&top),
            process: r.object(&top, "process", "process").map(|p| SpecProcess {
                args: r.strings(p, "args", "process.args"),
                env: r.strings(p, "env", "process.env"),
                cwd: r.string(p, "cwd", "process.cwd"),
                terminal: r.boolean(p, "terminal", "process.terminal"),
            }),
            root: r.object(&top, "root", "root").map(|p| SpecRoot {
                path: r.string(p, "path", "root.path"),
                readonly: r.boolean(p, "readonly", "root.readonly"),
            }),
            namespaces: r.namespaces(&top),
        };
        Ok((spec, notes))
    }

    /// The value of an annotation.
    pub fn annotation(&self, key: &str) -> Option<&str> {
        self.annotations.get(key).map(String::as_str)
    }
}

/// Field readers that note, rather than fail on, unexpected types.
struct Lenient<'n> {
    notes: &'n mut Vec<String>,
}

impl Lenient<'_> {
    fn wrong(&mut self, what: &str, expected: &str) {
        self.notes
            .push(format!("{what} is not {expected}; ignored"));
    }

    fn string(&mut self, obj: &Map<String, Value>, key: &str, what: &str) -> String {
        match obj.get(key) {
            None | Some(Value::Null) => String::new(),
            Some(Value::String(s)) => s.clone(),
            Some(_) => {
                self.wrong(what, "a string");
                String::new()
            }
        }
    }

    fn boolean(&mut self, obj: &Map<String, Value>, key: &str, what: &str) -> bool {
        match obj.get(key) {
            None | Some(Value::Null) => false,
            Some(Value::Bool(b)) => *b,
            Some(_) => {
                self.wrong(what, "a boolean");
                false
            }
        }
    }

    fn object<'v>(
        &mut self,
        obj: &'v Map<String, Value>,
        key: &str,
        what: &str,
    ) -> Option<&'v Map<String, Value>> {
        match obj.get(key) {
            None | Some(Value::Null) => None,
            Some(Value::Object(o)) => Some(o),
            Some(_) => {
                self.wrong(what, "an object");
                None
            }
        }
    }

    fn array<'v>(&mut self, obj: &'v Map<String, Value>, key: &str, what: &str) -> &'v [Value] {
        match obj.get(key) {
            None | Some(Value::Null) => &[],
            Some(Value::Array(a)) => a,
            Some(_) => {
                self.wrong(what, "an array");
                &[]
            }
        }
    }

    fn strings(&mut self, obj: &Map<String, Value>, key: &str, what: &str) -> Vec<String> {
        let mut out = Vec::new();
        for (i, v) in self.array(obj, key, what).iter().enumerate() {
            match v {
                Value::String(s) => out.push(s.clone()),
                _ => self.wrong(&format!("{what}[{i}]"), "a string"),
            }
        }
        out
    }

    fn annotations(&mut self, top: &Map<String, Value>) -> BTreeMap<String, String> {
        let mut out = BTreeMap::new();
        let Some(obj) = self.object(top, "annotations", "annotations") else {
            return out;
        };
        for (k, v) in obj {
            match v {
                Value::String(s) => {
                    out.insert(k.clone(), s.clone());
                }
                _ => self.wrong(&format!("annotation {k:?}"), "a string"),
            }
        }
        out
    }

    fn mounts(&mut self, top: &Map<String, Value>) -> Vec<SpecMount> {
        let mut out = Vec::new();
        for (i, m) in self.array(top, "mounts", "mounts").iter().enumerate() {
            let what = format!("mounts[{i}]");
            let Value::Object(m) = m else {
                self.wrong(&what, "an object");
                continue;
            };
            out.push(SpecMount {
                destination: self.string(m, "destination", &format!("{what}.destination")),
                mount_type: self.string(m, "type", &format!("{what}.type")),
                source: self.string(m, "source", &format!("{what}.source")),
                options: self.strings(m, "options", &format!("{what}.options")),
            });
        }
        out
    }

    fn namespaces(&mut self, top: &Map<String, Value>) -> Vec<SpecNamespace> {
        let mut out = Vec::new();
        let Some(linux) = self.object(top, "linux", "linux") else {
            return out;
        };
        for (i, n) in self
            .array(linux, "namespaces", "linux.namespaces")
            .iter()
            .enumerate()
        {
            let what = format!("linux.namespaces[{i}]");
            let Value::Object(n) = n else {
                self.wrong(&what, "an object");
                continue;
            };
            out.push(SpecNamespace {
                namespace_type: self.string(n, "type", &format!("{what}.type")),
                path: self.string(n, "path", &format!("{what}.path")),
            });
        }
        out
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
