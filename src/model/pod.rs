//! What a pod checkpoint is made of besides its containers' checkpoints
//! (Kubernetes pod-level checkpointing, KEP-5823): its layout
//! ([`PodLayout`]), why a container was not read ([`Unread`]), what a
//! container's views name ([`InPod`]), and how a container is chosen by
//! name. [`Pod`](super::Pod) itself is in `checkpoint.rs`, beside the
//! [`Checkpoint`](super::Checkpoint) each of its containers is.

use serde::Serialize;

/// How a pod checkpoint is laid out.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
#[non_exhaustive]
pub enum PodLayout {
    /// `pod.options` and one directory `<id>-<name>/` per container
    /// holding its checkpoint unpacked (CRI-O #9758; containerd's closed
    /// #12932 added `pod.dump`).
    PodOptions,
    /// `checkpoint-manifest.json`, `pod-config.json` and one archive
    /// `container-<sha256 of the id>.tar` per container (containerd
    /// #13822).
    ContainerdManifest,
    /// `checkpoint-manifest.json` naming the runtime, `pod-config.json`
    /// and `containers/<sha256 of the id>.tar` (CRI-O #10313).
    CrioManifest,
}

impl std::fmt::Display for PodLayout {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            PodLayout::PodOptions => "pod.options, a directory per container",
            PodLayout::ContainerdManifest => "containerd manifest, an archive per container",
            PodLayout::CrioManifest => "CRI-O manifest, an archive per container",
        })
    }
}

/// Why a container of a pod was not read.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
#[non_exhaustive]
pub enum Unread {
    /// Another container was chosen ([`Options::container`](crate::Options::container)).
    NotChosen,
    /// The pod's files list it, but the archive has no checkpoint for it.
    Missing,
    /// Its archive is an OCI image layout (containerd's second manifest
    /// version), not a checkpoint archive.
    OciImage,
}

/// Where a checkpoint read from a pod checkpoint belongs: what every view
/// of it names.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
#[non_exhaustive]
pub struct InPod {
    /// The pod's name.
    pub pod: String,
    /// The pod's namespace.
    pub namespace: String,
    /// The pod's UID.
    #[serde(skip_serializing_if = "String::is_empty")]
    pub uid: String,
    /// The container's name in the pod.
    pub container: String,
    /// The directory or archive of the pod checkpoint that holds it.
    pub member: String,
}

/// Whether `selector` names the container `name` of `member` with `id`
/// (see [`PodContainer::is_named`]).
pub(crate) fn selects(selector: &str, name: &str, member: &str, id: &str) -> bool {
    !selector.is_empty()
        && (name == selector
            || member == selector
            || member.strip_suffix(".tar") == Some(selector)
            || (selector.len() >= 4 && id.starts_with(selector)))
}

/// The short name in a container directory name of a `pod.options` pod:
/// `<id>-k8s_<name>_<pod>_<namespace>_<uid>_<attempt>` (CRI-O) or
/// `<id>-<name>_<pod>_…` (containerd); the id and the rest otherwise.
pub(crate) fn split_directory_name(dir: &str) -> (&str, &str) {
    let (id, full) = dir.split_once('-').unwrap_or(("", dir));
    let full = full.strip_prefix("k8s_").unwrap_or(full);
    let name = full.split('_').next().unwrap_or(full);
    (id, name)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn directory_names_give_the_short_name() {
        assert_eq!(
            split_directory_name("ab12-k8s_app_web_prod_u1_0"),
            ("ab12", "app")
        );
        assert_eq!(
            split_directory_name("ab12-app_web_prod_u1_0"),
            ("ab12", "app")
        );
        assert_eq!(split_directory_name("plain"), ("", "plain"));
    }
}
