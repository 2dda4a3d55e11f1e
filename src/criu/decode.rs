//! Any supported image to JSON, as `crit decode --pretty` prints it:
//! `{"magic": "PSTREE", "entries": [...]}`, whole ([`to_json`]) or written
//! record by record ([`write_pretty`](super::write::write_pretty)), never
//! holding more than one decoded record.

use serde::Serialize;
use serde_json::{Value, json};

use super::budget;
use super::image::{Image, ImageError, Records};
use super::pretty;
use super::proto::*;
use crate::options::{LimitKind, Limits};

/// Where decoded entries go, one at a time.
pub(crate) type Emit<'e> = &'e mut dyn FnMut(Value) -> Result<(), ImageError>;

/// Decodes a whole image (not a raw one such as `pages-*.img`) to crit's
/// JSON. Fields this crate does not decode are absent.
pub fn to_json(bytes: &[u8]) -> Result<Value, ImageError> {
    let mut entries = Vec::new();
    let magic = each_entry(bytes, &Limits::DEFAULT, &mut |v| {
        entries.push(v);
        Ok(())
    })?;
    Ok(json!({ "magic": magic, "entries": entries }))
}

/// Decodes each record of an image to `emit`, each checked against the
/// limits before it is decoded; the image's magic name.
pub(crate) fn each_entry(
    bytes: &[u8],
    limits: &Limits,
    emit: Emit<'_>,
) -> Result<&'static str, ImageError> {
    let image = Image::parse(bytes)?;
    let magic = image.magic_name().ok_or(ImageError::BadMagic {
        found: image.magic(),
    })?;
    let mut records = Checked {
        records: image.records(),
        limits,
        count: 0,
    };
    let records = &mut records;
    match magic {
        "INVENTORY" => all::<InventoryEntry>(records, emit)?,
        "PSTREE" => all::<PstreeEntry>(records, emit)?,
        "CORE" => all::<CoreEntry>(records, emit)?,
        "IDS" => all::<TaskKobjIdsEntry>(records, emit)?,
        "FS" => all::<FsEntry>(records, emit)?,
        "MM" => all::<MmEntry>(records, emit)?,
        "FDINFO" => all::<FdinfoEntry>(records, emit)?,
        "STATS" => all::<StatsEntry>(records, emit)?,
        "PAGEMAP" => pagemap(records, emit)?,
        "FILES" => all::<FileEntry>(records, emit)?,
        "MNTS" => all::<MntEntry>(records, emit)?,
        "UTSNS" => all::<UtsnsEntry>(records, emit)?,
        "TIMENS" => all::<TimensEntry>(records, emit)?,
        "IPC_VAR" => all::<IpcVarEntry>(records, emit)?,
        "NETNS" => all::<NetnsEntry>(records, emit)?,
        "NETDEV" => all::<NetDeviceEntry>(records, emit)?,
        "CGROUP" => all::<CgroupEntry>(records, emit)?,
        "SECCOMP" => all::<SeccompEntry>(records, emit)?,
        "PIPES_DATA" | "FIFO_DATA" => with_extra::<PipeDataEntry>(records, emit, |e, r| {
            Ok(base64_value(r.payload(u64::from(e.bytes))?))
        })?,
        "SK_QUEUES" => with_extra::<SkPacketEntry>(records, emit, |e, r| {
            Ok(base64_value(r.payload(u64::from(e.length))?))
        })?,
        "TCP_STREAM" => with_extra::<TcpStreamEntry>(records, emit, |e, r| {
            let inq = base64_value(r.payload(u64::from(e.inq_len))?);
            let outq = base64_value(r.payload(u64::from(e.outq_len))?);
            Ok(json!({ "inq": inq, "outq": outq }))
        })?,
        "GHOST_FILE" => ghost_file(records, emit)?,
        "REMAP_FPATH" => all::<RemapFilePathEntry>(records, emit)?,
        // The contents follow the record unless they are in a pagemap
        // (crit reads `size` bytes either way, and finds none).
        "IPCNS_SHM" => with_extra::<IpcShmEntry>(records, emit, |e, r| {
            if e.in_pagemaps == Some(true) {
                return Ok(base64_value(&[]));
            }
            let data = base64_value(r.payload(e.size)?);
            r.skip(e.size.next_multiple_of(4) - e.size)?;
            Ok(data)
        })?,
        // Older CRIU kept each kind of file in an image of its own, before
        // files.img; crit still reads them.
        "REG_FILES" => all::<RegFileEntry>(records, emit)?,
        "INETSK" => all::<InetSkEntry>(records, emit)?,
        "UNIXSK" => all::<UnixSkEntry>(records, emit)?,
        "PACKETSK" => all::<PacketSockEntry>(records, emit)?,
        "NETLINK_SK" => all::<NetlinkSkEntry>(records, emit)?,
        "NS_FILES" => all::<NsFileEntry>(records, emit)?,
        "EVENTFD_FILE" => all::<EventfdFileEntry>(records, emit)?,
        "EVENTPOLL_FILE" => all::<EventpollFileEntry>(records, emit)?,
        "EVENTPOLL_TFD" => all::<EventpollTfdEntry>(records, emit)?,
        "SIGNALFD" => all::<SignalfdEntry>(records, emit)?,
        // crit has no handler for these two.
        "SIGNAL" => signals(records, emit)?,
        "BINFMT_MISC" => all::<BinfmtMiscEntry>(records, emit)?,
        "TIMERFD" => all::<TimerfdEntry>(records, emit)?,
        "INOTIFY_FILE" => all::<InotifyFileEntry>(records, emit)?,
        "INOTIFY_WD" => all::<InotifyWdEntry>(records, emit)?,
        "FANOTIFY_FILE" => all::<FanotifyFileEntry>(records, emit)?,
        "FANOTIFY_MARK" => all::<FanotifyMarkEntry>(records, emit)?,
        "PIPES" => all::<PipeEntry>(records, emit)?,
        "FIFO" => all::<FifoEntry>(records, emit)?,
        "TUNFILE" => all::<TunfileEntry>(records, emit)?,
        "EXT_FILES" => all::<ExtFileEntry>(records, emit)?,
        "TTY_FILES" => all::<TtyFileEntry>(records, emit)?,
        "TTY_INFO" => all::<TtyInfoEntry>(records, emit)?,
        "TTY_DATA" => all::<TtyDataEntry>(records, emit)?,
        "MEMFD_INODE" => all::<MemfdInodeEntry>(records, emit)?,
        "IRMAP_CACHE" => all::<IrmapCacheEntry>(records, emit)?,
        other => {
            return Err(ImageError::Invalid {
                what: format!("{other} images are not decoded"),
            });
        }
    }
    Ok(magic)
}

fn value<T: Serialize>(v: &T) -> Result<Value, ImageError> {
    serde_json::to_value(v).map_err(|e| ImageError::Invalid {
        what: e.to_string(),
    })
}

/// Records, each counted against [`Limits::max_records`] and its decoded
/// size bounded against [`Limits::max_total_size`] before it is decoded.
struct Checked<'a, 'l> {
    records: Records<'a>,
    limits: &'l Limits,
    count: u64,
}

impl<'a> Checked<'a, '_> {
    fn next_record(&mut self) -> Option<Result<super::image::Record<'a>, ImageError>> {
        let record = match self.records.next_record()? {
            Ok(r) => r,
            Err(e) => return Some(Err(e)),
        };
        self.count += 1;
        let limit = |limit, max| Some(Err(ImageError::Limit { limit, max }));
        if self.count > self.limits.max_records {
            return limit(LimitKind::Records, self.limits.max_records);
        }
        let cost = budget::RECORD.saturating_add(budget::decoded_size(
            record.bytes,
            self.limits.max_total_size,
        ));
        if cost > self.limits.max_total_size {
            return limit(LimitKind::TotalSize, self.limits.max_total_size);
        }
        Some(Ok(record))
    }
}

/// Every record as `M`.
fn all<M: prost::Message + Default + Serialize>(
    records: &mut Checked<'_, '_>,
    emit: Emit<'_>,
) -> Result<(), ImageError> {
    while let Some(record) = records.next_record() {
        emit(value(&record?.decode::<M>()?)?)?;
    }
    Ok(())
}

/// Pending signals (`signal-p-<tid>.img`, `signal-s-<pid>.img`): each
/// `siginfo_t` as CRIU saved it, with the number, error and code it
/// starts with (`si_signo`, `si_errno`, `si_code`).
fn signals(records: &mut Checked<'_, '_>, emit: Emit<'_>) -> Result<(), ImageError> {
    while let Some(record) = records.next_record() {
        let entry = record?.decode::<SiginfoEntry>()?;
        let mut v = value(&entry)?;
        let at = |i: usize| entry.siginfo.get(4 * i..4 * i + 4)?.try_into().ok();
        let field = |i: usize| at(i).map(i32::from_le_bytes);
        if let (Value::Object(map), Some(signo), Some(errno), Some(code)) =
            (&mut v, field(0), field(1), field(2))
        {
            map.insert("signo".to_owned(), json!(signo));
            map.insert("errno".to_owned(), json!(errno));
            map.insert("code".to_owned(), json!(code));
        }
        emit(v)?;
    }
    Ok(())
}

/// Every record as `M`, each with the raw payload after it (which `extra`
/// takes from `records`, checking its length) under `"extra"`, as crit's
/// extra handlers print it.
fn with_extra<M: prost::Message + Default + Serialize>(
    records: &mut Checked<'_, '_>,
    emit: Emit<'_>,
    extra: impl Fn(&M, &mut Records<'_>) -> Result<Value, ImageError>,
) -> Result<(), ImageError> {
    while let Some(record) = records.next_record() {
        let entry = record?.decode::<M>()?;
        let mut v = value(&entry)?;
        let extra = extra(&entry, &mut records.records)?;
        if let Value::Object(map) = &mut v {
            map.insert("extra".to_owned(), extra);
        }
        emit(v)?;
    }
    Ok(())
}

/// Raw bytes as crit prints them under `"extra"`: `base64.encodebytes`.
fn base64_value(bytes: &[u8]) -> Value {
    Value::String(pretty::base64_lines(bytes))
}

/// A `ghost_file_entry`, then either `ghost_chunk_entry` records each
/// followed by `len` bytes, or the whole contents as the rest of the image
/// (crit's `ghost_file_handler`).
fn ghost_file(records: &mut Checked<'_, '_>, emit: Emit<'_>) -> Result<(), ImageError> {
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
        emit(first)?;
        with_extra::<GhostChunkEntry>(records, emit, |c, r| Ok(base64_value(r.payload(c.len)?)))
    } else {
        if let Value::Object(map) = &mut first {
            map.insert("extra".to_owned(), base64_value(records.records.rest()));
        }
        emit(first)
    }
}

/// A `pagemap_head`, then `pagemap_entry` records.
fn pagemap(records: &mut Checked<'_, '_>, emit: Emit<'_>) -> Result<(), ImageError> {
    if let Some(head) = records.next_record() {
        emit(value(&head?.decode::<PagemapHead>()?)?)?;
    }
    all::<PagemapEntry>(records, emit)
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
