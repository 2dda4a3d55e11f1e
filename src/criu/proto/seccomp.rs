use serde::Serialize;

use crate::criu::pretty;

/// `seccomp_filter` (`images/seccomp.proto`): one classic BPF filter.
#[derive(Clone, PartialEq, prost::Message, Serialize)]
pub struct SeccompFilter {
    /// The program (`struct sock_filter`s).
    #[prost(bytes = "vec", required, tag = "1")]
    #[serde(serialize_with = "pretty::bytes")]
    pub filter: Vec<u8>,
    /// Index + 1 of the filter installed before this one, 0 for none.
    #[prost(uint32, optional, tag = "2")]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub prev: Option<u32>,
    /// `SECCOMP_FILTER_FLAG_*`.
    #[prost(uint32, optional, tag = "3")]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub flags: Option<u32>,
}

/// `seccomp_entry` (`images/seccomp.proto`): `seccomp.img`, every filter;
/// threads point into it with `seccomp_filter`.
#[derive(Clone, PartialEq, prost::Message, Serialize)]
pub struct SeccompEntry {
    /// The filters.
    #[prost(message, repeated, tag = "1")]
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub seccomp_filters: Vec<SeccompFilter>,
}
