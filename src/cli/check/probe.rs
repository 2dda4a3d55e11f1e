//! The facts of the node `ckpt` runs on, as a [`Host`]: read from `/proc`
//! and `/sys`, and asked of the tools installed (`criu`, `podman`), each
//! under a time limit and with its output bounded. What cannot be found
//! out is left unknown (`None`), never guessed.

use std::collections::BTreeMap;
use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use ckpt::check::{CgroupLayout, Host, Lsm, Requirements};

/// The CRIU features a checkpoint can need (see
/// [`Requirements::criu_features`]), asked of `criu check --feature`.
const FEATURES: &[&str] = &["cgroupns", "network_lock_nftables", "timens", "userns"];
const RUNTIMES: &[&str] = &["crun", "kata-runtime", "krun", "runc", "runsc", "youki"];
const ENGINES: &[(&str, &str)] = &[
    ("containerd", "containerd"),
    ("crio", "cri-o"),
    ("podman", "podman"),
];
/// Where tools are looked for besides `PATH` (a user's `PATH` often lacks
/// the `sbin` directories criu lives in).
const MORE_DIRS: &[&str] = &[
    "/usr/local/sbin",
    "/usr/local/bin",
    "/usr/sbin",
    "/usr/bin",
    "/sbin",
    "/bin",
    "/usr/libexec/podman",
];
/// Most bytes read of a tool's output, or of a file of `/proc` or `/etc`.
const MAX_OUTPUT: u64 = 4 << 20;
/// Most images listed.
const MAX_IMAGES: usize = 100_000;

/// Probes this node; with `needs`, also whether its mount sources exist.
pub fn probe(needs: Option<&Requirements>) -> Host {
    let mut host = Host::default();
    host.arch = Some(arch().to_owned());
    host.kernel = read_small("/proc/sys/kernel/osrelease").map(|s| s.trim().to_owned());
    let (layout, controllers) = cgroups();
    host.cgroup = layout;
    host.cgroup_controllers = controllers;
    host.namespaces = namespaces();
    host.lsm = lsm();
    let criu = find_tool("criu");
    host.criu_installed = Some(criu.is_some());
    if let Some(criu) = &criu {
        host.criu_version = run(criu, &["--version"], Duration::from_secs(10)).and_then(|out| {
            out.lines()
                .find_map(|l| l.strip_prefix("Version: "))
                .map(|v| v.trim().to_owned())
        });
        host.criu_plugins = Some(plugins());
        if is_root() {
            host.criu_features = FEATURES
                .iter()
                .filter_map(|f| {
                    let ok = succeeds(criu, &["check", "--feature", f], Duration::from_secs(20))?;
                    Some(((*f).to_owned(), ok))
                })
                .collect();
        }
    }
    host.criu_options = criu_options();
    host.runtimes = Some(
        RUNTIMES
            .iter()
            .filter(|r| find_tool(r).is_some())
            .map(|r| (*r).to_owned())
            .collect(),
    );
    host.engines = Some(
        ENGINES
            .iter()
            .filter(|(bin, _)| find_tool(bin).is_some())
            .map(|(_, name)| (*name).to_owned())
            .collect(),
    );
    host.images = find_tool("podman").and_then(|p| podman_images(&p));
    if let Some(needs) = needs {
        host.paths = paths(needs);
    }
    host
}

/// `uname -m`'s name for the architecture this binary was built for.
fn arch() -> &'static str {
    match std::env::consts::ARCH {
        "powerpc64" if cfg!(target_endian = "little") => "ppc64le",
        "arm" => "armv7l",
        other => other,
    }
}

/// A small file of `/proc`, `/sys` or `/etc`, if readable.
fn read_small(path: impl AsRef<Path>) -> Option<String> {
    let file = std::fs::File::open(path).ok()?;
    let mut s = String::new();
    file.take(MAX_OUTPUT).read_to_string(&mut s).ok()?;
    Some(s)
}

/// The cgroup layout and the controllers it offers.
fn cgroups() -> (Option<CgroupLayout>, Option<Vec<String>>) {
    if let Some(controllers) = read_small("/sys/fs/cgroup/cgroup.controllers") {
        let list = controllers.split_whitespace().map(str::to_owned).collect();
        return (Some(CgroupLayout::V2), Some(list));
    }
    let Some(table) = read_small("/proc/cgroups") else {
        return (None, None);
    };
    // `#subsys_name hierarchy num_cgroups enabled`: mounted ones have a
    // hierarchy.
    let mut list: Vec<String> = table
        .lines()
        .filter(|l| !l.starts_with('#'))
        .filter_map(|l| {
            let f: Vec<&str> = l.split_whitespace().collect();
            match f[..] {
                [name, hierarchy, _, "1"] if hierarchy != "0" => Some(name.to_owned()),
                _ => None,
            }
        })
        .collect();
    list.sort();
    if list.is_empty() {
        return (None, None);
    }
    let layout = if Path::new("/sys/fs/cgroup/unified").is_dir() {
        CgroupLayout::Hybrid
    } else {
        CgroupLayout::V1
    };
    (Some(layout), Some(list))
}

/// The namespaces of `/proc/self/ns`.
fn namespaces() -> Option<Vec<String>> {
    let mut names: Vec<String> = std::fs::read_dir("/proc/self/ns")
        .ok()?
        .filter_map(|e| e.ok()?.file_name().into_string().ok())
        .filter(|n| !n.ends_with("_for_children"))
        .collect();
    names.sort();
    Some(names)
}

/// The security module, found as CRIU finds it (`kerndat_lsm`).
fn lsm() -> Option<Lsm> {
    if Path::new("/sys/kernel/security/apparmor").exists() {
        Some(Lsm::Apparmor)
    } else if Path::new("/sys/fs/selinux/enforce").exists() {
        Some(Lsm::Selinux)
    } else if Path::new("/sys/kernel/security/lsm").exists() {
        Some(Lsm::None)
    } else {
        // securityfs not mounted: AppArmor cannot be told from nothing.
        None
    }
}

/// Whether this process runs as root (`criu check` needs it).
fn is_root() -> bool {
    read_small("/proc/self/status").is_some_and(|s| {
        s.lines()
            .find_map(|l| l.strip_prefix("Uid:"))
            .and_then(|l| l.split_whitespace().nth(1))
            == Some("0")
    })
}

/// The CRIU plugins installed, by the names the inventory gives them.
fn plugins() -> Vec<String> {
    let dir = std::env::var_os("CRIU_LIBS_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from("/usr/lib/criu"));
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .into_iter()
        .flatten()
        .filter_map(|e| e.ok()?.file_name().into_string().ok())
        .filter_map(|n| n.strip_suffix(".so").map(str::to_owned))
        .collect();
    names.sort();
    names
}

/// The options CRIU's configuration files set for every run (its runc
/// file for the runtimes' restores).
fn criu_options() -> Option<Vec<String>> {
    let mut options = Vec::new();
    for file in ["/etc/criu/default.conf", "/etc/criu/runc.conf"] {
        let text = match std::fs::metadata(file) {
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => continue,
            Err(_) => return None,
            Ok(_) => read_small(file)?,
        };
        for l in text.lines() {
            let l = l.trim();
            if l.is_empty() || l.starts_with('#') {
                continue;
            }
            if let Some(word) = l.split_whitespace().next() {
                options.push(word.trim_start_matches('-').to_owned());
            }
        }
    }
    options.sort();
    options.dedup();
    Some(options)
}

/// A tool on `PATH` or in the usual directories.
fn find_tool(name: &str) -> Option<PathBuf> {
    let path = std::env::var_os("PATH").unwrap_or_default();
    std::env::split_paths(&path)
        .chain(MORE_DIRS.iter().map(PathBuf::from))
        .map(|dir| dir.join(name))
        .find(|p| p.is_file())
}

/// The local images podman knows, by `repo:tag` and by id.
fn podman_images(podman: &Path) -> Option<Vec<String>> {
    let out = run(
        podman,
        &[
            "images",
            "--noheading",
            "--no-trunc",
            "--format",
            "{{.Repository}}:{{.Tag}} {{.ID}}",
        ],
        Duration::from_secs(30),
    )?;
    let mut images: Vec<String> = out
        .split_whitespace()
        .filter(|w| !w.starts_with("<none>"))
        .map(|w| w.strip_prefix("sha256:").unwrap_or(w).to_owned())
        .take(MAX_IMAGES)
        .collect();
    images.sort();
    images.dedup();
    Some(images)
}

/// Whether each mount source of the checkpoint exists here (a path that
/// cannot be looked at is left unknown).
pub fn paths(needs: &Requirements) -> BTreeMap<String, bool> {
    needs
        .mounts
        .iter()
        .filter_map(|m| {
            let exists = match std::fs::metadata(&m.source) {
                Ok(_) => true,
                Err(e) if e.kind() == std::io::ErrorKind::NotFound => false,
                Err(_) => return None,
            };
            Some((m.source.clone(), exists))
        })
        .collect()
}

/// Runs a tool and returns its standard output, if it succeeds in time.
fn run(tool: &Path, args: &[&str], limit: Duration) -> Option<String> {
    let (ok, out) = spawn(tool, args, limit)?;
    ok.then_some(out)
}

/// Whether a tool succeeds, if it ends in time.
fn succeeds(tool: &Path, args: &[&str], limit: Duration) -> Option<bool> {
    spawn(tool, args, limit).map(|(ok, _)| ok)
}

/// Runs a tool with no input and its errors discarded; its exit status
/// and (at most [`MAX_OUTPUT`] bytes of) its output, or `None` if it
/// could not run or was killed at `limit`.
fn spawn(tool: &Path, args: &[&str], limit: Duration) -> Option<(bool, String)> {
    let mut child = Command::new(tool)
        .args(args)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .ok()?;
    let stdout = child.stdout.take()?;
    let reader = std::thread::spawn(move || {
        let mut s = Vec::new();
        let _ = stdout.take(MAX_OUTPUT).read_to_end(&mut s);
        s
    });
    let deadline = Instant::now() + limit;
    let status = loop {
        match child.try_wait() {
            Ok(Some(status)) => break Some(status),
            Ok(None) if Instant::now() < deadline => {
                std::thread::sleep(Duration::from_millis(20));
            }
            _ => {
                // Only this child, which this function started.
                let _ = child.kill();
                let _ = child.wait();
                break None;
            }
        }
    };
    // A killed tool's children may hold the pipe open: its reader is left
    // to end with them.
    let status = status?;
    let out = reader.join().ok()?;
    Some((status.success(), String::from_utf8_lossy(&out).into_owned()))
}
