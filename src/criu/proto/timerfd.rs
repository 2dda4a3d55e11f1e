use serde::Serialize;

use super::FownEntry;
use crate::criu::pretty;

/// `timerfd_entry` (`images/timerfd.proto`): a timerfd.
#[derive(Clone, PartialEq, prost::Message, Serialize)]
pub struct TimerfdEntry {
    /// File id.
    #[prost(uint32, required, tag = "1")]
    pub id: u32,
    /// File status flags.
    #[prost(uint32, required, tag = "2")]
    #[serde(serialize_with = "pretty::hex")]
    pub flags: u32,
    /// Signal owner.
    #[prost(message, optional, tag = "3")]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub fown: Option<FownEntry>,
    /// `CLOCK_*`.
    #[prost(uint32, required, tag = "4")]
    pub clockid: u32,
    /// Expirations not read yet.
    #[prost(uint64, required, tag = "5")]
    pub ticks: u64,
    /// `TFD_TIMER_*` flags.
    #[prost(uint32, required, tag = "6")]
    #[serde(serialize_with = "pretty::hex")]
    pub settime_flags: u32,
    /// Time left, seconds.
    #[prost(uint64, required, tag = "7")]
    pub vsec: u64,
    /// Time left, nanoseconds.
    #[prost(uint64, required, tag = "8")]
    pub vnsec: u64,
    /// Interval, seconds.
    #[prost(uint64, required, tag = "9")]
    pub isec: u64,
    /// Interval, nanoseconds.
    #[prost(uint64, required, tag = "10")]
    pub insec: u64,
}
