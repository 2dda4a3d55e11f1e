//! `memparse --search` / `--search-regex`: matches in process memory, as
//! checkpointctl's table (with `--pid`) or with the process and kind of
//! memory of each (without).

use std::path::Path;

use ckpt::memory::search::{MemorySearch, Pattern, ProcessHit, SearchResults};
use ckpt::{Warning, WarningKind};
use serde::Serialize;

use super::super::advice::advise;
use super::super::args::{TableFormat, open};
use super::super::progress::with_progress;
use super::super::report::{emit, warn};
use super::super::{table, text};
use super::args::{Args, Failure, check_pid, json, options};

/// checkpointctl's rendering of matched bytes: printable ASCII as is,
/// anything else as `?`.
fn printable(bytes: &[u8]) -> String {
    bytes
        .iter()
        .map(|&b| {
            if (32..127).contains(&b) {
                b as char
            } else {
                '?'
            }
        })
        .collect()
}

/// A hit as `--format json` prints it.
#[derive(Serialize)]
struct HitJson<'a> {
    pid: u32,
    address: String,
    vaddr: u64,
    pages_file: String,
    file_offset: u64,
    #[serde(skip_serializing_if = "Option::is_none")]
    vma: Option<&'static str>,
    #[serde(rename = "match")]
    matched: String,
    match_hex: String,
    before: String,
    after: String,
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    truncated: bool,
    #[serde(skip)]
    _hit: &'a ProcessHit,
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

pub(super) fn run(
    args: &Args,
    path: &Path,
    pattern: &Pattern,
    context: usize,
) -> Result<(), Failure> {
    let source = open(path)?;
    let name = source.name().to_owned();
    let progress = source.progress();
    let options = options(args);
    let mut sink = MemorySearch::new(pattern, context, args.filter(), args.max_hits);
    let checkpoint = with_progress(progress, || ckpt::read_with(source, &options, &mut sink))?;
    let SearchResults { hits, stopped, .. } = sink.finish();
    if let Some(pid) = args.pid {
        check_pid(&checkpoint, pid)?;
    }
    let mut warnings = checkpoint.warnings.clone();
    if stopped {
        warnings.push(Warning::new(
            WarningKind::SearchStopped,
            None,
            format!(
                "the search stopped at {} matches (--max-hits {}); the rest of the memory was not searched",
                args.max_hits, args.max_hits
            ),
        ));
    }
    advise(&mut warnings);
    warn(&name, &warnings);
    let shown = args
        .search
        .clone()
        .or_else(|| args.search_regex.clone())
        .unwrap_or_default();
    let out = match args.format {
        TableFormat::Json => {
            let list: Vec<HitJson<'_>> = hits
                .iter()
                .map(|h| HitJson {
                    pid: h.pid,
                    address: format!("{:#x}", h.hit.vaddr),
                    vaddr: h.hit.vaddr,
                    pages_file: format!("pages-{}.img", h.pages_id),
                    file_offset: h.hit.file_offset,
                    vma: h.vma.map(|k| k.name()),
                    matched: printable(&h.hit.matched),
                    match_hex: hex(&h.hit.matched),
                    before: printable(&h.hit.before),
                    after: printable(&h.hit.after),
                    truncated: h.hit.truncated,
                    _hit: h,
                })
                .collect();
            json(&list)
        }
        TableFormat::Table if hits.is_empty() => match args.pid {
            Some(pid) => format!(
                "No matches for pattern \"{}\" in the memory of PID {pid}\n",
                text::clean(&shown)
            ),
            None => format!(
                "No matches for pattern \"{}\" in the memory of any process\n",
                text::clean(&shown)
            ),
        },
        TableFormat::Table => {
            let mut instance = 0;
            let mut last_pid = None;
            let rows: Vec<Vec<String>> = hits
                .iter()
                .map(|h| {
                    if last_pid != Some(h.pid) {
                        instance = 0;
                        last_pid = Some(h.pid);
                    }
                    instance += 1;
                    let shown = format!(
                        "{}{}{}",
                        printable(&h.hit.before),
                        printable(&h.hit.matched),
                        printable(&h.hit.after)
                    );
                    let mut row = Vec::new();
                    if args.pid.is_none() {
                        row.push(h.pid.to_string());
                    }
                    row.push(format!("{:016x}", h.hit.vaddr));
                    if args.pid.is_none() {
                        row.push(h.vma.map(|k| k.name()).unwrap_or("?").to_owned());
                    }
                    row.push(shown);
                    row.push(instance.to_string());
                    row
                })
                .collect();
            let header: &[&str] = if args.pid.is_some() {
                &["Address", "Match", "Instance"]
            } else {
                &["PID", "Address", "VMA", "Match", "Instance"]
            };
            table::render(header, &rows)
        }
    };
    emit(&out).map_err(Failure::Quiet)
}
