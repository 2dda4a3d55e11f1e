//! The CRIU image framing, on its own so that it can be tested and fuzzed
//! alone.
//!
//! ```text
//! regular image:   u32 IMG_COMMON_MAGIC  | u32 image magic | { u32 len | len bytes of protobuf }*
//! service image:   u32 IMG_SERVICE_MAGIC | u32 image magic | ...          (stats-dump)
//! inventory.img:   u32 INVENTORY_MAGIC   | { u32 len | protobuf }*
//! raw image:       no header at all (pages-*.img, tmpfs-*.tar.gz.img, …)
//! ```
//!
//! All integers are little-endian (as CRIU writes them on x86_64). Some
//! images carry a raw payload right after a record (pipe data after a
//! `pipe_data_entry`); [`Records::payload`] takes it.
//!
//! Its tests (each framing error built byte by byte) are in
//! `image/tests.rs`.

use super::magic::{IMG_COMMON_MAGIC, IMG_SERVICE_MAGIC, INVENTORY_MAGIC};
use crate::options::LimitKind;

/// Why an image could not be decoded.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ImageError {
    /// Fewer bytes than the magic needs.
    #[error("{len} bytes, too short for an image header")]
    TooShort {
        /// Bytes in the image.
        len: usize,
    },
    /// The first word is no image head magic.
    #[error("unknown magic {found:#010x}")]
    BadMagic {
        /// The word found.
        found: u32,
    },
    /// The image magic is not the one the image's name calls for.
    #[error("image magic {found:#010x} ({}), expected {expected}", super::magic::name(*found).unwrap_or("unknown"))]
    WrongMagic {
        /// The name of the expected magic.
        expected: &'static str,
        /// The magic found.
        found: u32,
    },
    /// The image ends inside a length prefix or a payload.
    #[error("truncated at byte {offset}")]
    Truncated {
        /// Offset in the image where more bytes were needed.
        offset: usize,
    },
    /// A length prefix (or a payload length) is larger than what is left.
    #[error("record at byte {offset} declares {len} bytes, only {available} left")]
    TooLong {
        /// Offset of the length prefix.
        offset: usize,
        /// The declared length.
        len: u64,
        /// Bytes left in the image.
        available: usize,
    },
    /// A record is not a valid protobuf message of the expected type.
    #[error("record at byte {offset} is not a valid {message}")]
    Decode {
        /// Offset of the record's length prefix.
        offset: usize,
        /// The protobuf message expected.
        message: &'static str,
        /// What prost said.
        #[source]
        source: prost::DecodeError,
    },
    /// The image holds no record where one is needed.
    #[error("no {message} record")]
    Missing {
        /// The protobuf message expected.
        message: &'static str,
    },
    /// A value in a record is out of the range it can have.
    #[error("{what}")]
    Invalid {
        /// What is wrong.
        what: String,
    },
    /// The image holds more than one of the [`Limits`] allows.
    ///
    /// [`Limits`]: crate::Limits
    #[error("over the limit of {max} {}", limit.counts())]
    Limit {
        /// Which limit.
        limit: LimitKind,
        /// The limit in force.
        max: u64,
    },
}

/// A CRIU image: its magic and the records after it.
#[derive(Debug, Clone, Copy)]
pub struct Image<'a> {
    magic: u32,
    body: &'a [u8],
    header_len: usize,
}

fn u32_at(bytes: &[u8], at: usize) -> Option<u32> {
    let word = bytes.get(at..at.checked_add(4)?)?;
    Some(u32::from_le_bytes([word[0], word[1], word[2], word[3]]))
}

impl<'a> Image<'a> {
    /// Reads the head of an image.
    pub fn parse(bytes: &'a [u8]) -> Result<Image<'a>, ImageError> {
        let first = u32_at(bytes, 0).ok_or(ImageError::TooShort { len: bytes.len() })?;
        match first {
            INVENTORY_MAGIC => Ok(Image {
                magic: INVENTORY_MAGIC,
                body: &bytes[4..],
                header_len: 4,
            }),
            IMG_COMMON_MAGIC | IMG_SERVICE_MAGIC => {
                let magic = u32_at(bytes, 4).ok_or(ImageError::TooShort { len: bytes.len() })?;
                Ok(Image {
                    magic,
                    body: &bytes[8..],
                    header_len: 8,
                })
            }
            found => Err(ImageError::BadMagic { found }),
        }
    }

    /// Reads the head of an image and checks its magic against crit's name
    /// for it (`"PSTREE"`, `"CORE"`, …).
    pub fn parse_expecting(
        bytes: &'a [u8],
        expected: &'static str,
    ) -> Result<Image<'a>, ImageError> {
        let image = Image::parse(bytes)?;
        if super::magic::value(expected) != Some(image.magic) {
            return Err(ImageError::WrongMagic {
                expected,
                found: image.magic,
            });
        }
        Ok(image)
    }

    /// The image magic (the second word, or the first for inventory).
    pub fn magic(&self) -> u32 {
        self.magic
    }

    /// crit's name for the magic, if known.
    pub fn magic_name(&self) -> Option<&'static str> {
        super::magic::name(self.magic)
    }

    /// The records after the head.
    pub fn records(&self) -> Records<'a> {
        Records {
            body: self.body,
            pos: 0,
            base: self.header_len,
            failed: false,
        }
    }

    /// Decodes every record as `M`.
    pub fn decode_all<M: prost::Message + Default>(&self) -> Result<Vec<M>, ImageError> {
        self.decode_at_most(u64::MAX, LimitKind::Records)
    }

    /// Decodes every record as `M`, or fails with [`ImageError::Limit`]
    /// (naming `limit`) at the record after the `max`th.
    pub fn decode_at_most<M: prost::Message + Default>(
        &self,
        max: u64,
        limit: LimitKind,
    ) -> Result<Vec<M>, ImageError> {
        let mut records = self.records();
        let mut out = Vec::new();
        let mut count: u64 = 0;
        while let Some(record) = records.next_record() {
            count += 1;
            if count > max {
                return Err(ImageError::Limit { limit, max });
            }
            out.push(record?.decode()?);
        }
        Ok(out)
    }

    /// Decodes the first record as `M` (images that hold one: core, mm, ids,
    /// fs, inventory, stats).
    pub fn decode_one<M: prost::Message + Default>(&self) -> Result<M, ImageError> {
        match self.records().next_record() {
            Some(record) => record?.decode(),
            None => Err(ImageError::Missing {
                message: short_type_name::<M>(),
            }),
        }
    }
}

fn short_type_name<M>() -> &'static str {
    let full = std::any::type_name::<M>();
    full.rsplit("::").next().unwrap_or(full)
}

/// One length-prefixed record.
#[derive(Debug, Clone, Copy)]
pub struct Record<'a> {
    /// Offset of the length prefix in the image.
    pub offset: usize,
    /// The protobuf bytes.
    pub bytes: &'a [u8],
}

impl Record<'_> {
    /// Decodes the record as `M`.
    pub fn decode<M: prost::Message + Default>(&self) -> Result<M, ImageError> {
        M::decode(self.bytes).map_err(|source| ImageError::Decode {
            offset: self.offset,
            message: short_type_name::<M>(),
            source,
        })
    }
}

/// How many times field `number` occurs at the top level of the protobuf
/// message `bytes`, without decoding it: a walk over the tags, so that a
/// repeated field can be counted before it is allocated.
pub fn count_field(bytes: &[u8], number: u32) -> Result<u64, ImageError> {
    fn varint(bytes: &[u8], pos: &mut usize) -> Option<u64> {
        let mut value: u64 = 0;
        for shift in (0..64).step_by(7) {
            let b = *bytes.get(*pos)?;
            *pos += 1;
            value |= u64::from(b & 0x7f) << shift;
            if b & 0x80 == 0 {
                return Some(value);
            }
        }
        None
    }
    let bad = |pos: usize| ImageError::Invalid {
        what: format!("malformed protobuf at byte {pos} of a record"),
    };
    let mut pos = 0;
    let mut count = 0;
    while pos < bytes.len() {
        let start = pos;
        let key = varint(bytes, &mut pos).ok_or_else(|| bad(start))?;
        if key >> 3 == u64::from(number) {
            count += 1;
        }
        let skip = match key & 7 {
            0 => {
                varint(bytes, &mut pos).ok_or_else(|| bad(start))?;
                0
            }
            1 => 8,
            2 => varint(bytes, &mut pos).ok_or_else(|| bad(start))?,
            5 => 4,
            _ => return Err(bad(start)),
        };
        pos = usize::try_from(skip)
            .ok()
            .and_then(|n| pos.checked_add(n))
            .filter(|&end| end <= bytes.len())
            .ok_or_else(|| bad(start))?;
    }
    Ok(count)
}

/// The records of an image, in order. Ends after the first error.
#[derive(Debug, Clone)]
pub struct Records<'a> {
    body: &'a [u8],
    pos: usize,
    base: usize,
    failed: bool,
}

impl<'a> Records<'a> {
    /// Offset in the image of what comes next.
    pub fn offset(&self) -> usize {
        self.base + self.pos
    }

    fn left(&self) -> usize {
        self.body.len() - self.pos
    }

    /// Takes `len` bytes, checked against what is left.
    fn take(&mut self, len: u64) -> Result<&'a [u8], ImageError> {
        let offset = self.offset();
        let available = self.left();
        match usize::try_from(len) {
            Ok(n) if n <= available => {
                let out = &self.body[self.pos..self.pos + n];
                self.pos += n;
                Ok(out)
            }
            _ => {
                self.failed = true;
                Err(ImageError::TooLong {
                    offset,
                    len,
                    available,
                })
            }
        }
    }

    /// The next record, `None` at the end of the image.
    pub fn next_record(&mut self) -> Option<Result<Record<'a>, ImageError>> {
        if self.failed || self.pos == self.body.len() {
            return None;
        }
        let offset = self.offset();
        let Some(len) = u32_at(self.body, self.pos) else {
            self.failed = true;
            return Some(Err(ImageError::Truncated { offset }));
        };
        self.pos += 4;
        let record = match self.take(u64::from(len)) {
            Ok(bytes) => Ok(Record { offset, bytes }),
            // Name the record by its length prefix.
            Err(ImageError::TooLong { len, available, .. }) => Err(ImageError::TooLong {
                offset,
                len,
                available,
            }),
            Err(e) => Err(e),
        };
        Some(record)
    }

    /// The raw payload of `len` bytes that follows the last record.
    pub fn payload(&mut self, len: u64) -> Result<&'a [u8], ImageError> {
        self.take(len)
    }

    /// Skips `len` bytes of padding or payload.
    pub fn skip(&mut self, len: u64) -> Result<(), ImageError> {
        self.take(len).map(|_| ())
    }

    /// Everything not read yet.
    pub fn rest(&mut self) -> &'a [u8] {
        let out = &self.body[self.pos..];
        self.pos = self.body.len();
        out
    }
}

impl<'a> Iterator for Records<'a> {
    type Item = Result<Record<'a>, ImageError>;

    fn next(&mut self) -> Option<Self::Item> {
        self.next_record()
    }
}

#[cfg(test)]
mod tests;
