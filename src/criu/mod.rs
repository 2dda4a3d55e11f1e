//! CRIU images: what an image is from its name ([`ImageKind`]), the
//! framing ([`Image`]), the protobuf messages ([`proto`]), and how `crit`
//! prints them ([`pretty`], [`decode`]).

pub mod decode;
pub mod image;
mod kind;
pub mod magic;
pub mod pretty;
pub mod proto;

pub use image::{Image, ImageError, Record, Records, count_field};
pub use kind::ImageKind;
