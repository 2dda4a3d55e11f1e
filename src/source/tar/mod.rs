//! The tar walk: one pass over the uncompressed tar stream, read as Go's
//! `archive/tar` reads it (the runtime that restores a checkpoint unpacks
//! it with that package), entries named as the runtime's extraction names
//! them, what other readers would see differently reported, errors named.
//!
//! Why not the `tar` crate's reader: where the formats leave room (a PAX
//! key given twice, a zero block followed by more headers, a GNU long name
//! next to a PAX path, an old Go writer's prefix) it decides differently
//! from Go, and each difference is a way to show ckpt one archive and the
//! runtime another. The crate still writes every tar ckpt builds.

mod block;
mod digest;
mod member;
mod members;
mod pax;
mod pending;
mod sparse;
mod tracked;
mod walk;

use std::collections::HashMap;
use std::collections::hash_map::RandomState;
use std::io::{self, Read};
use std::sync::atomic::Ordering;
use std::sync::{Arc, Mutex, PoisonError};

use block::flag;
use digest::{DigestWalk, hashes};
use member::{Member, Members, Step, WalkError};
use tracked::Tracked;
pub(crate) use walk::Walk;

use super::context::Context;
use super::digests::{Digests, EntryDigest};
use super::hashing::Hashing;
use super::input::State;
use super::stream::TarInput;
use super::taps::EntryTap;
use super::{Input, ReadAt};
use crate::error::{Error, Result};
use crate::layout::{EntryKind, classify, normalize};
use crate::options::LimitKind;
use crate::warning::{Capped, Warning, WarningKind};

/// A tar archive (compressed or not) over a stream or positioned reads.
pub(crate) struct TarWalk<'r> {
    input: Mutex<Tracked<TarInput<'r>>>,
    members: Members,
    pub(crate) walk: Walk,
    /// The positioned reads it was opened on, to read again.
    pub(crate) random: Option<(Arc<dyn ReadAt + 'r>, u64)>,
    /// The digests, when they are wanted.
    digest: Option<DigestWalk<'r>>,
}

impl<'r> TarWalk<'r> {
    /// Opens the tar in `input` (a stream or positioned reads), recognising
    /// its compression from the first bytes. With `digest` (the most bytes
    /// the list of entries may hold), every byte is read and hashed.
    pub(crate) fn new(
        name: Arc<str>,
        input: Input<'r>,
        state: Arc<State>,
        digest: Option<u64>,
    ) -> Result<TarWalk<'r>> {
        let random = match &input {
            Input::Random(random, len) => Some((random.clone(), *len)),
            _ => None,
        };
        let hashing = digest.map(|_| Hashing::start());
        let hasher = hashing.as_ref().map(Hashing::hasher);
        let tap = hasher.clone().map(EntryTap::new);
        let (stream, compression, raw) = TarInput::open(&name, input, state.clone(), hasher)?;
        let seekable = stream.is_seekable();
        let input_len = random.as_ref().map(|r| r.1);
        Ok(TarWalk {
            input: Mutex::new(Tracked {
                inner: stream,
                pos: 0,
                tap,
            }),
            members: Members::new(input_len.filter(|_| seekable)),
            walk: Walk {
                ctx: Context {
                    name,
                    compression,
                    state,
                },
                input_len,
                seekable,
                next_header: 0,
                last_entry: None,
                count: 0,
                warnings: Capped::default(),
                names: HashMap::new(),
                hasher: RandomState::new(),
            },
            random,
            digest: hashing
                .zip(digest)
                .map(|(hashing, limit)| DigestWalk::new(hashing, raw, limit)),
        })
    }

    /// The entries, in archive order.
    pub(crate) fn entries(&mut self) -> Result<TarEntries<'_, 'r>> {
        Ok(TarEntries {
            input: &self.input,
            members: &mut self.members,
            walk: &mut self.walk,
            digest: self.digest.as_mut(),
            done: false,
        })
    }

    /// The digests (see [`DigestWalk::finish`]), once: after the walk, or
    /// after it failed.
    pub(crate) fn take_digests(&mut self) -> Option<Digests> {
        Some(self.digest.take()?.finish())
    }

    /// Reads what follows the end-of-archive marker to the end of the input
    /// (checking a compressed stream's trailer); the sizes of the stream.
    pub(crate) fn finish(&mut self) -> Result<(u64, u64)> {
        let TarWalk { input, walk, .. } = self;
        if walk.seekable {
            let len = walk.input_len.unwrap_or(0);
            return Ok((len, len));
        }
        input
            .get_mut()
            .unwrap_or_else(PoisonError::into_inner)
            .inner
            .drain()
            .map_err(|e| walk.error(WalkError::Io(e), None))?;
        let state = &walk.ctx.state;
        Ok((state.input_pos.load(Ordering::Relaxed), state.tar_pos()))
    }
}

/// The entries of a [`TarWalk`].
pub(crate) struct TarEntries<'a, 'r> {
    input: &'a Mutex<Tracked<TarInput<'r>>>,
    members: &'a mut Members,
    walk: &'a mut Walk,
    digest: Option<&'a mut DigestWalk<'r>>,
    done: bool,
}

impl<'a, 'r> Iterator for TarEntries<'a, 'r> {
    type Item = Result<TarEntry<'a, 'r>>;

    fn next(&mut self) -> Option<Self::Item> {
        loop {
            if self.done {
                return None;
            }
            let step = {
                let Ok(mut input) = self.input.try_lock() else {
                    self.done = true;
                    return Some(Err(self.walk.error(
                        WalkError::Io(io::Error::other("an entry is still being read")),
                        None,
                    )));
                };
                if let Some(digest) = self.digest.as_deref_mut()
                    && let Err(e) = digest.close(&mut input)
                {
                    self.done = true;
                    let last = self.walk.last_entry.clone();
                    return Some(Err(self.walk.error(WalkError::Io(e), last.as_deref())));
                }
                let step = self.members.next(&mut input);
                if self.digest.is_some()
                    && let Ok(Step::Member(m)) = &step
                    && hashes(m)
                    && let Some(tap) = &mut input.tap
                {
                    tap.open(m.data_offset, m.data_offset.saturating_add(m.data_size));
                }
                step
            };
            let member = match step {
                Ok(Step::End { marker, dangling }) => {
                    self.done = true;
                    return self.walk.check_end(marker, dangling).err().map(Err);
                }
                Err(e) => {
                    self.done = true;
                    let last = self.walk.last_entry.clone();
                    return Some(Err(self.walk.error(e, last.as_deref())));
                }
                Ok(Step::Member(member)) => member,
            };
            self.walk.next_header = self.members.next_header();
            let raw_name = String::from_utf8_lossy(&member.name).into_owned();
            for message in &member.ambiguities {
                self.walk.warnings.push(Warning::new(
                    WarningKind::Ambiguous,
                    Some(&raw_name),
                    message.clone(),
                ));
            }
            if member.global {
                // PAX global headers describe the archive, not a member;
                // the runtime's extraction ignores them.
                continue;
            }
            let hashed = hashes(&member);
            let entry = self.entry(member, raw_name);
            if let Some(digest) = self.digest.as_deref_mut() {
                let listed = EntryDigest {
                    name: entry.name.clone(),
                    file_type: entry.file_type(),
                    size: if entry.is_file() { entry.size } else { 0 },
                    sha256: None,
                    link: entry.is_link().then(|| entry.link_target.clone()),
                    sparse: entry.sparse,
                    replaced: false,
                };
                if digest.pending(listed, hashed).is_err() {
                    self.done = true;
                    return Some(Err(Error::LimitExceeded {
                        archive: self.walk.ctx.name.to_string(),
                        entry: entry.name.clone(),
                        offset: Some(entry.header_offset),
                        limit: LimitKind::TotalSize,
                        max: digest.limit,
                    }));
                }
            }
            return Some(Ok(entry));
        }
    }
}

impl<'a, 'r> TarEntries<'a, 'r> {
    fn entry(&mut self, member: Member, raw_name: String) -> TarEntry<'a, 'r> {
        let is_dir = member.typeflag == flag::DIR;
        let (name, kind) = match normalize(&raw_name) {
            Some(name) => {
                self.walk.seen(&name, &raw_name, is_dir);
                let kind = classify(&name, is_dir);
                (name, kind)
            }
            None => {
                if raw_name.split('/').any(|p| p == "..") {
                    self.walk.warnings.push(Warning::new(
                        WarningKind::UnsafeName,
                        Some(&raw_name),
                        "entry name leaves the archive root (`..`): the runtime's extraction \
                         refuses the archive; ckpt ignores the entry",
                    ));
                }
                let kind = if is_dir {
                    EntryKind::Directory
                } else {
                    EntryKind::Other
                };
                (raw_name, kind)
            }
        };
        if !matches!(
            member.typeflag,
            flag::REG
                | flag::LINK
                | flag::SYMLINK
                | flag::CHAR
                | flag::BLOCK
                | flag::DIR
                | flag::FIFO
        ) {
            let what = if member.typeflag == flag::GNU_SPARSE {
                format!(
                    "an old GNU sparse file (type S) declaring {} bytes, never read: the \
                     runtime's extraction refuses this type",
                    member.size
                )
            } else {
                format!(
                    "entry type {:?}: the runtime's extraction refuses it; ckpt does not read it",
                    char::from(member.typeflag)
                )
            };
            self.walk
                .warnings
                .push(Warning::new(WarningKind::Ambiguous, Some(&name), what));
        }
        self.walk.count += 1;
        self.walk.last_entry = Some(name.clone());
        TarEntry {
            input: self.input,
            name,
            kind,
            typeflag: member.typeflag,
            link_target: String::from_utf8_lossy(&member.linkname).into_owned(),
            size: member.size,
            mode: member.mode,
            mtime: member.mtime,
            sparse: member.sparse,
            remaining: if member.sparse { 0 } else { member.data_size },
            header_offset: member.header_offset,
            data_offset: member.data_offset,
            seekable: self.walk.seekable,
            ctx: self.walk.ctx.clone(),
        }
    }
}

/// One member of a tar.
pub(crate) struct TarEntry<'a, 'r> {
    input: &'a Mutex<Tracked<TarInput<'r>>>,
    pub(crate) name: String,
    pub(crate) kind: EntryKind,
    typeflag: u8,
    /// The target of a link, as the archive names it.
    pub(crate) link_target: String,
    pub(crate) size: u64,
    pub(crate) mode: u32,
    pub(crate) mtime: i64,
    sparse: bool,
    remaining: u64,
    pub(crate) header_offset: u64,
    pub(crate) data_offset: u64,
    /// Whether the archive is a plain tar read with seeks.
    pub(crate) seekable: bool,
    pub(crate) ctx: Context,
}

impl TarEntry<'_, '_> {
    /// A regular file, as the runtime extracts it.
    pub(crate) fn is_file(&self) -> bool {
        self.typeflag == flag::REG
    }

    pub(crate) fn is_dir(&self) -> bool {
        self.typeflag == flag::DIR
    }

    pub(crate) fn file_type(&self) -> crate::source::file_type::FileType {
        use crate::source::file_type::FileType;
        match self.typeflag {
            flag::REG => FileType::File,
            flag::DIR => FileType::Directory,
            flag::SYMLINK => FileType::Symlink,
            flag::LINK => FileType::Hardlink,
            flag::CHAR => FileType::CharDevice,
            flag::BLOCK => FileType::BlockDevice,
            flag::FIFO => FileType::Fifo,
            _ => FileType::Other,
        }
    }

    pub(crate) fn is_link(&self) -> bool {
        matches!(self.typeflag, flag::LINK | flag::SYMLINK)
    }

    /// Whether it is a sparse file, whose data ckpt does not read.
    pub(crate) fn is_sparse(&self) -> bool {
        self.sparse
    }
}

impl Read for TarEntry<'_, '_> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        if self.sparse {
            return Err(io::Error::new(
                io::ErrorKind::InvalidData,
                "a sparse entry: ckpt does not read sparse entries",
            ));
        }
        if buf.is_empty() || self.remaining == 0 {
            return Ok(0);
        }
        let want = buf
            .len()
            .min(usize::try_from(self.remaining).unwrap_or(usize::MAX));
        let mut input = self
            .input
            .try_lock()
            .map_err(|_| io::Error::other("the archive is being walked"))?;
        let n = input.read(&mut buf[..want])?;
        if n == 0 {
            return Err(io::Error::new(
                io::ErrorKind::UnexpectedEof,
                format!("archive ends inside {}", self.name),
            ));
        }
        self.remaining -= n as u64;
        Ok(n)
    }
}
