//! [`SinkRef`]: the memory sink as a [`Collector`](super::collect::Collector)
//! holds it: the caller's own, or the caller's shared by the containers of
//! a pod, each announcing itself ([`MemorySink::container`]) before what it
//! gives.

use std::cell::RefCell;
use std::io;
use std::rc::Rc;

use crate::memory::{AddressRange, MemoryChunk, MemorySink, PageMap, SharedMemory, VmaMap};

/// The memory sink one collector gives memory to.
pub(super) enum SinkRef<'s> {
    /// The caller's sink.
    Own(&'s mut dyn MemorySink),
    /// The caller's sink, shared by the containers of a pod: this one is
    /// `member` (its directory or archive in the pod).
    Container {
        shared: Rc<RefCell<Shared<'s>>>,
        member: Rc<str>,
    },
}

/// A sink shared by the containers of a pod, and the container it was
/// last told about.
pub(super) struct Shared<'s> {
    sink: Box<dyn MemorySink + 's>,
    current: Option<Rc<str>>,
}

impl<'s> SinkRef<'s> {
    /// The caller's sink, as a collector holds it.
    pub(super) fn boxed(sink: &'s mut dyn MemorySink) -> Box<dyn MemorySink + 's> {
        Box::new(SinkRef::Own(sink))
    }

    /// `sink`, made ready to be shared by the containers of a pod.
    pub(super) fn share(sink: Box<dyn MemorySink + 's>) -> Rc<RefCell<Shared<'s>>> {
        Rc::new(RefCell::new(Shared {
            sink,
            current: None,
        }))
    }

    /// The shared sink, as container `member` gives to it.
    pub(super) fn member(shared: &Rc<RefCell<Shared<'s>>>, member: &str) -> SinkRef<'s> {
        SinkRef::Container {
            shared: Rc::clone(shared),
            member: Rc::from(member),
        }
    }

    /// Calls `f` with the sink, told first which container it hears from.
    fn with<R>(&self, f: impl FnOnce(&mut dyn MemorySink) -> R) -> Option<R> {
        match self {
            // Only the shared sink is reached through `&self`.
            SinkRef::Own(_) => None,
            SinkRef::Container { shared, member } => {
                // The read is one thread, and never calls a sink from
                // within a sink: the cell is never borrowed here already.
                let mut shared = shared.try_borrow_mut().ok()?;
                let shared = &mut *shared;
                if shared.current.as_deref() != Some(&**member) {
                    shared.sink.container(member);
                    shared.current = Some(Rc::clone(member));
                }
                Some(f(&mut *shared.sink))
            }
        }
    }

    /// Calls `f` with the sink, mutably.
    fn with_mut<R>(&mut self, f: impl FnOnce(&mut dyn MemorySink) -> R) -> io::Result<R> {
        match self {
            SinkRef::Own(sink) => Ok(f(&mut **sink)),
            SinkRef::Container { .. } => self
                .with(f)
                .ok_or_else(|| io::Error::other("the memory sink was called from within itself")),
        }
    }
}

/// Forwards every call; a shared sink hears first which container calls.
impl MemorySink for SinkRef<'_> {
    fn wants(&self, pid: u32) -> bool {
        match self {
            SinkRef::Own(sink) => sink.wants(pid),
            SinkRef::Container { .. } => self.with(|s| s.wants(pid)).unwrap_or(false),
        }
    }

    fn ranges(&self, pid: u32, vmas: &VmaMap) -> Option<Vec<AddressRange>> {
        match self {
            SinkRef::Own(sink) => sink.ranges(pid, vmas),
            SinkRef::Container { .. } => self.with(|s| s.ranges(pid, vmas)).flatten(),
        }
    }

    fn begin(&mut self, pid: u32, vmas: &VmaMap) -> io::Result<bool> {
        self.with_mut(|s| s.begin(pid, vmas))?
    }

    fn layout(&mut self, pid: u32, vmas: &VmaMap, pagemap: &PageMap) -> io::Result<bool> {
        self.with_mut(|s| s.layout(pid, vmas, pagemap))?
    }

    fn begin_mapped(&mut self, pid: u32, vmas: &VmaMap, pagemap: &PageMap) -> io::Result<bool> {
        self.with_mut(|s| s.begin_mapped(pid, vmas, pagemap))?
    }

    fn wants_shared(&self, object: &SharedMemory) -> bool {
        match self {
            SinkRef::Own(sink) => sink.wants_shared(object),
            SinkRef::Container { .. } => self.with(|s| s.wants_shared(object)).unwrap_or(false),
        }
    }

    fn shared_ranges(&self, object: &SharedMemory) -> Option<Vec<AddressRange>> {
        match self {
            SinkRef::Own(sink) => sink.shared_ranges(object),
            SinkRef::Container { .. } => self.with(|s| s.shared_ranges(object)).flatten(),
        }
    }

    fn chunk(&mut self, chunk: &MemoryChunk<'_>) -> io::Result<bool> {
        self.with_mut(|s| s.chunk(chunk))?
    }

    fn end(&mut self, pid: u32) -> io::Result<bool> {
        self.with_mut(|s| s.end(pid))?
    }

    fn every_container(&self) -> bool {
        match self {
            SinkRef::Own(sink) => sink.every_container(),
            SinkRef::Container { .. } => false,
        }
    }

    fn container(&mut self, member: &str) {
        // A container's own sink is told by the pod, never by the read.
        if let SinkRef::Own(sink) = self {
            sink.container(member);
        }
    }
}
