//! `ckpt decode`: one CRIU image as JSON, the way `crit decode --pretty`
//! prints it, straight from an archive, written record by record.

use std::io::{self, Read, Write};
use std::path::PathBuf;
use std::process::ExitCode;

use ckpt::criu::write::{WriteError, write_pretty};
use ckpt::metadata::byte_to_string;
use ckpt::{Archive, EntryKind, Error, Warning};

use super::args::{ReadArgs, open};
use super::pod::ContainerArg;
use super::report::{emit, report, report_other, warn};

/// Arguments of `ckpt decode`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// A checkpoint archive, an extracted checkpoint or image directory,
    /// a single CRIU image file, or `-` for an archive on standard input.
    #[arg(value_name = "FILE")]
    file: PathBuf,

    /// The image to decode, e.g. `pstree.img`, `core-1.img`, `stats-dump`
    /// (looked up at the top and in `checkpoint/`). Not needed when FILE is
    /// an image; without it, an archive's images are listed.
    #[arg(value_name = "IMAGE")]
    image: Option<String>,

    #[command(flatten)]
    pod: ContainerArg,

    #[command(flatten)]
    read: ReadArgs,
}

/// Whether these bytes start like a CRIU image.
fn is_image(prefix: &[u8]) -> bool {
    use ckpt::criu::magic::{IMG_COMMON_MAGIC, IMG_SERVICE_MAGIC, INVENTORY_MAGIC};
    let Some(word) = prefix.get(..4) else {
        return false;
    };
    let word = u32::from_le_bytes([word[0], word[1], word[2], word[3]]);
    matches!(word, IMG_COMMON_MAGIC | IMG_SERVICE_MAGIC | INVENTORY_MAGIC)
}

fn read_limited(path: &std::path::Path, limit: u64) -> Result<Vec<u8>, Error> {
    let open = |source| Error::Open {
        path: path.to_owned(),
        source,
    };
    let file = std::fs::File::open(path).map_err(open)?;
    let mut buf = Vec::new();
    file.take(limit.saturating_add(1))
        .read_to_end(&mut buf)
        .map_err(open)?;
    if buf.len() as u64 > limit {
        return Err(Error::EntryTooLarge {
            archive: path.display().to_string(),
            entry: path.display().to_string(),
            offset: None,
            size: buf.len() as u64,
            limit,
        });
    }
    Ok(buf)
}

/// Finds `image` in an archive or directory (its last copy, the one the
/// runtime's extraction leaves) and returns the archive's name, the
/// image's, its bytes and what the walk warned about.
fn find(args: &Args, image: &str) -> Result<(String, String, Vec<u8>, Vec<Warning>), Error> {
    let limit = args.read.max_entry_size;
    let wanted = image
        .trim_start_matches("./")
        .trim_start_matches("checkpoint/");
    if let Some(container) = &args.pod.container {
        return find_in(args, container, wanted);
    }
    let matches = |name: &str| name == wanted || name.strip_prefix("checkpoint/") == Some(wanted);
    let mut archive = Archive::new(open(&args.file)?)?;
    let archive_name = archive.name().to_owned();
    let mut found = None;
    for entry in archive.entries()? {
        let mut entry = entry?;
        if matches(entry.name()) {
            found = if entry.is_file() && !entry.is_sparse() {
                let name = entry.name().to_owned();
                Some((name, entry.read_to_vec(limit)?))
            } else {
                // A later directory or link of that name replaces the file.
                None
            };
        }
    }
    let warnings = archive.take_warnings();
    match found {
        Some((name, bytes)) => Ok((archive_name, name, bytes, warnings)),
        None => Err(Error::MissingEntry {
            archive: archive_name,
            entry: image.to_owned(),
        }),
    }
}

/// [`find`] in the pod's container `container`: its `checkpoint/IMAGE`,
/// else its top-level `IMAGE` (`stats-dump`), at most `--max-entry-size`
/// bytes of it.
fn find_in(
    args: &Args,
    container: &str,
    wanted: &str,
) -> Result<(String, String, Vec<u8>, Vec<Warning>), Error> {
    let limits = args.read.options(ckpt::Want::none()).limits;
    let mut last = None;
    for name in [format!("checkpoint/{wanted}"), wanted.to_owned()] {
        let source = open(&args.file)?;
        let archive = source.name().to_owned();
        let mut bytes = Capped(Vec::new(), limits.max_entry_size);
        match ckpt::cat::cat_container(source, container, &name, &limits, &mut bytes) {
            Ok(found) => return Ok((archive, found.name, bytes.0, found.warnings)),
            Err(Error::Output { entry, .. }) => {
                return Err(Error::EntryTooLarge {
                    archive,
                    entry,
                    offset: None,
                    size: limits.max_entry_size.saturating_add(1),
                    limit: limits.max_entry_size,
                });
            }
            Err(e @ Error::NotFound { .. }) => last = Some(e),
            Err(e) => return Err(e),
        }
    }
    Err(last.unwrap_or_else(|| Error::MissingEntry {
        archive: args.file.display().to_string(),
        entry: wanted.to_owned(),
    }))
}

/// A buffer that refuses more than its limit.
struct Capped(Vec<u8>, u64);

impl Write for Capped {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        if self.0.len() as u64 + buf.len() as u64 > self.1 {
            return Err(io::Error::other("over --max-entry-size"));
        }
        self.0.extend_from_slice(buf);
        Ok(buf.len())
    }

    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

/// The images of an archive: name, size, and what they hold.
type ImageList = Vec<(String, u64, &'static str)>;

/// What `ckpt decode` prints: one image (its archive, name and bytes), or
/// the images there are.
enum Decoded {
    Image(String, String, Vec<u8>),
    /// Each container checkpoint's images (a pod has several).
    /// (Its name, how to decode one, and the images.)
    List(Vec<(String, String, ImageList)>),
}

/// What an image holds, for the listing: records `decode` turns into
/// JSON, or raw bytes it does not.
fn content(kind: EntryKind) -> Option<&'static str> {
    match kind {
        EntryKind::CriuImage | EntryKind::StatsDump { .. } => Some("records"),
        EntryKind::Pages { .. } | EntryKind::AmdgpuPages => Some("memory pages"),
        _ => None,
    }
}

/// The CRIU images of an archive or directory, sorted by name, with the
/// `checkpoint/` prefix dropped (`decode` finds them without it).
fn list(args: &Args) -> Result<Vec<(String, String, ImageList)>, Error> {
    let options = args.pod.options(args.read.options(ckpt::Want {
        entries: true,
        ..ckpt::Want::none()
    }));
    let checkpoint = ckpt::read(open(&args.file)?, &options)?;
    let mut out = Vec::new();
    for c in checkpoint.containers(options.container.as_deref())? {
        let (name, how) = match &c.in_pod {
            Some(p) => (
                format!("{}{}", checkpoint.archive, super::pod::heading(c)),
                format!("ckpt decode --container {} FILE IMAGE", p.container),
            ),
            None => (c.archive.clone(), "ckpt decode FILE IMAGE".to_owned()),
        };
        out.push((name, how, images(&c.entries)));
    }
    Ok(out)
}

/// The images among `entries`, sorted by name, the last copy of each.
fn images(entries: &[ckpt::model::EntryInfo]) -> ImageList {
    let mut images = Vec::new();
    for entry in entries {
        let name = entry.name.as_str();
        if !entry.is_file {
            continue;
        }
        if let Some(what) = content(entry.kind) {
            let file = name.rsplit('/').next().unwrap_or(name);
            let what = if what == "records" && ckpt::criu::magic::is_raw(file) {
                "raw"
            } else {
                what
            };
            let short = name.strip_prefix("checkpoint/").unwrap_or(name);
            images.push((short.to_owned(), entry.size, what));
        }
    }
    images.sort();
    images.dedup_by(|a, b| a.0 == b.0);
    images
}

/// The first bytes of a file, to tell an image from an archive.
fn prefix(path: &std::path::Path) -> Result<Vec<u8>, Error> {
    let open = |source| Error::Open {
        path: path.to_owned(),
        source,
    };
    let mut buf = Vec::with_capacity(8);
    std::fs::File::open(path)
        .map_err(open)?
        .take(8)
        .read_to_end(&mut buf)
        .map_err(open)?;
    Ok(buf)
}

fn decode(args: &Args) -> Result<Decoded, Error> {
    let (archive, entry, bytes) = match &args.image {
        Some(image) => {
            let (archive, entry, bytes, warnings) = find(args, image)?;
            warn(&archive, &warnings);
            (archive, entry, bytes)
        }
        None => {
            let stdin = args.file.as_os_str() == "-";
            if stdin || args.file.is_dir() || !is_image(&prefix(&args.file)?) {
                return list(args).map(Decoded::List);
            }
            let bytes = read_limited(&args.file, args.read.max_entry_size)?;
            let name = args.file.display().to_string();
            (name.clone(), name, bytes)
        }
    };
    let file = entry.rsplit('/').next().unwrap_or(&entry);
    if ckpt::criu::magic::is_raw(file) {
        return Err(Error::Image {
            archive,
            entry,
            offset: None,
            source: ckpt::criu::ImageError::Invalid {
                what: "a raw image (memory pages, tarball or netlink dump), not protobuf records"
                    .to_owned(),
            },
        });
    }
    Ok(Decoded::Image(archive, entry, bytes))
}

fn render_list(name: &str, how: &str, images: &[(String, u64, &str)]) -> String {
    let rows: Vec<Vec<String>> = images
        .iter()
        .map(|(name, size, what)| vec![name.clone(), byte_to_string(*size), (*what).to_owned()])
        .collect();
    format!(
        "\nCRIU images in {}; decode one with `{how}`\n\n{}",
        super::text::clean(name),
        super::table::render(&["Image", "Size", "Content"], &rows, &["Image"])
    )
}

pub fn run(args: &Args) -> ExitCode {
    match decode(args) {
        Ok(Decoded::List(lists)) => match emit(
            &lists
                .iter()
                .map(|(name, how, images)| render_list(name, how, images))
                .collect::<String>(),
        ) {
            Ok(()) => ExitCode::SUCCESS,
            Err(code) => code,
        },
        Ok(Decoded::Image(archive, entry, bytes)) => {
            let limits = args.read.options(ckpt::Want::none()).limits;
            let mut out = io::BufWriter::new(io::stdout().lock());
            let result = write_pretty(&bytes, &limits, &mut out)
                .and_then(|()| out.flush().map_err(WriteError::Write));
            match result {
                Ok(()) => ExitCode::SUCCESS,
                Err(WriteError::Write(e)) if e.kind() == io::ErrorKind::BrokenPipe => {
                    ExitCode::SUCCESS
                }
                Err(WriteError::Write(e)) => {
                    report_other(&e);
                    ExitCode::FAILURE
                }
                Err(WriteError::Image(ckpt::criu::ImageError::Limit { limit, max })) => {
                    report(&Error::LimitExceeded {
                        archive,
                        entry,
                        offset: None,
                        limit,
                        max,
                    });
                    ExitCode::FAILURE
                }
                Err(WriteError::Image(source)) => {
                    report(&Error::Image {
                        archive,
                        entry,
                        offset: None,
                        source,
                    });
                    ExitCode::FAILURE
                }
            }
        }
        Err(e) => {
            report(&e);
            ExitCode::FAILURE
        }
    }
}
