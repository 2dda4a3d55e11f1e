//! `creds.proto`'s message (CRIU 4.2): a thread's credentials, which
//! `thread_core_entry` carries.

use serde::Serialize;

use crate::criu::pretty;

/// `creds_entry` (`images/creds.proto`).
#[derive(Clone, PartialEq, prost::Message, Serialize)]
pub struct CredsEntry {
    /// Real uid.
    #[prost(uint32, required, tag = "1")]
    pub uid: u32,
    /// Real gid.
    #[prost(uint32, required, tag = "2")]
    pub gid: u32,
    /// Effective uid.
    #[prost(uint32, required, tag = "3")]
    pub euid: u32,
    /// Effective gid.
    #[prost(uint32, required, tag = "4")]
    pub egid: u32,
    /// Saved uid.
    #[prost(uint32, required, tag = "5")]
    pub suid: u32,
    /// Saved gid.
    #[prost(uint32, required, tag = "6")]
    pub sgid: u32,
    /// File system uid.
    #[prost(uint32, required, tag = "7")]
    pub fsuid: u32,
    /// File system gid.
    #[prost(uint32, required, tag = "8")]
    pub fsgid: u32,
    /// Inheritable capabilities (two 32-bit words).
    #[prost(uint32, repeated, packed = "false", tag = "9")]
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub cap_inh: Vec<u32>,
    /// Permitted capabilities.
    #[prost(uint32, repeated, packed = "false", tag = "10")]
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub cap_prm: Vec<u32>,
    /// Effective capabilities.
    #[prost(uint32, repeated, packed = "false", tag = "11")]
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub cap_eff: Vec<u32>,
    /// Bounding set.
    #[prost(uint32, repeated, packed = "false", tag = "12")]
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub cap_bnd: Vec<u32>,
    /// Secure bits.
    #[prost(uint32, required, tag = "13")]
    pub secbits: u32,
    /// Supplementary groups.
    #[prost(uint32, repeated, packed = "false", tag = "14")]
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub groups: Vec<u32>,
    /// LSM profile.
    #[prost(string, optional, tag = "15")]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub lsm_profile: Option<String>,
    /// LSM socket creation context.
    #[prost(string, optional, tag = "16")]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub lsm_sockcreate: Option<String>,
    /// AppArmor data.
    #[prost(bytes = "vec", optional, tag = "17")]
    #[serde(
        skip_serializing_if = "Option::is_none",
        serialize_with = "pretty::opt_bytes"
    )]
    pub apparmor_data: Option<Vec<u8>>,
    /// `no_new_privs`.
    #[prost(uint32, optional, tag = "18")]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub no_new_privs: Option<u32>,
    /// Ambient capabilities.
    #[prost(uint32, repeated, packed = "false", tag = "19")]
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub cap_amb: Vec<u32>,
}
