//! Each CRIU message decoder, through [`ImageSet::insert`]: the first byte
//! picks the image kind, the rest is the image (a valid head is put in
//! front, so that the fuzzer spends its time in the records).

#![no_main]

use ckpt::Limits;
use ckpt::criu::{ImageKind, magic};
use ckpt::model::ImageSet;
use libfuzzer_sys::fuzz_target;

const KINDS: &[ImageKind] = &[
    ImageKind::Inventory,
    ImageKind::Pstree,
    ImageKind::Core,
    ImageKind::Ids,
    ImageKind::Fs,
    ImageKind::Mm,
    ImageKind::Pagemap,
    ImageKind::Fdinfo,
    ImageKind::Files,
    ImageKind::Mountpoints,
    ImageKind::StatsDump,
];

fuzz_target!(|data: &[u8]| {
    let Some((&pick, rest)) = data.split_first() else {
        return;
    };
    let kind = KINDS[usize::from(pick) % KINDS.len()];
    let Some(name) = kind.magic() else {
        return;
    };
    let Some(value) = magic::value(name) else {
        return;
    };
    let mut bytes = Vec::with_capacity(rest.len() + 8);
    match name {
        "INVENTORY" => bytes.extend(value.to_le_bytes()),
        "STATS" => {
            bytes.extend(magic::IMG_SERVICE_MAGIC.to_le_bytes());
            bytes.extend(value.to_le_bytes());
        }
        _ => {
            bytes.extend(magic::IMG_COMMON_MAGIC.to_le_bytes());
            bytes.extend(value.to_le_bytes());
        }
    }
    bytes.extend_from_slice(rest);
    let limits = Limits {
        max_records: 1 << 16,
        ..Limits::default()
    };
    let mut set = ImageSet::default();
    let id = (pick & 0x80 == 0).then_some(1);
    if set.insert(kind, id, &bytes, &limits).is_ok() {
        let _ = serde_json::to_string(&set);
    }
});
