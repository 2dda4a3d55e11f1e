//! The files of a pod checkpoint that describe the pod: the manifest of
//! containerd's and CRI-O's manifest layouts (`checkpoint-manifest.json`)
//! and the CRI `PodSandboxConfig` they keep (`pod-config.json`, and
//! `pod.dump` in containerd's `pod.options` variant). `pod.options` itself
//! is [`CheckpointedPodOptions`](super::CheckpointedPodOptions).
//!
//! These layouts are proposals still open in 2026 (containerd #13822,
//! CRI-O #10313), so the files are read leniently: every field is
//! optional, unknown fields are ignored, and the manifest's container list
//! may also be the early prototype's list of names.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

/// `checkpoint-manifest.json`: the containers of a pod checkpoint and the
/// archive each is in.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, rename_all = "camelCase")]
#[non_exhaustive]
pub struct PodManifest {
    /// Version of the manifest (1 or 2 for containerd, 1 for CRI-O: the
    /// same number means different things, so nothing branches on it
    /// alone).
    pub version: i64,
    /// The engine that wrote it (`cri-o`); containerd writes none.
    pub runtime: String,
    /// The runtime handler the pod ran with (CRI-O).
    pub runtime_handler: String,
    /// The pod sandbox's id.
    pub sandbox_id: String,
    /// The containers, in the manifest's order (the first 65,536).
    #[serde(deserialize_with = "super::capped::list")]
    pub containers: Vec<ManifestContainer>,
}

/// One container of a [`PodManifest`].
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, from = "ContainerItem")]
#[non_exhaustive]
pub struct ManifestContainer {
    /// The container's name in the pod (CRI metadata name).
    pub name: String,
    /// The container's id.
    pub id: String,
    /// Its archive, relative to the pod checkpoint's root.
    pub archive: String,
    /// The SHA-256 of the archive, as CRI-O records it.
    #[serde(skip_serializing_if = "String::is_empty")]
    pub sha256: String,
    /// Whether the manifest embeds the CRI container config (CRI-O, and
    /// containerd's second version).
    pub has_config: bool,
    /// Whether it embeds the CRI container status (containerd's second
    /// version, whose archives are OCI images).
    pub has_status: bool,
}

/// A container as the manifest spells it: an object, or (the unversioned
/// prototype) the container's full name.
#[derive(Deserialize)]
#[serde(untagged)]
enum ContainerItem {
    Object {
        #[serde(default)]
        name: String,
        #[serde(default)]
        id: String,
        #[serde(default)]
        archive: String,
        #[serde(default)]
        sha256: String,
        #[serde(default)]
        config: Option<serde::de::IgnoredAny>,
        #[serde(default)]
        status: Option<serde::de::IgnoredAny>,
    },
    Name(String),
    Other(serde::de::IgnoredAny),
}

impl From<ContainerItem> for ManifestContainer {
    fn from(item: ContainerItem) -> ManifestContainer {
        match item {
            ContainerItem::Object {
                name,
                id,
                archive,
                sha256,
                config,
                status,
            } => ManifestContainer {
                name,
                id,
                archive,
                sha256,
                has_config: config.is_some(),
                has_status: status.is_some(),
            },
            ContainerItem::Name(name) => ManifestContainer {
                archive: format!("container-{name}.tar"),
                name,
                ..ManifestContainer::default()
            },
            ContainerItem::Other(_) => ManifestContainer::default(),
        }
    }
}

impl PodManifest {
    /// Parses the manifest.
    pub fn from_slice(bytes: &[u8]) -> serde_json::Result<PodManifest> {
        serde_json::from_slice(bytes)
    }
}

/// A [`PodManifest`] with its containers indexed by archive: each of a
/// pod's entries looks itself up, and a manifest may list 65,536
/// containers.
#[derive(Debug, Clone, Default)]
pub(crate) struct IndexedManifest {
    pub(crate) manifest: PodManifest,
    /// Each archive's position in the list (the first that names it).
    by_archive: BTreeMap<String, usize>,
}

impl IndexedManifest {
    pub(crate) fn new(manifest: PodManifest) -> IndexedManifest {
        let mut by_archive = BTreeMap::new();
        for (i, c) in manifest.containers.iter().enumerate() {
            by_archive.entry(c.archive.clone()).or_insert(i);
        }
        IndexedManifest {
            manifest,
            by_archive,
        }
    }

    /// The container listed with `archive` (the first so listed), and its
    /// position in the list.
    pub(crate) fn find(&self, archive: &str) -> Option<(usize, &ManifestContainer)> {
        let &i = self.by_archive.get(archive)?;
        Some((i, self.manifest.containers.get(i)?))
    }
}

/// The part of a CRI `PodSandboxConfig` (`pod-config.json`, `pod.dump`)
/// that names the pod.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
#[non_exhaustive]
pub struct PodSandboxConfig {
    /// The pod's metadata.
    pub metadata: PodSandboxMetadata,
    /// The pod's hostname.
    #[serde(skip_serializing_if = "String::is_empty")]
    pub hostname: String,
}

/// `metadata` of a [`PodSandboxConfig`].
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
#[non_exhaustive]
pub struct PodSandboxMetadata {
    /// The pod's name.
    pub name: String,
    /// The pod's UID.
    pub uid: String,
    /// The pod's namespace.
    pub namespace: String,
    /// How many times the pod sandbox was created before.
    pub attempt: u32,
}

impl PodSandboxConfig {
    /// Parses the config.
    pub fn from_slice(bytes: &[u8]) -> serde_json::Result<PodSandboxConfig> {
        serde_json::from_slice(bytes)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn crio_manifest() {
        let m = PodManifest::from_slice(
            br#"{"version":1,"runtime":"cri-o","runtimeHandler":"crun","sandboxId":"ab",
                "containers":[{"name":"app","id":"c1","archive":"containers/x.tar",
                "sha256":"00","config":{"metadata":{"name":"app"}}}]}"#,
        )
        .unwrap();
        assert_eq!(
            (m.runtime.as_str(), m.runtime_handler.as_str()),
            ("cri-o", "crun")
        );
        let c = &m.containers[0];
        assert_eq!(
            (c.name.as_str(), c.archive.as_str()),
            ("app", "containers/x.tar")
        );
        assert!(c.has_config && !c.has_status);
    }

    #[test]
    fn prototype_names_and_odd_items() {
        let m = PodManifest::from_slice(br#"{"sandboxId":"s","containers":["a_p_ns_u_0", 5]}"#)
            .unwrap();
        assert_eq!(m.containers[0].archive, "container-a_p_ns_u_0.tar");
        assert_eq!(m.containers[1], ManifestContainer::default());
    }

    #[test]
    fn pod_config_names_the_pod() {
        let c = PodSandboxConfig::from_slice(
            br#"{"metadata":{"name":"web","uid":"u1","namespace":"prod","attempt":2},"x":1}"#,
        )
        .unwrap();
        assert_eq!(c.metadata.name, "web");
        assert_eq!(c.metadata.attempt, 2);
    }
}
