//! The rules: one [`CheckLine`] per requirement, from the requirements and
//! the node alone, each with its reason and fix next to its rule: the
//! machine and its kernel (`machine.rs`), CRIU (`criu.rs`), the container's
//! engine, runtime, image and mounts (`container.rs`).

mod container;
mod criu;
mod line;
mod machine;

use super::host::Host;
use super::requirements::Requirements;
use container::{engine, image, mounts, runtime};
use criu::{criu, criu_features, image_format, parent_images, plugins, tcp, uprobes};
pub use line::{CheckLine, Status};
use machine::{architecture, cgroups, kernel, lsm, namespaces};

/// Checks every requirement against the node: one line each, in a fixed
/// order (one `mount source` line per mount). Pure and deterministic.
pub fn check(r: &Requirements, host: &Host) -> Vec<CheckLine> {
    let mut lines = vec![
        architecture(r, host),
        image_format(r),
        parent_images(r),
        criu(r, host),
        plugins(r, host),
        criu_features(r, host),
        kernel(r, host),
        lsm(r, host),
        cgroups(r, host),
        namespaces(r, host),
        tcp(r, host),
        uprobes(r, host),
        engine(r, host),
        runtime(r, host),
        image(r, host),
    ];
    lines.extend(mounts(r, host));
    lines
}
