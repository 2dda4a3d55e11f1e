use serde::{Serialize, Serializer};

use super::TaskKobjIdsEntry;
use crate::criu::pretty;

/// `lsmtype` (`images/inventory.proto`).
pub const LSMTYPE_NAMES: &[(i32, &str)] = &[(0, "NO_LSM"), (1, "SELINUX"), (2, "APPARMOR")];

fn opt_lsmtype<S: Serializer>(v: &Option<i32>, s: S) -> Result<S::Ok, S::Error> {
    match v {
        Some(v) => pretty::enum_name(*v, LSMTYPE_NAMES, s),
        None => s.serialize_none(),
    }
}

/// `plugins_entry` (`images/inventory.proto`).
#[derive(Clone, PartialEq, prost::Message, Serialize)]
pub struct PluginsEntry {
    /// Plugins used by the dump.
    #[prost(string, repeated, tag = "12")]
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub plugins: Vec<String>,
}

/// `inventory_entry` (`images/inventory.proto`): `inventory.img`.
#[derive(Clone, PartialEq, prost::Message, Serialize)]
pub struct InventoryEntry {
    /// Image format version (2 for CRIU ≥ 1.1 images).
    #[prost(uint32, required, tag = "1")]
    pub img_version: u32,
    /// fdinfo images are per files table (`fdinfo-<files_id>.img`).
    #[prost(bool, optional, tag = "2")]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub fdinfo_per_id: Option<bool>,
    /// Ids of the root task's kernel objects.
    #[prost(message, optional, tag = "3")]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub root_ids: Option<TaskKobjIdsEntry>,
    /// Namespace images are per id.
    #[prost(bool, optional, tag = "4")]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub ns_per_id: Option<bool>,
    /// Root cgroup set.
    #[prost(uint32, optional, tag = "5")]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub root_cg_set: Option<u32>,
    /// Security module of the dumping host.
    #[prost(int32, optional, tag = "6")]
    #[serde(
        skip_serializing_if = "Option::is_none",
        serialize_with = "opt_lsmtype"
    )]
    pub lsmtype: Option<i32>,
    /// Uptime of the dumping host, microseconds.
    #[prost(uint64, optional, tag = "8")]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub dump_uptime: Option<u64>,
    /// Pre-dump mode.
    #[prost(uint32, optional, tag = "9")]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub pre_dump_mode: Option<u32>,
    /// TCP connections closed on dump.
    #[prost(bool, optional, tag = "10")]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub tcp_close: Option<bool>,
    /// How the network was locked.
    #[prost(uint32, optional, tag = "11")]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub network_lock_method: Option<u32>,
    /// Plugins used.
    #[prost(message, optional, tag = "12")]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub plugins_entry: Option<PluginsEntry>,
    /// CRIU run id of the dump.
    #[prost(string, optional, tag = "13")]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub dump_criu_run_id: Option<String>,
    /// Uprobes allowed.
    #[prost(bool, optional, tag = "14")]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub allow_uprobes: Option<bool>,
    /// Memory page compression (criu-dev): 0 off, 1 per page (or, in the
    /// later format, by blocks), 2 by regions.
    #[prost(uint32, optional, tag = "15")]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub compress: Option<u32>,
    /// Bytes per compressed region or block (informational).
    #[prost(uint32, optional, tag = "16")]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub compress_region_size: Option<u32>,
}
