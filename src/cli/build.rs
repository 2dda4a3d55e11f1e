//! `ckpt build ARCHIVE IMAGE -o OUTPUT`: an OCI image of a checkpoint,
//! written natively (checkpointctl asks buildah for it).

use std::fmt::Write as _;
use std::path::PathBuf;
use std::process::ExitCode;

use ckpt::build::{BuildOptions, ImageOutput, build_image};

use super::args::{ReadArgs, TableFormat};
use super::report::{emit, report};
use super::text::clean;

/// Arguments of `ckpt build`.
#[derive(Debug, clap::Args)]
#[command(after_help = "Examples:
  ckpt build checkpoint.tar.zst localhost/ctr:checkpoint -o ctr.tar
  podman load -i ctr.tar
  ckpt build checkpoint.tar quay.io/me/ctr:checkpoint -o ctr-image/
  skopeo copy oci:ctr-image docker://quay.io/me/ctr:checkpoint")]
pub struct Args {
    /// The checkpoint archive (plain tar, gzip or zstd: the layer keeps its
    /// compression).
    #[arg(value_name = "ARCHIVE")]
    archive: PathBuf,
    /// The image's name (the index's org.opencontainers.image.ref.name).
    #[arg(value_name = "IMAGE")]
    image: String,
    /// Where to write: a FILE.tar (an OCI archive) or a directory (an OCI
    /// layout). Never replaced unless --force (a directory only if empty).
    #[arg(short, long, value_name = "PATH")]
    output: PathBuf,
    /// Replace an existing output tar.
    #[arg(long)]
    force: bool,
    /// Build even from an archive that is ambiguous (an entry given twice,
    /// a name that leaves the root, tar headers readers disagree on) or
    /// may be truncated (no end-of-archive marker).
    #[arg(long)]
    allow_ambiguous: bool,
    /// Output format of the report on what was built: text, or JSON (one
    /// object).
    #[arg(long, value_enum, default_value_t = TableFormat::Table)]
    format: TableFormat,

    #[command(flatten)]
    read: ReadArgs,
}

pub fn run(args: &Args) -> ExitCode {
    let output = if args
        .output
        .extension()
        .is_some_and(|e| e.eq_ignore_ascii_case("tar"))
    {
        ImageOutput::Tar(args.output.clone())
    } else {
        ImageOutput::Directory(args.output.clone())
    };
    let options = BuildOptions {
        replace: args.force,
        allow_ambiguous: args.allow_ambiguous,
        read: args.read.options(ckpt::Want::metadata_only()),
    };
    let built = match build_image(&args.archive, &args.image, &output, &options) {
        Ok(b) => b,
        Err(e) => {
            report(&e);
            return ExitCode::FAILURE;
        }
    };
    let out = match args.format {
        TableFormat::Json => {
            let mut s = ckpt::escape::to_json_pretty(&built).unwrap_or_else(|_| "{}".into());
            s.push('\n');
            s
        }
        TableFormat::Table => {
            let mut s = String::new();
            for (k, v) in &built.annotations {
                let _ = writeln!(s, "Added annotation: {}={}", clean(k), clean(v));
            }
            let path = clean(&built.output.display().to_string()).into_owned();
            let (kind, next) = match output {
                ImageOutput::Tar(_) => ("an OCI archive", format!("podman load -i {path}")),
                _ => (
                    "an OCI layout",
                    format!(
                        "skopeo copy oci:{path} containers-storage:{}",
                        clean(&built.image)
                    ),
                ),
            };
            let _ = writeln!(
                s,
                "Image '{}' created successfully from checkpoint '{}' as {kind} in {path}",
                clean(&built.image),
                clean(&args.archive.display().to_string()),
            );
            let _ = writeln!(s, "  manifest {}", built.manifest_digest);
            let _ = writeln!(
                s,
                "  layer    {} ({}, {} bytes)",
                built.layer_digest, built.layer_media_type, built.layer_size
            );
            let _ = writeln!(s, "Next: {next}");
            s
        }
    };
    match emit(&out) {
        Ok(()) => ExitCode::SUCCESS,
        Err(code) => code,
    }
}
