//! CRIU plugins and their images: the AMD GPU plugin's device state and GPU
//! memory listed with their sizes, plugin and owner, never read as process
//! memory, and the plugins a restore needs from the inventory image.
//!
//! The archives are mini-sleep (a real Podman checkpoint) with what the
//! AMD GPU plugin adds (`plugins/amdgpu/amdgpu_plugin_util.h` names its
//! images): a compute device (`/dev/kfd`, an `EXT` file of id 7 open as fd
//! 9 of pid 1), its buffer contents on GPU 0xc00f, a render node (file 8,
//! open in no process), and the inventory naming `amdgpu_plugin`.

mod common;

use ckpt::criu::proto::{ExtFileEntry, FdinfoEntry, FileEntry, InventoryEntry, PluginsEntry};
use common::images::{image_of, records};
use common::{fixture, run_ckpt};
use prost::Message;

const EXT: i32 = 16;
const GPU_MEMORY: usize = 64 << 10;

/// mini-sleep with the AMD GPU plugin's images, and its inventory naming
/// `plugins` (none when empty).
fn with_gpu(plugins: &[&str], images: bool) -> Vec<u8> {
    let mut items = common::images::fixture_items("mini-sleep.none.tar");
    for item in &mut items {
        let common::Item::File(name, data) = item else {
            continue;
        };
        match name.as_str() {
            "checkpoint/inventory.img" if !plugins.is_empty() => {
                let (head, mut recs) = records(data);
                let mut inv = InventoryEntry::decode(recs[0].as_slice()).unwrap();
                inv.plugins_entry = Some(PluginsEntry {
                    plugins: plugins.iter().map(|p| p.to_string()).collect(),
                });
                recs[0] = inv.encode_to_vec();
                *data = image_of(&head, &recs);
            }
            "checkpoint/files.img" if images => {
                let (head, mut recs) = records(data);
                for id in [7, 8] {
                    let file = FileEntry {
                        r#type: EXT,
                        id,
                        ext: Some(ExtFileEntry { id, fown: None }),
                        ..Default::default()
                    };
                    recs.push(file.encode_to_vec());
                }
                *data = image_of(&head, &recs);
            }
            "checkpoint/fdinfo-2.img" if images => {
                let (head, mut recs) = records(data);
                let fd = FdinfoEntry {
                    id: 7,
                    flags: 0,
                    r#type: EXT,
                    fd: 9,
                    xattr_security_selinux: None,
                };
                recs.push(fd.encode_to_vec());
                *data = image_of(&head, &recs);
            }
            _ => {}
        }
    }
    if images {
        let mut gpu = vec![0u8; GPU_MEMORY];
        gpu[4096..4096 + 17].copy_from_slice(b"GPU_SECRET_MARKER");
        items.push(common::file("checkpoint/amdgpu-kfd-7.img", vec![1u8; 300]));
        items.push(common::file("checkpoint/amdgpu-pages-7-c00f.img", gpu));
        items.push(common::file(
            "checkpoint/amdgpu-renderD-8.img",
            vec![2u8; 120],
        ));
    }
    common::plain(&items)
}

fn write(dir: &tempfile::TempDir, name: &str, bytes: &[u8]) -> String {
    let path = dir.path().join(name);
    std::fs::write(&path, bytes).unwrap();
    path.display().to_string()
}

#[test]
fn show_names_the_plugins_and_their_images() {
    let dir = tempfile::tempdir().unwrap();
    let gpu = write(&dir, "gpu.tar", &with_gpu(&["amdgpu_plugin"], true));
    let (out, err, code) = run_ckpt(&["show", &gpu, "--format", "json"]);
    assert_eq!((code, err.as_str()), (0, ""), "{out}");
    let json: serde_json::Value = serde_json::from_str(&out).unwrap();
    let o = &json[0];
    assert_eq!(o["criu_plugins"], serde_json::json!(["amdgpu_plugin"]));
    let size = &o["checkpoint_size"];
    assert_eq!(size["amd_gpu_memory_pages_size"], GPU_MEMORY as u64);
    // pages-1.img of mini-sleep, as without the plugin.
    assert_eq!(size["memory_pages_size"], 69632);
    let images: Vec<(String, u64, String, u64)> = o["plugin_images"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| {
            (
                i["name"].as_str().unwrap().to_owned(),
                i["size"].as_u64().unwrap(),
                i["kind"].as_str().unwrap().to_owned(),
                i["file_id"].as_u64().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        images,
        [
            (
                "checkpoint/amdgpu-kfd-7.img".into(),
                300,
                "kfd_device".into(),
                7
            ),
            (
                "checkpoint/amdgpu-pages-7-c00f.img".into(),
                GPU_MEMORY as u64,
                "kfd_pages".into(),
                7
            ),
            (
                "checkpoint/amdgpu-renderD-8.img".into(),
                120,
                "drm_device".into(),
                8
            ),
        ]
    );
    assert_eq!(o["plugin_images"][1]["gpu_id"], 0xc00f);
    assert_eq!(o["plugin_images"][1]["plugin"], "amdgpu_plugin");

    let (out, _, code) = run_ckpt(&["show", &gpu]);
    assert_eq!(code, 0);
    assert!(
        out.contains(&format!(
            "{gpu}: a restore needs the CRIU plugins amdgpu_plugin (3 plugin images, 64.0 KiB of GPU memory)"
        )),
        "{out}"
    );
    // The original says nothing of plugins.
    let plain = fixture("mini-sleep.none.tar").display().to_string();
    let (out, _, _) = run_ckpt(&["show", &plain, "--format", "json"]);
    assert!(!out.contains("criu_plugins") && !out.contains("plugin_images"));
}

#[test]
fn inspect_lists_each_image_with_the_process_that_has_its_device_open() {
    let dir = tempfile::tempdir().unwrap();
    let gpu = write(&dir, "gpu.tar", &with_gpu(&["amdgpu_plugin"], true));
    let (out, err, code) = run_ckpt(&["inspect", &gpu, "--files"]);
    assert_eq!((code, err.as_str()), (0, ""), "{out}");
    for line in [
        "[EXT 9]  /dev/kfd (AMD GPU compute device), state in amdgpu-kfd-7.img",
        "CRIU plugins needed to restore: amdgpu_plugin",
        "Plugin images (device state and memory, not process memory)",
        "amdgpu-kfd-7.img: AMD GPU compute device state, 300 B, amdgpu_plugin, file 7, open in pid 1",
        "amdgpu-pages-7-c00f.img: AMD GPU memory (compute buffers), 64.0 KiB, amdgpu_plugin, file 7, GPU 0xc00f, open in pid 1",
        "amdgpu-renderD-8.img: AMD GPU render node state, 120 B, amdgpu_plugin, file 8, no process has it open",
    ] {
        assert!(out.contains(line), "{line}\n{out}");
    }
    // Without the open files, no owner is claimed.
    let (out, _, _) = run_ckpt(&["inspect", &gpu]);
    assert!(
        out.contains(
            "amdgpu-kfd-7.img: AMD GPU compute device state, 300 B, amdgpu_plugin, file 7\n"
        ),
        "{out}"
    );
}

#[test]
fn gpu_memory_is_never_process_memory() {
    let dir = tempfile::tempdir().unwrap();
    let gpu = write(&dir, "gpu.tar", &with_gpu(&["amdgpu_plugin"], true));
    let plain = fixture("mini-sleep.none.tar").display().to_string();
    let (found, _, _) = run_ckpt(&["memparse", &gpu, "--search", "GPU_SECRET_MARKER"]);
    assert!(
        found.contains("No matches for pattern \"GPU_SECRET_MARKER\" in the memory of any process"),
        "{found}"
    );
    // The memory table is that of the archive without the plugin.
    let table = |archive: &str| {
        let (out, err, code) = run_ckpt(&["memparse", archive]);
        assert_eq!((code, err.as_str()), (0, ""));
        out.lines().skip(2).collect::<Vec<_>>().join("\n")
    };
    assert_eq!(table(&gpu), table(&plain));
}

#[test]
fn plugins_from_the_inventory_alone_or_from_images_alone() {
    // The CUDA plugin writes no image: the inventory is all that says it.
    let dir = tempfile::tempdir().unwrap();
    let cuda = write(&dir, "cuda.tar", &with_gpu(&["cuda_plugin"], false));
    let (out, _, code) = run_ckpt(&["show", &cuda]);
    assert_eq!(code, 0);
    assert!(
        out.contains(&format!(
            "{cuda}: a restore needs the CRIU plugins cuda_plugin\n"
        )),
        "{out}"
    );
    // Images with an inventory that names no plugin (CRIU before 4.0):
    // the images say which.
    let old = write(&dir, "old.tar", &with_gpu(&[], true));
    let (out, _, _) = run_ckpt(&["show", &old, "--format", "json"]);
    let json: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(
        json[0]["criu_plugins"],
        serde_json::json!(["amdgpu_plugin"])
    );
}

/// `tests/fixtures/amdgpu-mini.tar.zst`, which the README shows, is what
/// [`with_gpu`] builds (`CKPT_REGENERATE=1` writes it again).
#[test]
fn the_readme_fixture_is_the_generated_archive() {
    let path = fixture("amdgpu-mini.tar.zst");
    let tar = with_gpu(&["amdgpu_plugin"], true);
    if std::env::var_os("CKPT_REGENERATE").is_some() {
        std::fs::write(&path, common::zstd(&tar)).unwrap();
    }
    let file = std::fs::File::open(&path).unwrap();
    let stored = zstd::stream::decode_all(file).unwrap();
    assert!(
        stored == tar,
        "{} is not what with_gpu builds",
        path.display()
    );
}

#[test]
fn plugin_image_names_are_held_within_the_limits() {
    // 2,000 plugin images named in the archive: their names are held like
    // any decoded byte, so a small --max-total-size stops the read with an
    // error naming the entry that went over it.
    let dir = tempfile::tempdir().unwrap();
    let mut items = common::images::fixture_items("mini-sleep.none.tar");
    for id in 0..2000 {
        items.push(common::file(
            &format!("checkpoint/amdgpu-kfd-{id}.img"),
            Vec::new(),
        ));
    }
    let many = write(&dir, "many.tar", &common::plain(&items));
    let (out, _, code) = run_ckpt(&["show", &many, "--format", "json"]);
    assert_eq!(code, 0);
    let json: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(json[0]["plugin_images"].as_array().unwrap().len(), 2000);
    let (_, err, code) = run_ckpt(&["show", &many, "--max-total-size", "100000"]);
    assert_eq!(code, 1, "{err}");
    assert!(err.contains("checkpoint/amdgpu-kfd-"), "{err}");
    assert!(err.contains("--max-total-size"), "{err}");
}
