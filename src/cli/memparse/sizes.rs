//! `memparse` without `--pid` or a search: checkpointctl's memory size
//! table, or (`--pages`) what each pages file holds.

use std::path::Path;

use ckpt::metadata::byte_to_string;
use ckpt::views::memory::{
    MemoryRow, PagesFile, SharedRow, memory_table, pages_listing, shared_table,
};

use super::super::advice::advise;
use super::super::args::{TableFormat, open};
use super::super::progress::with_progress;
use super::super::report::{emit, warn};
use super::super::{table, text};
use super::args::{Args, Failure, damaged, damaged_early, json, options};
use super::combine::Combined;

/// The table (checkpointctl's), or the pages listing; each headed by the
/// archive's name.
pub(super) fn run(args: &Args, path: &Path, combined: &mut Combined) -> Result<(), Failure> {
    let source = open(path)?;
    let name = source.name().to_owned();
    let progress = source.progress();
    let options = options(args);
    // A sink that wants no memory: the read then keeps what the checkpoint
    // holds of /dev/shm (ghost files, devshm-checkpoint.tar), so that the
    // shared memory table can say where it is and how much there is.
    let mut checkpoint = with_progress(progress, || {
        ckpt::read_with(source, &options, &mut NoMemory)
    })?;
    if checkpoint.pod.is_none() && args.pod.container.is_none() {
        damaged_early(&mut checkpoint)?;
        let out = tables(args, &name, &checkpoint, combined)?;
        emit(&out).map_err(Failure::Quiet)?;
        return damaged(&mut checkpoint);
    }
    // A pod: what was wrong with its own parts, then each container's
    // tables (the one chosen), named by pod and container.
    let mut pod_warnings = std::mem::take(&mut checkpoint.warnings);
    advise(&mut pod_warnings);
    warn(&name, &pod_warnings);
    let mut out = String::new();
    let mut damage = None;
    let chosen = checkpoint.containers(args.pod.container.as_deref())?;
    if chosen.len() > 1 {
        combined.several_documents();
    }
    for c in chosen {
        let heading = match args.format {
            TableFormat::Json => name.clone(),
            TableFormat::Table => format!("{name}{}", super::super::pod::heading(c)),
        };
        if c.is_empty()
            && let Some(d) = &c.damage
        {
            damage.get_or_insert(d.clone());
            continue;
        }
        out.push_str(&tables(args, &heading, c, combined)?);
        if let Some(d) = &c.damage {
            damage.get_or_insert(d.clone());
        }
    }
    emit(&out).map_err(Failure::Quiet)?;
    if let Some(d) = damage.or(checkpoint.damage.take()) {
        return Err(Failure::Damage(d));
    }
    Ok(())
}

/// The tables of one container checkpoint, headed by `name`.
fn tables(
    args: &Args,
    name: &str,
    checkpoint: &ckpt::Checkpoint,
    combined: &mut Combined,
) -> Result<String, Failure> {
    checkpoint.require_checkpoint_directory()?;
    let mut warnings = checkpoint.warnings.clone();
    let out = if args.pages {
        let listing = pages_listing(checkpoint);
        match args.format {
            TableFormat::Json => {
                let pod = checkpoint.in_pod.as_ref();
                combined.element(name, pod, "pages_files", &json(&listing))
            }
            TableFormat::Table => pages_table(name, &listing),
        }
    } else {
        let rows = match memory_table(checkpoint, &mut warnings) {
            Ok(rows) => rows,
            // Damage may have cut the tree off: that is what is reported.
            Err(_) if checkpoint.damage.is_some() => Vec::new(),
            Err(e) => return Err(e.into()),
        };
        match args.format {
            TableFormat::Json => {
                let pod = checkpoint.in_pod.as_ref();
                combined.element(name, pod, "processes", &json(&rows))
            }
            TableFormat::Table => {
                let mut out = size_table(name, &rows);
                out.push_str(&shared_objects(&shared_table(checkpoint)));
                out
            }
        }
    };
    advise(&mut warnings);
    warn(name, &warnings);
    Ok(out)
}

fn size_table(name: &str, rows: &[MemoryRow]) -> String {
    let rows: Vec<Vec<String>> = rows
        .iter()
        .map(|r| {
            vec![
                r.pid.to_string(),
                r.command.clone(),
                byte_to_string(r.memory_size),
                byte_to_string(r.shared_memory_size),
            ]
        })
        .collect();
    format!(
        "\nDisplaying processes memory sizes from {}\n\n{}",
        text::clean(name),
        table::render(
            &["PID", "Process name", "Memory size", "Shared memory size"],
            &rows,
            &["PID", "Process name"],
        )
    )
}

/// Wants no memory.
struct NoMemory;

impl ckpt::memory::MemorySink for NoMemory {
    fn wants(&self, _pid: u32) -> bool {
        false
    }

    fn chunk(&mut self, _chunk: &ckpt::memory::MemoryChunk<'_>) -> std::io::Result<bool> {
        Ok(true)
    }

    // Every container of a pod keeps what it holds of /dev/shm too.
    fn every_container(&self) -> bool {
        true
    }
}

/// The shared memory objects, after checkpointctl's table (none: nothing).
fn shared_objects(objects: &[SharedRow]) -> String {
    if objects.is_empty() {
        return String::new();
    }
    let rows: Vec<Vec<String>> = objects
        .iter()
        .map(|o| {
            let mapped: Vec<String> = o
                .object
                .mappings
                .iter()
                .map(|m| format!("{} at {:x}", m.pid, m.start))
                .collect();
            vec![
                o.object.name.clone(),
                o.object.size.map_or_else(|| "?".into(), byte_to_string),
                byte_to_string(o.dumped_size),
                match (o.pages_id, &o.object.file) {
                    (Some(id), _) => format!("pages-{id}.img"),
                    (None, Some(file)) => file.clone(),
                    (None, None) => "not in the checkpoint".into(),
                },
                mapped.join(", "),
            ]
        })
        .collect();
    format!(
        "
Shared memory (dumped once for the processes that map it)

{}",
        table::render(
            &["Object", "Size", "Dumped", "File", "Mapped by"],
            &rows,
            &["Object", "File", "Mapped by"],
        )
    )
}

fn pages_table(name: &str, files: &[PagesFile]) -> String {
    let rows: Vec<Vec<String>> = files
        .iter()
        .map(|f| {
            let kinds: Vec<String> = f
                .by_kind
                .iter()
                .map(|(k, b)| format!("{} {}", k.name(), byte_to_string(*b)))
                .collect();
            vec![
                format!("pages-{}.img", f.id),
                match (&f.pid, &f.shared) {
                    (Some(p), _) => p.to_string(),
                    (None, Some(object)) => object.clone(),
                    (None, None) => "?".into(),
                },
                if f.compressed {
                    format!("{} (lz4)", byte_to_string(f.size))
                } else {
                    byte_to_string(f.size)
                },
                f.pages.to_string(),
                f.runs.to_string(),
                kinds.join(", "),
            ]
        })
        .collect();
    format!(
        "\nDisplaying pages files from {}\n\n{}",
        text::clean(name),
        table::render(
            &["File", "Owner", "Size", "Pages", "Runs", "Areas"],
            &rows,
            &["File", "Owner"],
        )
    )
}
