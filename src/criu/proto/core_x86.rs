use serde::{Serialize, Serializer};

use crate::criu::pretty;

/// `user_x86_regs_mode` (`images/core-x86.proto`).
pub const USER_X86_REGS_MODE_NAMES: &[(i32, &str)] = &[(1, "NATIVE"), (2, "COMPAT")];

fn opt_regs_mode<S: Serializer>(v: &Option<i32>, s: S) -> Result<S::Ok, S::Error> {
    match v {
        Some(v) => pretty::enum_name(*v, USER_X86_REGS_MODE_NAMES, s),
        None => s.serialize_none(),
    }
}

/// `thread_info_x86` (`images/core-x86.proto`): the registers and TLS
/// descriptors of an x86 thread, `core_entry.thread_info`.
#[derive(Clone, PartialEq, prost::Message, Serialize)]
pub struct ThreadInfoX86 {
    /// `clear_child_tid` address.
    #[prost(uint64, required, tag = "1")]
    #[serde(serialize_with = "pretty::hex")]
    pub clear_tid_addr: u64,
    /// General purpose registers (printed in hex, as the field is marked).
    #[prost(message, optional, tag = "2")]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub gpregs: Option<UserX86RegsEntry>,
    /// FPU, SSE and xsave state.
    #[prost(message, optional, tag = "3")]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub fpregs: Option<UserX86FpregsEntry>,
    /// Thread-local storage descriptors (GDT entries).
    #[prost(message, repeated, tag = "4")]
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub tls: Vec<UserDescT>,
}

/// `user_x86_regs_entry` (`images/core-x86.proto`): general purpose
/// registers, 64- or 32-bit (`mode`). crit prints them in hex.
#[derive(Clone, PartialEq, prost::Message, Serialize)]
pub struct UserX86RegsEntry {
    /// `r15`.
    #[prost(uint64, required, tag = "1")]
    #[serde(serialize_with = "pretty::hex")]
    pub r15: u64,
    /// `r14`.
    #[prost(uint64, required, tag = "2")]
    #[serde(serialize_with = "pretty::hex")]
    pub r14: u64,
    /// `r13`.
    #[prost(uint64, required, tag = "3")]
    #[serde(serialize_with = "pretty::hex")]
    pub r13: u64,
    /// `r12`.
    #[prost(uint64, required, tag = "4")]
    #[serde(serialize_with = "pretty::hex")]
    pub r12: u64,
    /// `rbp`, the frame pointer.
    #[prost(uint64, required, tag = "5")]
    #[serde(serialize_with = "pretty::hex")]
    pub bp: u64,
    /// `rbx`.
    #[prost(uint64, required, tag = "6")]
    #[serde(serialize_with = "pretty::hex")]
    pub bx: u64,
    /// `r11`.
    #[prost(uint64, required, tag = "7")]
    #[serde(serialize_with = "pretty::hex")]
    pub r11: u64,
    /// `r10`.
    #[prost(uint64, required, tag = "8")]
    #[serde(serialize_with = "pretty::hex")]
    pub r10: u64,
    /// `r9`.
    #[prost(uint64, required, tag = "9")]
    #[serde(serialize_with = "pretty::hex")]
    pub r9: u64,
    /// `r8`.
    #[prost(uint64, required, tag = "10")]
    #[serde(serialize_with = "pretty::hex")]
    pub r8: u64,
    /// `rax` (a syscall's return value).
    #[prost(uint64, required, tag = "11")]
    #[serde(serialize_with = "pretty::hex")]
    pub ax: u64,
    /// `rcx`.
    #[prost(uint64, required, tag = "12")]
    #[serde(serialize_with = "pretty::hex")]
    pub cx: u64,
    /// `rdx`.
    #[prost(uint64, required, tag = "13")]
    #[serde(serialize_with = "pretty::hex")]
    pub dx: u64,
    /// `rsi`.
    #[prost(uint64, required, tag = "14")]
    #[serde(serialize_with = "pretty::hex")]
    pub si: u64,
    /// `rdi`.
    #[prost(uint64, required, tag = "15")]
    #[serde(serialize_with = "pretty::hex")]
    pub di: u64,
    /// `orig_rax`: the syscall number the thread was in.
    #[prost(uint64, required, tag = "16")]
    #[serde(serialize_with = "pretty::hex")]
    pub orig_ax: u64,
    /// `rip`, the instruction pointer.
    #[prost(uint64, required, tag = "17")]
    #[serde(serialize_with = "pretty::hex")]
    pub ip: u64,
    /// Code segment selector.
    #[prost(uint64, required, tag = "18")]
    #[serde(serialize_with = "pretty::hex")]
    pub cs: u64,
    /// `rflags`.
    #[prost(uint64, required, tag = "19")]
    #[serde(serialize_with = "pretty::hex")]
    pub flags: u64,
    /// `rsp`, the stack pointer.
    #[prost(uint64, required, tag = "20")]
    #[serde(serialize_with = "pretty::hex")]
    pub sp: u64,
    /// Stack segment selector.
    #[prost(uint64, required, tag = "21")]
    #[serde(serialize_with = "pretty::hex")]
    pub ss: u64,
    /// `fs` base (the thread pointer on x86-64).
    #[prost(uint64, required, tag = "22")]
    #[serde(serialize_with = "pretty::hex")]
    pub fs_base: u64,
    /// `gs` base.
    #[prost(uint64, required, tag = "23")]
    #[serde(serialize_with = "pretty::hex")]
    pub gs_base: u64,
    /// Data segment selector.
    #[prost(uint64, required, tag = "24")]
    #[serde(serialize_with = "pretty::hex")]
    pub ds: u64,
    /// Extra segment selector.
    #[prost(uint64, required, tag = "25")]
    #[serde(serialize_with = "pretty::hex")]
    pub es: u64,
    /// `fs` selector.
    #[prost(uint64, required, tag = "26")]
    #[serde(serialize_with = "pretty::hex")]
    pub fs: u64,
    /// `gs` selector.
    #[prost(uint64, required, tag = "27")]
    #[serde(serialize_with = "pretty::hex")]
    pub gs: u64,
    /// `NATIVE` (64-bit) or `COMPAT` (32-bit).
    #[prost(int32, optional, tag = "28")]
    #[serde(
        serialize_with = "opt_regs_mode",
        skip_serializing_if = "Option::is_none"
    )]
    pub mode: Option<i32>,
}

/// `user_x86_cet_entry` (`images/core-x86.proto`): control-flow
/// enforcement state.
#[derive(Clone, PartialEq, prost::Message, Serialize)]
pub struct UserX86CetEntry {
    /// The CET MSR.
    #[prost(uint64, required, tag = "1")]
    #[serde(serialize_with = "pretty::hex")]
    pub cet: u64,
    /// The shadow stack pointer.
    #[prost(uint64, required, tag = "2")]
    #[serde(serialize_with = "pretty::hex")]
    pub ssp: u64,
}

/// `user_x86_xsave_entry` (`images/core-x86.proto`): the xsave
/// extension components.
#[derive(Clone, PartialEq, prost::Message, Serialize)]
pub struct UserX86XsaveEntry {
    /// Which state components are saved.
    #[prost(uint64, required, tag = "1")]
    pub xstate_bv: u64,
    /// AVX: the high 128 bits of the 16 ymm registers.
    #[prost(uint32, repeated, packed = "false", tag = "2")]
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub ymmh_space: Vec<u32>,
    /// MPX bound registers.
    #[prost(uint64, repeated, packed = "false", tag = "3")]
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub bndreg_state: Vec<u64>,
    /// MPX configuration and status.
    #[prost(uint64, repeated, packed = "false", tag = "4")]
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub bndcsr_state: Vec<u64>,
    /// AVX-512 opmask registers k0–k7.
    #[prost(uint64, repeated, packed = "false", tag = "5")]
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub opmask_reg: Vec<u64>,
    /// AVX-512: the high 256 bits of zmm0–zmm15.
    #[prost(uint64, repeated, packed = "false", tag = "6")]
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub zmm_upper: Vec<u64>,
    /// AVX-512: zmm16–zmm31.
    #[prost(uint64, repeated, packed = "false", tag = "7")]
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub hi16_zmm: Vec<u64>,
    /// Protection keys.
    #[prost(uint32, repeated, packed = "false", tag = "8")]
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub pkru: Vec<u32>,
    /// Control-flow enforcement.
    #[prost(message, optional, tag = "9")]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub cet: Option<UserX86CetEntry>,
}

/// `user_x86_fpregs_entry` (`images/core-x86.proto`): the fxsave area
/// and the xsave extension.
#[derive(Clone, PartialEq, prost::Message, Serialize)]
pub struct UserX86FpregsEntry {
    /// FPU control word.
    #[prost(uint32, required, tag = "1")]
    pub cwd: u32,
    /// FPU status word.
    #[prost(uint32, required, tag = "2")]
    pub swd: u32,
    /// FPU tag word.
    #[prost(uint32, required, tag = "3")]
    pub twd: u32,
    /// Last FPU opcode.
    #[prost(uint32, required, tag = "4")]
    pub fop: u32,
    /// Last FPU instruction pointer.
    #[prost(uint64, required, tag = "5")]
    pub rip: u64,
    /// Last FPU data pointer.
    #[prost(uint64, required, tag = "6")]
    pub rdp: u64,
    /// SSE control and status.
    #[prost(uint32, required, tag = "7")]
    pub mxcsr: u32,
    /// Valid `mxcsr` bits.
    #[prost(uint32, required, tag = "8")]
    pub mxcsr_mask: u32,
    /// x87 registers st0–st7.
    #[prost(uint32, repeated, packed = "false", tag = "9")]
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub st_space: Vec<u32>,
    /// SSE registers xmm0–xmm15.
    #[prost(uint32, repeated, packed = "false", tag = "10")]
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub xmm_space: Vec<u32>,
    /// Unused, kept for old images.
    #[prost(uint32, repeated, packed = "false", tag = "11")]
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub padding: Vec<u32>,
    /// The xsave extension.
    #[prost(message, optional, tag = "13")]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub xsave: Option<UserX86XsaveEntry>,
}

/// `user_desc_t` (`images/core-x86.proto`): one TLS descriptor, as
/// `set_thread_area(2)` takes it.
#[derive(Clone, PartialEq, prost::Message, Serialize)]
pub struct UserDescT {
    /// GDT slot.
    #[prost(uint32, required, tag = "1")]
    pub entry_number: u32,
    /// Segment base (32-bit).
    #[prost(uint32, required, tag = "2")]
    pub base_addr: u32,
    /// Segment limit.
    #[prost(uint32, required, tag = "3")]
    pub limit: u32,
    /// 32-bit segment.
    #[prost(bool, required, tag = "4")]
    pub seg_32bit: bool,
    /// `contents` high bit.
    #[prost(bool, required, tag = "5")]
    pub contents_h: bool,
    /// `contents` low bit.
    #[prost(bool, required, tag = "6")]
    pub contents_l: bool,
    /// Read/execute only.
    #[prost(bool, required, tag = "7", default = "true")]
    pub read_exec_only: bool,
    /// Limit counted in pages.
    #[prost(bool, required, tag = "8")]
    pub limit_in_pages: bool,
    /// Segment not present.
    #[prost(bool, required, tag = "9", default = "true")]
    pub seg_not_present: bool,
    /// Available to software.
    #[prost(bool, required, tag = "10")]
    pub usable: bool,
}
