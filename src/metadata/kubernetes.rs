//! Metadata written by containerd, CRI-O and the kubelet.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

/// containerd's `status` file in a CRI checkpoint. The JSON keys are the Go
/// field names (`CreatedAt`, …), as containerd writes them.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, rename_all = "PascalCase")]
#[non_exhaustive]
pub struct ContainerdStatus {
    /// Creation time, nanoseconds since the Unix epoch.
    pub created_at: i64,
    /// Start time, nanoseconds since the Unix epoch.
    pub started_at: i64,
    /// Exit time, nanoseconds since the Unix epoch.
    pub finished_at: i64,
    /// Exit code.
    pub exit_code: i32,
    /// Host pid of the container's init.
    pub pid: u32,
    /// Reason of the last state change.
    pub reason: String,
    /// Message of the last state change.
    pub message: String,
}

/// One checkpoint in [`KubernetesContainerCheckpointMetadata`].
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
#[non_exhaustive]
pub struct KubernetesCheckpoint {
    /// Archive path.
    #[serde(skip_serializing_if = "String::is_empty")]
    pub archive: String,
    /// Archive size in bytes.
    #[serde(skip_serializing_if = "is_zero")]
    pub size: i64,
    /// Unix time of the checkpoint.
    #[serde(skip_serializing_if = "is_zero")]
    pub timestamp: i64,
}

/// What Kubernetes keeps to track the checkpoints of one container.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
#[non_exhaustive]
pub struct KubernetesContainerCheckpointMetadata {
    /// The pod's full name.
    #[serde(rename = "podFullName", skip_serializing_if = "String::is_empty")]
    pub pod_full_name: String,
    /// The container's name.
    #[serde(rename = "containerName", skip_serializing_if = "String::is_empty")]
    pub container_name: String,
    /// Total size of all checkpoints in bytes.
    #[serde(rename = "totalSize", skip_serializing_if = "is_zero")]
    pub total_size: i64,
    /// The checkpoints.
    pub checkpoints: Vec<KubernetesCheckpoint>,
}

/// `pod.options` of a pod checkpoint (KEP-5823).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
#[non_exhaustive]
pub struct CheckpointedPodOptions {
    /// Version of the pod checkpoint format.
    pub version: i64,
    /// Short container name → full name (the first 65,536 names).
    #[serde(deserialize_with = "super::capped::map")]
    pub containers: BTreeMap<String, String>,
    /// Checkpoint annotations (the first 65,536 keys).
    #[serde(
        skip_serializing_if = "BTreeMap::is_empty",
        deserialize_with = "super::capped::map"
    )]
    pub annotations: BTreeMap<String, String>,
}

/// One external bind mount in CRI-O's `bind.mounts`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
#[non_exhaustive]
pub struct BindMount {
    /// Host path.
    pub source: String,
    /// Path in the container.
    pub destination: String,
    /// `file` or `directory`.
    pub file_type: String,
    /// Permission bits.
    pub permissions: u32,
}

fn is_zero(n: &i64) -> bool {
    *n == 0
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn containerd_status_uses_go_field_names() {
        let s: ContainerdStatus =
            serde_json::from_str(r#"{"CreatedAt": 5, "Pid": 42, "Reason": "x"}"#).unwrap();
        assert_eq!((s.created_at, s.pid, s.reason.as_str()), (5, 42, "x"));
    }

    #[test]
    fn kubernetes_metadata_round_trips() {
        let m = KubernetesContainerCheckpointMetadata {
            pod_full_name: "p_ns".into(),
            checkpoints: vec![KubernetesCheckpoint {
                archive: "a.tar".into(),
                size: 10,
                timestamp: 0,
            }],
            ..Default::default()
        };
        let json = serde_json::to_string(&m).unwrap();
        assert_eq!(
            json,
            r#"{"podFullName":"p_ns","checkpoints":[{"archive":"a.tar","size":10}]}"#
        );
        let back: KubernetesContainerCheckpointMetadata = serde_json::from_str(&json).unwrap();
        assert_eq!(back, m);
    }
}
