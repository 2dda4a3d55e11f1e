//! The lines about the container: the engine and OCI runtime that
//! restore it, its root file system image, its mount sources.

use super::line::{CheckLine, Status, UNKNOWN, line};
use crate::check::host::Host;
use crate::check::requirements::Requirements;
use crate::model::Engine;

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

pub(super) fn engine(r: &Requirements, host: &Host) -> CheckLine {
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

pub(super) fn runtime(r: &Requirements, host: &Host) -> CheckLine {
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

pub(super) fn image(r: &Requirements, host: &Host) -> CheckLine {
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

pub(super) fn mounts(r: &Requirements, host: &Host) -> Vec<CheckLine> {
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
