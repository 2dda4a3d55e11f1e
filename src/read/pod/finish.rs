//! The [`Pod`] made of what the pass saw: named by the pod's own files
//! first (`pod-config.json`, `pod.dump`, `pod.options`'s annotations, the
//! manifest), by its containers' checkpoints where those are silent.

use std::collections::{BTreeMap, BTreeSet};

use super::{Member, MemberRead, PodRead};
use crate::metadata::annotations::*;
use crate::metadata::{CheckpointedPodOptions, IndexedManifest, PodManifest};
use crate::model::{Checkpoint, Pod, PodContainer, PodLayout, Unread, split_directory_name};

impl PodRead<'_, '_> {
    /// The pod, once the walk is over (`None` when this was none).
    pub(in crate::read) fn finish(
        self,
        options: Option<&CheckpointedPodOptions>,
        complete: bool,
    ) -> Option<Pod> {
        if !self.seen {
            return None;
        }
        let layout = self.layout(options.is_some());
        let annotations = options.map(|o| o.annotations.clone()).unwrap_or_default();
        let note = |key: &str| annotations.get(key).cloned().unwrap_or_default();
        let sandbox = self.config.as_ref().or(self.dump.as_ref());
        let metadata = sandbox.map(|c| c.metadata.clone()).unwrap_or_default();
        let or = |a: String, b: String| if a.is_empty() { b } else { a };
        let seen_manifest = self.manifest.is_some();
        let indexed = self.manifest.unwrap_or_default();
        let manifest = &indexed.manifest;
        let mut out = Pod {
            layout,
            name: or(metadata.name, note(CHECKPOINT_ANNOTATION_POD)),
            namespace: or(metadata.namespace, note(CHECKPOINT_ANNOTATION_NAMESPACE)),
            uid: or(metadata.uid, note(CHECKPOINT_ANNOTATION_POD_UID)),
            sandbox_id: or(
                manifest.sandbox_id.clone(),
                note(CHECKPOINT_ANNOTATION_POD_ID),
            ),
            engine: or(
                or(note(CHECKPOINT_ANNOTATION_ENGINE), manifest.runtime.clone()),
                match layout {
                    PodLayout::ContainerdManifest => "containerd".into(),
                    _ => String::new(),
                },
            ),
            engine_version: note(CHECKPOINT_ANNOTATION_ENGINE_VERSION),
            criu_version: note(CHECKPOINT_ANNOTATION_CRIU_VERSION),
            runtime_handler: manifest.runtime_handler.clone(),
            format_version: options
                .map(|o| o.version)
                .or(seen_manifest.then_some(manifest.version)),
            annotations,
            containers: Vec::new(),
        };
        let by_directory = options.map(names_by_directory).unwrap_or_default();
        for member in self.members {
            let c = container(&by_directory, &indexed, member, complete);
            out.containers.push(c);
        }
        add_missing(&mut out, options, manifest);
        // The manifest's order is the pod's; `pod.options` has none.
        if seen_manifest {
            out.containers
                .sort_by_cached_key(|c| indexed.find(&c.member).map_or(usize::MAX, |(i, _)| i));
        } else {
            out.containers
                .sort_by(|a, b| (&a.name, &a.member).cmp(&(&b.name, &b.member)));
        }
        fill_pod_from_containers(&mut out);
        let names: Vec<_> = out.containers.iter().map(|c| out.in_pod(c)).collect();
        for (c, in_pod) in out.containers.iter_mut().zip(names) {
            if let Some(checkpoint) = c.checkpoint.as_mut() {
                checkpoint.in_pod = Some(in_pod);
            }
        }
        Some(out)
    }

    /// The layout, from what was found: `pod.options` or directories, else
    /// a manifest naming its runtime or archives under `containers/`
    /// (CRI-O), else containerd's.
    fn layout(&self, pod_options: bool) -> PodLayout {
        let directories = self
            .members
            .iter()
            .any(|m| matches!(m.read, MemberRead::Directory(_)) || !m.member.ends_with(".tar"));
        if pod_options || directories {
            return PodLayout::PodOptions;
        }
        let crio = self
            .manifest
            .as_ref()
            .is_some_and(|m| !m.manifest.runtime.is_empty())
            || self
                .members
                .iter()
                .any(|m| m.member.starts_with("containers/"));
        if crio {
            PodLayout::CrioManifest
        } else {
            PodLayout::ContainerdManifest
        }
    }
}

/// Each directory `pod.options` names, with its container's name (the
/// first in name order, of several).
fn names_by_directory(options: &CheckpointedPodOptions) -> BTreeMap<&str, &str> {
    let mut out = BTreeMap::new();
    for (name, dir) in &options.containers {
        out.entry(dir.as_str()).or_insert(name.as_str());
    }
    out
}

/// A member's container: named by the pod's files, else by its own
/// checkpoint, else by its directory or archive name.
fn container(
    by_directory: &BTreeMap<&str, &str>,
    manifest: &IndexedManifest,
    member: Member<'_, '_>,
    complete: bool,
) -> PodContainer {
    let Member { member, read } = member;
    let listed = manifest.find(&member).map(|(_, c)| c);
    let (dir_id, dir_name) = split_directory_name(&member);
    let mut out = PodContainer {
        name: String::new(),
        id: listed.map(|c| c.id.clone()).unwrap_or_default(),
        member: member.clone(),
        declared_sha256: listed.map(|c| c.sha256.clone()).unwrap_or_default(),
        checkpoint: None,
        unread: None,
        error: None,
    };
    match read {
        MemberRead::Directory(c) => out.checkpoint = Some(Box::new(c.finish(complete))),
        MemberRead::Archive(c) => out.checkpoint = Some(c),
        MemberRead::Unread(why) => out.unread = Some(why),
        MemberRead::Failed(e) => out.error = Some(e),
    }
    let own = out.checkpoint.as_deref();
    let by_options = by_directory.get(member.as_str()).map(|&n| n.to_owned());
    let archive = member.ends_with(".tar");
    out.name = by_options
        .or(listed.map(|c| c.name.clone()))
        .filter(|n| !n.is_empty())
        .or(own
            .map(|c| c.container.name.clone())
            .filter(|n| !n.is_empty()))
        .unwrap_or_else(|| {
            if archive {
                member.clone()
            } else {
                dir_name.to_owned()
            }
        });
    if out.id.is_empty() {
        out.id = own
            .and_then(|c| c.config.as_ref())
            .map(|c| c.id.clone())
            .filter(|id| !id.is_empty())
            .unwrap_or_else(|| {
                if archive {
                    String::new()
                } else {
                    dir_id.to_owned()
                }
            });
    }
    out
}

/// The containers the pod's files list that the archive lacks.
fn add_missing(pod: &mut Pod, options: Option<&CheckpointedPodOptions>, manifest: &PodManifest) {
    let listed: Vec<(String, String, String)> = match options {
        Some(o) => o
            .containers
            .iter()
            .map(|(name, dir)| (name.clone(), dir.clone(), String::new()))
            .collect(),
        None => manifest
            .containers
            .iter()
            .map(|c| (c.name.clone(), c.archive.clone(), c.id.clone()))
            .collect(),
    };
    let mut present: BTreeSet<String> = pod.containers.iter().map(|c| c.member.clone()).collect();
    for (name, member, id) in listed {
        if present.insert(member.clone()) {
            pod.containers.push(PodContainer {
                name,
                id,
                member,
                declared_sha256: String::new(),
                checkpoint: None,
                unread: Some(Unread::Missing),
                error: None,
            });
        }
    }
}

/// The pod's name, namespace and engine from its containers, when the
/// pod's own files do not say.
fn fill_pod_from_containers(pod: &mut Pod) {
    let first = |f: &dyn Fn(&Checkpoint) -> String| {
        pod.checkpoints()
            .map(f)
            .find(|s| !s.is_empty())
            .unwrap_or_default()
    };
    let name = first(&|c| c.container.pod.clone());
    let namespace = first(&|c| c.container.namespace.clone());
    let engine = first(&|c| c.container.engine.to_string());
    if pod.name.is_empty() {
        pod.name = name;
    }
    if pod.namespace.is_empty() {
        pod.namespace = namespace;
    }
    if pod.engine.is_empty() {
        pod.engine = engine;
    }
}
