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

/// An image's magics and its records (`inventory.img` has one magic, the
/// others two).
pub fn records(image: &[u8]) -> (Vec<u8>, Vec<Vec<u8>>) {
    let magics = if image.starts_with(&COMMON.to_le_bytes()) {
        8
    } else {
        4
    };
    let mut records = Vec::new();
    let mut at = magics;
    while at < image.len() {
        let len = u32::from_le_bytes(image[at..at + 4].try_into().unwrap()) as usize;
        records.push(image[at + 4..at + 4 + len].to_vec());
        at += 4 + len;
    }
    (image[..magics].to_vec(), records)
}

/// An image of these magics and records.
pub fn image_of(head: &[u8], records: &[Vec<u8>]) -> Vec<u8> {
    let mut out = head.to_vec();
    for r in records {
        out.extend((r.len() as u32).to_le_bytes());
        out.extend(r);
    }
    out
}

/// The members of a fixture's tar (a plain one), as items to change and
/// write again with [`plain`](super::plain).
pub fn fixture_items(name: &str) -> Vec<Item> {
    let raw = std::fs::read(super::fixture(name)).unwrap();
    let mut items = Vec::new();
    for entry in tar::Archive::new(raw.as_slice()).entries().unwrap() {
        let mut entry = entry.unwrap();
        let name = entry.path().unwrap().display().to_string();
        if entry.header().entry_type().is_dir() {
            items.push(super::dir(&name));
        } else {
            let mut data = Vec::new();
            std::io::Read::read_to_end(&mut entry, &mut data).unwrap();
            items.push(file(&name, data));
        }
    }
    items
}
