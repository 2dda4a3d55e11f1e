//! CRIU images: what an image is from its name ([`ImageKind`]), the
//! framing ([`Image`]), the protobuf messages ([`proto`]), what decoding
//! them costs ([`budget`]), how `crit` prints them ([`pretty`],
//! [`decode`]), and the images CRIU's plugins write ([`plugin`]).

pub mod budget;
pub mod decode;
pub mod ghost;
pub mod image;
mod kind;
pub mod magic;
pub mod plugin;
pub mod pretty;
pub mod proto;
pub mod write;

pub use image::{Image, ImageError, Record, Records, count_field};
pub use kind::ImageKind;
