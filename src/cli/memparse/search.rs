//! `memparse --search` / `--search-regex`: matches in process memory, as
//! checkpointctl's table (with `--pid`) or with the process and kind of
//! memory of each (without).

use std::collections::BTreeMap;
use std::path::Path;

use ckpt::memory::search::{MemorySearch, Pattern, ProcessHit, SearchResults};
use ckpt::{Warning, WarningKind};
use serde::Serialize;

use super::super::advice::advise;
use super::super::args::{TableFormat, open};
use super::super::progress::with_progress;
use super::super::report::{emit, warn};
use super::super::{table, text};
use super::args::{Args, Failure, check_pid, damaged, damaged_early, json, one_container, options};
use super::combine::Combined;

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
    /// The shared memory object (`memfd:NAME`, `sysv:ID`, …) the match is
    /// in, the offset in it, and every process and address mapping it.
    #[serde(skip_serializing_if = "Option::is_none")]
    object: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    object_offset: Option<u64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    mapped_at: Option<Vec<MappedJson>>,
}

/// A process and address that map a match in shared memory.
#[derive(Serialize)]
struct MappedJson {
    pid: u32,
    address: String,
}

/// One row of the table: a match as one process sees it (a match in
/// shared memory has a row for each process that maps it).
struct Row<'a> {
    pid: u32,
    address: u64,
    vma: &'a str,
    hit: &'a ProcessHit,
}

fn rows(hits: &[ProcessHit]) -> Vec<Row<'_>> {
    let mut rows: Vec<Row<'_>> = Vec::with_capacity(hits.len());
    for h in hits {
        match &h.shared {
            Some(s) => rows.extend(s.mapped_at.iter().map(|m| Row {
                pid: m.pid,
                address: m.address,
                vma: &s.object,
                hit: h,
            })),
            None => rows.push(Row {
                pid: h.pid,
                address: h.hit.vaddr,
                vma: h.vma.map_or("?", |k| k.name()),
                hit: h,
            }),
        }
    }
    rows.sort_by_key(|r| (r.pid, r.address));
    rows
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

pub(super) fn run(
    args: &Args,
    path: &Path,
    pattern: &Pattern,
    context: usize,
    combined: &mut Combined,
) -> Result<(), Failure> {
    let source = open(path)?;
    let name = source.name().to_owned();
    let progress = source.progress();
    let options = options(args);
    let mut sink = MemorySearch::new(pattern, context, args.filter(), args.max_hits);
    let checkpoint = with_progress(progress, || ckpt::read_with(source, &options, &mut sink))?;
    let results = sink.finish();
    if checkpoint.pod.is_some() && args.pod.container.is_none() {
        return every_container(args, &name, checkpoint, results, combined);
    }
    let mut checkpoint = one_container(args, checkpoint)?;
    damaged_early(&mut checkpoint)?;
    if let Some(pid) = args.pid {
        check_pid(&checkpoint, pid)?;
    }
    let mut warnings = checkpoint.warnings.clone();
    warnings.extend(stopped(args, &results));
    let out = matches(args, &name, &checkpoint, &results.hits, warnings, combined);
    emit(&out).map_err(Failure::Quiet)?;
    damaged(&mut checkpoint)
}

/// A pod read without `--container`: the matches in each container it
/// holds, headed by pod and container. `--pid` is an error only if no
/// container has the process.
fn every_container(
    args: &Args,
    name: &str,
    mut checkpoint: ckpt::Checkpoint,
    results: SearchResults,
    combined: &mut Combined,
) -> Result<(), Failure> {
    let mut pod_warnings = std::mem::take(&mut checkpoint.warnings);
    pod_warnings.extend(stopped(args, &results));
    advise(&mut pod_warnings);
    warn(name, &pod_warnings);
    let Some(pod) = &checkpoint.pod else {
        return Ok(());
    };
    if let Some(pid) = args.pid {
        let checks: Vec<_> = pod.checkpoints().map(|c| check_pid(c, pid)).collect();
        if let Some(Err(e)) = checks.into_iter().reduce(|a, b| a.or(b)) {
            return Err(e.into());
        }
    }
    combined.several_documents();
    let mut out = String::new();
    let mut damage = checkpoint.damage.clone();
    let mut by_member: BTreeMap<String, Vec<ProcessHit>> = BTreeMap::new();
    for h in results.hits {
        let member = h.container.clone().unwrap_or_default();
        by_member.entry(member).or_default().push(h);
    }
    for member in &pod.containers {
        let Some(c) = member.checkpoint.as_deref() else {
            continue;
        };
        if let Some(d) = &c.damage {
            damage.get_or_insert(d.clone());
        }
        let hits = by_member.remove(member.member.as_str()).unwrap_or_default();
        let heading = match args.format {
            TableFormat::Json => name.to_owned(),
            TableFormat::Table => format!("{name}{}", super::super::pod::heading(c)),
        };
        let warnings = c.warnings.clone();
        out.push_str(&matches(args, &heading, c, &hits, warnings, combined));
    }
    emit(&out).map_err(Failure::Quiet)?;
    match damage {
        Some(d) => Err(Failure::Damage(d)),
        None => Ok(()),
    }
}

/// The warning that the search stopped at `--max-hits`, if it did.
fn stopped(args: &Args, results: &SearchResults) -> Option<Warning> {
    results.stopped.then(|| {
        Warning::new(
            WarningKind::SearchStopped,
            None,
            format!(
                "the search stopped at {} matches (--max-hits {}); the rest of the memory was not searched",
                args.max_hits, args.max_hits
            ),
        )
    })
}

/// The matches `hits` of one container checkpoint, headed by `name` when
/// there are several archives or containers; its `warnings` printed.
fn matches(
    args: &Args,
    name: &str,
    checkpoint: &ckpt::Checkpoint,
    hits: &[ProcessHit],
    mut warnings: Vec<Warning>,
    combined: &mut Combined,
) -> String {
    advise(&mut warnings);
    warn(name, &warnings);
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
                    pages_file: match h.shared.as_ref().and_then(|s| s.file.as_ref()) {
                        Some(file) => file.clone(),
                        None => format!("pages-{}.img", h.pages_id),
                    },
                    file_offset: h.hit.file_offset,
                    vma: h.vma.map(|k| k.name()),
                    matched: printable(&h.hit.matched),
                    match_hex: hex(&h.hit.matched),
                    before: printable(&h.hit.before),
                    after: printable(&h.hit.after),
                    truncated: h.hit.truncated,
                    object: h.shared.as_ref().map(|s| s.object.as_str()),
                    object_offset: h.shared.as_ref().map(|s| s.offset),
                    mapped_at: h.shared.as_ref().map(|s| {
                        s.mapped_at
                            .iter()
                            .map(|m| MappedJson {
                                pid: m.pid,
                                address: format!("{:#x}", m.address),
                            })
                            .collect()
                    }),
                })
                .collect();
            // A pod's container is named, in an array as for several.
            if checkpoint.in_pod.is_some() {
                combined.several_documents();
            }
            combined.element(name, checkpoint.in_pod.as_ref(), "matches", &json(&list))
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
            let pid_filter = args.pid;
            let rows: Vec<Vec<String>> = rows(hits)
                .into_iter()
                .filter(|r| pid_filter.is_none_or(|p| p == r.pid))
                .map(|r| {
                    let h = r.hit;
                    if last_pid != Some(r.pid) {
                        instance = 0;
                        last_pid = Some(r.pid);
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
                        row.push(r.pid.to_string());
                    }
                    row.push(format!("{:016x}", r.address));
                    if args.pid.is_none() {
                        row.push(r.vma.to_owned());
                    }
                    row.push(shown);
                    row.push(instance.to_string());
                    row
                })
                .collect();
            // Every column but the instance number is copied (an address,
            // a pid, an object for --shared, the match): none is cut.
            let (header, whole): (&[&str], &[&str]) = if args.pid.is_some() {
                (&["Address", "Match", "Instance"], &["Address", "Match"])
            } else {
                (
                    &["PID", "Address", "VMA", "Match", "Instance"],
                    &["PID", "Address", "VMA", "Match"],
                )
            };
            table::render(header, &rows, whole)
        }
    };
    // checkpointctl searches one archive and says nothing of it; with
    // several, each archive's matches say whose they are.
    match args.format {
        TableFormat::Table if combined.several() => format!(
            "\nDisplaying matches for pattern \"{}\" from {}\n\n{out}",
            text::clean(&shown),
            text::clean(name)
        ),
        _ => out,
    }
}
