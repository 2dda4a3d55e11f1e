//! `config.dump`: the container configuration the engine saved.

use serde::{Deserialize, Serialize};

use super::Time;

/// The fields of `config.dump` that checkpoint tools read.
///
/// Podman writes its whole container configuration (about 23 KB, including
/// a copy of the spec) and CRI-O exactly this shape; unknown fields are
/// ignored and missing ones left empty. JSON keys and `omitempty` rules are
/// those of checkpointctl's `lib.ContainerConfig`, so a value read and
/// written back keeps its shape.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
#[non_exhaustive]
pub struct ContainerConfig {
    /// Full container id (64 hex digits for Podman and CRI-O).
    #[serde(rename = "id")]
    pub id: String,
    /// Container name as the engine knows it.
    #[serde(rename = "name")]
    pub name: String,
    /// The image the user asked for (CRI-O).
    #[serde(rename = "rootfsImage", skip_serializing_if = "String::is_empty")]
    pub rootfs_image: String,
    /// The image id (CRI-O).
    #[serde(rename = "rootfsImageRef", skip_serializing_if = "String::is_empty")]
    pub rootfs_image_ref: String,
    /// The image name, e.g. `localhost/ckptwork:latest`.
    #[serde(rename = "rootfsImageName", skip_serializing_if = "String::is_empty")]
    pub rootfs_image_name: String,
    /// The OCI runtime (`runc`, `crun`).
    #[serde(rename = "runtime", skip_serializing_if = "String::is_empty")]
    pub oci_runtime: String,
    /// When the container was created.
    #[serde(rename = "createdTime")]
    pub created_time: Time,
    /// When it was checkpointed (zero when the engine did not write it, as
    /// Podman 4 does not).
    #[serde(rename = "checkpointedTime")]
    pub checkpointed_time: Time,
    /// When it was restored (zero if never).
    #[serde(rename = "restoredTime")]
    pub restored_time: Time,
    /// Whether it has been restored.
    #[serde(rename = "restored")]
    pub restored: bool,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_crio_shape_and_writes_it_back() {
        let json = r#"{
          "id": "03a294012b41f7eee3d672a9b67d29a48017758ec766f31528730786f5ae4f24",
          "name": "k8s_counter",
          "rootfsImage": "localhost/mini:latest",
          "rootfsImageRef": "6dcfd12c",
          "rootfsImageName": "localhost/mini:latest",
          "runtime": "runc",
          "createdTime": "2026-11-28T17:38:14.555988734Z",
          "checkpointedTime": "2026-11-28T17:38:20.477511767Z",
          "restoredTime": "0001-01-01T00:00:00Z",
          "restored": false,
          "somethingNew": [1, 2]
        }"#;
        let c: ContainerConfig = serde_json::from_str(json).unwrap();
        assert_eq!(c.oci_runtime, "runc");
        assert_eq!(c.checkpointed_time.to_rfc3339(), "2026-11-28T17:38:20Z");
        assert!(c.restored_time.is_zero());
        let back: serde_json::Value = serde_json::to_value(&c).unwrap();
        assert_eq!(back["createdTime"], "2026-11-28T17:38:14.555988734Z");
        assert_eq!(back["rootfsImageRef"], "6dcfd12c");
        assert!(back.get("somethingNew").is_none());
    }

    #[test]
    fn empty_object_is_all_defaults() {
        let c: ContainerConfig = serde_json::from_str("{}").unwrap();
        assert_eq!(c, ContainerConfig::default());
        let back = serde_json::to_string(&c).unwrap();
        assert_eq!(
            back,
            r#"{"id":"","name":"","createdTime":"0001-01-01T00:00:00Z","checkpointedTime":"0001-01-01T00:00:00Z","restoredTime":"0001-01-01T00:00:00Z","restored":false}"#
        );
    }
}
