//! The CRIU plugins a restore needs and the images they wrote, as `show`
//! and `inspect` print them.

use ckpt::metadata::byte_to_string;
use ckpt::views::{Header, PluginImageRow};

use super::text::clean;
use super::tree::Tree;

/// `show`'s line for a checkpoint that needs CRIU plugins, if it does.
pub fn show_line(archive: &str, h: &Header) -> Option<String> {
    if h.criu_plugins.is_empty() {
        return None;
    }
    let memory: u64 = h
        .plugin_images
        .iter()
        .filter(|r| r.image.kind().is_memory())
        .map(|r| r.image.size)
        .sum();
    let images = match h.plugin_images.len() {
        0 => String::new(),
        1 => format!(
            " (1 plugin image, {} of GPU memory)",
            byte_to_string(memory)
        ),
        n => format!(
            " ({n} plugin images, {} of GPU memory)",
            byte_to_string(memory)
        ),
    };
    Some(format!(
        "{}: a restore needs the CRIU plugins {}{images}\n",
        clean(archive),
        clean(&h.criu_plugins.join(", "))
    ))
}

/// `inspect`'s branches: the plugins, and each plugin image with what it
/// holds, its size and whose device it belongs to.
pub fn branches(t: &mut Tree, h: &Header) {
    if !h.criu_plugins.is_empty() {
        t.branch(format!(
            "CRIU plugins needed to restore: {}",
            clean(&h.criu_plugins.join(", "))
        ));
    }
    if h.plugin_images.is_empty() {
        return;
    }
    let b = t.branch("Plugin images (device state and memory, not process memory)");
    for r in &h.plugin_images {
        b.branch(image_line(r));
    }
}

fn image_line(r: &PluginImageRow) -> String {
    let what = &r.image.what;
    let file = r.image.name.rsplit('/').next().unwrap_or(&r.image.name);
    let gpu = what
        .gpu_id
        .map(|g| format!(", GPU {g:#x}"))
        .unwrap_or_default();
    let owners = match r.owners.as_deref() {
        Some([]) => ", no process has it open".to_owned(),
        Some(pids) => {
            let pids: Vec<String> = pids.iter().map(u32::to_string).collect();
            format!(", open in pid {}", pids.join(", "))
        }
        None => String::new(),
    };
    format!(
        "{}: {}, {}, {}, file {}{gpu}{owners}",
        clean(file),
        r.holds,
        byte_to_string(r.image.size),
        what.plugin,
        what.file_id
    )
}
