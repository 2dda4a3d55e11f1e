//! `ckpt build`: OCI images of real checkpoints, read back with oci-spec
//! (index → manifest → config → layer), every digest and size checked by
//! hashing the blobs, the layer equal to the input archive byte for byte,
//! the DiffID the hash of the decompressed tar, checkpointctl's annotations
//! on the manifest and the index.

#![cfg(feature = "build")]

mod common;

use std::collections::BTreeMap;
use std::io::Read;
use std::path::Path;

use ckpt::build::{BuildOptions, ImageOutput, build_image};
use ckpt::oci_spec::image::{ImageConfiguration, ImageIndex, ImageManifest, MediaType};
use ckpt::{Error, Options};
use common::run_ckpt as ckpt;
use common::*;

/// Replace an existing output.
const REPLACE: BuildOptions = BuildOptions {
    replace: true,
    allow_ambiguous: false,
    read: Options {
        want: ckpt::Want::none(),
        limits: ckpt::Limits::DEFAULT,
        keep_partial: false,
        digest: false,
        container: None,
    },
};
use sha2::{Digest, Sha256};

fn sha256(bytes: &[u8]) -> String {
    let h = Sha256::digest(bytes);
    let hex: String = h.iter().map(|b| format!("{b:02x}")).collect();
    format!("sha256:{hex}")
}

/// The files of an OCI layout, from a directory or a tar.
fn layout_files(output: &ImageOutput) -> BTreeMap<String, Vec<u8>> {
    let mut out = BTreeMap::new();
    match output {
        ImageOutput::Directory(dir) => {
            for rel in ["oci-layout", "index.json"] {
                out.insert(rel.to_owned(), std::fs::read(dir.join(rel)).unwrap());
            }
            for e in std::fs::read_dir(dir.join("blobs/sha256")).unwrap() {
                let e = e.unwrap();
                let name = format!("blobs/sha256/{}", e.file_name().to_string_lossy());
                out.insert(name, std::fs::read(e.path()).unwrap());
            }
        }
        ImageOutput::Tar(path) => {
            let mut t = tar::Archive::new(std::fs::File::open(path).unwrap());
            for e in t.entries().unwrap() {
                let mut e = e.unwrap();
                let name = e.path().unwrap().to_string_lossy().into_owned();
                let mut data = Vec::new();
                e.read_to_end(&mut data).unwrap();
                assert_eq!(e.header().size().unwrap(), data.len() as u64);
                assert!(out.insert(name, data).is_none());
            }
        }
        _ => unreachable!(),
    }
    out
}

/// Reads the layout back and checks it; returns the manifest's annotations.
fn check_layout(
    files: &BTreeMap<String, Vec<u8>>,
    input: &Path,
    image: &str,
    layer_type: MediaType,
) -> BTreeMap<String, String> {
    assert_eq!(files["oci-layout"], br#"{"imageLayoutVersion":"1.0.0"}"#);
    assert_eq!(files.len(), 5, "{:?}", files.keys().collect::<Vec<_>>());
    // Every blob is named by its digest.
    for (name, bytes) in files.iter().filter(|(n, _)| n.starts_with("blobs/")) {
        assert_eq!(format!("blobs/{}", sha256(bytes).replace(':', "/")), *name);
    }
    let blob = |digest: &str| files[&format!("blobs/{}", digest.replace(':', "/"))].clone();
    let index: ImageIndex = serde_json::from_slice(&files["index.json"]).unwrap();
    assert_eq!(index.schema_version(), 2);
    let entry = &index.manifests()[0];
    assert_eq!(index.manifests().len(), 1);
    assert_eq!(entry.media_type(), &MediaType::ImageManifest);
    let entry_annotations = entry.annotations().clone().unwrap();
    assert_eq!(
        entry_annotations["org.opencontainers.image.ref.name"],
        image
    );
    let manifest_bytes = blob(entry.digest().as_ref());
    assert_eq!(entry.size(), manifest_bytes.len() as u64);
    let manifest: ImageManifest = serde_json::from_slice(&manifest_bytes).unwrap();
    let config_bytes = blob(manifest.config().digest().as_ref());
    assert_eq!(manifest.config().size(), config_bytes.len() as u64);
    assert_eq!(manifest.config().media_type(), &MediaType::ImageConfig);
    let config: ImageConfiguration = serde_json::from_slice(&config_bytes).unwrap();
    // The one layer is the archive, byte for byte.
    let layer = &manifest.layers()[0];
    assert_eq!(manifest.layers().len(), 1);
    assert_eq!(layer.media_type(), &layer_type);
    let input_bytes = std::fs::read(input).unwrap();
    assert_eq!(blob(layer.digest().as_ref()), input_bytes);
    assert_eq!(layer.size(), input_bytes.len() as u64);
    // The DiffID is the hash of the uncompressed tar.
    let tar = match layer_type {
        MediaType::ImageLayerZstd => zstd::decode_all(&input_bytes[..]).unwrap(),
        MediaType::ImageLayerGzip => {
            let mut v = Vec::new();
            flate2::read::MultiGzDecoder::new(&input_bytes[..])
                .read_to_end(&mut v)
                .unwrap();
            v
        }
        _ => input_bytes.clone(),
    };
    assert_eq!(config.rootfs().diff_ids(), &vec![sha256(&tar)]);
    assert_eq!(config.rootfs().typ(), "layers");
    let manifest_annotations: BTreeMap<String, String> = manifest
        .annotations()
        .clone()
        .unwrap()
        .into_iter()
        .collect();
    // The same annotations on the index (containerd reads them there) and
    // its entry.
    let index_annotations: BTreeMap<String, String> =
        index.annotations().clone().unwrap().into_iter().collect();
    assert_eq!(index_annotations, manifest_annotations);
    for (k, v) in &manifest_annotations {
        assert_eq!(&entry_annotations[k], v);
    }
    manifest_annotations
}

#[test]
fn podman_zstd_checkpoint_as_a_layout_and_as_a_tar() {
    let dir = tempfile::tempdir().unwrap();
    let input = fixture("mini-sleep.zstd.tar.zst");
    let image = "localhost/mini-sleep:checkpoint";
    let mut digests = Vec::new();
    for output in [
        ImageOutput::Directory(dir.path().join("layout")),
        ImageOutput::Tar(dir.path().join("image.tar")),
    ] {
        let built = build_image(&input, image, &output, &BuildOptions::default()).unwrap();
        let files = layout_files(&output);
        let annotations = check_layout(&files, &input, image, MediaType::ImageLayerZstd);
        // config.dump and spec.dump of mini-sleep (MANIFEST.md: Podman
        // 4.3.1, runc, localhost/mini:latest, no pod).
        let expected: BTreeMap<String, String> = [
            ("org.criu.checkpoint.engine.name", "Podman"),
            ("org.criu.checkpoint.container.name", "mini-sleep"),
            ("org.criu.checkpoint.pod.name", ""),
            ("org.criu.checkpoint.pod.namespace", ""),
            ("org.criu.checkpoint.rootfsImageUserRequested", ""),
            (
                "org.criu.checkpoint.rootfsImageName",
                "localhost/mini:latest",
            ),
            ("org.criu.checkpoint.rootfsImageID", ""),
            ("org.criu.checkpoint.runtime.name", "runc"),
        ]
        .into_iter()
        .map(|(k, v)| (k.to_owned(), v.to_owned()))
        .collect();
        assert_eq!(annotations, expected);
        assert_eq!(built.annotations, expected);
        assert_eq!(built.layer_size, std::fs::metadata(&input).unwrap().len());
        digests.push(built.manifest_digest.clone());
    }
    // The same image, whichever the output: the digests do not depend on
    // the run (annotations are sorted).
    assert_eq!(digests[0], digests[1]);
}

#[test]
fn crio_plain_tar_with_its_pod_and_checkpoint_time() {
    let dir = tempfile::tempdir().unwrap();
    let input = fixture("crio-counter.assembled.tar");
    let output = ImageOutput::Tar(dir.path().join("counter.tar"));
    build_image(
        &input,
        "localhost/counter:ckpt",
        &output,
        &BuildOptions::default(),
    )
    .unwrap();
    let files = layout_files(&output);
    let a = check_layout(
        &files,
        &input,
        "localhost/counter:ckpt",
        MediaType::ImageLayer,
    );
    assert_eq!(a["org.criu.checkpoint.engine.name"], "CRI-O");
    assert_eq!(a["org.criu.checkpoint.container.name"], "counter");
    assert_eq!(a["org.criu.checkpoint.pod.name"], "counters");
    assert_eq!(a["org.criu.checkpoint.pod.namespace"], "default");
    // config.dump's checkpointedTime (MANIFEST.md: 2026-11-28T17:38:20Z).
    assert!(
        a["org.opencontainers.image.created"].starts_with("2026-11-28T17:38:20"),
        "{a:?}"
    );
}

#[test]
fn outputs_are_never_replaced_silently_and_failures_leave_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let input = fixture("mini-sleep.none.tar");
    let tar = dir.path().join("x.tar");
    std::fs::write(&tar, b"keep me").unwrap();
    let out = ImageOutput::Tar(tar.clone());
    match build_image(&input, "x", &out, &BuildOptions::default()) {
        Err(Error::Write { path, source }) => {
            assert_eq!(path, tar);
            assert_eq!(source.kind(), std::io::ErrorKind::AlreadyExists);
        }
        other => panic!("{other:?}"),
    }
    // The library says what is wrong; the CLI, which has the flag, says
    // how to go on.
    #[cfg(feature = "cli")]
    {
        let cli = assert_cmd::Command::cargo_bin("ckpt")
            .unwrap()
            .arg("build")
            .arg(&input)
            .arg("x")
            .arg("-o")
            .arg(&tar)
            .output()
            .unwrap();
        assert_eq!(cli.status.code(), Some(1));
        let err = String::from_utf8(cli.stderr).unwrap();
        assert!(
            err.ends_with(": cannot write: exists; use --force to replace it\n"),
            "{err}"
        );
    }
    assert_eq!(std::fs::read(&tar).unwrap(), b"keep me");
    build_image(&input, "x", &out, &REPLACE).unwrap();
    check_layout(&layout_files(&out), &input, "x", MediaType::ImageLayer);

    let full = dir.path().join("full");
    std::fs::create_dir(&full).unwrap();
    std::fs::write(full.join("f"), b"").unwrap();
    assert!(matches!(
        build_image(&input, "x", &ImageOutput::Directory(full.clone()), &REPLACE),
        Err(Error::Write { .. })
    ));
    #[cfg(unix)]
    {
        let link = dir.path().join("link.tar");
        std::os::unix::fs::symlink(&tar, &link).unwrap();
        assert!(matches!(
            build_image(&input, "x", &ImageOutput::Tar(link), &REPLACE),
            Err(Error::Write { .. })
        ));
    }
    // Not a checkpoint: an error, and no output or temporary file left.
    let bad = dir.path().join("bad.tar");
    std::fs::write(&bad, plain(&[file("hello.txt", "hi")])).unwrap();
    let target = dir.path().join("bad-image.tar");
    assert!(
        build_image(
            &bad,
            "x",
            &ImageOutput::Tar(target.clone()),
            &BuildOptions::default()
        )
        .is_err()
    );
    let left: Vec<String> = std::fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.contains("bad-image"))
        .collect();
    assert!(left.is_empty(), "{left:?}");
}

#[test]
fn cli_reports_the_annotations_and_digests() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("img.tar");
    let (stdout, err, code) = ckpt(&[
        "build",
        "tests/fixtures/multi-proc.none.tar",
        "localhost/multi:ckpt",
        "-o",
        &out.to_string_lossy(),
    ]);
    assert_eq!((code, err.as_str()), (0, ""));
    assert!(stdout.contains("Added annotation: org.criu.checkpoint.container.name=multi-proc\n"));
    assert!(stdout.contains(&format!(
        "Image 'localhost/multi:ckpt' created successfully from checkpoint 'tests/fixtures/multi-proc.none.tar' as an OCI archive in {}\n",
        out.display()
    )));
    let layer = sha256(&std::fs::read(fixture("multi-proc.none.tar")).unwrap());
    assert!(
        stdout.contains(&format!(
            "  layer    {layer} (application/vnd.oci.image.layer.v1.tar, 915456 bytes)\n"
        )),
        "{stdout}"
    );
    // Refused the second time, exit status 1.
    let (_, err, code) = ckpt(&[
        "build",
        "tests/fixtures/multi-proc.none.tar",
        "x",
        "-o",
        &out.to_string_lossy(),
    ]);
    assert_eq!(code, 1);
    assert!(err.contains("exists; use --force to replace it"), "{err}");
}

#[cfg(all(feature = "xz", feature = "bzip2"))]
#[test]
fn an_xz_or_bzip2_archive_is_refused_before_anything_is_written() {
    let plain = std::fs::read(fixture("mini-sleep.none.tar")).unwrap();
    let mut xz = liblzma::write::XzEncoder::new(Vec::new(), 1);
    std::io::Write::write_all(&mut xz, &plain).unwrap();
    let mut bz = bzip2::write::BzEncoder::new(Vec::new(), bzip2::Compression::fast());
    std::io::Write::write_all(&mut bz, &plain).unwrap();
    let dir = tempfile::tempdir().unwrap();
    for (name, bytes, compression) in [
        ("in.tar.xz", xz.finish().unwrap(), ckpt::Compression::Xz),
        ("in.tar.bz2", bz.finish().unwrap(), ckpt::Compression::Bzip2),
    ] {
        let input = dir.path().join(name);
        std::fs::write(&input, bytes).unwrap();
        for out in [
            ImageOutput::Tar(dir.path().join("out.tar")),
            ImageOutput::Directory(dir.path().join("out")),
        ] {
            let e = build_image(&input, "x", &out, &BuildOptions::default()).unwrap_err();
            assert!(
                matches!(&e, Error::LayerCompression { archive, compression: c }
                    if *archive == input.display().to_string() && *c == compression),
                "{name}: {e:?}"
            );
            assert!(
                e.to_string().contains("only plain tar, gzip or zstd"),
                "{e}"
            );
        }
        let left: Vec<String> = std::fs::read_dir(dir.path())
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .filter(|n| n.contains("out"))
            .collect();
        assert!(left.is_empty(), "{name}: {left:?}");
    }
}

/// Names in `dir`, sorted.
fn listing(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    names
}

#[test]
fn damaged_and_ambiguous_archives_are_refused_and_leave_nothing() {
    let dir = tempfile::tempdir().unwrap();
    // Paths that look like a temporary output of ckpt's, made by someone
    // else: a failed build must not remove them.
    for name in [
        ".out.tar.ckpt-1.tmp",
        ".out.tar.abc.ckpt-tmp",
        ".out.abc.ckpt-tmp",
    ] {
        std::fs::write(dir.path().join(name), b"not ckpt's").unwrap();
    }
    let good = plain(&podman_items());
    let mut duplicated = podman_items();
    duplicated.push(file("./config.dump", config_dump("later", ID)));
    let cases: Vec<(&str, Vec<u8>, &str)> = vec![
        // Cut inside the pages: the runtime could not restore it.
        (
            "truncated.tar",
            good[..good.len() - 3000].to_vec(),
            "truncated",
        ),
        // Cut at an entry boundary: no end marker, may be truncated.
        (
            "no-end.tar",
            good[..good.len() - 1024].to_vec(),
            "ambiguous or damaged: the tar has no end-of-archive marker",
        ),
        (
            "dup.tar",
            plain(&duplicated),
            "ambiguous or damaged: config.dump: appears more than once",
        ),
    ];
    for (name, bytes, message) in &cases {
        let input = dir.path().join(name);
        std::fs::write(&input, bytes).unwrap();
        let before = listing(dir.path());
        for out in [
            ImageOutput::Tar(dir.path().join("out.tar")),
            ImageOutput::Directory(dir.path().join("out")),
        ] {
            let e = build_image(&input, "x", &out, &BuildOptions::default()).unwrap_err();
            assert!(e.to_string().contains(message), "{name}: {e}");
            assert_eq!(listing(dir.path()), before, "{name}");
        }
    }
    // Allowed: the duplicate is built from the last config.dump, as the
    // runtime would restore it.
    let out = ImageOutput::Tar(dir.path().join("out.tar"));
    let allowed = BuildOptions {
        allow_ambiguous: true,
        ..BuildOptions::default()
    };
    let built = build_image(&dir.path().join("dup.tar"), "x", &out, &allowed).unwrap();
    assert_eq!(
        built.annotations["org.criu.checkpoint.container.name"],
        "later"
    );
    // Still refused when cut inside an entry: allowing ambiguity is not
    // allowing damage.
    let e = build_image(&dir.path().join("truncated.tar"), "x", &out, &{
        BuildOptions {
            replace: true,
            ..allowed.clone()
        }
    })
    .unwrap_err();
    assert!(matches!(e, Error::Truncated { .. }), "{e:?}");
    #[cfg(feature = "cli")]
    {
        let (stdout, stderr, code) = ckpt(&[
            "build",
            &dir.path().join("dup.tar").display().to_string(),
            "x",
            "-o",
            &dir.path().join("cli.tar").display().to_string(),
        ]);
        assert_eq!((stdout.as_str(), code), ("", 1), "{stderr}");
        assert!(
            stderr.contains("appears more than once")
                && stderr.ends_with("pass --allow-ambiguous\n"),
            "{stderr}"
        );
        let (_, stderr, code) = ckpt(&[
            "build",
            "--allow-ambiguous",
            &dir.path().join("dup.tar").display().to_string(),
            "x",
            "-o",
            &dir.path().join("cli.tar").display().to_string(),
        ]);
        assert_eq!(code, 0, "{stderr}");
    }
}
