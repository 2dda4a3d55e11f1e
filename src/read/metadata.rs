//! The engine's metadata entries, decoded as JSON: `config.dump` and
//! `spec.dump` must parse; the others are optional, and a broken one is a
//! warning.

use crate::error::{Error, Result};
use crate::layout::EntryKind;
use crate::metadata::{
    BindMount, CheckpointedPodOptions, ContainerConfig, ContainerdStatus, NetworkStatus, SpecDump,
    capped,
};
use crate::options::Want;
use crate::warning::{Warning, WarningKind};

/// The metadata entries found so far.
#[derive(Default)]
pub(super) struct Metadata {
    pub(super) config: Option<ContainerConfig>,
    pub(super) spec: Option<SpecDump>,
    #[cfg(feature = "oci-spec")]
    pub(super) oci_spec: Option<oci_spec::runtime::Spec>,
    pub(super) network: Option<NetworkStatus>,
    pub(super) deleted_files: Option<Vec<String>>,
    pub(super) containerd_status: Option<ContainerdStatus>,
    pub(super) bind_mounts: Option<Vec<BindMount>>,
    pub(super) pod_options: Option<CheckpointedPodOptions>,
}

/// Where an entry being decoded is, for errors and warnings.
pub(super) struct At<'a> {
    pub(super) archive: &'a str,
    pub(super) entry: &'a str,
    pub(super) offset: Option<u64>,
}

impl Metadata {
    /// Whether this kind of metadata entry is decoded under `want`.
    pub(super) fn wanted(kind: EntryKind, want: &Want) -> bool {
        match kind {
            EntryKind::ConfigDump => want.config,
            EntryKind::SpecDump => want.spec,
            EntryKind::NetworkStatus => want.network,
            EntryKind::DeletedFiles => want.deleted_files,
            EntryKind::ContainerdStatus => want.containerd_status,
            EntryKind::BindMounts => want.bind_mounts,
            EntryKind::PodOptions => want.pod_options,
            _ => false,
        }
    }

    /// Decodes the entry `at` of `kind`.
    pub(super) fn decode(
        &mut self,
        kind: EntryKind,
        at: &At<'_>,
        bytes: &[u8],
        warnings: &mut Vec<Warning>,
    ) -> Result<()> {
        let json_error = |source| Error::Json {
            archive: at.archive.to_owned(),
            entry: at.entry.to_owned(),
            offset: at.offset,
            source,
        };
        let name = at.entry;
        match kind {
            EntryKind::ConfigDump | EntryKind::SpecDump if bytes.is_empty() => {
                return Err(Error::EmptyEntry {
                    archive: at.archive.to_owned(),
                    entry: name.to_owned(),
                    offset: at.offset,
                });
            }
            EntryKind::ConfigDump => {
                self.config = Some(serde_json::from_slice(bytes).map_err(json_error)?);
            }
            EntryKind::SpecDump => {
                let (spec, notes) = SpecDump::from_slice(bytes).map_err(json_error)?;
                for note in notes {
                    warnings.push(Warning::new(WarningKind::InvalidField, Some(name), note));
                }
                #[cfg(feature = "oci-spec")]
                {
                    self.oci_spec = match serde_json::from_slice(bytes) {
                        Ok(typed) => Some(typed),
                        Err(e) => {
                            warnings.push(Warning::new(
                                WarningKind::InvalidField,
                                Some(name),
                                format!("not a valid OCI runtime spec for oci-spec: {e}"),
                            ));
                            None
                        }
                    };
                }
                self.spec = Some(spec);
            }
            EntryKind::NetworkStatus => {
                if let Some(v) = optional(name, NetworkStatus::from_slice(bytes), warnings) {
                    self.network = Some(v);
                }
            }
            EntryKind::DeletedFiles => {
                if let Some(v) = optional(name, serde_json::from_slice(bytes), warnings) {
                    self.deleted_files = Some(v);
                }
            }
            EntryKind::ContainerdStatus => {
                if let Some(v) = optional(name, serde_json::from_slice(bytes), warnings) {
                    self.containerd_status = Some(v);
                }
            }
            EntryKind::BindMounts => {
                let mounts = capped::list_from_slice(bytes);
                if let Some(v) = optional(name, mounts, warnings) {
                    self.bind_mounts = Some(v);
                }
            }
            EntryKind::PodOptions => {
                if let Some(v) = optional(name, serde_json::from_slice(bytes), warnings) {
                    self.pod_options = Some(v);
                }
            }
            _ => {}
        }
        Ok(())
    }
}

/// Parses an optional entry; a failure is a warning.
fn optional<T>(
    name: &str,
    parsed: serde_json::Result<T>,
    warnings: &mut Vec<Warning>,
) -> Option<T> {
    match parsed {
        Ok(v) => Some(v),
        Err(e) => {
            warnings.push(Warning::new(
                WarningKind::InvalidJson,
                Some(name),
                format!("invalid JSON, ignored: {e}"),
            ));
            None
        }
    }
}
