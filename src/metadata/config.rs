//! `config.dump`: the container configuration the engine saved.

use serde::de::{Deserializer, IgnoredAny, MapAccess, Visitor};
use serde::{Deserialize, Serialize};

use super::Time;
use super::lenient::field_index;

/// The fields of `config.dump` that checkpoint tools read.
///
/// Podman writes its whole container configuration (about 23 KB, including
/// a copy of the spec) and CRI-O exactly this shape; unknown fields are
/// ignored and missing ones left empty. JSON keys and `omitempty` rules are
/// those of checkpointctl's `lib.ContainerConfig`, so a value read and
/// written back keeps its shape. Keys are matched as Go's `encoding/json`
/// matches them (the engine reads this file with it): case folded, a later
/// key replacing an earlier one, `null` leaving a field alone.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
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

const FIELDS: &[&str] = &[
    "id",
    "name",
    "rootfsImage",
    "rootfsImageRef",
    "rootfsImageName",
    "runtime",
    "createdTime",
    "checkpointedTime",
    "restoredTime",
    "restored",
];

impl<'de> Deserialize<'de> for ContainerConfig {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<ContainerConfig, D::Error> {
        d.deserialize_map(ConfigVisitor)
    }
}

struct ConfigVisitor;

impl<'de> Visitor<'de> for ConfigVisitor {
    type Value = ContainerConfig;

    fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("a container configuration object")
    }

    fn visit_unit<E>(self) -> Result<ContainerConfig, E> {
        Ok(ContainerConfig::default())
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<ContainerConfig, A::Error> {
        let mut c = ContainerConfig::default();
        while let Some(key) = map.next_key::<String>()? {
            let string = |slot: &mut String, v: Option<String>| {
                if let Some(v) = v {
                    *slot = v;
                }
            };
            match field_index(&key, FIELDS) {
                Some(0) => string(&mut c.id, map.next_value()?),
                Some(1) => string(&mut c.name, map.next_value()?),
                Some(2) => string(&mut c.rootfs_image, map.next_value()?),
                Some(3) => string(&mut c.rootfs_image_ref, map.next_value()?),
                Some(4) => string(&mut c.rootfs_image_name, map.next_value()?),
                Some(5) => string(&mut c.oci_runtime, map.next_value()?),
                Some(6) => c.created_time = map.next_value()?,
                Some(7) => c.checkpointed_time = map.next_value()?,
                Some(8) => c.restored_time = map.next_value()?,
                Some(9) => {
                    if let Some(b) = map.next_value()? {
                        c.restored = b;
                    }
                }
                _ => {
                    map.next_value::<IgnoredAny>()?;
                }
            }
        }
        Ok(c)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_are_read_as_go_reads_them() {
        let json = r#"{"name": "first", "NAME": "second", "Runtime": "crun", "id": null,
                       "restored": true, "restored": null}"#;
        let c: ContainerConfig = serde_json::from_str(json).unwrap();
        assert_eq!(c.name, "second");
        assert_eq!(c.oci_runtime, "crun");
        assert_eq!(c.id, "");
        assert!(c.restored);
    }

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
