//! [`Process`]: one task of the dump, read through the images that
//! describe it (`pstree.img`, its core, ids, fs, mm and pagemap images) and
//! the command line and environment read from its memory.

use serde::ser::SerializeStruct;
use serde::{Serialize, Serializer};

use super::checkpoint::Checkpoint;
use super::files::{self, OpenFile, Socket};
use crate::criu::proto::{
    CoreEntry, MmEntry, PstreeEntry, TASK_ALIVE, TASK_DEAD, TASK_STOPPED, TASK_ZOMBIE,
};
use crate::memory::{MemoryText, PAGE_SIZE, PageMap, VmaMap};

/// A task's state when it was dumped (`compel/include/uapi/task-state.h`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum TaskState {
    /// Running or sleeping.
    Alive,
    /// Exited during the dump; CRIU also dumps zombies with this state.
    Dead,
    /// Stopped by a signal.
    Stopped,
    /// A zombie.
    Zombie,
    /// Another value.
    Unknown(u32),
}

impl TaskState {
    /// From `task_core_entry.task_state`.
    pub fn from_raw(v: u32) -> TaskState {
        match v {
            TASK_ALIVE => TaskState::Alive,
            TASK_DEAD => TaskState::Dead,
            TASK_STOPPED => TaskState::Stopped,
            TASK_ZOMBIE => TaskState::Zombie,
            other => TaskState::Unknown(other),
        }
    }

    /// The name checkpointctl shows: `Alive`, `Dead`, `Stopped`, `Zombie`,
    /// `Unknown`.
    pub fn name(self) -> &'static str {
        match self {
            TaskState::Alive => "Alive",
            TaskState::Dead => "Dead",
            TaskState::Stopped => "Stopped",
            TaskState::Zombie => "Zombie",
            TaskState::Unknown(_) => "Unknown",
        }
    }

    /// Whether the task has memory, files and sockets in the dump (alive or
    /// stopped; dead tasks and zombies have none).
    pub fn has_resources(self) -> bool {
        matches!(self, TaskState::Alive | TaskState::Stopped)
    }
}

impl Serialize for TaskState {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.name())
    }
}

/// One task of a checkpoint, borrowed from it; see
/// [`Checkpoint::processes`].
///
/// What the dump does not hold (a core image, the command line when
/// memory text was not wanted) is `None` or empty.
#[derive(Clone, Copy)]
pub struct Process<'c> {
    checkpoint: &'c Checkpoint,
    entry: &'c PstreeEntry,
}

impl std::fmt::Debug for Process<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Process")
            .field("pid", &self.pid())
            .field("comm", &self.comm())
            .finish_non_exhaustive()
    }
}

impl<'c> Process<'c> {
    pub(crate) fn new(checkpoint: &'c Checkpoint, entry: &'c PstreeEntry) -> Process<'c> {
        Process { checkpoint, entry }
    }

    /// Pid in the dumped pid namespace.
    pub fn pid(&self) -> u32 {
        self.entry.pid
    }

    /// Parent pid (0 for the root).
    pub fn ppid(&self) -> u32 {
        self.entry.ppid
    }

    /// Process group.
    pub fn pgid(&self) -> u32 {
        self.entry.pgid
    }

    /// Session.
    pub fn sid(&self) -> u32 {
        self.entry.sid
    }

    /// Thread ids, as `pstree.img` lists them (the leader's is the pid).
    pub fn thread_ids(&self) -> &'c [u32] {
        &self.entry.threads
    }

    /// The threads in `pstree.img` order (the leader first), with their
    /// names and core images.
    pub fn threads(&self) -> impl Iterator<Item = Thread<'c>> + 'c {
        let checkpoint = self.checkpoint;
        let pid = self.pid();
        let state = self.state();
        let leader = self
            .core()
            .and_then(|c| c.tc.as_ref())
            .map(|t| t.comm.as_str());
        self.entry.threads.iter().map(move |&tid| {
            let core = checkpoint.images.as_ref().and_then(|i| i.core.get(&tid));
            // A thread's own name is in its thread core (CRIU 3.x and
            // later); the leader's is also the task's comm.
            let own = core
                .and_then(|c| c.thread_core.as_ref())
                .and_then(|t| t.comm.as_deref());
            let name = own.or(if tid == pid { leader } else { None });
            Thread {
                tid,
                name: name.unwrap_or(""),
                state,
                core,
            }
        })
    }

    /// `core-<pid>.img`, if it was decoded.
    pub fn core(&self) -> Option<&'c CoreEntry> {
        self.checkpoint.images.as_ref()?.core.get(&self.pid())
    }

    /// Command name (`comm`); empty without a task core.
    pub fn comm(&self) -> &'c str {
        self.core()
            .and_then(|c| c.tc.as_ref())
            .map_or("", |t| t.comm.as_str())
    }

    /// Whether the core image has the task's core (comm, state).
    pub fn has_task_core(&self) -> bool {
        self.core().and_then(|c| c.tc.as_ref()).is_some()
    }

    /// State; [`TaskState::Unknown`]`(0)` without a task core.
    pub fn state(&self) -> TaskState {
        TaskState::from_raw(
            self.core()
                .and_then(|c| c.tc.as_ref())
                .map_or(0, |t| t.task_state),
        )
    }

    /// Exit code of a dead task or zombie.
    pub fn exit_code(&self) -> Option<u32> {
        let tc = self.core()?.tc.as_ref()?;
        matches!(self.state(), TaskState::Dead | TaskState::Zombie).then_some(tc.exit_code)
    }

    /// The arguments as read from memory (`[mm_arg_start, mm_arg_end)`),
    /// or why they could not be; `None` when they were not asked for
    /// ([`Want::memory_text`](crate::Want::memory_text)).
    pub fn args_text(&self) -> Option<&'c MemoryText> {
        self.checkpoint.texts.get(&self.pid()).map(|t| &t.args)
    }

    /// The environment as read from memory (`[mm_env_start, mm_env_end)`).
    pub fn env_text(&self) -> Option<&'c MemoryText> {
        self.checkpoint.texts.get(&self.pid()).map(|t| &t.env)
    }

    /// The arguments, empty ones dropped.
    pub fn args(&self) -> Option<Vec<String>> {
        self.args_text()?.strings()
    }

    /// The command line as checkpointctl shows it: the NUL-separated
    /// arguments joined with spaces (so with a trailing space).
    pub fn cmdline(&self) -> Option<String> {
        match self.args_text()? {
            MemoryText::Available(bytes) => Some(
                bytes
                    .split(|&b| b == 0)
                    .map(String::from_utf8_lossy)
                    .collect::<Vec<_>>()
                    .join(" "),
            ),
            MemoryText::Unavailable { .. } => None,
        }
    }

    /// The environment, `KEY=VALUE` strings in the order the process holds
    /// them (a later duplicate is what `getenv` sees).
    pub fn environment(&self) -> Option<Vec<String>> {
        self.env_text()?.strings()
    }

    /// The open descriptors sorted by number, then the working and root
    /// directories; `None` when the ids or fdinfo image is missing.
    pub fn files(&self) -> Option<Vec<OpenFile>> {
        files::open_files(self.checkpoint.images.as_ref()?, self.pid())
    }

    /// The sockets among the descriptors, sorted by number.
    pub fn sockets(&self) -> Option<Vec<Socket>> {
        files::sockets(self.checkpoint.images.as_ref()?, self.pid())
    }

    /// `mm-<pid>.img`, if it was decoded.
    pub fn mm(&self) -> Option<&'c MmEntry> {
        self.checkpoint.images.as_ref()?.mm.get(&self.pid())
    }

    /// The memory areas, by address.
    pub fn mappings(&self) -> Option<VmaMap> {
        self.mm().map(VmaMap::new)
    }

    /// Where the memory is: the pagemap and the areas.
    pub fn memory(&self) -> Option<ProcessMemory<'c>> {
        let pagemap = self.checkpoint.images.as_ref()?.pagemap.get(&self.pid())?;
        Some(ProcessMemory {
            pagemap,
            mm: self.mm(),
        })
    }
}

impl Serialize for Process<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut p = s.serialize_struct("Process", 10)?;
        p.serialize_field("pid", &self.pid())?;
        p.serialize_field("ppid", &self.ppid())?;
        p.serialize_field("pgid", &self.pgid())?;
        p.serialize_field("sid", &self.sid())?;
        p.serialize_field("threads", self.thread_ids())?;
        p.serialize_field("comm", self.comm())?;
        p.serialize_field("state", &self.state())?;
        if let Some(code) = self.exit_code() {
            p.serialize_field("exit_code", &code)?;
        }
        if let Some(args) = self.args() {
            p.serialize_field("args", &args)?;
        }
        if let Some(env) = self.environment() {
            p.serialize_field("env", &env)?;
        }
        p.end()
    }
}

/// One thread of a [`Process`].
#[derive(Debug, Clone, Copy, Serialize)]
#[non_exhaustive]
pub struct Thread<'c> {
    /// Thread id.
    pub tid: u32,
    /// Its name (`/proc/PID/task/TID/comm`); empty when its core image is
    /// missing or older than thread names.
    pub name: &'c str,
    /// Its state: CRIU freezes and records a task as a whole, so every
    /// thread has its process's state.
    pub state: TaskState,
    /// `core-<tid>.img`, if it was decoded.
    #[serde(skip)]
    pub core: Option<&'c CoreEntry>,
}

/// Where a process's memory is: its pagemap (runs of pages and where they
/// are in `pages-<id>.img`) and its memory areas. The bytes themselves are
/// given to a [`MemorySink`](crate::memory::MemorySink) during a read.
#[derive(Debug, Clone, Copy)]
pub struct ProcessMemory<'c> {
    /// `pagemap-<pid>.img`.
    pub pagemap: &'c PageMap,
    /// `mm-<pid>.img`.
    pub mm: Option<&'c MmEntry>,
}

impl ProcessMemory<'_> {
    /// Bytes the pagemap covers (checkpointctl's "memory size").
    pub fn size(&self) -> u64 {
        self.pagemap
            .runs
            .iter()
            .map(|r| r.nr_pages.saturating_mul(PAGE_SIZE))
            .fold(0u64, u64::saturating_add)
    }

    /// Bytes of this process in its pages file.
    pub fn dumped_size(&self) -> u64 {
        self.pagemap.present_bytes
    }

    /// Bytes of `MAP_SHARED` areas (checkpointctl's "shared memory size").
    pub fn shared_size(&self) -> u64 {
        self.mm.map_or(0, |mm| VmaMap::new(mm).shared_bytes())
    }

    /// The memory areas, by address.
    pub fn areas(&self) -> VmaMap {
        self.mm.map(VmaMap::new).unwrap_or_default()
    }
}
