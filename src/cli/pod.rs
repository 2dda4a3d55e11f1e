//! Pod checkpoints on the command line: `--container`, the containers a
//! command shows, and the lines that describe the pod.

use ckpt::Checkpoint;
use ckpt::model::{Pod, Unread};

use super::text::clean;

/// `--container`, for the commands that read a pod checkpoint's
/// containers.
#[derive(Debug, Clone, Default, clap::Args)]
pub struct ContainerArg {
    /// In a pod checkpoint, the container to read: its name in the pod,
    /// its directory or archive, or at least 4 digits of its id (by
    /// default every container, where a command can show several).
    #[arg(long, value_name = "NAME")]
    pub container: Option<String>,
}

impl ContainerArg {
    /// The options with the container chosen.
    pub fn options(&self, options: ckpt::Options) -> ckpt::Options {
        ckpt::Options {
            container: self.container.clone(),
            ..options
        }
    }
}

/// The engine as people write it.
fn engine(name: &str) -> String {
    match name {
        "cri-o" => "CRI-O".into(),
        "podman" | "libpod" => "Podman".into(),
        other => other.to_owned(),
    }
}

/// What describes the pod, line by line: who it is, who wrote it and how,
/// and the containers that have no checkpoint to show.
pub fn describe(pod: &Pod) -> String {
    // A pod cut short may have told neither.
    let mut out = match (pod.name.is_empty(), pod.namespace.is_empty()) {
        (true, true) => "Pod (its name and namespace were not read)".to_owned(),
        (false, true) => format!("Pod {}", clean(&pod.name)),
        (true, false) => format!("Pod in namespace {}", clean(&pod.namespace)),
        (false, false) => format!(
            "Pod {} in namespace {}",
            clean(&pod.name),
            clean(&pod.namespace)
        ),
    };
    if !pod.uid.is_empty() {
        out.push_str(&format!(" (UID {})", clean(&pod.uid)));
    }
    out.push('\n');
    let mut by = vec![];
    if !pod.engine.is_empty() {
        let mut e = engine(&pod.engine);
        if !pod.engine_version.is_empty() {
            e.push(' ');
            e.push_str(&pod.engine_version);
        }
        by.push(e);
    }
    if !pod.criu_version.is_empty() {
        let version = ckpt::metadata::annotations::criu_version(&pod.criu_version);
        by.push(format!("CRIU {version}"));
    }
    if !pod.runtime_handler.is_empty() {
        by.push(format!("runtime handler {}", pod.runtime_handler));
    }
    let mut facts = vec![];
    if !by.is_empty() {
        facts.push(format!("written by {}", clean(&by.join(" with "))));
    }
    if let Some(t) = pod
        .checkpoints()
        .filter_map(|c| c.checkpointed.map(|t| t.time))
        .max()
    {
        facts.push(format!("checkpointed {}", t.to_rfc3339()));
    }
    facts.push(format!(
        "{} container(s) ({})",
        pod.containers.len(),
        pod.layout
    ));
    let facts = facts.join(", ");
    let mut first = facts.chars();
    if let Some(c) = first.next() {
        out.push(c.to_ascii_uppercase());
        out.push_str(first.as_str());
    }
    out.push('\n');
    for c in &pod.containers {
        if c.checkpoint.is_none() && c.unread != Some(Unread::NotChosen) {
            out.push_str(&format!(
                "Container {}: {}\n",
                clean(&c.name),
                clean(&c.why_unread())
            ));
        }
    }
    out
}

/// How a container of a pod is named in a heading: ` (pod P, container C)`.
pub fn heading(checkpoint: &Checkpoint) -> String {
    heading_of(checkpoint.in_pod.as_ref())
}

/// [`heading`] of what a view names.
pub fn heading_of(in_pod: Option<&ckpt::model::InPod>) -> String {
    match in_pod {
        Some(p) if p.pod.is_empty() => format!(" (container {})", clean(&p.container)),
        Some(p) => format!(
            " (pod {}, container {})",
            clean(&p.pod),
            clean(&p.container)
        ),
        None => String::new(),
    }
}
