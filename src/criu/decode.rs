//! Any supported image to JSON, as `crit decode --pretty` prints it:
//! `{"magic": "PSTREE", "entries": [...]}`.

use serde::Serialize;
use serde_json::{Value, json};

use super::image::{Image, ImageError, Records};
use super::pretty;
use super::proto::*;

/// Decodes a whole image (not a raw one such as `pages-*.img`) to crit's
/// JSON. Fields this crate does not decode are absent.
pub fn to_json(bytes: &[u8]) -> Result<Value, ImageError> {
    let image = Image::parse(bytes)?;
    let magic = image.magic_name().ok_or(ImageError::BadMagic {
        found: image.magic(),
    })?;
    let mut records = image.records();
    let entries = match magic {
        "INVENTORY" => all::<InventoryEntry>(&mut records)?,
        "PSTREE" => all::<PstreeEntry>(&mut records)?,
        "CORE" => all::<CoreEntry>(&mut records)?,
        "IDS" => all::<TaskKobjIdsEntry>(&mut records)?,
        "FS" => all::<FsEntry>(&mut records)?,
        "MM" => all::<MmEntry>(&mut records)?,
        "FDINFO" => all::<FdinfoEntry>(&mut records)?,
        "STATS" => all::<StatsEntry>(&mut records)?,
        "PAGEMAP" => pagemap(&mut records)?,
        "FILES" => all::<FileEntry>(&mut records)?,
        "MNTS" => all::<MntEntry>(&mut records)?,
        "UTSNS" => all::<UtsnsEntry>(&mut records)?,
        "TIMENS" => all::<TimensEntry>(&mut records)?,
        "IPC_VAR" => all::<IpcVarEntry>(&mut records)?,
        "NETNS" => all::<NetnsEntry>(&mut records)?,
        "NETDEV" => all::<NetDeviceEntry>(&mut records)?,
        "CGROUP" => all::<CgroupEntry>(&mut records)?,
        "SECCOMP" => all::<SeccompEntry>(&mut records)?,
        "PIPES_DATA" | "FIFO_DATA" => with_extra::<PipeDataEntry>(&mut records, |e, r| {
            Ok(base64_value(r.payload(u64::from(e.bytes))?))
        })?,
        "SK_QUEUES" => with_extra::<SkPacketEntry>(&mut records, |e, r| {
            Ok(base64_value(r.payload(u64::from(e.length))?))
        })?,
        "TCP_STREAM" => with_extra::<TcpStreamEntry>(&mut records, |e, r| {
            let inq = base64_value(r.payload(u64::from(e.inq_len))?);
            let outq = base64_value(r.payload(u64::from(e.outq_len))?);
            Ok(json!({ "inq": inq, "outq": outq }))
        })?,
        "GHOST_FILE" => ghost_file(&mut records)?,
        // Older CRIU kept each kind of file in an image of its own, before
        // files.img; crit still reads them.
        "REG_FILES" => all::<RegFileEntry>(&mut records)?,
        "INETSK" => all::<InetSkEntry>(&mut records)?,
        "UNIXSK" => all::<UnixSkEntry>(&mut records)?,
        "PACKETSK" => all::<PacketSockEntry>(&mut records)?,
        "NETLINK_SK" => all::<NetlinkSkEntry>(&mut records)?,
        "NS_FILES" => all::<NsFileEntry>(&mut records)?,
        "EVENTFD_FILE" => all::<EventfdFileEntry>(&mut records)?,
        "EVENTPOLL_FILE" => all::<EventpollFileEntry>(&mut records)?,
        "EVENTPOLL_TFD" => all::<EventpollTfdEntry>(&mut records)?,
        "SIGNALFD" => all::<SignalfdEntry>(&mut records)?,
        "TIMERFD" => all::<TimerfdEntry>(&mut records)?,
        "INOTIFY_FILE" => all::<InotifyFileEntry>(&mut records)?,
        "INOTIFY_WD" => all::<InotifyWdEntry>(&mut records)?,
        "FANOTIFY_FILE" => all::<FanotifyFileEntry>(&mut records)?,
        "FANOTIFY_MARK" => all::<FanotifyMarkEntry>(&mut records)?,
        "PIPES" => all::<PipeEntry>(&mut records)?,
        "FIFO" => all::<FifoEntry>(&mut records)?,
        "TUNFILE" => all::<TunfileEntry>(&mut records)?,
        "EXT_FILES" => all::<ExtFileEntry>(&mut records)?,
        "TTY_FILES" => all::<TtyFileEntry>(&mut records)?,
        "TTY_INFO" => all::<TtyInfoEntry>(&mut records)?,
        "TTY_DATA" => all::<TtyDataEntry>(&mut records)?,
        "MEMFD_INODE" => all::<MemfdInodeEntry>(&mut records)?,
        "IRMAP_CACHE" => all::<IrmapCacheEntry>(&mut records)?,
        other => {
            return Err(ImageError::Invalid {
                what: format!("{other} images are not decoded"),
            });
        }
    };
    Ok(json!({ "magic": magic, "entries": entries }))
}

fn value<T: Serialize>(v: &T) -> Result<Value, ImageError> {
    serde_json::to_value(v).map_err(|e| ImageError::Invalid {
        what: e.to_string(),
    })
}

/// Every record as `M`.
fn all<M: prost::Message + Default + Serialize>(
    records: &mut Records<'_>,
) -> Result<Vec<Value>, ImageError> {
    let mut out = Vec::new();
    for record in records {
        out.push(value(&record?.decode::<M>()?)?);
    }
    Ok(out)
}

/// Every record as `M`, each with the raw payload after it (which `extra`
/// takes from `records`, checking its length) under `"extra"`, as crit's
/// extra handlers print it.
fn with_extra<M: prost::Message + Default + Serialize>(
    records: &mut Records<'_>,
    extra: impl Fn(&M, &mut Records<'_>) -> Result<Value, ImageError>,
) -> Result<Vec<Value>, ImageError> {
    let mut out = Vec::new();
    while let Some(record) = records.next_record() {
        let entry = record?.decode::<M>()?;
        let mut v = value(&entry)?;
        let extra = extra(&entry, records)?;
        if let Value::Object(map) = &mut v {
            map.insert("extra".to_owned(), extra);
        }
        out.push(v);
    }
    Ok(out)
}

/// Raw bytes as crit prints them under `"extra"`: `base64.encodebytes`.
fn base64_value(bytes: &[u8]) -> Value {
    Value::String(pretty::base64_lines(bytes))
}

/// A `ghost_file_entry`, then either `ghost_chunk_entry` records each
/// followed by `len` bytes, or the whole contents as the rest of the image
/// (crit's `ghost_file_handler`).
fn ghost_file(records: &mut Records<'_>) -> Result<Vec<Value>, ImageError> {
    let head = match records.next_record() {
        Some(record) => record?.decode::<GhostFileEntry>()?,
        None => {
            return Err(ImageError::Missing {
                message: "GhostFileEntry",
            });
        }
    };
    let mut first = value(&head)?;
    if head.chunks == Some(true) {
        let mut out = vec![first];
        out.extend(with_extra::<GhostChunkEntry>(records, |c, r| {
            Ok(base64_value(r.payload(c.len)?))
        })?);
        Ok(out)
    } else {
        if let Value::Object(map) = &mut first {
            map.insert("extra".to_owned(), base64_value(records.rest()));
        }
        Ok(vec![first])
    }
}

/// A `pagemap_head`, then `pagemap_entry` records.
fn pagemap(records: &mut Records<'_>) -> Result<Vec<Value>, ImageError> {
    let mut out = Vec::new();
    if let Some(head) = records.next_record() {
        out.push(value(&head?.decode::<PagemapHead>()?)?);
    }
    out.extend(all::<PagemapEntry>(records)?);
    Ok(out)
}

#[cfg(test)]
mod tests {
    use prost::Message;

    use super::*;
    use crate::criu::magic::{IMG_COMMON_MAGIC, value as magic};

    /// An image of `name` with these records, each followed by its payload.
    fn image(name: &str, records: &[(Vec<u8>, &[u8])]) -> Vec<u8> {
        let mut out = IMG_COMMON_MAGIC.to_le_bytes().to_vec();
        out.extend_from_slice(&magic(name).unwrap().to_le_bytes());
        for (record, payload) in records {
            out.extend_from_slice(&(record.len() as u32).to_le_bytes());
            out.extend_from_slice(record);
            out.extend_from_slice(payload);
        }
        out
    }

    fn pipe_data(pipe_id: u32, bytes: u32) -> Vec<u8> {
        PipeDataEntry {
            pipe_id,
            bytes,
            size: None,
        }
        .encode_to_vec()
    }

    #[test]
    fn payloads_after_records() {
        let bytes = image(
            "PIPES_DATA",
            &[(pipe_data(7, 3), b"abc"), (pipe_data(8, 0), b"")],
        );
        let json = to_json(&bytes).unwrap();
        assert_eq!(
            json,
            json!({"magic": "PIPES_DATA", "entries": [
                {"pipe_id": 7, "bytes": 3, "extra": "YWJj\n"},
                {"pipe_id": 8, "bytes": 0, "extra": ""},
            ]})
        );

        let stream = TcpStreamEntry {
            inq_len: 2,
            outq_len: 1,
            opt_mask: 5,
            ..Default::default()
        };
        let bytes = image("TCP_STREAM", &[(stream.encode_to_vec(), b"inO")]);
        let json = to_json(&bytes).unwrap();
        assert_eq!(json["entries"][0]["opt_mask"], "0x5");
        assert_eq!(
            json["entries"][0]["extra"],
            json!({"inq": "aW4=\n", "outq": "Tw==\n"})
        );
    }

    #[test]
    fn payload_lengths_are_checked() {
        // A length larger than the image, then one that eats the next record.
        let bytes = image("FIFO_DATA", &[(pipe_data(1, u32::MAX), b"short")]);
        assert!(matches!(
            to_json(&bytes),
            Err(ImageError::TooLong { len, available: 5, .. }) if len == u64::from(u32::MAX)
        ));
        let bytes = image(
            "PIPES_DATA",
            &[(pipe_data(1, 6), b"abc"), (pipe_data(2, 0), b"")],
        );
        assert!(to_json(&bytes).is_err());

        let packet = SkPacketEntry {
            id_for: 3,
            length: 4,
            scm: Vec::new(),
        };
        let bytes = image("SK_QUEUES", &[(packet.encode_to_vec(), b"abc")]);
        assert!(matches!(
            to_json(&bytes),
            Err(ImageError::TooLong { len: 4, .. })
        ));

        let stream = TcpStreamEntry {
            inq_len: 2,
            outq_len: 2,
            ..Default::default()
        };
        let bytes = image("TCP_STREAM", &[(stream.encode_to_vec(), b"abc")]);
        assert!(matches!(
            to_json(&bytes),
            Err(ImageError::TooLong {
                len: 2,
                available: 1,
                ..
            })
        ));
    }

    #[test]
    fn ghost_files_whole_or_in_chunks() {
        let head = GhostFileEntry {
            uid: 0,
            gid: 0,
            mode: 0o100644,
            ..Default::default()
        };
        let bytes = image("GHOST_FILE", &[(head.encode_to_vec(), b"abc")]);
        let json = to_json(&bytes).unwrap();
        assert_eq!(json["entries"][0]["extra"], "YWJj\n");

        let head = GhostFileEntry {
            chunks: Some(true),
            ..head
        };
        let chunk = |len, off| GhostChunkEntry { len, off }.encode_to_vec();
        let bytes = image(
            "GHOST_FILE",
            &[
                (head.encode_to_vec(), b""),
                (chunk(1, 0), b"a"),
                (chunk(2, 4096), b"bc"),
            ],
        );
        let json = to_json(&bytes).unwrap();
        let entries = json["entries"].as_array().unwrap();
        assert_eq!(entries.len(), 3);
        assert_eq!(
            entries[2],
            json!({"len": 2, "off": 4096, "extra": "YmM=\n"})
        );

        let bytes = image(
            "GHOST_FILE",
            &[(head.encode_to_vec(), b""), (chunk(9, 0), b"a")],
        );
        assert!(matches!(
            to_json(&bytes),
            Err(ImageError::TooLong { len: 9, .. })
        ));
        assert!(matches!(
            to_json(&image("GHOST_FILE", &[])),
            Err(ImageError::Missing { .. })
        ));
    }
}
