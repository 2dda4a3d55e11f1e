//! One container's archive in a pod checkpoint (the manifest layouts),
//! read where it is by the same reader: with positioned reads when the pod
//! is a plain tar read by path, by path from a directory, as a stream
//! otherwise.

use std::sync::Arc;

use super::{Chosen, Member, MemberRead, PodRead};
use crate::error::{Error, Result};
use crate::memory::MemorySink;
use crate::metadata::ManifestContainer;
use crate::model::Unread;
use crate::options::Options;
use crate::read::collect::Collector;
use crate::source::{Entry, ReadAt, Source};
use crate::warning::{Warning, WarningKind};

impl<'o, 's> PodRead<'o, 's> {
    /// One container's archive, read where it is.
    pub(super) fn archive(
        &mut self,
        root: &mut Collector<'o, 's>,
        entry: &mut Entry<'_, '_>,
        positioned: Option<&Arc<dyn ReadAt + '_>>,
    ) -> Result<()> {
        let member = entry.name().to_owned();
        let listed: Option<ManifestContainer> = self
            .manifest
            .as_ref()
            .and_then(|m| m.find(&member))
            .map(|(_, c)| c.clone());
        let (name, id) = listed
            .as_ref()
            .map(|c| (c.name.as_str(), c.id.as_str()))
            .unwrap_or_default();
        let chosen = self.chooses(root.options, name, &member, id);
        let unread = Member {
            member: member.clone(),
            read: MemberRead::Unread(Unread::NotChosen),
        };
        let index = self.add(root, entry, unread)?;
        let read = if chosen == Chosen::No {
            return Ok(());
        } else if listed.as_ref().is_some_and(|c| c.has_status) {
            // containerd's second version: an OCI image of the checkpoint.
            MemberRead::Unread(Unread::OciImage)
        } else {
            let sink = self.sink_for(root, chosen, &member);
            self.read_archive(root, entry, positioned, &member, sink)?
        };
        if let Some(m) = self.members.get_mut(index) {
            m.read = read;
        }
        Ok(())
    }

    /// Reads one container's archive with the pass's options, within what
    /// is left of the total.
    fn read_archive(
        &self,
        root: &mut Collector<'o, 's>,
        entry: &mut Entry<'_, '_>,
        positioned: Option<&Arc<dyn ReadAt + '_>>,
        member: &str,
        mut sink: Option<Box<dyn MemorySink + 's>>,
    ) -> Result<MemberRead<'o, 's>> {
        let name = format!("{}:{member}", root.archive);
        let mut options = Options {
            container: None,
            digest: false,
            ..root.options.clone()
        };
        options.limits.max_total_size = options.limits.max_total_size.saturating_sub(root.held);
        let source = Source::of_entry(entry, positioned, name)?;
        let Some(read) = self.read_archive else {
            return Ok(MemberRead::Unread(Unread::NotChosen));
        };
        let sink = sink.as_deref_mut().map(|s| s as &mut dyn MemorySink);
        match read(source, &options, sink) {
            Ok((checkpoint, held)) => {
                root.hold(entry, held)?;
                if checkpoint.is_empty() && !checkpoint.has_checkpoint_directory {
                    root.warnings.push(Warning::new(
                        WarningKind::InvalidImage,
                        Some(member),
                        "holds no container checkpoint (no config.dump, spec.dump or CRIU images)",
                    ));
                }
                Ok(MemberRead::Archive(Box::new(checkpoint)))
            }
            Err(e) if root.options.keep_partial && !matches!(e, Error::Sink { .. }) => {
                Ok(MemberRead::Failed(Arc::new(e)))
            }
            Err(e) => Err(e),
        }
    }
}
