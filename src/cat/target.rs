//! What a path given to [`cat`](super::cat) asks for.

use crate::layout::normalize;

/// What a path asks for.
#[derive(Debug)]
pub(super) struct Target {
    /// An archive entry of this (normalised) name.
    pub(super) entry: Option<String>,
    /// A member of `rootfs-diff.tar` of this (normalised) name.
    pub(super) member: Option<String>,
    /// A deleted file of this path.
    pub(super) deleted: Option<String>,
}

impl Target {
    pub(super) fn parse(path: &str) -> Target {
        let none = Target {
            entry: None,
            member: None,
            deleted: None,
        };
        if let Some(p) = path.strip_prefix("deleted:") {
            return Target {
                deleted: Some(p.to_owned()),
                ..none
            };
        }
        if let Some(p) = path
            .strip_prefix("rootfs-diff.tar/")
            .or_else(|| path.strip_prefix("./rootfs-diff.tar/"))
        {
            return Target {
                member: normalize(p),
                ..none
            };
        }
        if path.starts_with('/') {
            return Target {
                member: normalize(path.trim_start_matches('/')),
                deleted: Some(path.to_owned()),
                ..none
            };
        }
        Target {
            entry: normalize(path),
            ..none
        }
    }
}

#[cfg(test)]
mod tests {
    use super::Target;

    #[test]
    fn paths_name_where_to_look() {
        let t = Target::parse("./checkpoint/pstree.img");
        assert_eq!(t.entry.as_deref(), Some("checkpoint/pstree.img"));
        assert!(t.member.is_none() && t.deleted.is_none());
        let t = Target::parse("/etc/app.conf");
        assert_eq!(t.member.as_deref(), Some("etc/app.conf"));
        assert_eq!(t.deleted.as_deref(), Some("/etc/app.conf"));
        let t = Target::parse("rootfs-diff.tar/etc/../etc/app.conf");
        assert_eq!(t.member.as_deref(), Some("etc/app.conf"));
        assert!(t.deleted.is_none() && t.entry.is_none());
        let t = Target::parse("deleted:/tmp/x");
        assert_eq!(t.deleted.as_deref(), Some("/tmp/x"));
        // A name that leaves the root names nothing.
        assert!(Target::parse("../../etc/passwd").entry.is_none());
    }
}
