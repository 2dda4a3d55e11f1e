//! An OCI image from a checkpoint archive, written natively (what
//! `checkpointctl build` asks buildah for): the archive itself is the one
//! layer, and the `org.criu.checkpoint.*` annotations describing it go on
//! the manifest and on the index (containerd reads them from the index).
//!
//! The archive is read once: its bytes are hashed as they are copied into
//! the layer blob, decompressed on the way to hash the layer's DiffID, and
//! walked for `config.dump` and `spec.dump`, all in the same pass. Nothing
//! is held in memory and nothing the archive names becomes a path. The
//! output is written next to where it was asked for under a temporary name
//! and renamed into place once complete; an existing output is never
//! replaced unless asked.

use std::collections::BTreeMap;
use std::fs::{File, OpenOptions};
use std::io::{self, BufReader, BufWriter, Read, Seek, SeekFrom, Write};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

use oci_spec::image::{
    Arch, Descriptor, DescriptorBuilder, ImageConfigurationBuilder, ImageIndexBuilder,
    ImageManifestBuilder, MediaType, Os, RootFsBuilder, Sha256Digest,
};
use serde::Serialize;
use sha2::{Digest as _, Sha256};

use crate::archive::read_prefix;
use crate::compression::{self, Compression};
use crate::error::{Error, Result};
use crate::metadata::annotations::*;
use crate::options::{Options, Want};
use crate::{Archive, Checkpoint};

/// The OCI annotation naming an image in a layout.
const REF_NAME: &str = "org.opencontainers.image.ref.name";
/// The OCI annotation for the creation time.
const CREATED: &str = "org.opencontainers.image.created";

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

/// What [`Tee`] reads from and writes to, shared so that it can be taken
/// back once the decoder that reads through it is done.
struct TeeState<W> {
    file: File,
    out: W,
    hash: Sha256,
    len: u64,
    /// An error writing `out`, told apart from one reading.
    write_error: Option<io::Error>,
}

/// Copies every byte read through it to `out`, and hashes it.
struct Tee<W>(Arc<Mutex<TeeState<W>>>);

impl<W: Write> Read for Tee<W> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let mut s = self
            .0
            .lock()
            .map_err(|_| io::Error::other("layer copy poisoned"))?;
        let n = s.file.read(buf)?;
        let data = &buf[..n];
        s.hash.update(data);
        s.len += n as u64;
        if let Err(e) = s.out.write_all(data) {
            let kind = e.kind();
            s.write_error = Some(e);
            return Err(io::Error::new(kind, "writing the layer failed"));
        }
        Ok(n)
    }
}

/// Hashes every byte read through it.
struct Hashing<R> {
    inner: R,
    hash: Sha256,
    len: u64,
}

impl<R: Read> Read for Hashing<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.hash.update(&buf[..n]);
        self.len += n as u64;
        Ok(n)
    }
}

fn sha256_hex(hash: Sha256) -> String {
    hash.finalize().iter().map(|b| format!("{b:02x}")).collect()
}

/// JSON with every object's keys sorted, so that the same image gives the
/// same bytes and digests (oci-spec keeps annotations in a `HashMap`).
fn canonical_json<T: Serialize>(value: &T) -> Vec<u8> {
    fn sort(v: &mut serde_json::Value) {
        match v {
            serde_json::Value::Object(map) => {
                map.sort_keys();
                map.values_mut().for_each(sort);
            }
            serde_json::Value::Array(items) => items.iter_mut().for_each(sort),
            _ => {}
        }
    }
    let mut v = serde_json::to_value(value).unwrap_or(serde_json::Value::Null);
    sort(&mut v);
    serde_json::to_vec(&v).unwrap_or_default()
}

fn media_type(c: Compression) -> Option<MediaType> {
    match c {
        Compression::None => Some(MediaType::ImageLayer),
        Compression::Gzip => Some(MediaType::ImageLayerGzip),
        Compression::Zstd => Some(MediaType::ImageLayerZstd),
        _ => None,
    }
}

/// checkpointctl's annotations for a checkpoint image.
pub fn checkpoint_annotations(c: &Checkpoint) -> Result<BTreeMap<String, String>> {
    let config = c.require_config()?;
    c.require_spec()?;
    let info = &c.container;
    let mut a = BTreeMap::new();
    for (k, v) in [
        (CHECKPOINT_ANNOTATION_ENGINE, info.engine.to_string()),
        (CHECKPOINT_ANNOTATION_NAME, info.name.clone()),
        (CHECKPOINT_ANNOTATION_POD, info.pod.clone()),
        (CHECKPOINT_ANNOTATION_NAMESPACE, info.namespace.clone()),
        (
            CHECKPOINT_ANNOTATION_ROOTFS_IMAGE_USER_REQUESTED,
            config.rootfs_image.clone(),
        ),
        (
            CHECKPOINT_ANNOTATION_ROOTFS_IMAGE_NAME,
            config.rootfs_image_name.clone(),
        ),
        (
            CHECKPOINT_ANNOTATION_ROOTFS_IMAGE_ID,
            config.rootfs_image_ref.clone(),
        ),
        (
            CHECKPOINT_ANNOTATION_RUNTIME_NAME,
            config.oci_runtime.clone(),
        ),
    ] {
        a.insert(k.to_owned(), v);
    }
    Ok(a)
}

/// A name next to `target` for writing before the rename.
fn temporary_next_to(target: &Path) -> PathBuf {
    let dir = match target.parent() {
        Some(d) if !d.as_os_str().is_empty() => d.to_owned(),
        _ => PathBuf::from("."),
    };
    let base = target
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| "image".into());
    dir.join(format!(".{base}.ckpt-{}.tmp", std::process::id()))
}

fn write_error(path: &Path) -> impl Fn(io::Error) -> Error + '_ {
    move |source| Error::Write {
        path: path.to_owned(),
        source,
    }
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
        ImageOutput::Tar(_) if m.is_file() => Err(refuse("exists; use --force to replace it")),
        _ => Err(refuse("exists and is of another kind")),
    }
}

/// The blobs other than the layer: (digest hex, bytes).
struct SmallBlobs {
    config: (String, Vec<u8>),
    manifest: (String, Vec<u8>),
    index: Vec<u8>,
}

fn blob(bytes: Vec<u8>) -> (String, Vec<u8>) {
    let mut h = Sha256::new();
    h.update(&bytes);
    (sha256_hex(h), bytes)
}

fn descriptor(media: MediaType, size: u64, hex: &str) -> Result<Descriptor> {
    let digest: Sha256Digest = hex.parse().map_err(oci_error)?;
    Ok(Descriptor::new(media, size, digest))
}

fn oci_error(e: oci_spec::OciSpecError) -> Error {
    Error::Io {
        archive: String::new(),
        entry: None,
        source: io::Error::other(e.to_string()),
    }
}

/// Config, manifest and index for a layer.
fn small_blobs(
    image: &str,
    layer: (&MediaType, u64, &str),
    diff_id: &str,
    annotations: &BTreeMap<String, String>,
    created: Option<&str>,
) -> Result<SmallBlobs> {
    let rootfs = RootFsBuilder::default()
        .typ("layers")
        .diff_ids(vec![format!("sha256:{diff_id}")])
        .build()
        .map_err(oci_error)?;
    let mut config = ImageConfigurationBuilder::default()
        .architecture(Arch::default())
        .os(Os::Linux)
        .rootfs(rootfs);
    if let Some(t) = created {
        config = config.created(t.to_owned());
    }
    let config = blob(canonical_json(&config.build().map_err(oci_error)?));
    let (media, size, hex) = layer;
    let mut manifest_annotations: std::collections::HashMap<String, String> =
        annotations.clone().into_iter().collect();
    if let Some(t) = created {
        manifest_annotations.insert(CREATED.to_owned(), t.to_owned());
    }
    let manifest = ImageManifestBuilder::default()
        .schema_version(2u32)
        .media_type(MediaType::ImageManifest)
        .config(descriptor(
            MediaType::ImageConfig,
            config.1.len() as u64,
            &config.0,
        )?)
        .layers(vec![descriptor(media.clone(), size, hex)?])
        .annotations(manifest_annotations.clone())
        .build()
        .map_err(oci_error)?;
    let manifest = blob(canonical_json(&manifest));
    let mut entry_annotations = manifest_annotations.clone();
    entry_annotations.insert(REF_NAME.to_owned(), image.to_owned());
    let entry = DescriptorBuilder::default()
        .media_type(MediaType::ImageManifest)
        .size(manifest.1.len() as u64)
        .digest(manifest.0.parse::<Sha256Digest>().map_err(oci_error)?)
        .annotations(entry_annotations)
        .build()
        .map_err(oci_error)?;
    let index = ImageIndexBuilder::default()
        .schema_version(2u32)
        .media_type(MediaType::ImageIndex)
        .manifests(vec![entry])
        .annotations(manifest_annotations)
        .build()
        .map_err(oci_error)?;
    Ok(SmallBlobs {
        config,
        manifest,
        index: canonical_json(&index),
    })
}

const OCI_LAYOUT: &[u8] = br#"{"imageLayoutVersion":"1.0.0"}"#;

/// The layer pass: copies the archive at `input` to `out`, hashing it, and
/// reads its metadata and the DiffID on the way.
fn copy_layer<W: Write + Send>(
    input: &Path,
    out: W,
    out_path: &Path,
    options: &Options,
) -> Result<(Checkpoint, MediaType, String, u64, String)> {
    let file = File::open(input).map_err(|source| Error::Open {
        path: input.to_owned(),
        source,
    })?;
    let name = input.display().to_string();
    let state = Arc::new(Mutex::new(TeeState {
        file,
        out,
        hash: Sha256::new(),
        len: 0,
        write_error: None,
    }));
    let mut tee = Tee(state.clone());
    let mut magic = [0u8; Compression::MAGIC_LEN];
    let n = read_prefix(&mut tee, &mut magic).map_err(|e| io_error(&name, e))?;
    let compression = Compression::detect(&magic[..n]);
    let Some(media) = media_type(compression) else {
        return Err(Error::LayerCompression {
            archive: name,
            compression,
        });
    };
    let prefixed =
        BufReader::with_capacity(128 << 10, io::Cursor::new(magic[..n].to_vec()).chain(tee));
    let decoded = compression::decoder(compression, prefixed).map_err(|e| io_error(&name, e))?;
    let mut hashing = Hashing {
        inner: decoded,
        hash: Sha256::new(),
        len: 0,
    };
    let mut options = options.clone();
    options.want = Want::metadata_only();
    let read =
        Archive::from_reader(&mut hashing, name.clone()).and_then(|a| crate::read(a, &options));
    // The rest of the archive: to the blob, through the hashes.
    let rest = io::copy(&mut hashing, &mut io::sink());
    let diff_id = sha256_hex(hashing.hash);
    drop(hashing.inner);
    let Ok(state) = Arc::try_unwrap(state).map(Mutex::into_inner) else {
        return Err(io_error(&name, io::Error::other("layer copy still in use")));
    };
    let Ok(mut state) = state else {
        return Err(io_error(&name, io::Error::other("layer copy poisoned")));
    };
    if let Some(e) = state.write_error.take() {
        return Err(Error::Write {
            path: out_path.to_owned(),
            source: e,
        });
    }
    let checkpoint = read?;
    rest.map_err(|e| io_error(&name, e))?;
    // Whatever the decoder left unread after the end of its stream.
    let mut buf = vec![0u8; 64 << 10];
    loop {
        let n = match state.file.read(&mut buf) {
            Ok(0) => break,
            Ok(n) => n,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
            Err(e) => return Err(io_error(&name, e)),
        };
        state.hash.update(&buf[..n]);
        state.len += n as u64;
        state
            .out
            .write_all(&buf[..n])
            .map_err(write_error(out_path))?;
    }
    state.out.flush().map_err(write_error(out_path))?;
    Ok((
        checkpoint,
        media,
        sha256_hex(state.hash),
        state.len,
        diff_id,
    ))
}

fn io_error(name: &str, source: io::Error) -> Error {
    Error::Io {
        archive: name.to_owned(),
        entry: None,
        source,
    }
}

/// Writes an OCI image whose single layer is the checkpoint archive at
/// `input`, named `image`, with checkpointctl's annotations, to `output`.
/// An existing tar is replaced only if `force`.
pub fn build_image(
    input: &Path,
    image: &str,
    output: &ImageOutput,
    force: bool,
    options: &Options,
) -> Result<BuiltImage> {
    check_target(output, force)?;
    let temp = temporary_next_to(output.path());
    let result = match output {
        ImageOutput::Directory(_) => write_directory(input, image, &temp, options),
        ImageOutput::Tar(_) => write_tar(input, image, &temp, options),
    };
    let built = match result {
        Ok(b) => b,
        Err(e) => {
            let _ = std::fs::remove_dir_all(&temp);
            let _ = std::fs::remove_file(&temp);
            return Err(e);
        }
    };
    let target = output.path();
    if let ImageOutput::Directory(_) = output
        && target.is_dir()
    {
        // Empty (checked above): rename replaces it.
        std::fs::remove_dir(target).map_err(write_error(target))?;
    }
    std::fs::rename(&temp, target).map_err(write_error(target))?;
    Ok(BuiltImage {
        output: target.to_owned(),
        ..built
    })
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

fn write_directory(input: &Path, image: &str, dir: &Path, options: &Options) -> Result<BuiltImage> {
    let we = write_error(dir);
    let blobs_dir = dir.join("blobs").join("sha256");
    std::fs::create_dir(dir).map_err(&we)?;
    std::fs::create_dir_all(&blobs_dir).map_err(&we)?;
    let layer_temp = blobs_dir.join(".layer.tmp");
    let file = OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(&layer_temp)
        .map_err(&we)?;
    let (c, media, layer_hex, layer_size, diff_id) =
        copy_layer(input, BufWriter::with_capacity(1 << 20, file), dir, options)?;
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

fn write_tar(input: &Path, image: &str, path: &Path, options: &Options) -> Result<BuiltImage> {
    let we = write_error(path);
    let mut file = OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(path)
        .map_err(&we)?;
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
        let r = copy_layer(input, &mut out, path, options)?;
        out.flush().map_err(&we)?;
        r
    };
    if layer_size != size {
        return Err(io_error(
            &input.display().to_string(),
            io::Error::other("the archive changed while it was read"),
        ));
    }
    let (built, blobs) = finish(image, &c, media, (layer_hex.clone(), layer_size, diff_id))?;
    let mut b = tar::Builder::new(BufWriter::new(&mut file));
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
