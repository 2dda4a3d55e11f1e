//! Which engine wrote a checkpoint, and what it says about the container.

use std::collections::BTreeMap;
use std::fmt;

use serde::Serialize;

use crate::layout::SPEC_DUMP_FILE;
use crate::metadata::{ContainerConfig, NetworkStatus, SpecDump};
use crate::warning::{Warning, WarningKind};

/// The annotation engines set to name themselves.
pub const MANAGER_ANNOTATION: &str = "io.container.manager";

/// The container engine that wrote a checkpoint.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, Serialize)]
#[non_exhaustive]
pub enum Engine {
    /// Podman (`io.container.manager=libpod`).
    Podman,
    /// CRI-O (`io.container.manager=cri-o`).
    #[serde(rename = "CRI-O")]
    CriO,
    /// containerd (`io.kubernetes.cri.*` annotations or a `status` file).
    #[serde(rename = "containerd")]
    Containerd,
    /// Not worked out: no spec.dump was read.
    #[default]
    #[serde(rename = "unknown")]
    Unknown,
}

impl Engine {
    /// The name checkpointctl shows: `Podman`, `CRI-O`, `containerd`.
    pub fn name(self) -> &'static str {
        match self {
            Engine::Podman => "Podman",
            Engine::CriO => "CRI-O",
            Engine::Containerd => "containerd",
            Engine::Unknown => "unknown",
        }
    }
}

impl fmt::Display for Engine {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// One interface of a network the container was attached to.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
#[non_exhaustive]
pub struct InterfaceInfo {
    /// Address with prefix length (the last subnet's).
    #[serde(skip_serializing_if = "String::is_empty")]
    pub ip: String,
    /// MAC address.
    #[serde(skip_serializing_if = "String::is_empty")]
    pub mac: String,
    /// Gateway (the last subnet's).
    #[serde(skip_serializing_if = "String::is_empty")]
    pub gateway: String,
}

/// One network the container was attached to.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
#[non_exhaustive]
pub struct NetworkInfo {
    /// Network name.
    pub name: String,
    /// Interfaces by name.
    pub interfaces: BTreeMap<String, InterfaceInfo>,
}

/// What the metadata says about the container, the way each engine says
/// it (checkpointctl's `containerInfo`).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
#[non_exhaustive]
pub struct ContainerInfo {
    /// The engine.
    pub engine: Engine,
    /// Container name: `config.dump` for Podman, the
    /// `io.kubernetes.cri-o.Metadata` annotation for CRI-O,
    /// `io.kubernetes.cri.container-name` for containerd.
    pub name: String,
    /// Creation time as shown: RFC 3339 from `config.dump`, or CRI-O's
    /// `io.kubernetes.cri-o.Created` annotation verbatim.
    pub created: String,
    /// Comma-separated IP addresses (Podman: from `network.status`; CRI-O:
    /// `io.kubernetes.cri-o.IP.0`).
    pub ip: String,
    /// Comma-separated MAC addresses (Podman).
    pub mac: String,
    /// Networks, sorted by name (Podman).
    pub networks: Vec<NetworkInfo>,
    /// Kubernetes pod name.
    pub pod: String,
    /// Kubernetes namespace.
    pub namespace: String,
}

/// Works out the engine and what it says about the container.
///
/// Podman and CRI-O name themselves in the `io.container.manager`
/// annotation; anything else is containerd, as checkpointctl has it.
pub fn container_info(
    config: Option<&ContainerConfig>,
    spec: Option<&SpecDump>,
    network: Option<&NetworkStatus>,
    has_containerd_status: bool,
    warnings: &mut Vec<Warning>,
) -> ContainerInfo {
    let empty = SpecDump::default();
    let spec = spec.unwrap_or(&empty);
    let annotation = |key: &str| spec.annotation(key).unwrap_or_default().to_owned();
    let created = || {
        config
            .map(|c| c.created_time.to_rfc3339())
            .unwrap_or_default()
    };
    let config_name = || config.map(|c| c.name.clone()).unwrap_or_default();
    match spec.annotation(MANAGER_ANNOTATION) {
        Some("libpod") => {
            let mut info = ContainerInfo {
                engine: Engine::Podman,
                name: config_name(),
                created: created(),
                ..ContainerInfo::default()
            };
            if let Some(networks) = network.and_then(NetworkStatus::networks) {
                add_podman_networks(&mut info, networks);
            }
            info
        }
        Some("cri-o") => {
            let name = match crio_name(spec) {
                Ok(name) => name,
                Err(e) => {
                    warnings.push(Warning::new(
                        WarningKind::InvalidField,
                        Some(SPEC_DUMP_FILE),
                        format!(
                            "cannot read the container name from io.kubernetes.cri-o.Metadata ({e}); \
                             using io.kubernetes.container.name"
                        ),
                    ));
                    annotation("io.kubernetes.container.name")
                }
            };
            ContainerInfo {
                engine: Engine::CriO,
                name,
                created: annotation("io.kubernetes.cri-o.Created"),
                ip: annotation("io.kubernetes.cri-o.IP.0"),
                pod: annotation("io.kubernetes.pod.name"),
                namespace: annotation("io.kubernetes.pod.namespace"),
                ..ContainerInfo::default()
            }
        }
        // Neither Podman nor CRI-O: containerd, as checkpointctl has it
        // (whether or not containerd's annotations or `status` say so).
        _ => {
            let mut name = annotation("io.kubernetes.cri.container-name");
            if name.is_empty() && !has_containerd_status {
                name = config_name();
            }
            ContainerInfo {
                engine: Engine::Containerd,
                name,
                created: created(),
                pod: annotation("io.kubernetes.cri.sandbox-name"),
                namespace: annotation("io.kubernetes.cri.sandbox-namespace"),
                ..ContainerInfo::default()
            }
        }
    }
}

fn crio_name(spec: &SpecDump) -> Result<String, serde_json::Error> {
    #[derive(serde::Deserialize)]
    struct Metadata {
        #[serde(default)]
        name: String,
    }
    let raw = spec
        .annotation("io.kubernetes.cri-o.Metadata")
        .unwrap_or_default();
    serde_json::from_str::<Metadata>(raw).map(|m| m.name)
}

fn add_podman_networks(info: &mut ContainerInfo, networks: &crate::metadata::PodmanNetworkStatus) {
    let mut ips = Vec::new();
    let mut macs = Vec::new();
    for (name, network) in networks {
        let mut node = NetworkInfo {
            name: name.clone(),
            interfaces: BTreeMap::new(),
        };
        for (ifname, iface) in &network.interfaces {
            let mut i = InterfaceInfo::default();
            if !iface.mac_address.is_empty() {
                macs.push(iface.mac_address.clone());
                i.mac = iface.mac_address.clone();
            }
            for subnet in &iface.subnets {
                if !subnet.ipnet.is_empty() {
                    i.ip = subnet.ipnet.clone();
                    let ip = subnet.ipnet.split('/').next().unwrap_or_default();
                    if !ip.is_empty() {
                        ips.push(ip.to_owned());
                    }
                }
                if !subnet.gateway.is_empty() {
                    i.gateway = subnet.gateway.clone();
                }
            }
            node.interfaces.insert(ifname.clone(), i);
        }
        info.networks.push(node);
    }
    info.ip = ips.join(", ");
    info.mac = macs.join(", ");
}

#[cfg(test)]
mod tests {
    use super::*;

    fn spec(json: &str) -> SpecDump {
        SpecDump::from_slice(json.as_bytes()).unwrap().0
    }

    #[test]
    fn crio_with_broken_metadata_falls_back_with_a_warning() {
        let s = spec(
            r#"{"annotations": {"io.container.manager": "cri-o",
                "io.kubernetes.cri-o.Metadata": "{broken",
                "io.kubernetes.container.name": "counter"}}"#,
        );
        let mut w = Vec::new();
        let info = container_info(None, Some(&s), None, false, &mut w);
        assert_eq!(info.engine, Engine::CriO);
        assert_eq!(info.name, "counter");
        assert_eq!(w.len(), 1);
    }

    #[test]
    fn containerd_and_unknown() {
        let s = spec(
            r#"{"annotations": {"io.kubernetes.cri.container-name": "ctr-name",
            "io.kubernetes.cri.sandbox-name": "pod", "io.kubernetes.cri.sandbox-namespace": "ns"}}"#,
        );
        let info = container_info(None, Some(&s), None, false, &mut Vec::new());
        assert_eq!(info.engine, Engine::Containerd);
        assert_eq!(
            (
                info.name.as_str(),
                info.pod.as_str(),
                info.namespace.as_str()
            ),
            ("ctr-name", "pod", "ns")
        );

        // Nothing says: containerd, as checkpointctl has it.
        let s = spec("{}");
        let info = container_info(None, Some(&s), None, true, &mut Vec::new());
        assert_eq!(info.engine, Engine::Containerd);
        let info = container_info(None, Some(&s), None, false, &mut Vec::new());
        assert_eq!(info.engine, Engine::Containerd);
        let s = spec(r#"{"annotations": {"io.container.manager": "different-runtime"}}"#);
        let info = container_info(None, Some(&s), None, false, &mut Vec::new());
        assert_eq!(info.engine, Engine::Containerd);
    }

    #[test]
    fn podman_networks_sorted_and_joined() {
        let s = spec(r#"{"annotations": {"io.container.manager": "libpod"}}"#);
        let n = NetworkStatus::from_slice(
            br#"{"net2": {"interfaces": {"eth1": {"subnets": [{"ipnet": "10.89.1.2/24", "gateway": "10.89.1.1"}], "mac_address": "m2"}}},
                 "net1": {"interfaces": {"eth0": {"subnets": [{"ipnet": "10.89.0.2/24", "gateway": "10.89.0.1"}], "mac_address": "m1"}}}}"#,
        )
        .unwrap();
        let info = container_info(None, Some(&s), Some(&n), false, &mut Vec::new());
        assert_eq!(info.ip, "10.89.0.2, 10.89.1.2");
        assert_eq!(info.mac, "m1, m2");
        assert_eq!(info.networks[0].name, "net1");
        assert_eq!(info.networks[1].interfaces["eth1"].gateway, "10.89.1.1");
    }
}
