//! The `org.criu.checkpoint.*` annotations that describe a checkpoint
//! wrapped in an OCI image (checkpointctl's `lib/annotations.go`).

/// Name of the container engine (`podman`, `cri-o`, …).
pub const CHECKPOINT_ANNOTATION_ENGINE: &str = "org.criu.checkpoint.engine.name";
/// Version of the container engine.
pub const CHECKPOINT_ANNOTATION_ENGINE_VERSION: &str = "org.criu.checkpoint.engine.version";
/// Name of the checkpointed container.
pub const CHECKPOINT_ANNOTATION_NAME: &str = "org.criu.checkpoint.container.name";
/// Name of its pod.
pub const CHECKPOINT_ANNOTATION_POD: &str = "org.criu.checkpoint.pod.name";
/// Id of its pod.
pub const CHECKPOINT_ANNOTATION_POD_ID: &str = "org.criu.checkpoint.pod.id";
/// Namespace of its pod.
pub const CHECKPOINT_ANNOTATION_NAMESPACE: &str = "org.criu.checkpoint.pod.namespace";
/// UID of its pod.
pub const CHECKPOINT_ANNOTATION_POD_UID: &str = "org.criu.checkpoint.pod.uid";
/// Name of the root file system image.
pub const CHECKPOINT_ANNOTATION_ROOTFS_IMAGE_NAME: &str = "org.criu.checkpoint.rootfsImageName";
/// Image name the user asked for.
pub const CHECKPOINT_ANNOTATION_ROOTFS_IMAGE_USER_REQUESTED: &str =
    "org.criu.checkpoint.rootfsImageUserRequested";
/// Digest of the root file system image.
pub const CHECKPOINT_ANNOTATION_ROOTFS_IMAGE_SHA: &str = "org.criu.checkpoint.rootfsImageSha";
/// Id of the root file system image.
pub const CHECKPOINT_ANNOTATION_ROOTFS_IMAGE_ID: &str = "org.criu.checkpoint.rootfsImageID";
/// Unprocessed name of the image the container was created from.
pub const CHECKPOINT_ANNOTATION_RAW_IMAGE_NAME: &str = "org.criu.checkpoint.rawImageName";
/// OCI runtime of the host that checkpointed.
pub const CHECKPOINT_ANNOTATION_RUNTIME_NAME: &str = "org.criu.checkpoint.runtime.name";
/// Version of that runtime.
pub const CHECKPOINT_ANNOTATION_RUNTIME_VERSION: &str = "org.criu.checkpoint.runtime.version";
/// CRIU version of the host that checkpointed.
pub const CHECKPOINT_ANNOTATION_CRIU_VERSION: &str = "org.criu.checkpoint.criu.version";
/// conmon version of the host that checkpointed.
pub const CHECKPOINT_ANNOTATION_CONMON_VERSION: &str = "org.criu.checkpoint.conmon.version";
/// CPU architecture of the host that checkpointed.
pub const CHECKPOINT_ANNOTATION_HOST_ARCH: &str = "org.criu.checkpoint.host.arch";
/// Kernel version of the host that checkpointed.
pub const CHECKPOINT_ANNOTATION_HOST_KERNEL: &str = "org.criu.checkpoint.host.kernel";
/// cgroup version of the host that checkpointed.
pub const CHECKPOINT_ANNOTATION_CGROUP_VERSION: &str = "org.criu.checkpoint.cgroup.version";
/// Distribution of the host that checkpointed.
pub const CHECKPOINT_ANNOTATION_DISTRIBUTION_NAME: &str = "org.criu.checkpoint.distribution.name";
/// Version of that distribution.
pub const CHECKPOINT_ANNOTATION_DISTRIBUTION_VERSION: &str =
    "org.criu.checkpoint.distribution.version";

/// A CRIU version as `criu --version` prints it: the engines write
/// [`CHECKPOINT_ANNOTATION_CRIU_VERSION`] as CRIU's integer form
/// (`major * 10000 + minor * 100 + sublevel`), so `40200` is `4.2` and
/// `30170` is `3.1.70`; anything else is kept as it is.
///
/// ```
/// use ckpt::metadata::annotations::criu_version;
/// assert_eq!(criu_version("40200"), "4.2");
/// assert_eq!(criu_version("31901"), "3.19.1");
/// assert_eq!(criu_version("4.2"), "4.2");
/// ```
pub fn criu_version(v: &str) -> String {
    match v.trim().parse::<u32>() {
        Ok(n) if n >= 10000 => {
            let (major, minor, sub) = (n / 10000, n / 100 % 100, n % 100);
            if sub == 0 {
                format!("{major}.{minor}")
            } else {
                format!("{major}.{minor}.{sub}")
            }
        }
        _ => v.to_owned(),
    }
}
