//! The lines about CRIU: the image format, parent images, the criu
//! binary, its plugins and features, and the options a restore must be
//! given (`--tcp-established`, `--allow-uprobes`).

use std::cmp::Ordering;

use super::line::{CheckLine, Status, UNKNOWN, line, or_unknown};
use crate::check::host::Host;
use crate::check::requirements::Requirements;
use crate::check::version;

pub(super) fn image_format(r: &Requirements) -> CheckLine {
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

pub(super) fn parent_images(r: &Requirements) -> CheckLine {
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

pub(super) fn criu(r: &Requirements, host: &Host) -> CheckLine {
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

pub(super) fn plugins(r: &Requirements, host: &Host) -> CheckLine {
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

pub(super) fn criu_features(r: &Requirements, host: &Host) -> CheckLine {
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

/// Whether CRIU's configuration files on the node set an option.
fn configured(host: &Host, option: &str) -> Option<bool> {
    host.criu_options
        .as_ref()
        .map(|o| o.iter().any(|x| x == option))
}

pub(super) fn tcp(r: &Requirements, host: &Host) -> CheckLine {
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

pub(super) fn uprobes(r: &Requirements, host: &Host) -> CheckLine {
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
