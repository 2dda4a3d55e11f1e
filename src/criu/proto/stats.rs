use serde::Serialize;

/// `dump_stats_entry` (`images/stats.proto`): times in microseconds.
#[derive(Clone, PartialEq, prost::Message, Serialize)]
pub struct DumpStatsEntry {
    /// Time to freeze the tasks.
    #[prost(uint32, required, tag = "1")]
    pub freezing_time: u32,
    /// Time the tasks stayed frozen.
    #[prost(uint32, required, tag = "2")]
    pub frozen_time: u32,
    /// Time to dump memory.
    #[prost(uint32, required, tag = "3")]
    pub memdump_time: u32,
    /// Time to write memory.
    #[prost(uint32, required, tag = "4")]
    pub memwrite_time: u32,
    /// Pages scanned.
    #[prost(uint64, required, tag = "5")]
    pub pages_scanned: u64,
    /// Pages left in the parent image.
    #[prost(uint64, required, tag = "6")]
    pub pages_skipped_parent: u64,
    /// Pages written.
    #[prost(uint64, required, tag = "7")]
    pub pages_written: u64,
    /// Time to resolve inotify paths.
    #[prost(uint32, optional, tag = "8")]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub irmap_resolve: Option<u32>,
    /// Pages left for lazy restore.
    #[prost(uint64, required, tag = "9")]
    pub pages_lazy: u64,
    /// Page pipes used.
    #[prost(uint64, optional, tag = "10")]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub page_pipes: Option<u64>,
    /// Page pipe buffers used.
    #[prost(uint64, optional, tag = "11")]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub page_pipe_bufs: Option<u64>,
    /// Shared pages scanned.
    #[prost(uint64, optional, tag = "12")]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub shpages_scanned: Option<u64>,
    /// Shared pages left in the parent image.
    #[prost(uint64, optional, tag = "13")]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub shpages_skipped_parent: Option<u64>,
    /// Shared pages written.
    #[prost(uint64, optional, tag = "14")]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub shpages_written: Option<u64>,
}

/// `restore_stats_entry` (`images/stats.proto`).
#[derive(Clone, PartialEq, prost::Message, Serialize)]
pub struct RestoreStatsEntry {
    /// Pages compared.
    #[prost(uint64, required, tag = "1")]
    pub pages_compared: u64,
    /// Pages skipped as copy-on-write.
    #[prost(uint64, required, tag = "2")]
    pub pages_skipped_cow: u64,
    /// Time to fork the tasks.
    #[prost(uint32, required, tag = "3")]
    pub forking_time: u32,
    /// Time to restore.
    #[prost(uint32, required, tag = "4")]
    pub restore_time: u32,
    /// Pages restored.
    #[prost(uint64, optional, tag = "5")]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub pages_restored: Option<u64>,
}

/// `stats_entry` (`images/stats.proto`): `stats-dump` / `stats-restore`.
#[derive(Clone, PartialEq, prost::Message, Serialize)]
pub struct StatsEntry {
    /// Dump statistics.
    #[prost(message, optional, tag = "1")]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub dump: Option<DumpStatsEntry>,
    /// Restore statistics.
    #[prost(message, optional, tag = "2")]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub restore: Option<RestoreStatsEntry>,
}
