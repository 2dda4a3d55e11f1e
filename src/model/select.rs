//! Choosing the container checkpoints of what was read: a container
//! checkpoint is its own, a pod checkpoint has one per container.

use super::checkpoint::{Checkpoint, PodContainer};
use super::pod::Unread;
use crate::error::{Error, Result};

impl PodContainer {
    /// Why it has no checkpoint, in words (empty when it has one).
    pub fn why_unread(&self) -> String {
        match (self.unread, &self.error) {
            (_, Some(e)) => e.to_string(),
            (Some(Unread::NotChosen), _) => "not read (another container was chosen)".into(),
            (Some(Unread::Missing), _) => "listed by the pod, but not in the archive".into(),
            (Some(Unread::OciImage), _) => "an OCI image of the checkpoint (containerd's second \
                                            manifest version), not read"
                .into(),
            _ if self.checkpoint.is_some() => String::new(),
            _ => "not read".into(),
        }
    }
}

impl Checkpoint {
    /// The container checkpoints in it: itself, or its pod's containers
    /// that were read; with `selector`, the one it names
    /// ([`PodContainer::is_named`]; a container checkpoint answers to its
    /// own name and id).
    pub fn containers(&self, selector: Option<&str>) -> Result<Vec<&Checkpoint>> {
        match (&self.pod, selector) {
            (None, None) => Ok(vec![self]),
            (None, Some(s)) if self.names_itself(s) => Ok(vec![self]),
            (Some(pod), None) => Ok(pod.checkpoints().collect()),
            (Some(pod), Some(s)) => match pod.container(s) {
                Some(c) => match c.checkpoint.as_deref() {
                    Some(k) => Ok(vec![k]),
                    None => Err(self.no_such_because(s, c.why_unread())),
                },
                None => Err(self.no_such(s)),
            },
            (None, Some(s)) => Err(self.no_such(s)),
        }
    }

    /// The one container checkpoint `selector` names (see
    /// [`Checkpoint::containers`]); without one, a container checkpoint is
    /// itself and a pod checkpoint is an error naming its containers.
    pub fn into_container(mut self, selector: Option<&str>) -> Result<Checkpoint> {
        let Some(pod) = &self.pod else {
            self.containers(selector)?;
            return Ok(self);
        };
        let Some(selector) = selector else {
            return Err(Error::ContainerNeeded {
                archive: self.archive.clone(),
                pod: pod.name.clone(),
                containers: pod.names().into_iter().map(str::to_owned).collect(),
            });
        };
        self.containers(Some(selector))?;
        let found = self
            .pod
            .take()
            .and_then(|p| {
                p.containers
                    .into_iter()
                    .find(|c| c.is_named(selector) && c.checkpoint.is_some())
            })
            .and_then(|c| c.checkpoint);
        match found {
            Some(c) => Ok(*c),
            None => Err(self.no_such(selector)),
        }
    }

    /// Whether `selector` names a container checkpoint's own container.
    fn names_itself(&self, selector: &str) -> bool {
        let id = self.config.as_ref().map_or("", |c| c.id.as_str());
        self.container.name == selector || (selector.len() >= 4 && id.starts_with(selector))
    }

    fn no_such_because(&self, selector: &str, reason: String) -> Error {
        Error::NoSuchContainer {
            archive: self.archive.clone(),
            container: selector.to_owned(),
            reason,
        }
    }

    fn no_such(&self, selector: &str) -> Error {
        let reason = match &self.pod {
            Some(pod) => format!(
                "the pod {} has the containers {}",
                pod.name,
                pod.names().join(", ")
            ),
            None => format!(
                "a checkpoint of the container {}, not of a pod",
                self.container.name
            ),
        };
        self.no_such_because(selector, reason)
    }
}
