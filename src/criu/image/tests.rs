//! The framing's errors, each built byte by byte.

use super::*;

fn image(head: &[u32], records: &[&[u8]]) -> Vec<u8> {
    let mut out = Vec::new();
    for h in head {
        out.extend_from_slice(&h.to_le_bytes());
    }
    for r in records {
        out.extend_from_slice(&(r.len() as u32).to_le_bytes());
        out.extend_from_slice(r);
    }
    out
}

#[test]
fn common_service_and_inventory_heads() {
    let bytes = image(&[IMG_COMMON_MAGIC, 0x5027_3030], &[b"ab", b""]);
    let img = Image::parse(&bytes).unwrap();
    assert_eq!(img.magic_name(), Some("PSTREE"));
    let records: Vec<_> = img.records().map(|r| r.unwrap()).collect();
    assert_eq!(records.len(), 2);
    assert_eq!((records[0].offset, records[0].bytes), (8, &b"ab"[..]));
    assert_eq!(records[1].offset, 14);

    let bytes = image(&[IMG_SERVICE_MAGIC, 0x5709_3306], &[b"x"]);
    assert_eq!(Image::parse(&bytes).unwrap().magic_name(), Some("STATS"));

    let bytes = image(&[INVENTORY_MAGIC], &[b"xyz"]);
    let img = Image::parse(&bytes).unwrap();
    assert_eq!(img.magic_name(), Some("INVENTORY"));
    assert_eq!(img.records().next().unwrap().unwrap().offset, 4);
}

#[test]
fn bad_heads() {
    assert!(matches!(
        Image::parse(b"ab"),
        Err(ImageError::TooShort { len: 2 })
    ));
    assert!(matches!(
        Image::parse(&IMG_COMMON_MAGIC.to_le_bytes()),
        Err(ImageError::TooShort { len: 4 })
    ));
    assert!(matches!(
        Image::parse(&[1, 2, 3, 4, 5]),
        Err(ImageError::BadMagic { found: 0x0403_0201 })
    ));
    let bytes = image(&[IMG_COMMON_MAGIC, 0x5505_3847], &[]);
    assert!(matches!(
        Image::parse_expecting(&bytes, "PSTREE"),
        Err(ImageError::WrongMagic {
            expected: "PSTREE",
            found: 0x5505_3847
        })
    ));
}

#[test]
fn length_prefix_larger_than_the_image() {
    let mut bytes = image(&[IMG_COMMON_MAGIC, 0x5027_3030], &[b"ok"]);
    bytes.extend_from_slice(&u32::MAX.to_le_bytes());
    bytes.extend_from_slice(b"short");
    let mut records = Image::parse(&bytes).unwrap().records();
    assert!(records.next().unwrap().is_ok());
    match records.next() {
        Some(Err(ImageError::TooLong {
            offset,
            len,
            available,
        })) => assert_eq!((offset, len, available), (14, u64::from(u32::MAX), 5)),
        other => panic!("{other:?}"),
    }
    assert!(records.next().is_none());
}

#[test]
fn fields_counted_without_decoding() {
    // field 10 (length-delimited) twice, field 1 (varint), field 2
    // (fixed64), field 3 (fixed32).
    let msg = [
        0x52, 2, 0xaa, 0xbb, 0x08, 0x96, 0x01, 0x52, 0, 0x11, 1, 2, 3, 4, 5, 6, 7, 8, 0x1d, 1, 2,
        3, 4,
    ];
    assert_eq!(count_field(&msg, 10).unwrap(), 2);
    assert_eq!(count_field(&msg, 1).unwrap(), 1);
    assert_eq!(count_field(&msg, 4).unwrap(), 0);
    // A length past the end, a varint that never ends, a group.
    assert!(count_field(&[0x52, 5, 1], 10).is_err());
    assert!(count_field(&[0x08, 0xff, 0xff], 1).is_err());
    assert!(count_field(&[0x0b], 1).is_err());
    let huge = [
        0x52, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01,
    ];
    assert!(count_field(&huge, 10).is_err());
}

#[test]
fn records_decoded_up_to_a_limit() {
    let bytes = image(&[IMG_COMMON_MAGIC, 0x5027_3030], &[b"", b"", b""]);
    let img = Image::parse(&bytes).unwrap();
    assert!(matches!(
        img.decode_at_most::<crate::criu::proto::TaskKobjIdsEntry>(2, LimitKind::Records),
        Err(ImageError::Limit {
            limit: LimitKind::Records,
            max: 2,
            ..
        })
    ));
    assert_eq!(
        img.decode_at_most::<crate::criu::proto::TaskKobjIdsEntry>(3, LimitKind::Records)
            .unwrap()
            .len(),
        3
    );
}

#[test]
fn truncated_length_prefix_and_payload() {
    let mut bytes = image(&[IMG_COMMON_MAGIC, 0x5027_3030], &[b"ok"]);
    bytes.extend_from_slice(&[1, 0]);
    let mut records = Image::parse(&bytes).unwrap().records();
    assert!(records.next().unwrap().is_ok());
    assert!(matches!(
        records.next(),
        Some(Err(ImageError::Truncated { offset: 14 }))
    ));

    let bytes = image(&[IMG_COMMON_MAGIC, 0x5645_3709], &[b"rec"]);
    let mut records = Image::parse(&bytes).unwrap().records();
    records.next().unwrap().unwrap();
    assert!(matches!(
        records.payload(10),
        Err(ImageError::TooLong { len: 10, .. })
    ));
}
