//! `core.proto`'s messages (CRIU 4.2), field for field.
//!
//! Longer than 400 lines because it mirrors the largest of CRIU's message
//! files one struct per message; the x86 registers are in `core_x86.rs`.

use serde::{Serialize, Serializer};

use crate::criu::pretty;
use crate::criu::proto::{CredsEntry, ThreadInfoX86};

/// `core_entry.march` (`images/core.proto`).
pub const MARCH_NAMES: &[(i32, &str)] = &[
    (0, "UNKNOWN"),
    (1, "X86_64"),
    (2, "ARM"),
    (3, "AARCH64"),
    (4, "PPC64"),
    (5, "S390"),
    (6, "MIPS"),
    (7, "LOONGARCH64"),
    (8, "RISCV64"),
];

/// `seccomp_mode` (`images/core.proto`).
pub const SECCOMP_MODE_NAMES: &[(i32, &str)] = &[(0, "disabled"), (1, "strict"), (2, "filter")];

fn march<S: Serializer>(v: &i32, s: S) -> Result<S::Ok, S::Error> {
    pretty::enum_name(*v, MARCH_NAMES, s)
}

fn opt_seccomp_mode<S: Serializer>(v: &Option<i32>, s: S) -> Result<S::Ok, S::Error> {
    match v {
        Some(v) => pretty::enum_name(*v, SECCOMP_MODE_NAMES, s),
        None => s.serialize_none(),
    }
}

/// `core_entry` (`images/core.proto`): `core-<pid>.img`. Of the
/// architecture-specific register sets, x86-64's is decoded
/// (`thread_info`); the others (`ti_arm`, `ti_aarch64`, …) are skipped.
#[derive(Clone, PartialEq, prost::Message, Serialize)]
pub struct CoreEntry {
    /// Architecture (`march`).
    #[prost(int32, required, tag = "1")]
    #[serde(serialize_with = "march")]
    pub mtype: i32,
    /// Registers and TLS of an x86 thread (`images/core-x86.proto`).
    #[prost(message, optional, tag = "2")]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub thread_info: Option<ThreadInfoX86>,
    /// Task-wide state (absent for threads other than the leader).
    #[prost(message, optional, tag = "3")]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub tc: Option<TaskCoreEntry>,
    /// Ids of the task's kernel objects (old images).
    #[prost(message, optional, tag = "4")]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub ids: Option<TaskKobjIdsEntry>,
    /// Per-thread state.
    #[prost(message, optional, tag = "5")]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub thread_core: Option<ThreadCoreEntry>,
}

/// `task_state` value of a live task (`compel/include/uapi/task-state.h`).
pub const TASK_ALIVE: u32 = 1;
/// `task_state` of a dead task; CRIU dumps zombies with it.
pub const TASK_DEAD: u32 = 2;
/// `task_state` of a stopped task.
pub const TASK_STOPPED: u32 = 3;
/// `task_state` of a zombie.
pub const TASK_ZOMBIE: u32 = 6;

/// `task_core_entry` (`images/core.proto`).
#[derive(Clone, PartialEq, prost::Message, Serialize)]
pub struct TaskCoreEntry {
    /// `TASK_ALIVE`, `TASK_DEAD`, `TASK_STOPPED`, `TASK_ZOMBIE`.
    #[prost(uint32, required, tag = "1")]
    #[serde(serialize_with = "pretty::task_state")]
    pub task_state: u32,
    /// Exit code (zombies).
    #[prost(uint32, required, tag = "2")]
    pub exit_code: u32,
    /// Personality.
    #[prost(uint32, required, tag = "3")]
    pub personality: u32,
    /// Task flags.
    #[prost(uint32, required, tag = "4")]
    pub flags: u32,
    /// Blocked signals.
    #[prost(uint64, required, tag = "5")]
    #[serde(serialize_with = "pretty::hex")]
    pub blk_sigset: u64,
    /// Command name (`/proc/PID/comm`).
    #[prost(string, required, tag = "6")]
    pub comm: String,
    /// Interval timers.
    #[prost(message, optional, tag = "7")]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub timers: Option<TaskTimersEntry>,
    /// Resource limits.
    #[prost(message, optional, tag = "8")]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub rlimits: Option<TaskRlimitsEntry>,
    /// cgroup set id (deprecated, per thread now).
    #[prost(uint32, optional, tag = "9")]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub cg_set: Option<u32>,
    /// Shared pending signals.
    #[prost(message, optional, tag = "10")]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub signals_s: Option<SignalQueueEntry>,
    /// Seccomp mode (deprecated, per thread now).
    #[prost(int32, optional, tag = "11")]
    #[serde(
        skip_serializing_if = "Option::is_none",
        serialize_with = "opt_seccomp_mode"
    )]
    pub old_seccomp_mode: Option<i32>,
    /// Seccomp filter (deprecated, per thread now).
    #[prost(uint32, optional, tag = "12")]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub old_seccomp_filter: Option<u32>,
    /// Audit login uid.
    #[prost(uint32, optional, tag = "13")]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub loginuid: Option<u32>,
    /// OOM score adjustment.
    #[prost(int32, optional, tag = "14")]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub oom_score_adj: Option<i32>,
    /// Signal handlers.
    #[prost(message, repeated, tag = "15")]
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub sigactions: Vec<SaEntry>,
    /// Whether the task is a child subreaper.
    #[prost(bool, optional, tag = "18")]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub child_subreaper: Option<bool>,
    /// Blocked signals above 64.
    #[prost(uint64, optional, tag = "20")]
    #[serde(
        skip_serializing_if = "Option::is_none",
        serialize_with = "pretty::opt_hex"
    )]
    pub blk_sigset_extended: Option<u64>,
    /// Signal that stopped the task.
    #[prost(uint32, optional, tag = "21")]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub stop_signo: Option<u32>,
    /// membarrier registrations.
    #[prost(uint32, optional, tag = "22")]
    #[serde(
        skip_serializing_if = "Option::is_none",
        serialize_with = "pretty::opt_hex"
    )]
    pub membarrier_registration_mask: Option<u32>,
}

/// `task_kobj_ids_entry` (`images/core.proto`): `ids-<pid>.img`, the ids of
/// the kernel objects a task uses; they name other images (`files_id` →
/// `fdinfo-<files_id>.img`).
#[derive(Clone, PartialEq, prost::Message, Serialize)]
pub struct TaskKobjIdsEntry {
    /// Address space.
    #[prost(uint32, required, tag = "1")]
    pub vm_id: u32,
    /// File descriptor table (`fdinfo-<files_id>.img`).
    #[prost(uint32, required, tag = "2")]
    pub files_id: u32,
    /// cwd/root (`fs_struct`).
    #[prost(uint32, required, tag = "3")]
    pub fs_id: u32,
    /// Signal handlers.
    #[prost(uint32, required, tag = "4")]
    pub sighand_id: u32,
    /// Pid namespace.
    #[prost(uint32, optional, tag = "5")]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub pid_ns_id: Option<u32>,
    /// Network namespace.
    #[prost(uint32, optional, tag = "6")]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub net_ns_id: Option<u32>,
    /// IPC namespace.
    #[prost(uint32, optional, tag = "7")]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub ipc_ns_id: Option<u32>,
    /// UTS namespace.
    #[prost(uint32, optional, tag = "8")]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub uts_ns_id: Option<u32>,
    /// Mount namespace (`mountpoints-<mnt_ns_id>.img`).
    #[prost(uint32, optional, tag = "9")]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub mnt_ns_id: Option<u32>,
    /// User namespace.
    #[prost(uint32, optional, tag = "10")]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub user_ns_id: Option<u32>,
    /// cgroup namespace.
    #[prost(uint32, optional, tag = "11")]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub cgroup_ns_id: Option<u32>,
    /// Time namespace.
    #[prost(uint32, optional, tag = "12")]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub time_ns_id: Option<u32>,
}

/// `thread_sas_entry` (`images/core.proto`): the signal alternate stack.
#[derive(Clone, PartialEq, prost::Message, Serialize)]
pub struct ThreadSasEntry {
    /// Stack pointer.
    #[prost(uint64, required, tag = "1")]
    pub ss_sp: u64,
    /// Stack size.
    #[prost(uint64, required, tag = "2")]
    pub ss_size: u64,
    /// Flags.
    #[prost(uint32, required, tag = "3")]
    pub ss_flags: u32,
}

/// `thread_core_entry` (`images/core.proto`).
#[derive(Clone, PartialEq, prost::Message, Serialize)]
pub struct ThreadCoreEntry {
    /// Robust futex list head.
    #[prost(uint64, required, tag = "1")]
    pub futex_rla: u64,
    /// Its length.
    #[prost(uint32, required, tag = "2")]
    pub futex_rla_len: u32,
    /// Nice value.
    #[prost(sint32, optional, tag = "3")]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub sched_nice: Option<i32>,
    /// Scheduling policy.
    #[prost(uint32, optional, tag = "4")]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub sched_policy: Option<u32>,
    /// Scheduling priority.
    #[prost(uint32, optional, tag = "5")]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub sched_prio: Option<u32>,
    /// Blocked signals.
    #[prost(uint64, optional, tag = "6")]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub blk_sigset: Option<u64>,
    /// Signal alternate stack.
    #[prost(message, optional, tag = "7")]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub sas: Option<ThreadSasEntry>,
    /// Parent death signal.
    #[prost(uint32, optional, tag = "8")]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub pdeath_sig: Option<u32>,
    /// Private pending signals.
    #[prost(message, optional, tag = "9")]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub signals_p: Option<SignalQueueEntry>,
    /// Credentials.
    #[prost(message, optional, tag = "10")]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub creds: Option<CredsEntry>,
    /// Seccomp mode.
    #[prost(int32, optional, tag = "11")]
    #[serde(
        skip_serializing_if = "Option::is_none",
        serialize_with = "opt_seccomp_mode"
    )]
    pub seccomp_mode: Option<i32>,
    /// Seccomp filter id.
    #[prost(uint32, optional, tag = "12")]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub seccomp_filter: Option<u32>,
    /// Thread name.
    #[prost(string, optional, tag = "13")]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub comm: Option<String>,
    /// Blocked signals above 64.
    #[prost(uint64, optional, tag = "14")]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub blk_sigset_extended: Option<u64>,
    /// Restartable sequences.
    #[prost(message, optional, tag = "15")]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub rseq_entry: Option<RseqEntry>,
    /// cgroup set id.
    #[prost(uint32, optional, tag = "16")]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub cg_set: Option<u32>,
}

/// `task_rlimits_entry` (`images/core.proto`).
#[derive(Clone, PartialEq, prost::Message, Serialize)]
pub struct TaskRlimitsEntry {
    /// One per `RLIMIT_*`, in order.
    #[prost(message, repeated, tag = "1")]
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub rlimits: Vec<RlimitEntry>,
}

/// `rlimit_entry` (`images/rlimit.proto`).
#[derive(Clone, PartialEq, prost::Message, Serialize)]
pub struct RlimitEntry {
    /// Soft limit.
    #[prost(uint64, required, tag = "1")]
    pub cur: u64,
    /// Hard limit.
    #[prost(uint64, required, tag = "2")]
    pub max: u64,
}

/// `itimer_entry` (`images/timer.proto`).
#[derive(Clone, PartialEq, prost::Message, Serialize)]
pub struct ItimerEntry {
    /// Interval, seconds.
    #[prost(uint64, required, tag = "1")]
    pub isec: u64,
    /// Interval, microseconds.
    #[prost(uint64, required, tag = "2")]
    pub iusec: u64,
    /// Value, seconds.
    #[prost(uint64, required, tag = "3")]
    pub vsec: u64,
    /// Value, microseconds.
    #[prost(uint64, required, tag = "4")]
    pub vusec: u64,
}

/// `posix_timer_entry` (`images/timer.proto`).
#[derive(Clone, PartialEq, prost::Message, Serialize)]
pub struct PosixTimerEntry {
    /// Timer id.
    #[prost(uint32, required, tag = "1")]
    pub it_id: u32,
    /// Clock.
    #[prost(uint32, required, tag = "2")]
    pub clock_id: u32,
    /// Signal.
    #[prost(uint32, required, tag = "3")]
    pub si_signo: u32,
    /// Notification mode.
    #[prost(uint32, required, tag = "4")]
    pub it_sigev_notify: u32,
    /// Signal value.
    #[prost(uint64, required, tag = "5")]
    pub sival_ptr: u64,
    /// Overruns.
    #[prost(uint32, required, tag = "6")]
    pub overrun: u32,
    /// Interval, seconds.
    #[prost(uint64, required, tag = "7")]
    pub isec: u64,
    /// Interval, nanoseconds.
    #[prost(uint64, required, tag = "8")]
    pub insec: u64,
    /// Value, seconds.
    #[prost(uint64, required, tag = "9")]
    pub vsec: u64,
    /// Value, nanoseconds.
    #[prost(uint64, required, tag = "10")]
    pub vnsec: u64,
    /// Thread notified.
    #[prost(int32, optional, tag = "11")]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub notify_thread_id: Option<i32>,
}

/// `task_timers_entry` (`images/timer.proto`).
#[derive(Clone, PartialEq, prost::Message, Serialize)]
pub struct TaskTimersEntry {
    /// `ITIMER_REAL`.
    #[prost(message, optional, tag = "1")]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub real: Option<ItimerEntry>,
    /// `ITIMER_VIRTUAL`.
    #[prost(message, optional, tag = "2")]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub virt: Option<ItimerEntry>,
    /// `ITIMER_PROF`.
    #[prost(message, optional, tag = "3")]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub prof: Option<ItimerEntry>,
    /// POSIX timers.
    #[prost(message, repeated, tag = "4")]
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub posix: Vec<PosixTimerEntry>,
}

/// `sa_entry` (`images/sa.proto`): one signal handler.
#[derive(Clone, PartialEq, prost::Message, Serialize)]
pub struct SaEntry {
    /// Handler address.
    #[prost(uint64, required, tag = "1")]
    #[serde(serialize_with = "pretty::hex")]
    pub sigaction: u64,
    /// `SA_*` flags.
    #[prost(uint64, required, tag = "2")]
    #[serde(serialize_with = "pretty::hex")]
    pub flags: u64,
    /// Restorer address.
    #[prost(uint64, required, tag = "3")]
    #[serde(serialize_with = "pretty::hex")]
    pub restorer: u64,
    /// Signals blocked in the handler.
    #[prost(uint64, required, tag = "4")]
    #[serde(serialize_with = "pretty::hex")]
    pub mask: u64,
    /// Whether it is a compat (32-bit) handler.
    #[prost(bool, optional, tag = "5")]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub compat_sigaction: Option<bool>,
    /// Signals above 64 blocked in the handler.
    #[prost(uint64, optional, tag = "6")]
    #[serde(
        skip_serializing_if = "Option::is_none",
        serialize_with = "pretty::opt_hex"
    )]
    pub mask_extended: Option<u64>,
}

/// `siginfo_entry` (`images/siginfo.proto`).
#[derive(Clone, PartialEq, prost::Message, Serialize)]
pub struct SiginfoEntry {
    /// Raw `siginfo_t`.
    #[prost(bytes = "vec", required, tag = "1")]
    #[serde(serialize_with = "pretty::bytes")]
    pub siginfo: Vec<u8>,
}

/// `signal_queue_entry` (`images/siginfo.proto`).
#[derive(Clone, PartialEq, prost::Message, Serialize)]
pub struct SignalQueueEntry {
    /// Pending signals.
    #[prost(message, repeated, tag = "1")]
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub signals: Vec<SiginfoEntry>,
}

/// `rseq_entry` (`images/rseq.proto`).
#[derive(Clone, PartialEq, prost::Message, Serialize)]
pub struct RseqEntry {
    /// Address of the `struct rseq`.
    #[prost(uint64, required, tag = "1")]
    pub rseq_abi_pointer: u64,
    /// Its size.
    #[prost(uint32, required, tag = "2")]
    pub rseq_abi_size: u32,
    /// Signature.
    #[prost(uint32, required, tag = "3")]
    pub signature: u32,
    /// Critical section pointer.
    #[prost(uint64, optional, tag = "4")]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub rseq_cs_pointer: Option<u64>,
}
