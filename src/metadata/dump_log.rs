//! `dump.log`: what CRIU's log of the dump says about the CRIU and the
//! kernel that wrote the images.
//!
//! CRIU opens every log with two lines (`criu/log.c`):
//!
//! ```text
//! (00.000171) Version: 4.2 (gitid 0)
//! (00.000270) Running on vm Linux 6.18.44-fc-v657 #1 SMP PREEMPT_DYNAMIC @0 x86_64
//! ```
//!
//! the second being `uname`'s node name, system name, release, version
//! (which holds spaces) and machine. Only the head of the log is read
//! ([`DUMP_LOG_HEAD`] bytes): these lines come first, and a log of a
//! verbose dump runs to megabytes.

use serde::Serialize;

/// How much of `dump.log` is read for its header lines.
pub const DUMP_LOG_HEAD: u64 = 16 << 10;

/// What `dump.log` says about the dumping host. Empty strings where the
/// log does not say.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
#[non_exhaustive]
pub struct DumpLog {
    /// The CRIU version that dumped (`4.2`).
    pub criu_version: String,
    /// The kernel release of the dumping host (`6.18.44-fc-v657`).
    pub kernel: String,
    /// Its machine, as `uname -m` names it (`x86_64`).
    pub arch: String,
}

impl DumpLog {
    /// Reads the header lines from the head of a log; `None` when neither
    /// is there (not a CRIU log). Lines that are not valid UTF-8 are
    /// skipped.
    pub fn parse(head: &[u8]) -> Option<DumpLog> {
        let mut log = DumpLog::default();
        for line in head.split(|&b| b == b'\n').take(64) {
            let Ok(line) = std::str::from_utf8(line) else {
                continue;
            };
            // `(seconds.micros) ` before each message.
            let message = match line.strip_prefix('(').and_then(|l| l.split_once(") ")) {
                Some((_, message)) => message,
                None => line,
            };
            if let Some(rest) = message.strip_prefix("Version: ") {
                if log.criu_version.is_empty() {
                    log.criu_version = word(rest.split_whitespace().next());
                }
            } else if let Some(rest) = message.strip_prefix("Running on ") {
                let words: Vec<&str> = rest.split_whitespace().collect();
                // node, sysname, release, version…, machine
                if words.len() >= 4 && log.kernel.is_empty() {
                    log.kernel = word(words.get(2).copied());
                    log.arch = word(words.last().copied());
                }
            }
            if !log.criu_version.is_empty() && !log.kernel.is_empty() {
                break;
            }
        }
        (!log.criu_version.is_empty() || !log.kernel.is_empty()).then_some(log)
    }
}

/// A word of the log, at most 64 characters of it.
fn word(w: Option<&str>) -> String {
    w.unwrap_or_default().chars().take(64).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_the_two_header_lines() {
        let log = b"(00.000000) Unable to get $HOME directory\n\
            (00.000171) Version: 4.2 (gitid 0)\n\
            (00.000270) Running on vm Linux 6.18.44-fc-v657 #1 SMP PREEMPT_DYNAMIC @0 x86_64\n\
            (00.000281) File /run/criu.kdat does not exist\n";
        let log = DumpLog::parse(log).unwrap();
        assert_eq!(log.criu_version, "4.2");
        assert_eq!(log.kernel, "6.18.44-fc-v657");
        assert_eq!(log.arch, "x86_64");
    }

    #[test]
    fn anything_else_is_none() {
        assert_eq!(DumpLog::parse(b""), None);
        assert_eq!(DumpLog::parse(b"hello\nworld\n"), None);
        assert_eq!(DumpLog::parse(b"(0) Running on x\n"), None);
        let only = DumpLog::parse(b"\xff\xfe\n(1.0) Version: 3.19\n").unwrap();
        assert_eq!(
            (only.criu_version.as_str(), only.kernel.as_str()),
            ("3.19", "")
        );
    }
}
