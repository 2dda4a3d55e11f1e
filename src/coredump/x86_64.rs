//! What is x86-64 about a core file: the machine number, the general
//! registers of `NT_PRSTATUS` (`user_regs_struct`), `NT_PRFPREG`
//! (`user_fpregs_struct`, the FXSAVE area) and `NT_X86_XSTATE` (the XSAVE
//! area in its standard, uncompacted format), from CRIU's `core-*.img`.
//! Another architecture gets a module like this one.

use super::elf::Bytes;
use crate::criu::proto::{UserX86FpregsEntry, UserX86RegsEntry, UserX86XsaveEntry};

/// `EM_X86_64`.
pub(super) const MACHINE: u16 = 62;
/// Size of `struct elf_prstatus` on x86-64.
pub(super) const PRSTATUS_SIZE: usize = 336;
/// Offset of `pr_reg` in it.
const PR_REG: usize = 112;
/// Size of the FXSAVE area (`user_fpregs_struct`).
const FXSAVE_SIZE: usize = 512;

/// The 27 words of `user_regs_struct`, in its order.
pub(super) fn gregs(r: &UserX86RegsEntry) -> [u64; 27] {
    [
        r.r15, r.r14, r.r13, r.r12, r.bp, r.bx, r.r11, r.r10, r.r9, r.r8, r.ax, r.cx, r.dx, r.si,
        r.di, r.orig_ax, r.ip, r.cs, r.flags, r.sp, r.ss, r.fs_base, r.gs_base, r.ds, r.es, r.fs,
        r.gs,
    ]
}

/// What `NT_PRSTATUS` says of a thread besides its registers.
#[derive(Debug, Clone, Copy, Default)]
pub(super) struct ThreadStatus {
    /// Thread id.
    pub(super) tid: u32,
    /// Parent process id.
    pub(super) ppid: u32,
    /// Process group.
    pub(super) pgrp: u32,
    /// Session.
    pub(super) sid: u32,
    /// Pending signals (bit `n - 1` for signal `n`).
    pub(super) sigpend: u64,
    /// Blocked signals.
    pub(super) sighold: u64,
}

/// `struct elf_prstatus`: the status and general registers of a thread.
pub(super) fn prstatus(s: &ThreadStatus, regs: &UserX86RegsEntry, fpvalid: bool) -> Vec<u8> {
    let mut b = Bytes::with_capacity(PRSTATUS_SIZE);
    b.zeros(12) // pr_info: no signal made this core
        .u16(0) // pr_cursig
        .zeros(2)
        .u64(s.sigpend)
        .u64(s.sighold)
        .u32(s.tid)
        .u32(s.ppid)
        .u32(s.pgrp)
        .u32(s.sid)
        .zeros(64); // utime, stime, cutime, cstime
    debug_assert_eq!(b.0.len(), PR_REG);
    for w in gregs(regs) {
        b.u64(w);
    }
    b.u32(u32::from(fpvalid)).zeros(4);
    debug_assert_eq!(b.0.len(), PRSTATUS_SIZE);
    b.0
}

/// `user_fpregs_struct`: the FXSAVE area.
pub(super) fn fpregs(f: &UserX86FpregsEntry) -> Vec<u8> {
    let mut b = Bytes::with_capacity(FXSAVE_SIZE);
    fxsave(&mut b, f);
    b.0
}

fn fxsave(b: &mut Bytes, f: &UserX86FpregsEntry) {
    b.u16(f.cwd as u16)
        .u16(f.swd as u16)
        .u16(f.twd as u16)
        .u16(f.fop as u16)
        .u64(f.rip)
        .u64(f.rdp)
        .u32(f.mxcsr)
        .u32(f.mxcsr_mask);
    words(b, &f.st_space, 32);
    words(b, &f.xmm_space, 64);
    // The 96 bytes left: `padding`, then the software-reserved bytes the
    // XSAVE note fills in.
    words(b, &f.padding, 24);
}

/// `n` 32-bit words of `v`, zeros for those it lacks.
fn words(b: &mut Bytes, v: &[u32], n: usize) {
    for i in 0..n {
        b.u32(v.get(i).copied().unwrap_or(0));
    }
}

/// An XSAVE component: its feature bit, its offset in the standard format
/// and its size.
struct Component {
    bit: u32,
    offset: usize,
    size: usize,
}

const AVX: Component = Component {
    bit: 2,
    offset: 576,
    size: 256,
};
const BNDREGS: Component = Component {
    bit: 3,
    offset: 960,
    size: 64,
};
const BNDCSR: Component = Component {
    bit: 4,
    offset: 1024,
    size: 64,
};
const OPMASK: Component = Component {
    bit: 5,
    offset: 1088,
    size: 64,
};
const ZMM_HI256: Component = Component {
    bit: 6,
    offset: 1152,
    size: 512,
};
const HI16_ZMM: Component = Component {
    bit: 7,
    offset: 1664,
    size: 1024,
};
const PKRU: Component = Component {
    bit: 9,
    offset: 2688,
    size: 8,
};

/// The XSAVE area of `NT_X86_XSTATE`, when CRIU saved one: the FXSAVE
/// area (with the enabled features, XCR0, at byte 464), the
/// XSAVE header, and each component CRIU saved at its standard offset.
pub(super) fn xstate(f: &UserX86FpregsEntry) -> Option<Vec<u8>> {
    let x: &UserX86XsaveEntry = f.xsave.as_ref()?;
    let le = |v: &[u32]| -> Vec<u8> { v.iter().flat_map(|w| w.to_le_bytes()).collect() };
    let le64 = |v: &[u64]| -> Vec<u8> { v.iter().flat_map(|w| w.to_le_bytes()).collect() };
    let hi16: &[u64] = &x.hi16_zmm;
    let parts: [(&Component, Vec<u8>); 7] = [
        (&AVX, le(&x.ymmh_space)),
        (&BNDREGS, le64(&x.bndreg_state)),
        (&BNDCSR, le64(&x.bndcsr_state)),
        (&OPMASK, le64(&x.opmask_reg)),
        (&ZMM_HI256, le64(&x.zmm_upper)),
        (&HI16_ZMM, le64(hi16)),
        (&PKRU, le(&x.pkru)),
    ];
    // x87 and SSE always; each component CRIU saved.
    let mut xcr0: u64 = 0b11;
    let mut size = AVX.offset;
    for (c, bytes) in &parts {
        if !bytes.is_empty() {
            xcr0 |= 1 << c.bit;
            size = size.max(c.offset + c.size);
        }
    }
    let mut area = Bytes::with_capacity(size);
    fxsave(&mut area, f);
    let mut area = area.0;
    // What the kernel's ptrace and core regset put in the software bytes
    // at 464: XCR0, where gdb reads which components there are.
    area.splice(464..512, xcr0.to_le_bytes().into_iter().chain([0; 40]));
    area.resize(size, 0);
    // The XSAVE header: which components hold state.
    area.splice(512..520, (x.xstate_bv & xcr0).to_le_bytes());
    for (c, bytes) in &parts {
        // Each component saved was counted in `size` above.
        let n = bytes.len().min(c.size);
        if let (Some(to), Some(from)) = (area.get_mut(c.offset..c.offset + n), bytes.get(..n)) {
            to.copy_from_slice(from);
        }
    }
    Some(area)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn prstatus_puts_the_registers_where_the_kernel_does() {
        let regs = UserX86RegsEntry {
            ip: 0x401d51,
            sp: 0x7ffd_0000_1000,
            ..Default::default()
        };
        let s = ThreadStatus {
            tid: 13130,
            ..Default::default()
        };
        let b = prstatus(&s, &regs, true);
        assert_eq!(b.len(), PRSTATUS_SIZE);
        let word = |i: usize| {
            u64::from_le_bytes(b[PR_REG + 8 * i..PR_REG + 8 * i + 8].try_into().unwrap())
        };
        assert_eq!(word(16), 0x401d51);
        assert_eq!(word(19), 0x7ffd_0000_1000);
        assert_eq!(u32::from_le_bytes(b[32..36].try_into().unwrap()), 13130);
    }

    #[test]
    fn xstate_says_its_features_where_gdb_reads_them() {
        let f = UserX86FpregsEntry {
            xsave: Some(UserX86XsaveEntry {
                xstate_bv: 0b111,
                ymmh_space: vec![7; 64],
                ..Default::default()
            }),
            ..Default::default()
        };
        let x = xstate(&f).unwrap();
        assert_eq!(x.len(), 832);
        assert_eq!(u64::from_le_bytes(x[464..472].try_into().unwrap()), 0b111);
        assert_eq!(u64::from_le_bytes(x[512..520].try_into().unwrap()), 0b111);
        assert_eq!(x[576], 7);
        assert_eq!(fpregs(&f).len(), FXSAVE_SIZE);
    }
}
