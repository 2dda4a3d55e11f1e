//! The lines about the machine and its kernel: architecture, kernel
//! version, LSM, cgroups, namespaces.

use std::cmp::Ordering;

use super::line::{CheckLine, Status, UNKNOWN, line, or_unknown};
use crate::check::host::{CgroupLayout, Host, Lsm};
use crate::check::requirements::Requirements;
use crate::check::version;

/// `uname -m`'s name for what Go and Debian call otherwise.
fn arch_name(arch: &str) -> &str {
    match arch {
        "amd64" => "x86_64",
        "arm64" => "aarch64",
        "ppc64el" => "ppc64le",
        "arm" | "armhf" | "armv7" => "armv7l",
        other => other,
    }
}

pub(super) fn architecture(r: &Requirements, host: &Host) -> CheckLine {
    const NAME: &str = "architecture";
    let found = or_unknown(host.arch.as_deref());
    match (&r.arch, &host.arch) {
        (None, _) => line(NAME, Status::Warning, UNKNOWN)
            .found(found)
            .because("the archive has no core image to tell the architecture")
            .fix("restore on a node of the architecture that dumped"),
        (Some(needed), None) => line(NAME, Status::Warning, needed)
            .found(found)
            .because("the node's architecture is unknown")
            .fix(format!("restore on a {needed} node")),
        (Some(needed), Some(has)) if arch_name(needed) == arch_name(has) => {
            line(NAME, Status::Ok, needed)
                .found(has)
                .because("the same")
        }
        (Some(needed), Some(has)) => line(NAME, Status::Failure, needed)
            .found(has)
            .because("CRIU restores processes only on the architecture that dumped them")
            .fix(format!("restore on a {needed} node")),
    }
}

pub(super) fn kernel(r: &Requirements, host: &Host) -> CheckLine {
    const NAME: &str = "kernel";
    let found = or_unknown(host.kernel.as_deref());
    let Some(want) = r.kernel.as_deref() else {
        return line(NAME, Status::Warning, UNKNOWN)
            .found(found)
            .because("the archive does not record the kernel that dumped (no dump.log)")
            .fix("nothing to check; the namespaces and criu features lines check what the kernel must have");
    };
    let Some(has) = host.kernel.as_deref() else {
        return line(NAME, Status::Warning, want)
            .found(found)
            .because("the node's kernel is unknown")
            .fix(format!("restore on a kernel {want} or newer"));
    };
    match version::compare(has, want) {
        Some(Ordering::Less) => line(NAME, Status::Warning, want)
            .found(has)
            .because("older than the kernel that dumped: what the processes used may be missing")
            .fix(format!("restore on a kernel {want} or newer")),
        Some(_) => line(NAME, Status::Ok, want)
            .found(has)
            .because("as new as the kernel that dumped"),
        None => line(NAME, Status::Warning, want)
            .found(has)
            .because("the versions cannot be compared")
            .fix(format!("restore on a kernel {want} or newer")),
    }
}

pub(super) fn lsm(r: &Requirements, host: &Host) -> CheckLine {
    const NAME: &str = "lsm";
    let found = host.lsm.map_or(UNKNOWN, Lsm::name);
    match (r.lsm, host.lsm) {
        (None | Some(Lsm::None), _) => line(NAME, Status::Ok, "none")
            .found(found)
            .because("the dump ran under no security module"),
        (Some(want), None) => line(NAME, Status::Warning, want.name())
            .found(found)
            .because("the node's security module is unknown")
            .fix(format!("restore on a node running {}", want.name())),
        (Some(want), Some(has)) if want == has => line(NAME, Status::Ok, want.name())
            .found(has.name())
            .because("the same"),
        (Some(want), Some(has)) => line(NAME, Status::Warning, want.name())
            .found(has.name())
            .because(format!(
                "CRIU fails if the runtime gives it the container's {} label on a {} node",
                want.name(),
                has.name()
            ))
            .fix(format!(
                "restore on a node running {}, or without an LSM profile",
                want.name()
            )),
    }
}

pub(super) fn cgroups(r: &Requirements, host: &Host) -> CheckLine {
    const NAME: &str = "cgroups";
    let found = host.cgroup.map_or(UNKNOWN, CgroupLayout::name);
    let Some(want) = r.cgroup else {
        return line(NAME, Status::Warning, UNKNOWN)
            .found(found)
            .because("the archive has no cgroup.img to tell the cgroup layout")
            .fix("restore on a node with the cgroup layout that dumped");
    };
    let Some(has) = host.cgroup else {
        return line(NAME, Status::Warning, want.name())
            .found(found)
            .because("the node's cgroup layout is unknown")
            .fix(format!("restore on a cgroup {} node", want.name()));
    };
    if want.has_v1() && !has.has_v1() {
        return line(NAME, Status::Failure, want.name())
            .found(has.name())
            .because(
                "the tasks were in cgroup v1 controllers, which a cgroup v2 node does not mount",
            )
            .fix("restore on a cgroup v1 or hybrid node");
    }
    if want == CgroupLayout::V2 && has != CgroupLayout::V2 {
        return line(NAME, Status::Failure, want.name())
            .found(has.name())
            .because("the tasks were in the unified cgroup v2 hierarchy, whose controllers this node does not mount")
            .fix("restore on a cgroup v2 node");
    }
    if want.has_v1()
        && let Some(controllers) = &host.cgroup_controllers
    {
        let missing: Vec<&str> = r
            .cgroup_controllers
            .iter()
            .filter(|c| !controllers.contains(c))
            .map(String::as_str)
            .collect();
        if !missing.is_empty() {
            return line(NAME, Status::Failure, want.name())
                .found(format!("{}, without {}", has.name(), missing.join(", ")))
                .because("CRIU puts the tasks back in every controller they were in")
                .fix(format!(
                    "enable the cgroup controllers {} on the node, or restore elsewhere",
                    missing.join(", ")
                ));
        }
    }
    if want == CgroupLayout::Hybrid && has == CgroupLayout::V1 {
        return line(NAME, Status::Warning, want.name())
            .found(has.name())
            .because("the tasks were also in the unified hierarchy, which the node does not mount")
            .fix("restore on a hybrid node");
    }
    line(NAME, Status::Ok, want.name())
        .found(has.name())
        .because("the controllers the tasks were in are mounted")
}

pub(super) fn namespaces(r: &Requirements, host: &Host) -> CheckLine {
    const NAME: &str = "namespaces";
    if r.namespaces.is_empty() {
        return line(NAME, Status::Ok, "none").because("the container had no namespace of its own");
    }
    let needed = r.namespaces.join(", ");
    let Some(has) = &host.namespaces else {
        return line(NAME, Status::Warning, needed)
            .found(UNKNOWN)
            .because("the namespaces of the node's kernel are unknown")
            .fix("restore on a kernel with these namespaces");
    };
    let missing: Vec<&str> = r
        .namespaces
        .iter()
        .filter(|n| !has.contains(n))
        .map(String::as_str)
        .collect();
    if missing.is_empty() {
        return line(NAME, Status::Ok, needed)
            .found("all of them")
            .because("the node's kernel has them");
    }
    line(NAME, Status::Failure, needed)
        .found(format!("no {}", missing.join(", ")))
        .because("the container's namespaces are made anew on restore")
        .fix(format!(
            "restore on a kernel with {} namespaces",
            missing.join(", ")
        ))
}
