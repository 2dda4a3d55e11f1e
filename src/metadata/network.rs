//! `network.status`: Podman's view of the container's networks.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

/// One subnet of an interface.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
#[non_exhaustive]
pub struct PodmanNetworkSubnet {
    /// Address with prefix length, e.g. `10.88.0.8/16`.
    pub ipnet: String,
    /// Gateway address.
    pub gateway: String,
}

/// One network interface of the container.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
#[non_exhaustive]
pub struct PodmanNetworkInterface {
    /// Its subnets.
    pub subnets: Vec<PodmanNetworkSubnet>,
    /// Its MAC address.
    pub mac_address: String,
}

/// The status of one network: its interfaces by name.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
#[non_exhaustive]
pub struct PodmanNetworkResult {
    /// Interfaces by name (`eth0`).
    pub interfaces: BTreeMap<String, PodmanNetworkInterface>,
}

/// Network name → status, as in `network.status`.
pub type PodmanNetworkStatus = BTreeMap<String, PodmanNetworkResult>;

/// What `network.status` holds.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(untagged)]
#[non_exhaustive]
pub enum NetworkStatus {
    /// The literal `null`: the container joined a pod's network namespace,
    /// so it has no networks of its own.
    Null,
    /// The container's own networks.
    Networks(PodmanNetworkStatus),
}

impl NetworkStatus {
    /// Parses `network.status`.
    pub fn from_slice(bytes: &[u8]) -> serde_json::Result<NetworkStatus> {
        let parsed: Option<PodmanNetworkStatus> = serde_json::from_slice(bytes)?;
        Ok(match parsed {
            None => NetworkStatus::Null,
            Some(networks) => NetworkStatus::Networks(networks),
        })
    }

    /// The networks, none for [`NetworkStatus::Null`].
    pub fn networks(&self) -> Option<&PodmanNetworkStatus> {
        match self {
            NetworkStatus::Null => None,
            NetworkStatus::Networks(n) => Some(n),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn podman_network_status() {
        let json = br#"{"podman":{"interfaces":{"eth0":{"subnets":[{"ipnet":"10.88.0.8/16","gateway":"10.88.0.1"}],"mac_address":"ae:62:a0:75:0e:7a"}}}}"#;
        let s = NetworkStatus::from_slice(json).unwrap();
        let eth0 = &s.networks().unwrap()["podman"].interfaces["eth0"];
        assert_eq!(eth0.mac_address, "ae:62:a0:75:0e:7a");
        assert_eq!(eth0.subnets[0].ipnet, "10.88.0.8/16");
    }

    #[test]
    fn null_means_the_pod_network() {
        assert_eq!(
            NetworkStatus::from_slice(b"null").unwrap(),
            NetworkStatus::Null
        );
        assert_eq!(serde_json::to_string(&NetworkStatus::Null).unwrap(), "null");
    }

    #[test]
    fn wrong_shape_is_an_error() {
        assert!(NetworkStatus::from_slice(b"[1,2]").is_err());
        assert!(NetworkStatus::from_slice(br#"{"podman": 5}"#).is_err());
    }
}
