use serde::Serialize;

use crate::criu::pretty;

/// `aio_ring_entry` (`images/mm.proto`).
#[derive(Clone, PartialEq, prost::Message, Serialize)]
pub struct AioRingEntry {
    /// Ring id.
    #[prost(uint64, required, tag = "1")]
    pub id: u64,
    /// Requests.
    #[prost(uint32, required, tag = "2")]
    pub nr_req: u32,
    /// Ring length.
    #[prost(uint32, required, tag = "3")]
    pub ring_len: u32,
}

/// `mm_entry` (`images/mm.proto`): `mm-<pid>.img`, a task's address space.
#[derive(Clone, PartialEq, prost::Message, Serialize)]
pub struct MmEntry {
    /// Start of code.
    #[prost(uint64, required, tag = "1")]
    #[serde(serialize_with = "pretty::hex")]
    pub mm_start_code: u64,
    /// End of code.
    #[prost(uint64, required, tag = "2")]
    #[serde(serialize_with = "pretty::hex")]
    pub mm_end_code: u64,
    /// Start of data.
    #[prost(uint64, required, tag = "3")]
    #[serde(serialize_with = "pretty::hex")]
    pub mm_start_data: u64,
    /// End of data.
    #[prost(uint64, required, tag = "4")]
    #[serde(serialize_with = "pretty::hex")]
    pub mm_end_data: u64,
    /// Start of the stack.
    #[prost(uint64, required, tag = "5")]
    #[serde(serialize_with = "pretty::hex")]
    pub mm_start_stack: u64,
    /// Start of the heap.
    #[prost(uint64, required, tag = "6")]
    #[serde(serialize_with = "pretty::hex")]
    pub mm_start_brk: u64,
    /// Current end of the heap.
    #[prost(uint64, required, tag = "7")]
    #[serde(serialize_with = "pretty::hex")]
    pub mm_brk: u64,
    /// Start of the command line (NUL-separated argv).
    #[prost(uint64, required, tag = "8")]
    #[serde(serialize_with = "pretty::hex")]
    pub mm_arg_start: u64,
    /// End of the command line.
    #[prost(uint64, required, tag = "9")]
    #[serde(serialize_with = "pretty::hex")]
    pub mm_arg_end: u64,
    /// Start of the environment (NUL-separated `KEY=VALUE`).
    #[prost(uint64, required, tag = "10")]
    #[serde(serialize_with = "pretty::hex")]
    pub mm_env_start: u64,
    /// End of the environment.
    #[prost(uint64, required, tag = "11")]
    #[serde(serialize_with = "pretty::hex")]
    pub mm_env_end: u64,
    /// File id (in `files.img`) of the executable.
    #[prost(uint32, required, tag = "12")]
    pub exe_file_id: u32,
    /// Saved auxiliary vector.
    #[prost(uint64, repeated, packed = "false", tag = "13")]
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub mm_saved_auxv: Vec<u64>,
    /// Memory areas.
    #[prost(message, repeated, tag = "14")]
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub vmas: Vec<VmaEntry>,
    /// `PR_GET_DUMPABLE`.
    #[prost(int32, optional, tag = "15")]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub dumpable: Option<i32>,
    /// AIO rings.
    #[prost(message, repeated, tag = "16")]
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub aios: Vec<AioRingEntry>,
    /// Transparent huge pages disabled.
    #[prost(bool, optional, tag = "17")]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub thp_disabled: Option<bool>,
}

/// `MAP_SHARED`.
pub const MAP_SHARED: u32 = 0x1;
/// `MAP_PRIVATE`.
pub const MAP_PRIVATE: u32 = 0x2;
/// `MAP_ANONYMOUS`.
pub const MAP_ANON: u32 = 0x20;
/// `MAP_GROWSDOWN` (stacks).
pub const MAP_GROWSDOWN: u32 = 0x100;

/// `VMA_AREA_REGULAR`: an area CRIU dumps.
pub const VMA_AREA_REGULAR: u32 = 1 << 0;
/// `VMA_AREA_STACK`.
pub const VMA_AREA_STACK: u32 = 1 << 1;
/// `VMA_AREA_VSYSCALL`.
pub const VMA_AREA_VSYSCALL: u32 = 1 << 2;
/// `VMA_AREA_VDSO`.
pub const VMA_AREA_VDSO: u32 = 1 << 3;
/// `VMA_AREA_HEAP`.
pub const VMA_AREA_HEAP: u32 = 1 << 5;
/// `VMA_FILE_PRIVATE`: a private file mapping.
pub const VMA_FILE_PRIVATE: u32 = 1 << 6;
/// `VMA_FILE_SHARED`: a shared file mapping.
pub const VMA_FILE_SHARED: u32 = 1 << 7;
/// `VMA_ANON_SHARED`.
pub const VMA_ANON_SHARED: u32 = 1 << 8;
/// `VMA_ANON_PRIVATE`.
pub const VMA_ANON_PRIVATE: u32 = 1 << 9;
/// `VMA_AREA_SYSVIPC`.
pub const VMA_AREA_SYSVIPC: u32 = 1 << 10;
/// `VMA_AREA_VVAR`.
pub const VMA_AREA_VVAR: u32 = 1 << 12;
/// `VMA_AREA_MEMFD`.
pub const VMA_AREA_MEMFD: u32 = 1 << 14;

/// `vma_entry` (`images/vma.proto`): one memory area.
#[derive(Clone, PartialEq, prost::Message, Serialize)]
pub struct VmaEntry {
    /// Start address.
    #[prost(uint64, required, tag = "1")]
    #[serde(serialize_with = "pretty::hex")]
    pub start: u64,
    /// End address (exclusive).
    #[prost(uint64, required, tag = "2")]
    #[serde(serialize_with = "pretty::hex")]
    pub end: u64,
    /// Offset in the mapped file, in bytes.
    #[prost(uint64, required, tag = "3")]
    pub pgoff: u64,
    /// Id of the mapped file or shared memory.
    #[prost(uint64, required, tag = "4")]
    pub shmid: u64,
    /// `PROT_*`.
    #[prost(uint32, required, tag = "5")]
    #[serde(serialize_with = "pretty::mmap_prot")]
    pub prot: u32,
    /// `MAP_*`.
    #[prost(uint32, required, tag = "6")]
    #[serde(serialize_with = "pretty::mmap_flags")]
    pub flags: u32,
    /// CRIU's `VMA_*` status bits.
    #[prost(uint32, required, tag = "7")]
    #[serde(serialize_with = "pretty::mmap_status")]
    pub status: u32,
    /// Unused, -1.
    #[prost(sint64, required, tag = "8")]
    pub fd: i64,
    /// madvise bits.
    #[prost(uint64, optional, tag = "9")]
    #[serde(
        skip_serializing_if = "Option::is_none",
        serialize_with = "pretty::opt_hex"
    )]
    pub madv: Option<u64>,
    /// File status flags.
    #[prost(uint32, optional, tag = "10")]
    #[serde(
        skip_serializing_if = "Option::is_none",
        serialize_with = "pretty::opt_hex"
    )]
    pub fdflags: Option<u32>,
}
