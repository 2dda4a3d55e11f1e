//! Extension headers waiting for the member they describe, and the PAX
//! global header, which describes none.

use super::block::{self, flag};
use super::member::Member;
use super::pax::{self, Records};

/// Extension headers waiting for their member.
#[derive(Default)]
pub(super) struct Pending {
    pub(super) pax: Option<Records>,
    pub(super) long_name: Option<Vec<u8>>,
    pub(super) long_link: Option<Vec<u8>>,
    pub(super) notes: Vec<String>,
}

impl Pending {
    pub(super) fn any(&self) -> bool {
        self.pax.is_some() || self.long_name.is_some() || self.long_link.is_some()
    }
}

/// A PAX global header, handed out as `archive/tar` does (the runtime's
/// extraction ignores it); what it drops or what other readers make of it
/// noted.
pub(super) fn global(
    header: block::Header,
    records: Records,
    offset: u64,
    pos: u64,
    pending: Pending,
) -> Member {
    let dropped = pending.any();
    let mut notes = pending.notes;
    if dropped {
        notes.push(
            "extension headers before a PAX global header apply to nothing (Go's archive/tar \
             drops them)"
                .into(),
        );
    }
    let keys: Vec<&str> = ["path", "linkpath", "size"]
        .into_iter()
        .filter(|k| records.get(k.as_bytes()).is_some())
        .collect();
    if !keys.is_empty() {
        notes.push(format!(
            "a PAX global header sets `{}`: Go's archive/tar ignores it for the entries that \
             follow, other readers apply it to all of them",
            keys.join("`, `")
        ));
    }
    let name = records
        .applied(pax::PATH)
        .map_or(header.name, <[u8]>::to_vec);
    Member {
        typeflag: flag::PAX_GLOBAL,
        name,
        linkname: Vec::new(),
        size: 0,
        mode: 0,
        mtime: header.mtime,
        header_offset: offset,
        data_offset: pos,
        data_size: 0,
        sparse: false,
        global: true,
        ambiguities: notes,
    }
}
