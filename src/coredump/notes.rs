//! The `PT_NOTE` segment of a process's core: for the first thread
//! `NT_PRSTATUS`, `NT_PRPSINFO`, `NT_SIGINFO` (a signal CRIU found
//! pending, if any), `NT_AUXV`, `NT_FILE`, `NT_PRFPREG` and
//! `NT_X86_XSTATE`; for each other thread its `NT_PRSTATUS`, `NT_PRFPREG`
//! and `NT_X86_XSTATE`, in the order the kernel writes them (gdb takes the
//! first thread as the one that was running).

use crate::criu::proto::{
    CoreEntry, MmEntry, SignalQueueEntry, VMA_AREA_MEMFD, VMA_AREA_SYSVIPC, VMA_FILE_PRIVATE,
    VMA_FILE_SHARED,
};
use crate::model::{ImageSet, Process, TaskState};

use super::elf::{
    self, Bytes, NT_AUXV, NT_FILE, NT_PRFPREG, NT_PRPSINFO, NT_PRSTATUS, NT_SIGINFO, NT_X86_XSTATE,
    PAGE,
};
use super::x86_64::{self, ThreadStatus};

/// CRIU's `march` for x86-64.
const MARCH_X86_64: i32 = 1;
/// `user_x86_regs_mode`: a 32-bit (compat) task.
const MODE_COMPAT: i32 = 2;

/// Why no core can be written for a process.
pub(super) type Unsupported = String;

/// The notes of `process`; the threads written.
pub(super) fn notes(
    process: &Process<'_>,
    images: &ImageSet,
) -> Result<(Vec<u8>, usize), Unsupported> {
    let pid = process.pid();
    let mut threads: Vec<_> = process.threads().collect();
    // The leader first: gdb's current thread.
    threads.sort_by_key(|t| t.tid != pid);
    let mut out = Bytes::default();
    for (i, thread) in threads.iter().enumerate() {
        let tid = thread.tid;
        let core = thread
            .core
            .ok_or_else(|| format!("core-{tid}.img is not in the archive"))?;
        check_architecture(core, tid)?;
        let info = core.thread_info.as_ref();
        let regs = info
            .and_then(|t| t.gpregs.as_ref())
            .ok_or_else(|| format!("core-{tid}.img has no registers"))?;
        let fp = info.and_then(|t| t.fpregs.as_ref());
        let status = ThreadStatus {
            tid,
            ppid: process.ppid(),
            pgrp: process.pgid(),
            sid: process.sid(),
            sigpend: pending(core, tid == pid),
            sighold: blocked(core),
        };
        elf::note(
            &mut out,
            "CORE",
            NT_PRSTATUS,
            &x86_64::prstatus(&status, regs, fp.is_some()),
        );
        if i == 0 {
            elf::note(&mut out, "CORE", NT_PRPSINFO, &prpsinfo(process, core));
            // No signal made this core; a signal CRIU found pending is what
            // `$_siginfo` can show.
            if let Some(siginfo) = first_pending(core) {
                elf::note(&mut out, "CORE", NT_SIGINFO, siginfo);
            }
            if let Some(mm) = process.mm() {
                elf::note(&mut out, "CORE", NT_AUXV, &auxv(mm));
                elf::note(&mut out, "CORE", NT_FILE, &mapped_files(mm, images));
            }
        }
        if let Some(fp) = fp {
            elf::note(&mut out, "CORE", NT_PRFPREG, &x86_64::fpregs(fp));
            if let Some(xstate) = x86_64::xstate(fp) {
                elf::note(&mut out, "LINUX", NT_X86_XSTATE, &xstate);
            }
        }
    }
    Ok((out.0, threads.len()))
}

fn check_architecture(core: &CoreEntry, tid: u32) -> Result<(), Unsupported> {
    if core.mtype != MARCH_X86_64 {
        let name = crate::criu::proto::MARCH_NAMES
            .iter()
            .find(|(v, _)| *v == core.mtype)
            .map_or("unknown", |(_, n)| n);
        return Err(format!(
            "thread {tid} is of architecture {name}: only X86_64 is supported yet"
        ));
    }
    let mode = core
        .thread_info
        .as_ref()
        .and_then(|t| t.gpregs.as_ref())
        .and_then(|r| r.mode);
    if mode == Some(MODE_COMPAT) {
        return Err(format!(
            "thread {tid} is a 32-bit (compat) task: only 64-bit x86 is supported yet"
        ));
    }
    Ok(())
}

/// Signals pending for the thread (and, for the leader, the process).
fn pending(core: &CoreEntry, leader: bool) -> u64 {
    let queues = [
        core.thread_core.as_ref().and_then(|t| t.signals_p.as_ref()),
        core.tc
            .as_ref()
            .and_then(|t| t.signals_s.as_ref())
            .filter(|_| leader),
    ];
    let mut set = 0u64;
    for q in queues.into_iter().flatten() {
        set |= signal_set(q);
    }
    set
}

/// The first `siginfo_t` CRIU saved as pending for the thread, else for
/// the process.
fn first_pending(core: &CoreEntry) -> Option<&[u8]> {
    let queues = [
        core.thread_core.as_ref().and_then(|t| t.signals_p.as_ref()),
        core.tc.as_ref().and_then(|t| t.signals_s.as_ref()),
    ];
    queues
        .into_iter()
        .flatten()
        .flat_map(|q| &q.signals)
        .map(|s| s.siginfo.as_slice())
        .find(|s| s.len() == SIGINFO_SIZE)
}

/// Size of `siginfo_t`.
const SIGINFO_SIZE: usize = 128;

fn signal_set(q: &SignalQueueEntry) -> u64 {
    let mut set = 0;
    for s in &q.signals {
        // `siginfo_t` starts with `si_signo`.
        if let Some(b) = s.siginfo.get(..4) {
            let signo = i32::from_le_bytes([b[0], b[1], b[2], b[3]]);
            if (1..=64).contains(&signo) {
                set |= 1 << (signo - 1);
            }
        }
    }
    set
}

fn blocked(core: &CoreEntry) -> u64 {
    core.thread_core
        .as_ref()
        .and_then(|t| t.blk_sigset)
        .or_else(|| core.tc.as_ref().map(|t| t.blk_sigset))
        .unwrap_or(0)
}

/// `struct elf_prpsinfo` (136 bytes on x86-64).
fn prpsinfo(process: &Process<'_>, core: &CoreEntry) -> Vec<u8> {
    let (state, sname) = match process.state() {
        TaskState::Stopped => (3, b'T'),
        TaskState::Zombie => (4, b'Z'),
        TaskState::Dead => (5, b'X'),
        // Frozen by CRIU: what it was doing is in its registers.
        _ => (1, b'S'),
    };
    let creds = core.thread_core.as_ref().and_then(|t| t.creds.as_ref());
    let args = process.args().map(|a| a.join(" ")).unwrap_or_default();
    let mut b = Bytes::with_capacity(136);
    b.u8(state)
        .u8(sname)
        .u8(u8::from(state == 4))
        .u8(0) // pr_nice
        .zeros(4)
        .u64(core.tc.as_ref().map_or(0, |t| u64::from(t.flags)))
        .u32(creds.map_or(0, |c| c.uid))
        .u32(creds.map_or(0, |c| c.gid))
        .u32(process.pid())
        .u32(process.ppid())
        .u32(process.pgid())
        .u32(process.sid())
        .fixed(process.comm().as_bytes(), 16)
        .fixed(args.as_bytes(), 80);
    b.0
}

/// The auxiliary vector CRIU saved, up to and with its `AT_NULL`.
fn auxv(mm: &MmEntry) -> Vec<u8> {
    let mut b = Bytes::default();
    for pair in mm.mm_saved_auxv.chunks_exact(2) {
        b.u64(pair[0]).u64(pair[1]);
        if pair[0] == 0 {
            return b.0;
        }
    }
    b.u64(0).u64(0);
    b.0
}

/// `NT_FILE`: each file mapping, its range and offset in pages, then the
/// file names.
fn mapped_files(mm: &MmEntry, images: &ImageSet) -> Vec<u8> {
    let mut ranges = Bytes::default();
    let mut names = Bytes::default();
    let mut count = 0u64;
    let mut vmas: Vec<_> = mm.vmas.iter().filter(|v| v.start < v.end).collect();
    vmas.sort_by_key(|v| v.start);
    for vma in vmas {
        let file_backed = vma.status & (VMA_FILE_PRIVATE | VMA_FILE_SHARED) != 0
            && vma.status & (VMA_AREA_SYSVIPC | VMA_AREA_MEMFD) == 0;
        if !file_backed {
            continue;
        }
        let name = u32::try_from(vma.shmid)
            .ok()
            .and_then(|id| images.file(id))
            .and_then(|f| f.reg.as_ref())
            .map(|r| r.name.as_str());
        let Some(name) = name else { continue };
        ranges.u64(vma.start).u64(vma.end).u64(vma.pgoff / PAGE);
        names.raw(name.as_bytes()).u8(0);
        count += 1;
    }
    let mut b = Bytes::default();
    b.u64(count).u64(PAGE).raw(&ranges.0).raw(&names.0);
    b.0
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn other_architectures_are_named() {
        let core = CoreEntry {
            mtype: 3,
            ..Default::default()
        };
        let e = check_architecture(&core, 7).unwrap_err();
        assert_eq!(
            e,
            "thread 7 is of architecture AARCH64: only X86_64 is supported yet"
        );
    }

    #[test]
    fn pending_signals_are_a_mask() {
        let siginfo = |signo: i32| crate::criu::proto::SiginfoEntry {
            siginfo: signo.to_le_bytes().into_iter().chain([0; 124]).collect(),
        };
        let q = SignalQueueEntry {
            signals: vec![siginfo(10), siginfo(2), siginfo(99)],
        };
        assert_eq!(signal_set(&q), (1 << 9) | (1 << 1));
        // The thread's own queue first; a siginfo of the wrong size is none.
        let core = CoreEntry {
            thread_core: Some(crate::criu::proto::ThreadCoreEntry {
                signals_p: Some(SignalQueueEntry {
                    signals: vec![
                        crate::criu::proto::SiginfoEntry {
                            siginfo: vec![1; 7],
                        },
                        siginfo(10),
                    ],
                }),
                ..Default::default()
            }),
            ..Default::default()
        };
        assert_eq!(first_pending(&core).map(|s| s[0]), Some(10));
        assert_eq!(first_pending(&CoreEntry::default()), None);
    }
}
