//! ELF64 core files, little-endian: the file header, program headers and
//! notes, as the kernel writes them (`fs/binfmt_elf.c`). Nothing here
//! depends on the architecture but the machine number passed in.

/// Page size of the memory written, and alignment of the first segment.
pub(super) const PAGE: u64 = 4096;
/// Size of the ELF64 file header.
pub(super) const EHDR_SIZE: u64 = 64;
/// Size of one ELF64 program header.
pub(super) const PHDR_SIZE: u64 = 56;
/// Most program headers without the extended numbering (`PN_XNUM`).
pub(super) const MAX_PHDRS: usize = 0xfffe;

/// `PT_LOAD`: a memory area.
pub(super) const PT_LOAD: u32 = 1;
/// `PT_NOTE`: the notes.
pub(super) const PT_NOTE: u32 = 4;
/// Segment flags.
pub(super) const PF_X: u32 = 1;
/// Writable.
pub(super) const PF_W: u32 = 2;
/// Readable.
pub(super) const PF_R: u32 = 4;

/// Note types of the `CORE` owner.
pub(super) const NT_PRSTATUS: u32 = 1;
/// Floating point registers (`user_fpregs_struct`).
pub(super) const NT_PRFPREG: u32 = 2;
/// Process information (`elf_prpsinfo`).
pub(super) const NT_PRPSINFO: u32 = 3;
/// A signal's `siginfo_t`.
pub(super) const NT_SIGINFO: u32 = 0x5349_4749;
/// The auxiliary vector.
pub(super) const NT_AUXV: u32 = 6;
/// The mapped files.
pub(super) const NT_FILE: u32 = 0x4649_4c45;
/// x86's XSAVE area (owner `LINUX`).
pub(super) const NT_X86_XSTATE: u32 = 0x202;

/// Little-endian bytes put one after the other.
#[derive(Debug, Default)]
pub(super) struct Bytes(pub Vec<u8>);

impl Bytes {
    /// `n` bytes of capacity.
    pub(super) fn with_capacity(n: usize) -> Bytes {
        Bytes(Vec::with_capacity(n))
    }
    /// A byte.
    pub(super) fn u8(&mut self, v: u8) -> &mut Self {
        self.0.push(v);
        self
    }
    /// A 16-bit word.
    pub(super) fn u16(&mut self, v: u16) -> &mut Self {
        self.0.extend_from_slice(&v.to_le_bytes());
        self
    }
    /// A 32-bit word.
    pub(super) fn u32(&mut self, v: u32) -> &mut Self {
        self.0.extend_from_slice(&v.to_le_bytes());
        self
    }
    /// A 64-bit word.
    pub(super) fn u64(&mut self, v: u64) -> &mut Self {
        self.0.extend_from_slice(&v.to_le_bytes());
        self
    }
    /// Raw bytes.
    pub(super) fn raw(&mut self, v: &[u8]) -> &mut Self {
        self.0.extend_from_slice(v);
        self
    }
    /// `v` cut or padded with NULs to `n` bytes.
    pub(super) fn fixed(&mut self, v: &[u8], n: usize) -> &mut Self {
        let v = v.get(..n).unwrap_or(v);
        self.0.extend_from_slice(v);
        self.zeros(n - v.len())
    }
    /// `n` zero bytes.
    pub(super) fn zeros(&mut self, n: usize) -> &mut Self {
        self.0.resize(self.0.len() + n, 0);
        self
    }
    /// Zeros up to a multiple of `align` bytes.
    pub(super) fn align(&mut self, align: usize) -> &mut Self {
        let n = self.0.len().next_multiple_of(align) - self.0.len();
        self.zeros(n)
    }
}

/// The file header of a core file of `phnum` program headers, at byte
/// `phoff` (right after it, or after the memory in a stream).
pub(super) fn file_header(machine: u16, phoff: u64, phnum: u16) -> Vec<u8> {
    let mut b = Bytes::with_capacity(EHDR_SIZE as usize);
    // ELFCLASS64, ELFDATA2LSB, EV_CURRENT, ELFOSABI_NONE.
    b.raw(b"\x7fELF").u8(2).u8(1).u8(1).u8(0).zeros(8);
    b.u16(4) // ET_CORE
        .u16(machine)
        .u32(1) // EV_CURRENT
        .u64(0) // e_entry
        .u64(phoff) // e_phoff
        .u64(0) // e_shoff
        .u32(0) // e_flags
        .u16(EHDR_SIZE as u16)
        .u16(PHDR_SIZE as u16)
        .u16(phnum)
        .u16(0) // e_shentsize
        .u16(0) // e_shnum
        .u16(0); // e_shstrndx
    b.0
}

/// One program header.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) struct ProgramHeader {
    /// `PT_LOAD` or `PT_NOTE`.
    pub(super) kind: u32,
    /// `PF_*`.
    pub(super) flags: u32,
    /// Where its bytes are in the file.
    pub(super) offset: u64,
    /// Its address in memory (0 for notes).
    pub(super) vaddr: u64,
    /// Bytes in the file.
    pub(super) filesz: u64,
    /// Bytes in memory.
    pub(super) memsz: u64,
    /// Alignment.
    pub(super) align: u64,
}

impl ProgramHeader {
    /// Its 56 bytes.
    pub(super) fn bytes(&self, out: &mut Bytes) {
        out.u32(self.kind)
            .u32(self.flags)
            .u64(self.offset)
            .u64(self.vaddr)
            .u64(0) // p_paddr
            .u64(self.filesz)
            .u64(self.memsz)
            .u64(self.align);
    }
}

/// Notes, one after the other: name and description each padded to 4
/// bytes.
pub(super) fn note(out: &mut Bytes, name: &str, kind: u32, desc: &[u8]) {
    let name = name.as_bytes();
    out.u32(name.len() as u32 + 1)
        .u32(desc.len() as u32)
        .u32(kind)
        .raw(name)
        .u8(0)
        .align(4)
        .raw(desc)
        .align(4);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn headers_and_notes_have_their_sizes() {
        let h = file_header(62, EHDR_SIZE, 3);
        assert_eq!(h.len(), EHDR_SIZE as usize);
        assert_eq!(&h[..4], b"\x7fELF");
        assert_eq!(u16::from_le_bytes([h[16], h[17]]), 4);
        assert_eq!(u16::from_le_bytes([h[56], h[57]]), 3);
        let mut b = Bytes::default();
        ProgramHeader {
            kind: PT_LOAD,
            flags: PF_R,
            offset: 4096,
            vaddr: 0x1000,
            filesz: 0,
            memsz: 4096,
            align: PAGE,
        }
        .bytes(&mut b);
        assert_eq!(b.0.len(), PHDR_SIZE as usize);
        let mut n = Bytes::default();
        note(&mut n, "CORE", NT_AUXV, &[1, 2, 3]);
        // 12 + "CORE\0" padded to 8 + 3 padded to 4.
        assert_eq!(n.0.len(), 12 + 8 + 4);
        assert_eq!(&n.0[12..17], b"CORE\0");
    }
}
