//! CRIU images built in code: the head magics, length-prefixed records,
//! and the few messages the tests need, wrapped in a Podman-shaped archive.

use ckpt::criu::proto::*;
use prost::Message;

use super::{Item, file, plain, podman_items};

pub const COMMON: u32 = 0x5456_4319;

/// An image: the head magics for `magic` (crit's name) and the records.
pub fn image(magic: &str, records: &[Vec<u8>]) -> Vec<u8> {
    let mut out = COMMON.to_le_bytes().to_vec();
    out.extend(ckpt::criu::magic::value(magic).unwrap().to_le_bytes());
    for r in records {
        out.extend((r.len() as u32).to_le_bytes());
        out.extend(r);
    }
    out
}

pub fn pstree(entries: &[(u32, u32)]) -> Vec<u8> {
    let records: Vec<Vec<u8>> = entries
        .iter()
        .map(|&(pid, ppid)| {
            PstreeEntry {
                pid,
                ppid,
                pgid: 1,
                sid: 1,
                threads: vec![pid],
            }
            .encode_to_vec()
        })
        .collect();
    image("PSTREE", &records)
}

pub fn core(comm: &str) -> Vec<u8> {
    let core = CoreEntry {
        mtype: 1,
        thread_info: None,
        tc: Some(TaskCoreEntry {
            task_state: 1,
            comm: comm.to_owned(),
            ..Default::default()
        }),
        ..Default::default()
    };
    image("CORE", &[core.encode_to_vec()])
}

pub fn ids(files_id: u32) -> Vec<u8> {
    let ids = TaskKobjIdsEntry {
        files_id,
        ..Default::default()
    };
    image("IDS", &[ids.encode_to_vec()])
}

pub fn mm(arg: (u64, u64), env: (u64, u64)) -> Vec<u8> {
    let mm = MmEntry {
        mm_arg_start: arg.0,
        mm_arg_end: arg.1,
        mm_env_start: env.0,
        mm_env_end: env.1,
        ..Default::default()
    };
    image("MM", &[mm.encode_to_vec()])
}

pub fn pagemap(pages_id: u32, runs: &[(u64, u64)]) -> Vec<u8> {
    let mut records = vec![PagemapHead { pages_id }.encode_to_vec()];
    for &(vaddr, nr_pages) in runs {
        records.push(
            PagemapEntry {
                vaddr,
                compat_nr_pages: 0,
                in_parent: None,
                flags: Some(PE_PRESENT),
                nr_pages: Some(nr_pages),
                ..Default::default()
            }
            .encode_to_vec(),
        );
    }
    image("PAGEMAP", &records)
}

/// A Podman-shaped archive around these checkpoint/ images (which take the
/// place of [`podman_items`]' placeholders of the same name).
pub fn archive(images: Vec<(&str, Vec<u8>)>) -> Vec<u8> {
    let names: Vec<String> = images
        .iter()
        .map(|(n, _)| format!("checkpoint/{n}"))
        .collect();
    let mut items: Vec<Item> = podman_items()
        .into_iter()
        .filter(|item| !matches!(item, Item::File(name, _) if names.contains(name)))
        .collect();
    for (name, data) in images {
        items.push(file(&format!("checkpoint/{name}"), data));
    }
    plain(&items)
}

/// `mm` with one private anonymous VMA per `(start, end)`.
pub fn mm_with_vmas(arg: (u64, u64), env: (u64, u64), vmas: &[(u64, u64)]) -> Vec<u8> {
    let mm = MmEntry {
        mm_arg_start: arg.0,
        mm_arg_end: arg.1,
        mm_env_start: env.0,
        mm_env_end: env.1,
        vmas: vmas
            .iter()
            .map(|&(start, end)| VmaEntry {
                start,
                end,
                prot: 3,                   // PROT_READ | PROT_WRITE
                flags: MAP_PRIVATE | 0x20, // MAP_ANONYMOUS
                status: VMA_AREA_REGULAR | VMA_ANON_PRIVATE,
                fd: -1,
                ..Default::default()
            })
            .collect(),
        ..Default::default()
    };
    image("MM", &[mm.encode_to_vec()])
}
