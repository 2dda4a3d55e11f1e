//! The small blobs of the image: config, manifest and index, with
//! checkpointctl's annotations, as canonical JSON.

use std::collections::BTreeMap;
use std::io;

use oci_spec::image::{
    Arch, Descriptor, DescriptorBuilder, ImageConfigurationBuilder, ImageIndexBuilder,
    ImageManifestBuilder, MediaType, Os, RootFsBuilder, Sha256Digest,
};
use serde::Serialize;
use sha2::{Digest as _, Sha256};

use crate::compression::Compression;
use crate::error::{Error, Result};
use crate::metadata::annotations::*;
use crate::model::Checkpoint;

/// The OCI annotation naming an image in a layout.
const REF_NAME: &str = "org.opencontainers.image.ref.name";
/// The OCI annotation for the creation time.
const CREATED: &str = "org.opencontainers.image.created";

pub(super) fn sha256_hex(hash: Sha256) -> String {
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

pub(super) fn media_type(c: Compression) -> Option<MediaType> {
    match c {
        Compression::None => Some(MediaType::ImageLayer),
        Compression::Gzip => Some(MediaType::ImageLayerGzip),
        Compression::Zstd => Some(MediaType::ImageLayerZstd),
        _ => None,
    }
}

/// checkpointctl's annotations for a checkpoint image.
pub fn checkpoint_annotations(c: &Checkpoint) -> Result<BTreeMap<String, String>> {
    if let Some(pod) = &c.pod {
        return Ok(pod_annotations(pod));
    }
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

/// A pod checkpoint's: the `org.criu.checkpoint.*` annotations of its
/// `pod.options` (what CRI-O puts on the image of a pod checkpoint), and
/// the pod's name, namespace, UID, sandbox and engine where they lack them.
fn pod_annotations(pod: &crate::model::Pod) -> BTreeMap<String, String> {
    let mut a: BTreeMap<String, String> = pod
        .annotations
        .iter()
        .filter(|(k, _)| k.starts_with("org.criu.checkpoint."))
        .map(|(k, v)| (k.clone(), v.clone()))
        .collect();
    for (k, v) in [
        (CHECKPOINT_ANNOTATION_ENGINE, &pod.engine),
        (CHECKPOINT_ANNOTATION_POD, &pod.name),
        (CHECKPOINT_ANNOTATION_NAMESPACE, &pod.namespace),
        (CHECKPOINT_ANNOTATION_POD_UID, &pod.uid),
        (CHECKPOINT_ANNOTATION_POD_ID, &pod.sandbox_id),
    ] {
        if !v.is_empty() {
            a.entry(k.to_owned()).or_insert_with(|| v.clone());
        }
    }
    a
}

/// The blobs other than the layer: (digest hex, bytes).
pub(super) struct SmallBlobs {
    pub(super) config: (String, Vec<u8>),
    pub(super) manifest: (String, Vec<u8>),
    pub(super) index: Vec<u8>,
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
        offset: None,
        source: io::Error::other(e.to_string()),
    }
}

/// Config, manifest and index for a layer.
pub(super) fn small_blobs(
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
