use serde::Serialize;

/// `scm_entry` (`images/sk-packet.proto`): control data of a queued packet.
#[derive(Clone, PartialEq, prost::Message, Serialize)]
pub struct ScmEntry {
    /// `SCM_*`.
    #[prost(uint32, required, tag = "1")]
    pub r#type: u32,
    /// File ids passed (`SCM_RIGHTS`).
    #[prost(uint32, repeated, packed = "false", tag = "2")]
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub rights: Vec<u32>,
}

/// `sk_packet_entry` (`images/sk-packet.proto`): `sk-queues.img`, a packet
/// queued on a socket; `length` bytes of data follow the record.
#[derive(Clone, PartialEq, prost::Message, Serialize)]
pub struct SkPacketEntry {
    /// File id of the socket the packet is queued on.
    #[prost(uint32, required, tag = "1")]
    pub id_for: u32,
    /// Bytes of data after the record.
    #[prost(uint32, required, tag = "2")]
    pub length: u32,
    /// Control messages.
    #[prost(message, repeated, tag = "4")]
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub scm: Vec<ScmEntry>,
}
