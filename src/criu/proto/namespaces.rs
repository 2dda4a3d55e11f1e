use serde::Serialize;

/// `utsns_entry` (`images/utsns.proto`): `utsns-<id>.img`.
#[derive(Clone, PartialEq, prost::Message, Serialize)]
pub struct UtsnsEntry {
    /// Host name.
    #[prost(string, required, tag = "1")]
    pub nodename: String,
    /// NIS domain name.
    #[prost(string, required, tag = "2")]
    pub domainname: String,
}

/// `timespec` (`images/timens.proto`).
#[derive(Clone, PartialEq, prost::Message, Serialize)]
pub struct Timespec {
    /// Seconds.
    #[prost(uint64, required, tag = "1")]
    pub tv_sec: u64,
    /// Nanoseconds.
    #[prost(uint64, required, tag = "2")]
    pub tv_nsec: u64,
}

/// `timens_entry` (`images/timens.proto`): `timens-<id>.img`, the clocks
/// at dump time (offsets are set from them on restore).
#[derive(Clone, PartialEq, prost::Message, Serialize)]
pub struct TimensEntry {
    /// `CLOCK_MONOTONIC`.
    #[prost(message, optional, tag = "1")]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub monotonic: Option<Timespec>,
    /// `CLOCK_BOOTTIME`.
    #[prost(message, optional, tag = "2")]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub boottime: Option<Timespec>,
}

/// `ipc_var_entry` (`images/ipc-var.proto`): `ipcns-var-<id>.img`, the
/// IPC namespace's sysctls.
#[derive(Clone, PartialEq, prost::Message, Serialize)]
pub struct IpcVarEntry {
    /// `kernel.sem`.
    #[prost(uint32, repeated, packed = "false", tag = "1")]
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub sem_ctls: Vec<u32>,
    /// `kernel.msgmax`.
    #[prost(uint32, required, tag = "2")]
    pub msg_ctlmax: u32,
    /// `kernel.msgmnb`.
    #[prost(uint32, required, tag = "3")]
    pub msg_ctlmnb: u32,
    /// `kernel.msgmni`.
    #[prost(uint32, required, tag = "4")]
    pub msg_ctlmni: u32,
    /// `kernel.auto_msgmni`.
    #[prost(uint32, required, tag = "5")]
    pub auto_msgmni: u32,
    /// `kernel.shmmax`.
    #[prost(uint64, required, tag = "6")]
    pub shm_ctlmax: u64,
    /// `kernel.shmall`.
    #[prost(uint64, required, tag = "7")]
    pub shm_ctlall: u64,
    /// `kernel.shmmni`.
    #[prost(uint32, required, tag = "8")]
    pub shm_ctlmni: u32,
    /// `kernel.shm_rmid_forced`.
    #[prost(uint32, required, tag = "9")]
    pub shm_rmid_forced: u32,
    /// `fs.mqueue.queues_max`.
    #[prost(uint32, required, tag = "10")]
    pub mq_queues_max: u32,
    /// `fs.mqueue.msg_max`.
    #[prost(uint32, required, tag = "11")]
    pub mq_msg_max: u32,
    /// `fs.mqueue.msgsize_max`.
    #[prost(uint32, required, tag = "12")]
    pub mq_msgsize_max: u32,
    /// `fs.mqueue.msg_default`.
    #[prost(uint32, optional, tag = "13")]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub mq_msg_default: Option<u32>,
    /// `fs.mqueue.msgsize_default`.
    #[prost(uint32, optional, tag = "14")]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub mq_msgsize_default: Option<u32>,
    /// `kernel.msg_next_id`.
    #[prost(uint32, optional, tag = "15")]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub msg_next_id: Option<u32>,
    /// `kernel.sem_next_id`.
    #[prost(uint32, optional, tag = "16")]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub sem_next_id: Option<u32>,
    /// `kernel.shm_next_id`.
    #[prost(uint32, optional, tag = "17")]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub shm_next_id: Option<u32>,
}
