//! [`Host`]: what a node offers a restore, as `ckpt check --describe-host`
//! writes it and `ckpt check --target FILE` reads it.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

/// Largest node description [`Host::from_json`] reads, in bytes.
pub const MAX_HOST_JSON: usize = 1 << 20;

/// The facts about a node that decide whether a checkpoint restores on
/// it. Every field is optional: a fact left out is unknown, and a
/// requirement that depends on it is a warning, never a failure.
///
/// This is exactly the JSON `ckpt check --describe-host` writes (the
/// binary probes the node it runs on) and `ckpt check --target FILE`
/// reads, so a scheduler can decide before it moves a checkpoint. Names
/// are those of the tools that report them: `uname -m`, `uname -r`, the
/// entries of `/proc/self/ns`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
#[non_exhaustive]
pub struct Host {
    /// Machine architecture as `uname -m` names it (`x86_64`, `aarch64`).
    pub arch: Option<String>,
    /// Kernel release (`uname -r`, `/proc/sys/kernel/osrelease`).
    pub kernel: Option<String>,
    /// How cgroups are mounted.
    pub cgroup: Option<CgroupLayout>,
    /// The cgroup v1 controllers enabled (`/proc/cgroups`); for a `v2`
    /// node, those of `/sys/fs/cgroup/cgroup.controllers`.
    pub cgroup_controllers: Option<Vec<String>>,
    /// The namespaces the kernel has, as `/proc/self/ns` names them
    /// (`cgroup`, `ipc`, `mnt`, `net`, `pid`, `time`, `user`, `uts`).
    pub namespaces: Option<Vec<String>>,
    /// The security module CRIU would find (`/sys/kernel/security/apparmor`
    /// first, then SELinux, as CRIU looks).
    pub lsm: Option<Lsm>,
    /// Whether `criu` is installed (on `PATH`).
    pub criu_installed: Option<bool>,
    /// Its version (`criu --version`).
    pub criu_version: Option<String>,
    /// The CRIU plugins installed (`*.so` in `/usr/lib/criu` or
    /// `$CRIU_LIBS_DIR`), by the names the inventory gives them
    /// (`amdgpu_plugin`).
    pub criu_plugins: Option<Vec<String>>,
    /// `criu check --feature NAME` for the features a checkpoint can need:
    /// whether each is supported. A feature not listed is unknown.
    pub criu_features: BTreeMap<String, bool>,
    /// The options set in CRIU's configuration files
    /// (`/etc/criu/default.conf`, `/etc/criu/runc.conf`), which CRIU
    /// applies to every restore (`tcp-established`, …).
    pub criu_options: Option<Vec<String>>,
    /// The OCI runtimes installed (`runc`, `crun`, …).
    pub runtimes: Option<Vec<String>>,
    /// The container engines installed (`podman`, `cri-o`, `containerd`).
    pub engines: Option<Vec<String>>,
    /// The container images in the local store, by name (`repo:tag`) and
    /// by id.
    pub images: Option<Vec<String>>,
    /// Paths on the node, and whether each exists (the sources of a
    /// checkpoint's bind mounts). A path not listed is unknown.
    pub paths: BTreeMap<String, bool>,
}

/// How a node mounts cgroups.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum CgroupLayout {
    /// cgroup v1 only: one hierarchy per controller.
    V1,
    /// cgroup v1 controllers, and an empty v2 hierarchy beside them
    /// (`/sys/fs/cgroup/unified`).
    Hybrid,
    /// The unified cgroup v2 hierarchy only.
    V2,
}

impl CgroupLayout {
    /// `v1`, `hybrid`, `v2`.
    pub fn name(self) -> &'static str {
        match self {
            CgroupLayout::V1 => "v1",
            CgroupLayout::Hybrid => "hybrid",
            CgroupLayout::V2 => "v2",
        }
    }

    /// Whether cgroup v1 controllers are mounted.
    pub fn has_v1(self) -> bool {
        self != CgroupLayout::V2
    }
}

/// A Linux security module, as CRIU records it (`lsmtype` of the
/// inventory image).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Lsm {
    /// Neither.
    None,
    /// SELinux.
    Selinux,
    /// AppArmor.
    Apparmor,
}

impl Lsm {
    /// From the inventory's `lsmtype`; `None` for a value CRIU does not
    /// define.
    pub fn from_lsmtype(v: i32) -> Option<Lsm> {
        match v {
            0 => Some(Lsm::None),
            1 => Some(Lsm::Selinux),
            2 => Some(Lsm::Apparmor),
            _ => None,
        }
    }

    /// `none`, `SELinux`, `AppArmor`.
    pub fn name(self) -> &'static str {
        match self {
            Lsm::None => "none",
            Lsm::Selinux => "SELinux",
            Lsm::Apparmor => "AppArmor",
        }
    }
}

/// Why a node description cannot be read.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum HostError {
    /// Larger than [`MAX_HOST_JSON`].
    #[error("a node description is at most {max} bytes; this one is larger")]
    TooLarge {
        /// The limit.
        max: usize,
    },
    /// Not a JSON object.
    #[error("a node description is a JSON object, as `ckpt check --describe-host` writes it")]
    NotAnObject,
    /// Not the JSON of a [`Host`] (the message names the field and line).
    #[error("not a node description as `ckpt check --describe-host` writes it: {0}")]
    Json(#[from] serde_json::Error),
}

impl Host {
    /// Reads a node description: a JSON object with the fields of
    /// [`Host`], each optional. Refuses more than [`MAX_HOST_JSON`] bytes,
    /// other types, and fields it does not know (a misspelt field would
    /// otherwise pass for an unknown fact).
    ///
    /// ```
    /// let host = ckpt::check::Host::from_json(br#"{"arch": "x86_64", "paths": {"/data": true}}"#).unwrap();
    /// assert_eq!(host.arch.as_deref(), Some("x86_64"));
    /// assert_eq!(host.kernel, None);
    /// assert!(ckpt::check::Host::from_json(br#"{"arch": 7}"#).is_err());
    /// assert!(ckpt::check::Host::from_json(br#"{"archh": "x86_64"}"#).is_err());
    /// assert!(ckpt::check::Host::from_json(br#"["x86_64"]"#).is_err());
    /// ```
    pub fn from_json(bytes: &[u8]) -> Result<Host, HostError> {
        if bytes.len() > MAX_HOST_JSON {
            return Err(HostError::TooLarge { max: MAX_HOST_JSON });
        }
        // serde would take an array for the fields in order.
        if bytes.iter().find(|b| !b.is_ascii_whitespace()) != Some(&b'{') {
            return Err(HostError::NotAnObject);
        }
        Ok(serde_json::from_slice(bytes)?)
    }

    /// Whether a path is known to exist (`Some(false)`: known missing).
    pub fn path_exists(&self, path: &str) -> Option<bool> {
        self.paths.get(path).copied()
    }
}
