//! What a CRIU image is, from its file name (CRIU's `criu/image-desc.c`).

use std::fmt;

use serde::Serialize;

/// How an image's file name carries its id.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Id {
    /// No id: `pstree.img`.
    None,
    /// A decimal id: `core-12.img`.
    Dec,
    /// A hexadecimal id: `ghost-file-1a.img`.
    Hex,
}

macro_rules! image_kinds {
    ($($(#[$doc:meta])* $kind:ident => $name:literal, $id:ident, $magic:expr;)*) => {
        /// The kind of a CRIU image, from its file name.
        ///
        /// ```
        /// use ckpt::criu::ImageKind;
        /// assert_eq!(ImageKind::parse("core-12.img"), Some((ImageKind::Core, Some(12))));
        /// assert_eq!(ImageKind::parse("ipcns-var-11.img"), Some((ImageKind::IpcVar, Some(11))));
        /// assert_eq!(ImageKind::parse("ghost-file-1a.img"), Some((ImageKind::GhostFile, Some(0x1a))));
        /// assert_eq!(ImageKind::parse("files.img"), Some((ImageKind::Files, None)));
        /// assert_eq!(ImageKind::parse("stats-dump"), Some((ImageKind::StatsDump, None)));
        /// assert_eq!(ImageKind::parse("core.img"), Some((ImageKind::Core, None)));
        /// assert_eq!(ImageKind::parse("descriptors.json"), None);
        /// assert_eq!(ImageKind::Pstree.magic(), Some("PSTREE"));
        /// ```
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
        #[serde(rename_all = "kebab-case")]
        #[non_exhaustive]
        pub enum ImageKind {
            $($(#[$doc])* $kind,)*
        }

        impl ImageKind {
            /// Every kind, in CRIU's order.
            pub const ALL: &'static [ImageKind] = &[$(ImageKind::$kind,)*];

            /// The file name's stem without the id: `core`, `ipcns-var`.
            pub fn name(self) -> &'static str {
                match self {
                    $(ImageKind::$kind => $name,)*
                }
            }

            /// crit's name for the image's magic (`"PSTREE"`), `None` for
            /// raw images (pages, tarballs, netlink dumps).
            pub fn magic(self) -> Option<&'static str> {
                match self {
                    $(ImageKind::$kind => $magic,)*
                }
            }

            fn id(self) -> Id {
                match self {
                    $(ImageKind::$kind => Id::$id,)*
                }
            }

            /// The kind whose [`name`](ImageKind::name) this is.
            fn from_name(name: &str) -> Option<ImageKind> {
                match name {
                    $($name => Some(ImageKind::$kind),)*
                    _ => None,
                }
            }
        }
    };
}

image_kinds! {
    /// `inventory.img`.
    Inventory => "inventory", None, Some("INVENTORY");
    /// `fdinfo-<files_id>.img`: a task's descriptors.
    Fdinfo => "fdinfo", Dec, Some("FDINFO");
    /// `pagemap-<pid>.img`: where a task's pages are.
    Pagemap => "pagemap", Dec, Some("PAGEMAP");
    /// `pagemap-shmem-<shmid>.img`: pages of shared anonymous memory.
    ShmemPagemap => "pagemap-shmem", Dec, Some("PAGEMAP");
    /// `pagemap-secretmem-<id>.img`.
    SecretmemPagemap => "pagemap-secretmem", Dec, Some("PAGEMAP");
    /// `reg-files.img` (before `files.img`).
    RegFiles => "reg-files", None, Some("REG_FILES");
    /// `ext-files.img`.
    ExtFiles => "ext-files", None, Some("EXT_FILES");
    /// `ns-files.img`.
    NsFiles => "ns-files", None, Some("NS_FILES");
    /// `eventfd.img`.
    Eventfd => "eventfd", None, Some("EVENTFD_FILE");
    /// `eventpoll.img`.
    Eventpoll => "eventpoll", None, Some("EVENTPOLL_FILE");
    /// `eventpoll-tfd.img`.
    EventpollTfd => "eventpoll-tfd", None, Some("EVENTPOLL_TFD");
    /// `signalfd.img`.
    Signalfd => "signalfd", None, Some("SIGNALFD");
    /// `inotify.img`.
    Inotify => "inotify", None, Some("INOTIFY_FILE");
    /// `inotify-wd.img`.
    InotifyWd => "inotify-wd", None, Some("INOTIFY_WD");
    /// `fanotify.img`.
    Fanotify => "fanotify", None, Some("FANOTIFY_FILE");
    /// `fanotify-mark.img`.
    FanotifyMark => "fanotify-mark", None, Some("FANOTIFY_MARK");
    /// `core-<tid>.img`: a thread's registers and state (the task's, for
    /// its leader).
    Core => "core", Dec, Some("CORE");
    /// `ids-<pid>.img`: the ids of a task's shared objects.
    Ids => "ids", Dec, Some("IDS");
    /// `mm-<pid>.img`: a task's memory areas.
    Mm => "mm", Dec, Some("MM");
    /// `vmas-<pid>.img` (old images).
    Vmas => "vmas", Dec, Some("VMAS");
    /// `pipes.img`.
    Pipes => "pipes", None, Some("PIPES");
    /// `pipes-data.img`.
    PipesData => "pipes-data", None, Some("PIPES_DATA");
    /// `fifo.img`.
    Fifo => "fifo", None, Some("FIFO");
    /// `fifo-data.img`.
    FifoData => "fifo-data", None, Some("FIFO_DATA");
    /// `pstree.img`: the process tree.
    Pstree => "pstree", None, Some("PSTREE");
    /// `sigacts-<pid>.img`.
    Sigacts => "sigacts", Dec, Some("SIGACT");
    /// `unixsk.img`.
    Unixsk => "unixsk", None, Some("UNIXSK");
    /// `inetsk.img`.
    Inetsk => "inetsk", None, Some("INETSK");
    /// `packetsk.img`.
    Packetsk => "packetsk", None, Some("PACKETSK");
    /// `netlinksk.img`.
    Netlinksk => "netlinksk", None, Some("NETLINK_SK");
    /// `sk-queues.img`.
    SkQueues => "sk-queues", None, Some("SK_QUEUES");
    /// `itimers-<pid>.img`.
    Itimers => "itimers", Dec, Some("ITIMERS");
    /// `posix-timers-<pid>.img`.
    PosixTimers => "posix-timers", Dec, Some("POSIX_TIMERS");
    /// `creds-<pid>.img`.
    Creds => "creds", Dec, Some("CREDS");
    /// `utsns-<id>.img`.
    Utsns => "utsns", Dec, Some("UTSNS");
    /// `ipcns-var-<id>.img`.
    IpcVar => "ipcns-var", Dec, Some("IPC_VAR");
    /// `ipcns-shm-<id>.img`.
    IpcnsShm => "ipcns-shm", Dec, Some("IPCNS_SHM");
    /// `ipcns-msg-<id>.img`.
    IpcnsMsg => "ipcns-msg", Dec, Some("IPCNS_MSG");
    /// `ipcns-sem-<id>.img`.
    IpcnsSem => "ipcns-sem", Dec, Some("IPCNS_SEM");
    /// `fs-<pid>.img`: a task's working and root directories.
    Fs => "fs", Dec, Some("FS");
    /// `remap-fpath.img`: files opened under another name (deleted ones).
    RemapFpath => "remap-fpath", None, Some("REMAP_FPATH");
    /// `ghost-file-<id>.img`: the saved content of a deleted file.
    GhostFile => "ghost-file", Hex, Some("GHOST_FILE");
    /// `memfd.img`: memfd inodes.
    Memfd => "memfd", None, Some("MEMFD_INODE");
    /// `tcp-stream-<id>.img`: a TCP connection's queues.
    TcpStream => "tcp-stream", Hex, Some("TCP_STREAM");
    /// `mountpoints-<mnt_ns_id>.img`.
    Mountpoints => "mountpoints", Dec, Some("MNTS");
    /// `netdev-<id>.img`.
    Netdev => "netdev", Dec, Some("NETDEV");
    /// `netns-<id>.img`.
    Netns => "netns", Dec, Some("NETNS");
    /// `ifaddr-<id>.img` (raw).
    Ifaddr => "ifaddr", Dec, None;
    /// `route-<id>.img` (raw).
    Route => "route", Dec, None;
    /// `route6-<id>.img` (raw).
    Route6 => "route6", Dec, None;
    /// `rule-<id>.img` (raw).
    Rule => "rule", Dec, None;
    /// `iptables-<id>.img` (raw).
    Iptables => "iptables", Dec, None;
    /// `ip6tables-<id>.img` (raw).
    Ip6tables => "ip6tables", Dec, None;
    /// `nftables-<id>.img` (raw).
    Nftables => "nftables", Dec, None;
    /// `tmpfs-<id>.tar.gz.img` (raw).
    Tmpfs => "tmpfs", Dec, None;
    /// `tmpfs-dev-<id>.tar.gz.img` (raw).
    TmpfsDev => "tmpfs-dev", Dec, None;
    /// `autofs-<id>.img`.
    Autofs => "autofs", Dec, Some("AUTOFS");
    /// `binfmt-misc.img`.
    BinfmtMisc => "binfmt-misc", None, Some("BINFMT_MISC");
    /// `tty.img`.
    Tty => "tty", None, Some("TTY_FILES");
    /// `tty-info.img`.
    TtyInfo => "tty-info", None, Some("TTY_INFO");
    /// `tty-data.img`.
    TtyData => "tty-data", None, Some("TTY_DATA");
    /// `filelocks.img`.
    FileLocks => "filelocks", None, Some("FILE_LOCKS");
    /// `rlimit-<pid>.img`.
    Rlimit => "rlimit", Dec, Some("RLIMIT");
    /// `pages-<id>.img`: memory pages (raw).
    Pages => "pages", Dec, None;
    /// `pages-shmem-<id>.img` (raw, old images).
    ShmemPages => "pages-shmem", Dec, None;
    /// `signal-s-<pid>.img`: shared pending signals.
    SignalShared => "signal-s", Dec, Some("SIGNAL");
    /// `signal-p-<tid>.img`: private pending signals.
    SignalPrivate => "signal-p", Dec, Some("SIGNAL");
    /// `tunfile.img`.
    Tunfile => "tunfile", None, Some("TUNFILE");
    /// `cgroup.img`.
    Cgroup => "cgroup", None, Some("CGROUP");
    /// `timerfd.img`.
    Timerfd => "timerfd", None, Some("TIMERFD");
    /// `cpuinfo.img`.
    Cpuinfo => "cpuinfo", None, Some("CPUINFO");
    /// `seccomp.img`.
    Seccomp => "seccomp", None, Some("SECCOMP");
    /// `userns-<id>.img`.
    Userns => "userns", Dec, Some("USERNS");
    /// `netns-ct-<id>.img` (raw).
    NetnsCt => "netns-ct", Dec, None;
    /// `netns-exp-<id>.img` (raw).
    NetnsExp => "netns-exp", Dec, None;
    /// `files.img`: every open file, by id.
    Files => "files", None, Some("FILES");
    /// `timens-<id>.img`.
    Timens => "timens", Dec, Some("TIMENS");
    /// `pidns-<id>.img`.
    Pidns => "pidns", Dec, Some("PIDNS");
    /// `bpfmap-file.img`.
    BpfmapFile => "bpfmap-file", None, Some("BPFMAP_FILE");
    /// `bpfmap-data.img`.
    BpfmapData => "bpfmap-data", None, Some("BPFMAP_DATA");
    /// `apparmor.img`.
    Apparmor => "apparmor", None, Some("APPARMOR");
    /// `stats-dump`: CRIU's dump statistics (no `.img`).
    StatsDump => "stats-dump", None, Some("STATS");
    /// `stats-restore`.
    StatsRestore => "stats-restore", None, Some("STATS");
    /// `irmap-cache.img`.
    IrmapCache => "irmap-cache", None, Some("IRMAP_CACHE");
}

impl ImageKind {
    /// The kind and id of an image file name (the last component of an
    /// entry's name), or `None` if it names no CRIU image.
    pub fn parse(file: &str) -> Option<(ImageKind, Option<u64>)> {
        if let Some(k @ (ImageKind::StatsDump | ImageKind::StatsRestore)) = by_name(file, Id::None)
        {
            return Some((k, None));
        }
        let stem = file.strip_suffix(".img")?;
        let stem = stem.strip_suffix(".tar.gz").unwrap_or(stem);
        // A kind with an id named without one (`core.img`) is still that
        // kind: decoding it says what is wrong.
        if let Some(kind) = ImageKind::from_name(stem) {
            return Some((kind, None));
        }
        let (name, id) = stem.rsplit_once('-')?;
        if id.is_empty() {
            return None;
        }
        if id.bytes().all(|b| b.is_ascii_digit())
            && let Some(kind) = by_name(name, Id::Dec)
        {
            return id.parse().ok().map(|id| (kind, Some(id)));
        }
        if id.bytes().all(|b| b.is_ascii_hexdigit())
            && let Some(kind) = by_name(name, Id::Hex)
        {
            return u64::from_str_radix(id, 16).ok().map(|id| (kind, Some(id)));
        }
        None
    }

    /// Whether its data is raw (memory pages, a tarball, a netlink dump)
    /// rather than protobuf records.
    pub fn is_raw(self) -> bool {
        self.magic().is_none()
    }
}

fn by_name(name: &str, id: Id) -> Option<ImageKind> {
    ImageKind::from_name(name).filter(|k| k.id() == id)
}

impl fmt::Display for ImageKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn file_names() {
        let p = ImageKind::parse;
        assert_eq!(p("core-12.img"), Some((ImageKind::Core, Some(12))));
        assert_eq!(p("pagemap-3.img"), Some((ImageKind::Pagemap, Some(3))));
        assert_eq!(
            p("pagemap-shmem-77.img"),
            Some((ImageKind::ShmemPagemap, Some(77)))
        );
        assert_eq!(p("tty-info.img"), Some((ImageKind::TtyInfo, None)));
        assert_eq!(
            p("tcp-stream-c0ffee.img"),
            Some((ImageKind::TcpStream, Some(0xc0ffee)))
        );
        assert_eq!(
            p("tmpfs-dev-44.tar.gz.img"),
            Some((ImageKind::TmpfsDev, Some(44)))
        );
        assert_eq!(p("stats-dump"), Some((ImageKind::StatsDump, None)));
        assert_eq!(p("pages-1.img"), Some((ImageKind::Pages, Some(1))));
        assert_eq!(p("core-99999999999999999999.img"), None);
        assert_eq!(p("core-.img"), None);
        assert_eq!(p("core-1a.img"), None);
        assert_eq!(p("descriptors.json"), None);
        assert_eq!(p("amdgpu-pages-1-c00f.img"), None);
        for k in ImageKind::ALL {
            let name = match k.id() {
                Id::None if k.name().starts_with("stats-") => k.name().to_owned(),
                Id::None => format!("{}.img", k.name()),
                Id::Dec | Id::Hex => format!("{}-10.img", k.name()),
            };
            let id = (k.id() != Id::None).then_some(if k.id() == Id::Hex { 16 } else { 10 });
            assert_eq!(p(&name), Some((*k, id)), "{name}");
        }
    }

    #[test]
    fn magics_are_crits() {
        for k in ImageKind::ALL {
            if let Some(m) = k.magic() {
                assert!(crate::criu::magic::value(m).is_some(), "{k}");
            }
        }
    }
}
