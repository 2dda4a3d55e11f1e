//! The rules: one [`CheckLine`] per requirement, from the requirements and
//! the node alone.
//!
//! Longer than 400 lines because every line's rule, reason and fix are
//! here, next to each other, in the order the lines are printed.

use std::cmp::Ordering;

use serde::Serialize;

use super::host::{CgroupLayout, Host, Lsm};
use super::requirements::Requirements;
use super::version;
use crate::model::Engine;

/// What a [`CheckLine`] says.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Status {
    /// The node meets the requirement.
    Ok,
    /// The restore may fail, or cannot be checked: a fact is unknown, or
    /// the restore must be given an option.
    Warning,
    /// The restore will fail on this node.
    Failure,
}

impl Status {
    /// `ok`, `warning`, `FAIL`, as the text output prints it.
    pub fn word(self) -> &'static str {
        match self {
            Status::Ok => "ok",
            Status::Warning => "warning",
            Status::Failure => "FAIL",
        }
    }
}

/// One requirement of a checkpoint, checked against a node.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[non_exhaustive]
pub struct CheckLine {
    /// What is checked: `architecture`, `mount source`, ….
    pub name: &'static str,
    /// The verdict.
    pub status: Status,
    /// What the checkpoint needs (`unknown` when the archive does not say).
    pub needed: String,
    /// What the node has (`unknown` when the description does not say;
    /// empty when the requirement is the archive's alone).
    pub found: String,
    /// Why the status is what it is.
    pub reason: String,
    /// What to do about it; empty for `ok`.
    pub fix: String,
}

const UNKNOWN: &str = "unknown";

fn line(name: &'static str, status: Status, needed: impl Into<String>) -> CheckLine {
    CheckLine {
        name,
        status,
        needed: needed.into(),
        found: String::new(),
        reason: String::new(),
        fix: String::new(),
    }
}

impl CheckLine {
    fn found(mut self, found: impl Into<String>) -> CheckLine {
        self.found = found.into();
        self
    }

    fn because(mut self, reason: impl Into<String>) -> CheckLine {
        self.reason = reason.into();
        self
    }

    fn fix(mut self, fix: impl Into<String>) -> CheckLine {
        self.fix = fix.into();
        self
    }
}

fn or_unknown(v: Option<&str>) -> String {
    v.unwrap_or(UNKNOWN).to_owned()
}

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

fn architecture(r: &Requirements, host: &Host) -> CheckLine {
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

fn image_format(r: &Requirements) -> CheckLine {
    const NAME: &str = "image format";
    match r.image_version {
        None => line(NAME, Status::Failure, UNKNOWN)
            .because("no inventory.img: CRIU restores nothing without it")
            .fix("restore from the complete archive the engine exported"),
        Some(v) if r.pre_dump => line(NAME, Status::Failure, format!("version {v}, a pre-dump"))
            .because("a pre-dump holds memory only: it restores only as the parent of a dump")
            .fix("restore the checkpoint taken after it, with this one as its previous (podman container restore --import-previous)"),
        Some(v @ (1 | 2)) => line(NAME, Status::Ok, format!("version {v}"))
            .because("CRIU reads image versions 1 and 2"),
        Some(v) => line(NAME, Status::Failure, format!("version {v}"))
            .because("CRIU reads image versions 1 and 2 only")
            .fix("restore with the CRIU that wrote these images"),
    }
}

fn parent_images(r: &Requirements) -> CheckLine {
    const NAME: &str = "parent images";
    if r.pages_in_parent.is_empty() {
        return line(NAME, Status::Ok, "none").because("every page is in this archive");
    }
    let pids: Vec<String> = r.pages_in_parent.iter().map(u32::to_string).collect();
    line(
        NAME,
        Status::Warning,
        format!("pages of pid {} in the parent images", pids.join(", ")),
    )
    .because("an incremental dump: CRIU restores it only with its pre-dump's images")
    .fix(
        "restore with the pre-checkpoint as well (podman container restore --import-previous FILE)",
    )
}

fn criu(r: &Requirements, host: &Host) -> CheckLine {
    const NAME: &str = "criu";
    let needed = or_unknown(r.criu_version.as_deref());
    let install = match &r.criu_version {
        Some(v) => format!("install criu {v} or newer"),
        None => "install criu".to_owned(),
    };
    if host.criu_installed == Some(false) {
        return line(NAME, Status::Warning, needed)
            .found("not installed")
            .because("no criu on the node: the engine restores nothing without it")
            .fix(install);
    }
    let Some(has) = host.criu_version.as_deref() else {
        return line(NAME, Status::Warning, needed)
            .found(UNKNOWN)
            .because("the node's CRIU version is unknown")
            .fix(install);
    };
    let Some(want) = r.criu_version.as_deref() else {
        return line(NAME, Status::Warning, needed)
            .found(has)
            .because("the archive does not record the CRIU that dumped (no dump.log)")
            .fix("nothing to check; restores of images from a newer CRIU may fail");
    };
    match version::compare(has, want) {
        Some(Ordering::Less) => line(NAME, Status::Warning, want)
            .found(has)
            .because("the node's CRIU is older than the one that dumped: the images may hold what it cannot read")
            .fix(install),
        Some(_) => line(NAME, Status::Ok, want)
            .found(has)
            .because("as new as the one that dumped"),
        None => line(NAME, Status::Warning, want)
            .found(has)
            .because("the versions cannot be compared")
            .fix(install),
    }
}

fn plugins(r: &Requirements, host: &Host) -> CheckLine {
    const NAME: &str = "criu plugins";
    if r.plugins.is_empty() {
        return line(NAME, Status::Ok, "none").because("the dump used no plugin");
    }
    let needed = r.plugins.join(", ");
    let Some(has) = &host.criu_plugins else {
        return line(NAME, Status::Warning, needed.clone())
            .found(UNKNOWN)
            .because("the node's CRIU plugins are unknown")
            .fix(format!("install the CRIU plugins {needed}"));
    };
    let missing: Vec<&str> = r
        .plugins
        .iter()
        .filter(|p| !has.contains(p))
        .map(String::as_str)
        .collect();
    let found = if has.is_empty() {
        "none".to_owned()
    } else {
        has.join(", ")
    };
    if missing.is_empty() {
        return line(NAME, Status::Ok, needed)
            .found(found)
            .because("installed");
    }
    line(NAME, Status::Failure, needed)
        .found(found)
        .because("CRIU refuses to restore without every plugin the dump used")
        .fix(format!(
            "install the CRIU plugin {} (into /usr/lib/criu)",
            missing.join(", ")
        ))
}

fn criu_features(r: &Requirements, host: &Host) -> CheckLine {
    const NAME: &str = "criu features";
    if r.criu_features.is_empty() {
        return line(NAME, Status::Ok, "none").because("nothing beyond what every restore needs");
    }
    let needed = r.criu_features.join(", ");
    let of = |want: Option<bool>| -> Vec<&str> {
        r.criu_features
            .iter()
            .filter(|f| host.criu_features.get(f.as_str()).copied() == want)
            .map(String::as_str)
            .collect()
    };
    let (missing, unknown) = (of(Some(false)), of(None));
    if !missing.is_empty() {
        return line(NAME, Status::Failure, needed)
            .found(format!("no {}", missing.join(", ")))
            .because("`criu check --feature` fails on the node for what the restore needs")
            .fix(format!(
                "restore on a node whose kernel and CRIU have {}",
                missing.join(", ")
            ));
    }
    if !unknown.is_empty() {
        return line(NAME, Status::Warning, needed)
            .found(UNKNOWN)
            .because("the node's CRIU features are unknown")
            .fix(format!(
                "run `criu check --feature {}` on the node",
                unknown.join("` and `criu check --feature ")
            ));
    }
    line(NAME, Status::Ok, needed.clone())
        .found(needed)
        .because("`criu check --feature` passes")
}

fn kernel(r: &Requirements, host: &Host) -> CheckLine {
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

fn lsm(r: &Requirements, host: &Host) -> CheckLine {
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

fn cgroups(r: &Requirements, host: &Host) -> CheckLine {
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

fn namespaces(r: &Requirements, host: &Host) -> CheckLine {
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

/// Whether CRIU's configuration files on the node set an option.
fn configured(host: &Host, option: &str) -> Option<bool> {
    host.criu_options
        .as_ref()
        .map(|o| o.iter().any(|x| x == option))
}

fn tcp(r: &Requirements, host: &Host) -> CheckLine {
    const NAME: &str = "tcp";
    let found = match &host.criu_options {
        None => UNKNOWN.to_owned(),
        Some(o) if o.is_empty() => "no option in /etc/criu".to_owned(),
        Some(o) => o.join(", "),
    };
    if r.tcp_close {
        return match configured(host, "tcp-close") {
            Some(true) => line(NAME, Status::Ok, "--tcp-close")
                .found(found)
                .because("/etc/criu sets tcp-close"),
            _ => line(NAME, Status::Warning, "--tcp-close")
                .found(found)
                .because("the dump closed the TCP connections: CRIU refuses a restore without --tcp-close")
                .fix("restore with --tcp-close (or tcp-close in /etc/criu/runc.conf)"),
        };
    }
    if r.tcp_connections.is_empty() {
        return line(NAME, Status::Ok, "no connection").because("nothing to re-establish");
    }
    let n = r.tcp_connections.len();
    let first = r.tcp_connections.first().map_or(String::new(), |c| {
        format!(
            ", {} -> {}{}",
            c.local,
            c.remote,
            if n > 1 { ", …" } else { "" }
        )
    });
    let needed = format!("{n} connection{}{first}", if n == 1 { "" } else { "s" });
    match configured(host, "tcp-established") {
        Some(true) => line(NAME, Status::Ok, needed)
            .found(found)
            .because("/etc/criu sets tcp-established"),
        _ => line(NAME, Status::Warning, needed)
            .found(found)
            .because("CRIU restores established TCP connections only when told to")
            .fix("restore with --tcp-established (CRI-O, containerd: tcp-established in /etc/criu/runc.conf)"),
    }
}

fn uprobes(r: &Requirements, host: &Host) -> CheckLine {
    const NAME: &str = "uprobes";
    if !r.allow_uprobes {
        return line(NAME, Status::Ok, "none").because("no uprobe in the processes");
    }
    match configured(host, "allow-uprobes") {
        Some(true) => {
            line(NAME, Status::Ok, "--allow-uprobes").because("/etc/criu sets allow-uprobes")
        }
        _ => line(NAME, Status::Warning, "--allow-uprobes")
            .because("dumped with uprobes: CRIU refuses a restore without --allow-uprobes")
            .fix("restore with --allow-uprobes (or allow-uprobes in /etc/criu/runc.conf)"),
    }
}

/// The name the engine has on `--describe-host`'s list.
fn engine_name(engine: Engine) -> Option<&'static str> {
    match engine {
        Engine::Podman => Some("podman"),
        Engine::CriO => Some("cri-o"),
        Engine::Containerd => Some("containerd"),
        _ => None,
    }
}

fn listed(list: &Option<Vec<String>>) -> String {
    match list {
        None => UNKNOWN.to_owned(),
        Some(l) if l.is_empty() => "none".to_owned(),
        Some(l) => l.join(", "),
    }
}

/// What a line about a program the node must have says: its name, what
/// the archive does not say when it names none, and why it is needed.
struct Program {
    name: &'static str,
    unnamed: &'static str,
    unnamed_fix: &'static str,
    unknown: &'static str,
    missing: fn(&str) -> String,
    missing_fix: fn(&str) -> String,
    unknown_fix: fn(&str) -> String,
}

/// The line of a program the restore needs (`want`, when the archive
/// names it), which the node has when `has` lists it.
fn program(p: &Program, want: Option<&str>, has: &Option<Vec<String>>) -> CheckLine {
    let found = listed(has);
    let Some(want) = want else {
        return line(p.name, Status::Warning, UNKNOWN)
            .found(found)
            .because(p.unnamed)
            .fix(p.unnamed_fix);
    };
    match has {
        None => line(p.name, Status::Warning, want)
            .found(found)
            .because(p.unknown)
            .fix((p.unknown_fix)(want)),
        Some(has) if has.iter().any(|x| x == want) => line(p.name, Status::Ok, want)
            .found(found)
            .because("installed"),
        Some(_) => line(p.name, Status::Failure, want)
            .found(found)
            .because((p.missing)(want))
            .fix((p.missing_fix)(want)),
    }
}

fn engine(r: &Requirements, host: &Host) -> CheckLine {
    let words = Program {
        name: "engine",
        unnamed: "the archive does not say which engine wrote it",
        unnamed_fix: "restore with the engine that checkpointed",
        unknown: "the node's container engines are unknown",
        unknown_fix: |want| format!("restore on a node running {want}"),
        missing: |want| format!("{want} restores this archive, and the node does not have it"),
        missing_fix: |want| format!("install {want}, or restore on a node running it"),
    };
    program(&words, engine_name(r.engine), &host.engines)
}

fn runtime(r: &Requirements, host: &Host) -> CheckLine {
    let words = Program {
        name: "runtime",
        unnamed: "the archive does not name its OCI runtime",
        unnamed_fix: "restore with the runtime that checkpointed",
        unknown: "the node's OCI runtimes are unknown",
        unknown_fix: |want| format!("install {want}"),
        missing: |want| format!("the engine restores the container with {want}"),
        missing_fix: |want| format!("install {want}"),
    };
    program(&words, r.runtime.as_deref(), &host.runtimes)
}

fn image(r: &Requirements, host: &Host) -> CheckLine {
    const NAME: &str = "rootfs image";
    let Some(want) = &r.image else {
        return line(NAME, Status::Warning, UNKNOWN)
            .found(if host.images.is_some() { "" } else { UNKNOWN })
            .because("the archive names no image")
            .fix("make sure the node has the container's image");
    };
    let needed = if want.name.is_empty() {
        want.id.clone()
    } else {
        want.name.clone()
    };
    let Some(images) = &host.images else {
        return line(NAME, Status::Warning, needed.clone())
            .found(UNKNOWN)
            .because("cannot tell whether the node has the image")
            .fix(format!("make sure the node has {needed}"));
    };
    let has = images.iter().any(|i| {
        (!want.name.is_empty() && *i == want.name)
            || (want.id.len() >= 12 && (i.starts_with(&want.id) || want.id.starts_with(i.as_str())))
    });
    if has {
        return line(NAME, Status::Ok, needed)
            .found("in the image store")
            .because("the engine finds it");
    }
    if want.name.is_empty() || want.name.starts_with("localhost/") {
        return line(NAME, Status::Failure, needed.clone())
            .found("not in the image store")
            .because("a local image: no registry has it to pull")
            .fix(format!(
                "copy it to the node (podman save {needed}, then podman load there)"
            ));
    }
    line(NAME, Status::Warning, needed.clone())
        .found("not in the image store")
        .because("the engine pulls it at restore: the registry must be reachable")
        .fix(format!("pull it first (podman pull {needed})"))
}

fn mounts(r: &Requirements, host: &Host) -> Vec<CheckLine> {
    const NAME: &str = "mount source";
    if r.mounts.is_empty() {
        return vec![line(NAME, Status::Ok, "none").because("no bind mount of a node's path")];
    }
    r.mounts
        .iter()
        .map(|m| {
            let needed = m.source.clone();
            let exists = host.path_exists(&m.source);
            let found = match exists {
                None => UNKNOWN,
                Some(true) => "exists",
                Some(false) => "missing",
            };
            match (&m.volume, exists) {
                (Some(v), _) if m.in_archive => line(NAME, Status::Ok, needed)
                    .found(format!("volume {v} from the archive"))
                    .because(format!("volume {v}, restored from volumes/{v}.tar")),
                (_, Some(true)) => line(NAME, Status::Ok, needed)
                    .found(found)
                    .because(format!("mounted on {}", m.destination)),
                (Some(v), Some(false)) => line(NAME, Status::Warning, needed)
                    .found(found)
                    .because(format!(
                        "the engine creates volume {v} empty: its data is not in the archive"
                    ))
                    .fix(format!("copy volume {v} to the node first")),
                (None, Some(false)) => line(NAME, Status::Failure, needed.clone())
                    .found(found)
                    .because(format!("the runtime bind-mounts it on {}", m.destination))
                    .fix(format!("create {needed} on the node, or restore where it exists")),
                (_, None) => line(NAME, Status::Warning, needed.clone())
                    .found(found)
                    .because("cannot tell whether it exists on the node")
                    .fix(format!(
                        "describe the node with the archive (ckpt check --describe-host ARCHIVE) or check {needed}"
                    )),
            }
        })
        .collect()
}
