use serde::Serialize;

/// `cgroup_perms` (`images/cgroup.proto`).
#[derive(Clone, PartialEq, prost::Message, Serialize)]
pub struct CgroupPerms {
    /// Mode.
    #[prost(uint32, required, tag = "1")]
    pub mode: u32,
    /// Owner uid.
    #[prost(uint32, required, tag = "2")]
    pub uid: u32,
    /// Owner gid.
    #[prost(uint32, required, tag = "3")]
    pub gid: u32,
}

/// `cgroup_prop_entry` (`images/cgroup.proto`): a cgroup control file.
#[derive(Clone, PartialEq, prost::Message, Serialize)]
pub struct CgroupPropEntry {
    /// File name (`memory.limit_in_bytes`, …).
    #[prost(string, required, tag = "1")]
    pub name: String,
    /// Contents.
    #[prost(string, required, tag = "2")]
    pub value: String,
    /// Owner and mode.
    #[prost(message, optional, tag = "3")]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub perms: Option<CgroupPerms>,
}

/// `cgroup_dir_entry` (`images/cgroup.proto`): a cgroup directory and its
/// children.
#[derive(Clone, PartialEq, prost::Message, Serialize)]
pub struct CgroupDirEntry {
    /// Directory name.
    #[prost(string, required, tag = "1")]
    pub dir_name: String,
    /// Sub-directories.
    #[prost(message, repeated, tag = "2")]
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub children: Vec<CgroupDirEntry>,
    /// Control files.
    #[prost(message, repeated, tag = "3")]
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub properties: Vec<CgroupPropEntry>,
    /// Owner and mode of the directory.
    #[prost(message, optional, tag = "4")]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub dir_perms: Option<CgroupPerms>,
}

/// `cg_controller_entry` (`images/cgroup.proto`): a hierarchy and the
/// directories dumped from it.
#[derive(Clone, PartialEq, prost::Message, Serialize)]
pub struct CgControllerEntry {
    /// Controllers mounted together.
    #[prost(string, repeated, tag = "1")]
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub cnames: Vec<String>,
    /// Directories.
    #[prost(message, repeated, tag = "2")]
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub dirs: Vec<CgroupDirEntry>,
    /// Threaded cgroup v2 hierarchy.
    #[prost(bool, optional, tag = "3")]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub is_threaded: Option<bool>,
}

/// `cg_member_entry` (`images/cgroup.proto`): a task's cgroup in one
/// hierarchy.
#[derive(Clone, PartialEq, prost::Message, Serialize)]
pub struct CgMemberEntry {
    /// Controller(s) (`cpu,cpuacct`, `name=systemd`, `""` for v2).
    #[prost(string, required, tag = "1")]
    pub name: String,
    /// Path of the cgroup.
    #[prost(string, required, tag = "2")]
    pub path: String,
    /// Length of the cgroup namespace's root prefix in `path`.
    #[prost(uint32, optional, tag = "3")]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub cgns_prefix: Option<u32>,
}

/// `cg_set_entry` (`images/cgroup.proto`): a set of cgroups tasks share.
#[derive(Clone, PartialEq, prost::Message, Serialize)]
pub struct CgSetEntry {
    /// Set id (`cg_set` of tasks).
    #[prost(uint32, required, tag = "1")]
    pub id: u32,
    /// The cgroups.
    #[prost(message, repeated, tag = "2")]
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub ctls: Vec<CgMemberEntry>,
}

/// `cgroup_entry` (`images/cgroup.proto`): `cgroup.img`.
#[derive(Clone, PartialEq, prost::Message, Serialize)]
pub struct CgroupEntry {
    /// Cgroup sets.
    #[prost(message, repeated, tag = "1")]
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub sets: Vec<CgSetEntry>,
    /// Hierarchies.
    #[prost(message, repeated, tag = "2")]
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub controllers: Vec<CgControllerEntry>,
}
