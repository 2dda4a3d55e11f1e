//! What a restore needs of CRIU's plugins: the plugins the inventory image
//! names or whose images are there, and the processes whose open devices
//! those images belong to.

use std::collections::BTreeMap;

use super::checkpoint::Checkpoint;
#[cfg(doc)]
use super::plugins::PluginImage;

impl Checkpoint {
    /// The CRIU plugins a restore needs: those the inventory image names
    /// (in its order), then those whose images are in the archive and the
    /// inventory does not name (CRIU before 4.0 recorded none). Empty when
    /// neither says a plugin is needed, or the inventory was not read.
    pub fn criu_plugins(&self) -> Vec<String> {
        let mut plugins: Vec<String> = self
            .images
            .as_ref()
            .and_then(|i| i.inventory.as_ref())
            .and_then(|inv| inv.plugins_entry.as_ref())
            .map(|p| p.plugins.clone())
            .unwrap_or_default();
        for image in &self.plugin_images {
            if !plugins.iter().any(|p| p == image.what.plugin) {
                plugins.push(image.what.plugin.to_owned());
            }
        }
        plugins
    }

    /// The processes that have each open file open, by file id, then pid:
    /// who holds the device a plugin image belongs to
    /// ([`PluginImage::what`]'s `file_id`). `None` when the open files were
    /// not read ([`Want::files`](crate::Want::files)).
    pub fn file_holders(&self) -> Option<BTreeMap<u32, Vec<u32>>> {
        let table = self.process_table()?;
        let mut known = false;
        let mut holders: BTreeMap<u32, Vec<u32>> = BTreeMap::new();
        for process in table.by_pid.values() {
            let Some(files) = process.files() else {
                continue;
            };
            known = true;
            for f in files {
                let pids = holders.entry(f.file_id).or_default();
                if pids.last() != Some(&process.pid()) {
                    pids.push(process.pid());
                }
            }
        }
        known.then_some(holders)
    }
}
