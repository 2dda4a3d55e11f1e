//! One line of `ckpt check`'s answer: what it says, and how the rules
//! build it.

use serde::Serialize;

/// What a [`CheckLine`] says.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Status {
    /// The node meets the requirement.
    Ok,
    /// The restore may fail, or cannot be checked: a fact is unknown, or
    /// the restore must be given an option.
    Warning,
    /// The restore will fail on this node.
    Failure,
}

impl Status {
    /// `ok`, `warning`, `FAIL`, as the text output prints it.
    pub fn word(self) -> &'static str {
        match self {
            Status::Ok => "ok",
            Status::Warning => "warning",
            Status::Failure => "FAIL",
        }
    }
}

/// One requirement of a checkpoint, checked against a node.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[non_exhaustive]
pub struct CheckLine {
    /// What is checked: `architecture`, `mount source`, ….
    pub name: &'static str,
    /// The verdict.
    pub status: Status,
    /// What the checkpoint needs (`unknown` when the archive does not say).
    pub needed: String,
    /// What the node has (`unknown` when the description does not say;
    /// empty when the requirement is the archive's alone).
    pub found: String,
    /// Why the status is what it is.
    pub reason: String,
    /// What to do about it; empty for `ok`.
    pub fix: String,
}

pub(super) const UNKNOWN: &str = "unknown";

pub(super) fn line(name: &'static str, status: Status, needed: impl Into<String>) -> CheckLine {
    CheckLine {
        name,
        status,
        needed: needed.into(),
        found: String::new(),
        reason: String::new(),
        fix: String::new(),
    }
}

impl CheckLine {
    pub(super) fn found(mut self, found: impl Into<String>) -> CheckLine {
        self.found = found.into();
        self
    }

    pub(super) fn because(mut self, reason: impl Into<String>) -> CheckLine {
        self.reason = reason.into();
        self
    }

    pub(super) fn fix(mut self, fix: impl Into<String>) -> CheckLine {
        self.fix = fix.into();
        self
    }
}

pub(super) fn or_unknown(v: Option<&str>) -> String {
    v.unwrap_or(UNKNOWN).to_owned()
}
