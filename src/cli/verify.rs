//! `ckpt verify`: an archive against the digest manifest written of it
//! earlier (`show --digest --format json > manifest.json`).

use std::io::Read;
use std::path::PathBuf;
use std::process::ExitCode;

use ckpt::digest::{DifferenceKind, Manifest, Verdict, compare};

use super::args::{ReadArgs, TableFormat, read_checkpoint};
use super::digest::{archive_line, describe};
use super::report::{emit, print_error, report};
use super::text::clean;

/// Arguments of `ckpt verify`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// The checkpoint archive, or `-` for standard input.
    #[arg(value_name = "ARCHIVE")]
    archive: PathBuf,

    /// The manifest: the JSON `ckpt show --digest --format json` (or
    /// `inspect --digest --format json`) printed, read within
    /// --max-entry-size.
    #[arg(value_name = "MANIFEST")]
    manifest: PathBuf,

    /// Output format: text, or JSON (what differs, with both digests).
    #[arg(long, value_enum, default_value_t = TableFormat::Table)]
    format: TableFormat,

    #[command(flatten)]
    read: ReadArgs,
}

pub fn run(args: &Args) -> ExitCode {
    let archive = args.archive.display().to_string();
    let manifest = match read_manifest(args, &archive) {
        Ok(m) => m,
        Err(message) => {
            print_error(&format!("{}: {message}", args.manifest.display()));
            return ExitCode::FAILURE;
        }
    };
    let options = ckpt::Options {
        digest: true,
        ..args.read.partial_options(ckpt::Want::none())
    };
    let checkpoint = match read_checkpoint(&args.archive, &options) {
        Ok(c) => c,
        Err(e) => {
            report(&e);
            return ExitCode::FAILURE;
        }
    };
    let Some(digests) = checkpoint.digests else {
        print_error(&format!("{archive}: no digests were computed"));
        return ExitCode::FAILURE;
    };
    let mut verdict = compare(&manifest.digests, &digests);
    if checkpoint.damage.is_some() {
        // What comes after the damage was never read: not missing.
        verdict
            .differences
            .retain(|d| d.kind != DifferenceKind::Missing);
    }
    let out = match args.format {
        TableFormat::Json => json(&archive, args, &verdict, checkpoint.damage.is_some()),
        TableFormat::Table => text(&archive, args, &verdict, checkpoint.damage.is_some()),
    };
    let emitted = emit(&out);
    if let Some(damage) = &checkpoint.damage {
        report(damage);
    }
    if let Err(code) = emitted {
        return code;
    }
    if verdict.identical() && checkpoint.damage.is_none() {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    }
}

/// Reads and parses the manifest, no more than --max-entry-size bytes of
/// it.
fn read_manifest(args: &Args, archive: &str) -> Result<Manifest, String> {
    let limit = args.read.max_entry_size;
    let file = std::fs::File::open(&args.manifest).map_err(|e| e.to_string())?;
    let mut bytes = Vec::new();
    file.take(limit.saturating_add(1))
        .read_to_end(&mut bytes)
        .map_err(|e| e.to_string())?;
    if bytes.len() as u64 > limit {
        return Err(format!(
            "larger than the {limit}-byte limit for what is decoded in memory \
             (raise it with --max-entry-size)"
        ));
    }
    Manifest::parse(&bytes, archive).map_err(|e| e.to_string())
}

fn text(archive: &str, args: &Args, v: &Verdict, damaged: bool) -> String {
    let mut out = format!(
        "\nVerifying {} against {}\n\n",
        clean(archive),
        clean(&args.manifest.display().to_string())
    );
    for d in &v.differences {
        let copy = if d.copy > 1 {
            format!(" (copy {})", d.copy)
        } else {
            String::new()
        };
        out.push_str(&format!("{:<8} {}{copy}\n", d.kind.name(), clean(&d.name)));
        if let Some(e) = &d.expected {
            out.push_str(&format!("         manifest: {}\n", describe(e)));
        }
        if let Some(e) = &d.actual {
            out.push_str(&format!("         archive:  {}\n", describe(e)));
        }
    }
    if !v.differences.is_empty() {
        out.push('\n');
    }
    let check = &v.archive;
    let archive_verdict = match check.matches {
        Some(true) => "matches".to_owned(),
        Some(false) => "DIFFERS".to_owned(),
        None => "not compared".to_owned(),
    };
    out.push_str(&format!(
        "Archive {archive_verdict}\n  manifest: {}\n  archive:  {}\n\n",
        archive_line(check.expected.as_ref()),
        archive_line(check.actual.as_ref())
    ));
    let count = |k| v.differences.iter().filter(|d| d.kind == k).count();
    let (changed, missing, new) = (
        count(DifferenceKind::Changed),
        count(DifferenceKind::Missing),
        count(DifferenceKind::New),
    );
    if v.identical() && !damaged {
        out.push_str(&format!(
            "OK: the archive and its {} entries are as the manifest says\n",
            v.identical_entries
        ));
    } else {
        let mut why = format!(
            "FAILED: {changed} changed, {missing} missing, {new} new, {} identical entries",
            v.identical_entries
        );
        if check.matches != Some(true) {
            why.push_str("; the archive's digest does not match");
        }
        if damaged {
            why.push_str("; the archive is damaged: entries after the damage were not compared");
        }
        out.push_str(&why);
        out.push('\n');
    }
    out
}

fn json(archive: &str, args: &Args, v: &Verdict, damaged: bool) -> String {
    let value = serde_json::json!({
        "archive": archive,
        "manifest": args.manifest.display().to_string(),
        "identical": v.identical() && !damaged,
        "archive_digest": v.archive,
        "identical_entries": v.identical_entries,
        "differences": v.differences,
    });
    let mut s = ckpt::escape::to_json_pretty(&value).unwrap_or_else(|_| "{}".into());
    s.push('\n');
    s
}
