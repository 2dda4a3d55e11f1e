//! The CRIU image framing and the generic decoder behind `ckpt decode`:
//! head magics, length-prefixed records, payloads, crit-style JSON.

#![no_main]

use ckpt::criu::Image;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(image) = Image::parse(data) {
        let _ = image.magic_name();
        for record in image.records() {
            if record.is_err() {
                break;
            }
        }
    }
    if let Ok(value) = ckpt::criu::decode::to_json(data) {
        let _ = serde_json::to_string_pretty(&value);
    }
});
