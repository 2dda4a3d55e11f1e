//! The metadata entries' JSON: `spec.dump` (read leniently), `config.dump`,
//! `network.status`, and the annotations checkpointctl expands.

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
});
