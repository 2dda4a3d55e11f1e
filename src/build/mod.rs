//! An OCI image from a checkpoint archive, written natively (what
//! `checkpointctl build` asks buildah for): the archive itself is the one
//! layer, and the `org.criu.checkpoint.*` annotations describing it go on
//! the manifest and on the index (containerd reads them from the index).
//!
//! The archive is read once: its bytes are hashed as they are copied into
//! the layer blob, decompressed on the way to hash the layer's DiffID, and
//! walked for `config.dump` and `spec.dump` (every header read, so that the
//! last copy of each is the one used, as the runtime's extraction uses it),
//! all in the same pass. Nothing is held in memory and nothing the archive
//! names becomes a path. The output is written next to where it was asked
//! for, in a temporary file or directory created exclusively (only it is
//! ever removed), and renamed into place once complete; an existing output
//! is never replaced unless asked.
//!
//! An archive that is ambiguous (an entry given twice, a name that leaves
//! the root, extension headers tar readers disagree on) or may be cut short
//! (no end-of-archive marker) is refused ([`Error::Ambiguous`]) unless
//! [`BuildOptions::allow_ambiguous`]: an image is what others will restore
//! from, long after anyone looked at the warnings.

mod blobs;
mod errors;
mod layer;

use std::collections::BTreeMap;
use std::fs::OpenOptions;
use std::io::{self, BufWriter, Seek, SeekFrom, Write};
use std::path::{Path, PathBuf};

use oci_spec::image::MediaType;
use serde::Serialize;

pub use blobs::checkpoint_annotations;
use blobs::{SmallBlobs, small_blobs};
use errors::{io_error, write_error};
use layer::copy_layer;

use crate::error::{Error, Result};
use crate::model::Checkpoint;
use crate::options::Options;

/// Where and how to write the image.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum ImageOutput {
    /// An OCI image layout directory (`skopeo copy oci:DIR …`). It must not
    /// exist, or be empty.
    Directory(PathBuf),
    /// The layout as a tar (`podman load -i FILE`, `skopeo copy
    /// oci-archive:FILE …`).
    Tar(PathBuf),
}

impl ImageOutput {
    /// The path.
    pub fn path(&self) -> &Path {
        match self {
            ImageOutput::Directory(p) | ImageOutput::Tar(p) => p,
        }
    }
}

/// What [`build_image`] wrote.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[non_exhaustive]
pub struct BuiltImage {
    /// The image name given (the index's `org.opencontainers.image.ref.name`).
    pub image: String,
    /// Where it was written.
    pub output: PathBuf,
    /// Digest of the manifest (`sha256:…`).
    pub manifest_digest: String,
    /// Digest of the config.
    pub config_digest: String,
    /// Digest of the layer: the archive's bytes.
    pub layer_digest: String,
    /// Media type of the layer (from the archive's compression).
    pub layer_media_type: String,
    /// Size of the layer in bytes.
    pub layer_size: u64,
    /// Digest of the uncompressed layer (the config's DiffID).
    pub diff_id: String,
    /// The checkpoint annotations, on the manifest and the index.
    pub annotations: BTreeMap<String, String>,
}

/// How [`build_image`] builds.
///
/// ```
/// let options = ckpt::build::BuildOptions { replace: true, ..Default::default() };
/// # assert!(!options.allow_ambiguous);
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct BuildOptions {
    /// Replace an existing output tar.
    pub replace: bool,
    /// Build even from an archive that is ambiguous or may be truncated.
    pub allow_ambiguous: bool,
    /// How the archive is read (its limits; what is decoded is the
    /// builder's choice).
    pub read: Options,
}

/// The directory `target` goes in.
fn parent_of(target: &Path) -> PathBuf {
    match target.parent() {
        Some(d) if !d.as_os_str().is_empty() => d.to_owned(),
        _ => PathBuf::from("."),
    }
}

/// A temporary name's prefix for `target`: `.NAME.`.
fn temporary_prefix(target: &Path) -> String {
    let base = target
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| "image".into());
    format!(".{base}.")
}

/// Refuses an output that exists (a directory only if it is not empty; a
/// symbolic link never), unless `force` for a tar.
fn check_target(output: &ImageOutput, force: bool) -> Result<()> {
    let target = output.path();
    let refuse = |why: &str| Error::Write {
        path: target.to_owned(),
        source: io::Error::new(io::ErrorKind::AlreadyExists, why.to_owned()),
    };
    let Ok(m) = std::fs::symlink_metadata(target) else {
        return Ok(());
    };
    if m.file_type().is_symlink() {
        return Err(refuse("is a symbolic link; not followed"));
    }
    match output {
        ImageOutput::Directory(_) if m.is_dir() => {
            let empty = std::fs::read_dir(target)
                .map(|mut d| d.next().is_none())
                .unwrap_or(false);
            if empty {
                Ok(())
            } else {
                Err(refuse("exists and is not empty"))
            }
        }
        ImageOutput::Tar(_) if m.is_file() && force => Ok(()),
        ImageOutput::Tar(_) if m.is_file() => Err(refuse("exists")),
        _ => Err(refuse("exists and is of another kind")),
    }
}

const OCI_LAYOUT: &[u8] = br#"{"imageLayoutVersion":"1.0.0"}"#;

/// Writes an OCI image whose single layer is the checkpoint archive at
/// `input`, named `image`, with checkpointctl's annotations, to `output`.
pub fn build_image(
    input: &Path,
    image: &str,
    output: &ImageOutput,
    options: &BuildOptions,
) -> Result<BuiltImage> {
    check_target(output, options.replace)?;
    let target = output.path();
    let dir = parent_of(target);
    let prefix = temporary_prefix(target);
    let mut temp = tempfile::Builder::new();
    temp.prefix(&prefix).suffix(".ckpt-tmp");
    // Created exclusively; removed when dropped, on every error path.
    let built = match output {
        ImageOutput::Directory(_) => {
            let temp = temp.tempdir_in(&dir).map_err(write_error(target))?;
            let built = write_directory(input, image, temp.path(), options)?;
            if target.is_dir() {
                // Empty (checked above): rename replaces it.
                std::fs::remove_dir(target).map_err(write_error(target))?;
            }
            let path = temp.keep();
            if let Err(e) = std::fs::rename(&path, target) {
                let _ = std::fs::remove_dir_all(&path);
                return Err(write_error(target)(e));
            }
            built
        }
        ImageOutput::Tar(_) => {
            let mut temp = temp.tempfile_in(&dir).map_err(write_error(target))?;
            let path = temp.path().to_owned();
            let built = write_tar(input, image, temp.as_file_mut(), &path, options)?;
            temp.persist(target)
                .map_err(|e| write_error(target)(e.error))?;
            built
        }
    };
    Ok(BuiltImage {
        output: target.to_owned(),
        ..built
    })
}

/// Refuses a checkpoint whose archive is ambiguous or may be cut short,
/// unless allowed.
fn check_unambiguous(c: &Checkpoint, options: &BuildOptions) -> Result<()> {
    if options.allow_ambiguous {
        return Ok(());
    }
    let mut doubts = c
        .warnings
        .iter()
        .filter(|w| w.kind.is_ambiguity() || w.kind == crate::warning::WarningKind::NoEndMarker);
    match doubts.next() {
        None => Ok(()),
        Some(first) => Err(Error::Ambiguous {
            archive: c.archive.clone(),
            first: first.to_string(),
            others: doubts.count(),
        }),
    }
}

fn created_time(c: &Checkpoint) -> Option<String> {
    let config = c.config.as_ref()?;
    let t = &config.checkpointed_time;
    (!t.is_zero()).then(|| t.to_rfc3339())
}

fn finish(
    image: &str,
    c: &Checkpoint,
    media: MediaType,
    layer: (String, u64, String),
) -> Result<(BuiltImage, SmallBlobs)> {
    let (layer_hex, layer_size, diff_id) = layer;
    let annotations = checkpoint_annotations(c)?;
    let created = created_time(c);
    let blobs = small_blobs(
        image,
        (&media, layer_size, &layer_hex),
        &diff_id,
        &annotations,
        created.as_deref(),
    )?;
    Ok((
        BuiltImage {
            image: image.to_owned(),
            output: PathBuf::new(),
            manifest_digest: format!("sha256:{}", blobs.manifest.0),
            config_digest: format!("sha256:{}", blobs.config.0),
            layer_digest: format!("sha256:{layer_hex}"),
            layer_media_type: media.to_string(),
            layer_size,
            diff_id: format!("sha256:{diff_id}"),
            annotations,
        },
        blobs,
    ))
}

fn write_directory(
    input: &Path,
    image: &str,
    dir: &Path,
    options: &BuildOptions,
) -> Result<BuiltImage> {
    let we = write_error(dir);
    let blobs_dir = dir.join("blobs").join("sha256");
    std::fs::create_dir_all(&blobs_dir).map_err(&we)?;
    let layer_temp = blobs_dir.join(".layer.tmp");
    let file = OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(&layer_temp)
        .map_err(&we)?;
    let (c, media, layer_hex, layer_size, diff_id) = copy_layer(
        input,
        BufWriter::with_capacity(1 << 20, file),
        dir,
        &options.read,
    )?;
    check_unambiguous(&c, options)?;
    let (built, blobs) = finish(image, &c, media, (layer_hex.clone(), layer_size, diff_id))?;
    std::fs::rename(&layer_temp, blobs_dir.join(&layer_hex)).map_err(&we)?;
    for (hex, bytes) in [&blobs.config, &blobs.manifest] {
        std::fs::write(blobs_dir.join(hex), bytes).map_err(&we)?;
    }
    std::fs::write(dir.join("index.json"), &blobs.index).map_err(&we)?;
    std::fs::write(dir.join("oci-layout"), OCI_LAYOUT).map_err(&we)?;
    Ok(built)
}

fn tar_header(name: &str, size: u64) -> io::Result<tar::Header> {
    let mut h = tar::Header::new_ustar();
    h.set_path(name)?;
    h.set_size(size);
    h.set_mode(0o644);
    h.set_mtime(0);
    h.set_entry_type(tar::EntryType::Regular);
    h.set_cksum();
    Ok(h)
}

fn write_tar(
    input: &Path,
    image: &str,
    mut file: &mut std::fs::File,
    path: &Path,
    options: &BuildOptions,
) -> Result<BuiltImage> {
    let we = write_error(path);
    // The layer first: its size is the archive's, its name (the digest) is
    // known only at the end, so its header is written again then.
    let size = std::fs::metadata(input)
        .map_err(|source| Error::Open {
            path: input.to_owned(),
            source,
        })?
        .len();
    let placeholder = format!("blobs/sha256/{}", "0".repeat(64));
    file.write_all(tar_header(&placeholder, size).map_err(&we)?.as_bytes())
        .map_err(&we)?;
    let (c, media, layer_hex, layer_size, diff_id) = {
        let mut out = BufWriter::with_capacity(1 << 20, &mut file);
        let r = copy_layer(input, &mut out, path, &options.read)?;
        out.flush().map_err(&we)?;
        r
    };
    check_unambiguous(&c, options)?;
    if layer_size != size {
        return Err(io_error(
            &input.display().to_string(),
            io::Error::other("the archive changed while it was read"),
        ));
    }
    let (built, blobs) = finish(image, &c, media, (layer_hex.clone(), layer_size, diff_id))?;
    let mut b = tar::Builder::new(BufWriter::new(&mut *file));
    let pad = (512 - size % 512) % 512;
    b.get_mut()
        .write_all(&vec![0u8; pad as usize])
        .map_err(&we)?;
    for (name, bytes) in [
        (format!("blobs/sha256/{}", blobs.config.0), &blobs.config.1),
        (
            format!("blobs/sha256/{}", blobs.manifest.0),
            &blobs.manifest.1,
        ),
        ("index.json".to_owned(), &blobs.index),
        ("oci-layout".to_owned(), &OCI_LAYOUT.to_vec()),
    ] {
        let h = tar_header(&name, bytes.len() as u64).map_err(&we)?;
        b.append(&h, &bytes[..]).map_err(&we)?;
    }
    b.into_inner().and_then(|mut w| w.flush()).map_err(&we)?;
    // The layer's real name.
    let header = tar_header(&format!("blobs/sha256/{layer_hex}"), size).map_err(&we)?;
    file.seek(SeekFrom::Start(0)).map_err(&we)?;
    file.write_all(header.as_bytes()).map_err(&we)?;
    file.sync_all().map_err(&we)?;
    Ok(built)
}
