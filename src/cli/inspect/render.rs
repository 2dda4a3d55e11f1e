//! checkpointctl's tree of one inspection.

use ckpt::metadata::byte_to_string;
use ckpt::model::TimeSource;
use ckpt::views::{Inspection, PsNode, RootfsNode, SocketNode};

use super::super::tree::Tree;
use super::annotations::{JSON_ANNOTATIONS, add_json, json_value_text};

/// go-crit's `FormatTime`: microseconds as `µs`, `ms` or `s`, five
/// significant digits, trailing zeros dropped.
fn format_time(us: u32) -> String {
    if us < 1000 {
        return format!("{us} µs");
    }
    let (value, unit) = if us < 1_000_000 {
        (f64::from(us) / 1000.0, "ms")
    } else {
        (f64::from(us) / 1_000_000.0, "s")
    };
    let digits = value.log10().floor() as i32 + 1;
    let decimals = usize::try_from(5 - digits).unwrap_or(0);
    let text = format!("{value:.decimals$}");
    let text = if text.contains('.') {
        text.trim_end_matches('0').trim_end_matches('.').to_owned()
    } else {
        text
    };
    format!("{text} {unit}")
}

/// checkpointctl's tree of one inspection.
pub(super) fn tree(i: &Inspection) -> Tree {
    let h = &i.header;
    let name = if h.container_name.is_empty() {
        "Container"
    } else {
        &h.container_name
    };
    let mut t = Tree::new(name);
    t.branch(format!("Image: {}", h.image));
    t.branch(format!("ID: {}", h.id));
    t.branch(format!("Runtime: {}", h.runtime));
    t.branch(format!("Created: {}", h.created));
    // A time not from config.dump comes last: checkpointctl's lines stay put.
    if let (Some(c), Some(TimeSource::ConfigDump) | None) = (&h.checkpointed, h.checkpointed_from) {
        t.branch(format!("Checkpointed: {c}"));
    }
    t.branch(format!("Engine: {}", h.engine));
    if !h.networks.is_empty() {
        let nets = t.branch("Network Interfaces");
        for net in &h.networks {
            for (ifname, iface) in &net.interfaces {
                let b = nets.branch(format!("{} ({ifname})", net.name));
                if !iface.ip.is_empty() {
                    b.branch(format!("IP: {}", iface.ip));
                }
                if !iface.mac.is_empty() {
                    b.branch(format!("MAC: {}", iface.mac));
                }
                if !iface.gateway.is_empty() {
                    b.branch(format!("Gateway: {}", iface.gateway));
                }
            }
        }
    } else {
        if !h.ip.is_empty() {
            t.branch(format!("IP: {}", h.ip));
        }
        if !h.mac.is_empty() {
            t.branch(format!("MAC: {}", h.mac));
        }
    }
    let size = &h.checkpoint_size;
    let s = t.branch(format!(
        "Checkpoint size: {}",
        byte_to_string(size.total_size)
    ));
    if size.memory_pages_size != 0 {
        let m = s.branch(format!(
            "Memory pages size: {}",
            byte_to_string(size.memory_pages_size)
        ));
        if let Some(c) = size.memory_pages_compression {
            let of = |what: &str| match c.block_size {
                Some(b) => format!("{what} of {}", byte_to_string(u64::from(b))),
                None => what.to_owned(),
            };
            m.branch(format!(
                "Compressed: LZ4, {}",
                match c.mode {
                    "per-page" => "page by page".to_owned(),
                    "region" => of("regions"),
                    "block" => of("blocks"),
                    other => other.to_owned(),
                }
            ));
        }
    }
    if size.amd_gpu_memory_pages_size != 0 {
        s.branch(format!(
            "AMD GPU memory pages size: {}",
            byte_to_string(size.amd_gpu_memory_pages_size)
        ));
    }
    if size.root_fs_diff_size != 0 {
        t.branch(format!(
            "Root FS diff size: {}",
            byte_to_string(size.root_fs_diff_size)
        ));
    }
    if let Some(st) = &i.statistics {
        let b = t.branch("CRIU dump statistics");
        b.branch(format!("Freezing time: {}", format_time(st.freezing_time)));
        b.branch(format!("Frozen time: {}", format_time(st.frozen_time)));
        b.branch(format!("Memdump time: {}", format_time(st.memdump_time)));
        b.branch(format!("Memwrite time: {}", format_time(st.memwrite_time)));
        b.branch(format!("Pages scanned: {}", st.pages_scanned));
        b.branch(format!("Pages written: {}", st.pages_written));
    }
    if let Some(m) = &i.metadata {
        let b = t.branch("Metadata");
        if !m.pod_name.is_empty() {
            b.branch(format!("Pod name: {}", m.pod_name));
        }
        if !m.kubernetes_namespace.is_empty() {
            b.branch(format!("Kubernetes namespace: {}", m.kubernetes_namespace));
        }
        if !m.annotations.is_empty() {
            let a = b.branch("Annotations");
            for (k, v) in &m.annotations {
                let parsed = serde_json::from_str::<serde_json::Value>(v).ok();
                match parsed {
                    Some(json @ serde_json::Value::Object(_))
                        if JSON_ANNOTATIONS.contains(&k.as_str()) =>
                    {
                        add_json(a.branch(k.as_str()), &json, 0);
                    }
                    Some(serde_json::Value::Array(mounts))
                        if k == "io.kubernetes.cri-o.Volumes" =>
                    {
                        let b = a.branch(k.as_str());
                        for m in &mounts {
                            let field = |f: &str| m.get(f).map(json_value_text).unwrap_or_default();
                            let flag = |f: &str| {
                                m.get(f)
                                    .and_then(serde_json::Value::as_bool)
                                    .unwrap_or(false)
                            };
                            let c = b.branch(field("container_path"));
                            c.branch(format!("host path: {}", field("host_path")));
                            c.branch(format!("read-only: {}", flag("readonly")));
                            c.branch(format!("selinux relabel: {}", flag("selinux_relabel")));
                            c.branch(format!(
                                "recursive read-only: {}",
                                flag("recursive_read_only")
                            ));
                            c.branch(format!(
                                "propagation: {}",
                                m.get("propagation")
                                    .and_then(serde_json::Value::as_i64)
                                    .unwrap_or(0)
                            ));
                        }
                    }
                    _ => {
                        a.branch(format!("{k}: {v}"));
                    }
                }
            }
        }
    }
    if let Some(ps) = &i.process_tree {
        add_process(t.branch("Process tree"), ps, i);
    }
    if let Some(mounts) = &i.mounts
        && !mounts.is_empty()
    {
        let b = t.branch("Overview of mounts");
        for m in mounts {
            let d = b.branch(format!("Destination: {}", m.destination));
            d.branch(format!("Type: {}", m.mount_type));
            d.branch(format!("Source: {}", m.source));
        }
    }
    if let Some(mounts) = &i.criu_mounts
        && !mounts.is_empty()
    {
        let b = t.branch("CRIU mount points");
        for m in mounts {
            b.meta(
                &m.mnt_id.to_string(),
                &format!("{} ({})", m.mountpoint, m.source),
            );
        }
    }
    if let Some(r) = &i.rootfs_diff {
        rootfs_changes(&mut t, r);
    }
    if let (Some(c), Some(from)) = (&h.checkpointed, h.checkpointed_from)
        && from != TimeSource::ConfigDump
    {
        let from = from.name();
        t.branch(format!(
            "Checkpointed: {c} (no time in config.dump; from the {from})"
        ));
    }
    // Last, so that checkpointctl's lines keep their places.
    super::super::criu_plugins::branches(&mut t, h);
    t
}

/// `--rootfs-diff`: the files changed, then those deleted, as paths in the
/// container.
fn rootfs_changes(t: &mut Tree, r: &RootfsNode) {
    if r.changed.is_empty() && r.deleted.is_empty() {
        t.branch("Root FS changes: none recorded");
        return;
    }
    let b = t.branch("Root FS changes");
    if !r.changed.is_empty() {
        let changed = b.branch(match r.compression {
            Some(c) if c != ckpt::Compression::None => {
                format!("Changed files (rootfs-diff.tar, {c})")
            }
            _ => "Changed files (rootfs-diff.tar)".to_owned(),
        });
        for c in &r.changed {
            let mut meta = format!("{} {:04o}", c.file_type.name(), c.mode);
            if c.file_type == ckpt::FileType::File {
                meta.push_str(&format!(" {}", byte_to_string(c.size)));
            }
            let mut text = format!("/{}", c.path);
            if let Some(target) = &c.link_target {
                text.push_str(&format!(" -> {target}"));
            }
            changed.meta(&meta, &text);
        }
    }
    if !r.deleted.is_empty() {
        let deleted = b.branch("Deleted files (deleted.files)");
        for d in &r.deleted {
            deleted.branch(d.as_str());
        }
    }
}

fn add_process(parent: &mut Tree, ps: &PsNode, i: &Inspection) {
    let tag = match ps.task_state.name() {
        "Alive" => ps.pid.to_string(),
        state => format!("{} ({state})", ps.pid),
    };
    let label = ps
        .cmdline
        .as_deref()
        .filter(|c| !c.is_empty())
        .unwrap_or(&ps.command);
    let node = parent.meta(&tag, label);
    if !ps.task_state.has_resources() {
        return;
    }
    // As the process holds it: a later duplicate is the one getenv sees.
    if let Some(env) = &ps.environment
        && !env.is_empty()
    {
        let b = node.branch("Environment variables");
        for var in env {
            b.branch(var.as_str());
        }
    }
    // Only where there is more than the leader, so that single-threaded
    // trees stay as checkpointctl prints them.
    if ps.thread_details.len() > 1 {
        let b = node.branch("Threads");
        for t in &ps.thread_details {
            let name = if t.name.is_empty() { "?" } else { &t.name };
            b.meta(&t.tid.to_string(), &format!("{name} ({})", t.state.name()));
        }
    }
    if let Some(fds) = i
        .file_descriptors
        .iter()
        .flatten()
        .find(|f| f.pid == ps.pid)
        && !fds.open_files.is_empty()
    {
        let b = node.branch("Open files");
        for f in &fds.open_files {
            if f.deleted {
                b.meta(&f.fd, &format!("{} (deleted)", f.path));
            } else {
                b.meta(&f.fd, &f.path);
            }
        }
    }
    if let Some(sks) = i.sockets.iter().flatten().find(|s| s.pid == ps.pid)
        && !sks.open_sockets.is_empty()
    {
        let b = node.branch("Open sockets");
        for s in &sks.open_sockets {
            let (meta, text) = socket_line(s);
            b.meta(&meta, &text);
        }
    }
    for child in &ps.children {
        add_process(node, child, i);
    }
}

/// checkpointctl's `formatSocketForTree`.
fn socket_line(s: &SocketNode) -> (String, String) {
    let d = &s.data;
    match d.socket_type.as_str() {
        "UNIX" => (
            format!("UNIX ({})", s.protocol),
            if d.address.is_empty() {
                "@".to_owned()
            } else {
                d.address.clone()
            },
        ),
        "TCP" | "UDP" => {
            let meta = if d.socket_type == "TCP" && !d.state.is_empty() {
                format!("{} ({})", d.socket_type, d.state)
            } else {
                d.socket_type.clone()
            };
            (
                meta,
                format!(
                    "{}:{} -> {}:{} (↑ {} ↓ {})",
                    d.src, d.src_port, d.dst, d.dst_port, d.send_buf, d.recv_buf
                ),
            )
        }
        _ => (
            s.protocol.clone(),
            format!("↑ {} ↓ {}", d.send_buf, d.recv_buf),
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn format_time_like_go() {
        assert_eq!(format_time(627), "627 µs");
        assert_eq!(format_time(122_463), "122.46 ms");
        assert_eq!(format_time(2009), "2.009 ms");
        assert_eq!(format_time(59_458), "59.458 ms");
        assert_eq!(format_time(1000), "1 ms");
        assert_eq!(format_time(2_500_000), "2.5 s");
        assert_eq!(format_time(999_999), "1000 ms");
    }
}
