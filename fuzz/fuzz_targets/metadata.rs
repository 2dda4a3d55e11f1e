//! The metadata entries' JSON: `spec.dump` (read leniently), `config.dump`,
//! `network.status`, and the annotations checkpointctl expands; the head of
//! `dump.log`; and what users give: a digest manifest (`ckpt verify`) and a
//! node description (`ckpt check --target`); a pod checkpoint's manifest
//! and pod config.

#![no_main]

use ckpt::metadata::{ContainerConfig, NetworkStatus, SpecDump};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok((spec, _notes)) = SpecDump::from_slice(data) {
        let _ = serde_json::to_string(&spec);
    }
    let _ = serde_json::from_slice::<ContainerConfig>(data);
    if let Ok(status) = NetworkStatus::from_slice(data) {
        let _ = serde_json::to_string(&status);
    }
    let _ = ckpt::metadata::DumpLog::parse(data);
    if let Ok(manifest) = ckpt::digest::Manifest::parse(data, "fuzz.tar") {
        let _ = format!("{manifest:?}");
    }
    if let Ok(m) = ckpt::metadata::PodManifest::from_slice(data) {
        let _ = serde_json::to_string(&m);
    }
    if let Ok(c) = ckpt::metadata::PodSandboxConfig::from_slice(data) {
        let _ = serde_json::to_string(&c);
    }
    if let Ok(host) = ckpt::check::Host::from_json(data) {
        let _ = serde_json::to_string(&host);
    }
});
