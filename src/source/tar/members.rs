//! From header blocks to members, as Go's `archive/tar` goes: extension
//! headers (PAX `x` and `g`, GNU `L` and `K`) applied to the member that
//! follows them with its precedence, read whole only up to 1 MiB; sizes,
//! padding, sparse maps and the end of the archive handled as it handles
//! them. What other readers would see differently in the same bytes is
//! noted as an [`Ambiguity`].

use std::io::{Read, Seek};

use super::block::{self, BLOCK, Block, flag, header_only};
use super::member::{Member, Members, Step, WalkError, first_block, invalid, show};
use super::pax;
use super::pending::{Pending, global};
use super::sparse::{self, PaxSparse};
use super::tracked::Tracked;

/// Most bytes of an extension header (PAX records, GNU long name) that
/// are read, as in `archive/tar`.
pub(crate) const MAX_EXTENSION: u64 = 1 << 20;

impl Members {
    /// Skips what is left of the last member; whether the input ended in
    /// its padding (a clean end for `archive/tar`).
    fn skip_rest<R: Read + Seek>(&mut self, r: &mut Tracked<R>) -> Result<bool, WalkError> {
        if let Some(len) = self.input_len {
            if self.data_end > len {
                return Err(WalkError::Truncated);
            }
            if self.next_header > len {
                return Ok(true);
            }
        }
        if r.pos < self.data_end {
            r.skip(self.data_end - r.pos)?;
        }
        if r.pos < self.next_header {
            let mut pad = [0u8; BLOCK];
            let want = (self.next_header - r.pos) as usize;
            if r.fill(&mut pad[..want.min(BLOCK)])? < want {
                return Ok(true);
            }
        }
        Ok(false)
    }

    /// The next member (or the end).
    pub(super) fn next<R: Read + Seek>(&mut self, r: &mut Tracked<R>) -> Result<Step, WalkError> {
        let mut pending = Pending::default();
        loop {
            let end = |marker, pending: Pending| {
                let dangling = pending.any().then(|| {
                    "extension headers at the end of the archive apply to no entry".to_owned()
                });
                Ok(Step::End { marker, dangling })
            };
            if self.skip_rest(r)? {
                return end(false, pending);
            }
            let offset = r.pos;
            let mut blk: Block = [0; BLOCK];
            match r.fill(&mut blk)? {
                0 => return end(false, pending),
                BLOCK => {}
                n if offset == 0 => {
                    let got = blk.get(..n).unwrap_or_default();
                    return Err(first_block(got, "shorter than one tar header block"));
                }
                _ => return Err(WalkError::Truncated),
            }
            if blk.iter().all(|&c| c == 0) {
                match r.fill(&mut blk)? {
                    0 => return end(true, pending),
                    BLOCK if blk.iter().all(|&c| c == 0) => return end(true, pending),
                    BLOCK => {
                        return Err(invalid(
                            offset,
                            "a zero block is followed by a header: Go's archive/tar refuses this",
                        ));
                    }
                    _ => return Err(WalkError::Truncated),
                }
            }
            let header = block::parse(&blk).map_err(|e| match offset {
                0 => first_block(&blk, e.to_string()),
                _ => invalid(offset, e.to_string()),
            })?;
            let raw_size = header.size;
            self.sized(r.pos, header.typeflag, raw_size, offset)?;
            match header.typeflag {
                flag::PAX | flag::PAX_GLOBAL => {
                    let data = self.special(r, offset, raw_size, "PAX extended header")?;
                    let records = pax::parse(&data)
                        .ok_or_else(|| invalid(offset, "invalid PAX extended header records"))?;
                    if header.typeflag == flag::PAX_GLOBAL {
                        return Ok(Step::Member(global(
                            header, records, offset, r.pos, pending,
                        )));
                    }
                    if !records.repeated.is_empty() {
                        let keys: Vec<String> = records.repeated.iter().map(|k| show(k)).collect();
                        pending.notes.push(format!(
                            "PAX key `{}` is repeated in one extended header: the last value is \
                             used, as Go's archive/tar does; other readers take the first",
                            keys.join("`, `")
                        ));
                    }
                    if pending.pax.replace(records).is_some() {
                        pending.notes.push(
                            "two PAX extended headers precede one entry: the second replaces the \
                             first, as Go's archive/tar does"
                                .into(),
                        );
                    }
                }
                flag::GNU_LONG_NAME | flag::GNU_LONG_LINK => {
                    let what = if header.typeflag == flag::GNU_LONG_NAME {
                        "GNU long name"
                    } else {
                        "GNU long link name"
                    };
                    let data = self.special(r, offset, raw_size, what)?;
                    let value = block::cstr(&data).to_vec();
                    let slot = if header.typeflag == flag::GNU_LONG_NAME {
                        &mut pending.long_name
                    } else {
                        &mut pending.long_link
                    };
                    if slot.replace(value).is_some() {
                        pending.notes.push(format!(
                            "two {what} headers precede one entry: the last is used"
                        ));
                    }
                }
                _ => {
                    return self
                        .member(r, blk, header, offset, pending)
                        .map(Step::Member);
                }
            }
        }
    }

    /// Checks a header's size and sets where its data ends.
    fn sized(&mut self, pos: u64, typeflag: u8, size: i64, offset: u64) -> Result<(), WalkError> {
        let data = if header_only(typeflag) { 0 } else { size };
        let data = u64::try_from(data).map_err(|_| invalid(offset, "negative entry size"))?;
        self.data(pos, data);
        Ok(())
    }

    /// The data of an extension header, refused above [`MAX_EXTENSION`].
    fn special<R: Read + Seek>(
        &mut self,
        r: &mut Tracked<R>,
        offset: u64,
        size: i64,
        what: &str,
    ) -> Result<Vec<u8>, WalkError> {
        let size = u64::try_from(size).unwrap_or(u64::MAX);
        if size > MAX_EXTENSION {
            return Err(invalid(
                offset,
                format!(
                    "{what} of {size} bytes: more than the {MAX_EXTENSION} Go's archive/tar reads"
                ),
            ));
        }
        let mut data = vec![0u8; size as usize];
        if r.fill(&mut data)? < data.len() {
            return Err(WalkError::Truncated);
        }
        Ok(data)
    }

    /// A member header, with the extension headers before it applied.
    fn member<R: Read + Seek>(
        &mut self,
        r: &mut Tracked<R>,
        blk: Block,
        header: block::Header,
        offset: u64,
        mut pending: Pending,
    ) -> Result<Member, WalkError> {
        let mut name = header.name.clone();
        let mut linkname = header.linkname.clone();
        let mut size = header.size;
        let records = pending.pax.take().unwrap_or_default();
        if let Some(key) = pax::invalid_key(&records) {
            return Err(invalid(
                offset,
                format!("PAX record `{}` does not parse", show(key)),
            ));
        }
        for (key, field) in [(pax::PATH, "path"), (pax::LINKPATH, "linkpath")] {
            if records.get(key).is_some_and(<[u8]>::is_empty) {
                pending.notes.push(format!(
                    "an empty PAX `{field}`: Go's archive/tar keeps the header's value, other \
                     readers take it empty"
                ));
            }
        }
        if let Some(v) = records.applied(pax::PATH) {
            name = v.to_vec();
        }
        if let Some(v) = records.applied(pax::LINKPATH) {
            linkname = v.to_vec();
        }
        let mut mtime = header.mtime;
        if let Some(v) = records.applied(b"mtime") {
            // Go parses `seconds[.fraction]`; checked by `invalid_key`.
            let whole = v.split(|&b| b == b'.').next().unwrap_or_default();
            if let Some(s) = std::str::from_utf8(whole).ok().and_then(|s| s.parse().ok()) {
                mtime = s;
            }
        }
        if let Some(v) = records.applied(pax::SIZE) {
            // Checked by `invalid_key`.
            size = pax::parse_decimal(v).unwrap_or(0);
            if header.size != 0 && header.size != size {
                pending.notes.push(format!(
                    "the PAX size ({size}) differs from the header's ({}): readers that ignore \
                     PAX headers find the next entry elsewhere",
                    header.size
                ));
            }
        }
        if let Some(long) = pending.long_name.take().filter(|n| !n.is_empty()) {
            if records.applied(pax::PATH).is_some_and(|p| p != long) {
                pending.notes.push(
                    "both a GNU long name and a PAX path name this entry: the GNU name is used, \
                     as Go's archive/tar does"
                        .into(),
                );
            }
            name = long;
        }
        if let Some(long) = pending.long_link.take().filter(|n| !n.is_empty()) {
            linkname = long;
        }
        let mut typeflag = header.typeflag;
        if typeflag == flag::REG_A {
            typeflag = if name.ends_with(b"/") {
                flag::DIR
            } else {
                flag::REG
            };
        }
        self.sized(r.pos, typeflag, size, offset)?;
        let physical = self.data_end - r.pos;
        let mut sparse = false;
        if typeflag == flag::GNU_SPARSE {
            size = self.old_gnu_sparse(r, &blk, header.format, offset, physical)?;
            sparse = true;
        } else if let Some(version) = sparse::pax_version(&records) {
            if let Some(n) = records.applied(b"GNU.sparse.name") {
                name = n.to_vec();
            }
            let bad = || invalid(offset, "invalid PAX sparse headers");
            if let Some(s) = sparse::pax_size(&records).map_err(|()| bad())? {
                size = s;
            }
            let map = match version {
                PaxSparse::Records => sparse::map_from_records(&records).ok_or_else(bad)?,
                PaxSparse::InData => self.map_in_data(r, offset)?,
            };
            if header_only(typeflag) || !sparse::valid(&map, size) {
                return Err(bad());
            }
            sparse = true;
        }
        let data_offset = r.pos;
        Ok(Member {
            typeflag,
            name,
            linkname,
            size: u64::try_from(size).unwrap_or(0),
            // Go keeps the low bits of what parses; so does a mode_t.
            mode: header.mode as u32,
            mtime,
            header_offset: offset,
            data_offset,
            data_size: self.data_end.saturating_sub(data_offset),
            sparse,
            global: false,
            ambiguities: pending.notes,
        })
    }
}
