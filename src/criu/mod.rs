//! CRIU images: the framing ([`Image`]), the protobuf messages
//! ([`proto`]), and how `crit` prints them ([`pretty`]).

pub mod decode;
pub mod image;
pub mod magic;
pub mod pretty;
pub mod proto;
pub mod set;

pub use image::{Image, ImageError, Record, Records, count_field};
pub use set::{ImageLimits, ImageSet, split_name};
