//! PAX extended header records (`"%d %s=%s\n"`), parsed as Go's
//! `archive/tar` parses them: a later record of the same key replaces an
//! earlier one (the tar crate keeps the first, which is where readers of
//! the same bytes part ways, so a repeat is reported), GNU sparse 0.0
//! offset/size pairs are gathered in order into `GNU.sparse.map`.

use std::collections::BTreeMap;

/// `path`.
pub(super) const PATH: &[u8] = b"path";
/// `linkpath`.
pub(super) const LINKPATH: &[u8] = b"linkpath";
/// `size`.
pub(super) const SIZE: &[u8] = b"size";
/// Keys whose value `archive/tar` parses as a number or a time: a value
/// that does not parse makes the header invalid.
const NUMERIC: [&[u8]; 6] = [b"size", b"uid", b"gid", b"atime", b"mtime", b"ctime"];
/// Keys whose value may not hold a NUL.
const STRINGS: [&[u8]; 4] = [b"path", b"linkpath", b"uname", b"gname"];

const SPARSE_OFFSET: &[u8] = b"GNU.sparse.offset";
const SPARSE_NUMBYTES: &[u8] = b"GNU.sparse.numbytes";
pub(super) const SPARSE_MAP: &[u8] = b"GNU.sparse.map";

/// The records of one extended header.
#[derive(Debug, Default, Clone)]
pub(super) struct Records {
    /// The last value of each key.
    pub(super) map: BTreeMap<Vec<u8>, Vec<u8>>,
    /// Keys given more than once, in order of their second appearance.
    pub(super) repeated: Vec<Vec<u8>>,
}

impl Records {
    pub(super) fn get(&self, key: &[u8]) -> Option<&[u8]> {
        self.map.get(key).map(Vec::as_slice)
    }

    /// The value `archive/tar` applies to the member: an empty value keeps
    /// the header block's.
    pub(super) fn applied(&self, key: &[u8]) -> Option<&[u8]> {
        self.get(key).filter(|v| !v.is_empty())
    }
}

/// Parses the data of a PAX header; `None` where `archive/tar` fails with
/// `ErrHeader`.
pub(super) fn parse(mut data: &[u8]) -> Option<Records> {
    let mut records = Records::default();
    let mut sparse: Vec<&[u8]> = Vec::new();
    while !data.is_empty() {
        let (key, value, rest) = record(data)?;
        data = rest;
        if key == SPARSE_OFFSET || key == SPARSE_NUMBYTES {
            let expected = if sparse.len().is_multiple_of(2) {
                SPARSE_OFFSET
            } else {
                SPARSE_NUMBYTES
            };
            if key != expected || value.contains(&b',') {
                return None;
            }
            sparse.push(value);
            continue;
        }
        if records.map.insert(key.to_vec(), value.to_vec()).is_some() {
            records.repeated.push(key.to_vec());
        }
    }
    if !sparse.is_empty() {
        records
            .map
            .insert(SPARSE_MAP.to_vec(), sparse.join(&b","[..]));
    }
    Some(records)
}

/// One record: its key, value and what follows.
fn record(s: &[u8]) -> Option<(&[u8], &[u8], &[u8])> {
    let space = memchr::memchr(b' ', s)?;
    let digits = &s[..space];
    let n = parse_decimal(digits)?;
    if n < 5 || n > s.len() as i64 {
        return None;
    }
    let n = usize::try_from(n).ok()?;
    // The length counts the digits, the space, the record and its newline.
    let rest = &s[space + 1..];
    let body_len = n.checked_sub(space + 1).filter(|&l| l > 0)?;
    let body = rest.get(..body_len)?;
    let (record, newline) = body.split_at(body_len - 1);
    if newline != b"\n" {
        return None;
    }
    let eq = memchr::memchr(b'=', record)?;
    let (key, value) = (&record[..eq], &record[eq + 1..]);
    if key.is_empty() {
        return None;
    }
    let nul = if STRINGS.contains(&key) {
        value.contains(&0)
    } else {
        key.contains(&0)
    };
    if nul {
        return None;
    }
    Some((key, value, &rest[body_len..]))
}

/// A decimal as Go's `strconv.ParseInt(s, 10, 64)` reads it: an optional
/// sign, digits only, no overflow.
pub(super) fn parse_decimal(s: &[u8]) -> Option<i64> {
    let (negative, digits) = match s.first() {
        Some(b'-') => (true, &s[1..]),
        Some(b'+') => (false, &s[1..]),
        _ => (false, s),
    };
    if digits.is_empty() {
        return None;
    }
    let mut x: i64 = 0;
    for &c in digits {
        if !c.is_ascii_digit() {
            return None;
        }
        let d = i64::from(c - b'0');
        x = if negative {
            x.checked_mul(10)?.checked_sub(d)?
        } else {
            x.checked_mul(10)?.checked_add(d)?
        };
    }
    Some(x)
}

/// A PAX time (`seconds[.fraction]`) as `archive/tar` accepts it.
fn valid_time(s: &[u8]) -> bool {
    let (secs, frac) = match memchr::memchr(b'.', s) {
        Some(at) => (&s[..at], Some(&s[at + 1..])),
        None => (s, None),
    };
    parse_decimal(secs).is_some() && frac.is_none_or(|f| f.iter().all(u8::is_ascii_digit))
}

/// Whether the records `archive/tar` applies to a member parse: `None` if
/// they do, else the first key that does not.
pub(super) fn invalid_key(records: &Records) -> Option<&[u8]> {
    NUMERIC.iter().copied().find(|&key| {
        records.applied(key).is_some_and(|v| match key {
            b"atime" | b"mtime" | b"ctime" => !valid_time(v),
            _ => parse_decimal(v).is_none(),
        })
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// One record, its length counted.
    fn rec(key: &str, value: &str) -> Vec<u8> {
        let body = format!(" {key}={value}\n");
        let mut n = body.len() + 1;
        while (n.to_string() + &body).len() != n {
            n += 1;
        }
        format!("{n}{body}").into_bytes()
    }

    #[test]
    fn a_later_record_replaces_an_earlier_one_and_is_reported() {
        let r = parse(&[rec("path", "harmless"), rec("path", "config.dump")].concat()).unwrap();
        assert_eq!(r.get(PATH), Some(&b"config.dump"[..]));
        assert_eq!(r.repeated, vec![b"path".to_vec()]);
    }

    #[test]
    fn malformed_records_fail_as_in_go() {
        assert!(parse(b"4 a=\n").is_none(), "length under 5");
        assert!(parse(b"99 path=x\n").is_none(), "length past the end");
        assert!(parse(b"10 path=x\0\n").is_none(), "NUL in a path");
        assert!(parse(b"7 =abc\n").is_none(), "empty key");
        assert!(parse(b"9 path=xy").is_none(), "no newline");
        assert!(parse(b"").unwrap().map.is_empty());
    }

    #[test]
    fn sparse_pairs_must_alternate() {
        let pairs = [
            rec("GNU.sparse.offset", "0"),
            rec("GNU.sparse.numbytes", "5"),
        ];
        let ok = parse(&pairs.concat()).unwrap();
        assert_eq!(ok.get(SPARSE_MAP), Some(&b"0,5"[..]));
        assert!(parse(&pairs[1]).is_none());
        assert_eq!(rec("path", "x"), b"9 path=x\n");
    }

    #[test]
    fn decimals_follow_strconv() {
        assert_eq!(parse_decimal(b"-12"), Some(-12));
        assert_eq!(parse_decimal(b"+7"), Some(7));
        assert_eq!(parse_decimal(b"1_0"), None);
        assert_eq!(parse_decimal(b"99999999999999999999"), None);
    }
}
