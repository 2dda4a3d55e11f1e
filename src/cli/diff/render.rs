//! checkpointctl's boxes and trees of a diff.

use std::collections::BTreeMap;
use std::fmt::Write as _;

use ckpt::diff::{Diff, ProcessInfo, ProcessMemoryDiff, SocketInfo};
use ckpt::memory::PAGE_SIZE;
use ckpt::views::PsNode;

use super::super::text::clean;
use super::super::tree::Tree;

/// A `+`, `-` or `~` mark, coloured on a terminal (see [`super::emit`]).
fn styled(mark: &str) -> String {
    let style = match mark {
        "+" => super::super::report::ADDED,
        "-" => super::super::report::REMOVED,
        "~" => super::super::report::CHANGED,
        _ => return mark.to_owned(),
    };
    format!("{style}{mark}{style:#}")
}

const BOX_TOP_END: &str = "┐";
const BOX_BOTTOM: &str = "└──────────────────────────────────────────────────────────────┘";
const SOCKET_BOX_BOTTOM: &str =
    "└───────────────────────────────────────────────────────────────────────┘";

/// `┌─ Title ───…┐`, as wide as checkpointctl draws it.
fn box_top(title: &str, width: usize) -> String {
    let used = 3 + title.chars().count() + 1;
    format!(
        "┌─ {title} {}{BOX_TOP_END}\n",
        "─".repeat(width.saturating_sub(used + 1))
    )
}

/// Maximum ranges listed per kind and process in the tree (JSON has all).
const MAX_RANGES_SHOWN: usize = 16;

pub(super) fn render(d: &Diff, show_unchanged: bool) -> String {
    let mut s = String::new();
    let fields = [
        ("Container: ", clean(&d.container_name)),
        ("Image:     ", clean(&d.image)),
        ("ID:        ", clean(&d.container_id)),
    ];
    // checkpointctl's box is 64 wide and cuts what does not fit; this one
    // grows to what it holds (a full ID needs 75 columns): names and IDs
    // are what people copy.
    let inner = fields
        .iter()
        .map(|(label, value)| label.len() + value.chars().count())
        .max()
        .unwrap_or(0)
        .max(62);
    let bar = "═".repeat(inner + 2);
    let _ = writeln!(s, "╔{bar}╗");
    let _ = writeln!(s, "║ {:<inner$} ║", "Checkpoint Diff");
    let _ = writeln!(s, "╠{bar}╣");
    for (label, value) in &fields {
        let width = inner - label.len();
        let _ = writeln!(s, "║ {label}{value:<width$} ║");
    }
    let _ = writeln!(s, "╚{bar}╝\n");
    for (name, c) in [("A", &d.checkpoint_a), ("B", &d.checkpoint_b)] {
        // checkpointctl prints "Checkpoint A:" alone; the file is named too.
        let _ = writeln!(s, "Checkpoint {name}: {}", clean(&c.archive));
        let _ = writeln!(s, "  Created: {}", clean(&c.created));
        let _ = writeln!(s, "  Size:    {} bytes\n", c.total_size);
    }

    memory_section(&mut s, d);
    process_section(&mut s, d, show_unchanged);
    if let Some(env) = &d.environment_changes {
        s.push_str(&box_top("Environment Changes", 64));
        if env.is_empty() {
            s.push_str("│ = No change\n");
        }
        for e in env {
            let name = clean(&e.name);
            let line = match (&e.before, &e.after) {
                (None, Some(after)) => {
                    format!("{} PID {:<5} {name}={}", styled("+"), e.pid, clean(after))
                }
                (Some(before), None) => {
                    format!("{} PID {:<5} {name}={}", styled("-"), e.pid, clean(before))
                }
                (Some(before), Some(after)) => format!(
                    "{} PID {:<5} {name}={} → {}",
                    styled("~"),
                    e.pid,
                    clean(before),
                    clean(after)
                ),
                (None, None) => continue,
            };
            let _ = writeln!(s, "│   {line}");
        }
        let _ = writeln!(s, "{BOX_BOTTOM}");
    }
    if let Some(f) = &d.file_changes {
        s.push_str(&box_top("File Descriptor Changes", 64));
        let groups = [
            ("Added:", "+", &f.added, true),
            ("Removed:", "-", &f.removed, true),
            ("Unchanged:", "=", &f.unchanged, show_unchanged),
        ];
        for (title, mark, files, show) in groups {
            if !show || files.is_empty() {
                continue;
            }
            let _ = writeln!(s, "│ {title}");
            for file in files {
                let _ = writeln!(
                    s,
                    "│   {} PID {:<5} {:<8} {}",
                    styled(mark),
                    file.pid,
                    clean(&file.file_type),
                    clean(&file.path)
                );
            }
        }
        let _ = writeln!(s, "{BOX_BOTTOM}");
    }
    if let Some(k) = &d.socket_changes {
        s.push_str(&box_top("Socket Changes", 73));
        let unchanged = show_unchanged && !k.unchanged.is_empty();
        if !k.added.is_empty() || !k.removed.is_empty() || unchanged {
            let _ = writeln!(
                s,
                "│     {:<5} {:<5} {:<12} {:<21} PEER",
                "PID", "PROTO", "STATE", "LOCAL"
            );
            let mut rows: Vec<(&str, &SocketInfo)> = Vec::new();
            rows.extend(k.added.iter().map(|x| ("+", x)));
            rows.extend(k.removed.iter().map(|x| ("-", x)));
            if unchanged {
                rows.extend(k.unchanged.iter().map(|x| ("=", x)));
            }
            for (mark, socket) in rows {
                let (state, local, peer) = socket_columns(socket);
                let _ = writeln!(
                    s,
                    "│  {}  {:<5} {:<5} {:<12} {:<21} {}",
                    styled(mark),
                    socket.pid,
                    clean(&socket.protocol),
                    clean(&state),
                    clean(&local),
                    clean(&peer)
                );
            }
        }
        let _ = writeln!(s, "{SOCKET_BOX_BOTTOM}");
    }
    let _ = writeln!(s, "Summary:");
    for line in d.summary.lines() {
        let _ = writeln!(s, "{}", clean(line));
    }
    s
}

fn memory_section(s: &mut String, d: &Diff) {
    let m = &d.memory_changes;
    s.push_str(&box_top("Memory Changes", 64));
    if m.size_change_bytes > 0 {
        let _ = writeln!(s, "│ ↑ Increased by {:.2} MB", m.size_change_mb);
    } else if m.size_change_bytes < 0 {
        let _ = writeln!(s, "│ ↓ Decreased by {:.2} MB", -m.size_change_mb);
    } else if let (added, removed, changed) = m.page_counts()
        && added + removed + changed > 0
    {
        // The same size is no "No change" when pages differ.
        let _ = writeln!(
            s,
            "│ ~ Same size, pages differ: +{added} -{removed} ~{changed}"
        );
    } else {
        let _ = writeln!(s, "│ = No change");
    }
    if !m.processes.is_empty() {
        let _ = writeln!(
            s,
            "│ Pages ({} KiB) per process: +added -removed ~changed =unchanged",
            PAGE_SIZE / 1024
        );
    }
    for p in &m.processes {
        page_lines(s, p);
    }
    let _ = writeln!(s, "{BOX_BOTTOM}");
}

fn page_lines(s: &mut String, p: &ProcessMemoryDiff) {
    let (added, removed, changed) = p.counts();
    let _ = writeln!(
        s,
        "│   PID {:<5} +{added} -{removed} ~{changed} ={}",
        p.pid, p.unchanged_pages
    );
    for (mark, ranges) in [("+", &p.added), ("-", &p.removed), ("~", &p.changed)] {
        for r in ranges.iter().take(MAX_RANGES_SHOWN) {
            let n = (r.end - r.start) / PAGE_SIZE;
            let _ = writeln!(
                s,
                "│     {} {:016x}-{:016x} {n:>6} {}",
                styled(mark),
                r.start,
                r.end,
                if n == 1 { "page" } else { "pages" }
            );
        }
        if ranges.len() > MAX_RANGES_SHOWN {
            let _ = writeln!(
                s,
                "│     {} … {} more ranges (--format json lists them all)",
                styled(mark),
                ranges.len() - MAX_RANGES_SHOWN
            );
        }
    }
}

fn process_section(s: &mut String, d: &Diff, show_unchanged: bool) {
    let p = &d.process_changes;
    s.push_str(&box_top("Process Tree", 64));
    let changed = !(p.added.is_empty() && p.removed.is_empty() && p.modified.is_empty());
    let removed = |s: &mut String| {
        if !p.removed.is_empty() {
            let _ = writeln!(s, "│ Removed:");
            for proc in &p.removed {
                let _ = writeln!(
                    s,
                    "│   {} PID {:<5} {}",
                    styled("-"),
                    proc.pid,
                    clean(&proc.command)
                );
            }
        }
    };
    match &d.tree_b {
        Some(tree) if show_unchanged => {
            let mut marks = BTreeMap::new();
            for (mark, list) in [("+", &p.added), ("~", &p.modified), ("=", &p.unchanged)] {
                marks.extend(list.iter().map(|x| (x.pid, mark)));
            }
            let mut root = Tree::new("Process tree");
            annotate(&mut root, tree, &marks);
            for line in root.render().lines() {
                let _ = writeln!(s, "│ {line}");
            }
            removed(s);
        }
        _ if !changed => {
            let _ = writeln!(s, "│ = No change");
        }
        _ => {
            let with_cmdline = |s: &mut String, mark: &str, list: &[ProcessInfo]| {
                for proc in list {
                    let _ = writeln!(
                        s,
                        "│   {} PID {:<5} {}",
                        styled(mark),
                        proc.pid,
                        clean(&proc.command)
                    );
                    if let Some(c) = proc.cmdline.as_deref().filter(|c| !c.is_empty()) {
                        let _ = writeln!(s, "│             {}", clean(c));
                    }
                }
            };
            if !p.added.is_empty() {
                let _ = writeln!(s, "│ Added:");
                with_cmdline(s, "+", &p.added);
            }
            removed(s);
            if !p.modified.is_empty() {
                let _ = writeln!(s, "│ Modified:");
                with_cmdline(s, "~", &p.modified);
            }
        }
    }
    let _ = writeln!(s, "{BOX_BOTTOM}");
}

/// B's process tree, each process marked `+` (added), `~` (modified) or
/// `=` (unchanged); children by pid.
fn annotate(parent: &mut Tree, ps: &PsNode, marks: &BTreeMap<u32, &str>) {
    let mark = marks.get(&ps.pid).copied().unwrap_or(" ");
    let label = ps
        .cmdline
        .as_deref()
        .filter(|c| !c.is_empty())
        .unwrap_or(&ps.command);
    let node = parent.meta(&format!("{mark} PID {}", ps.pid), label);
    for child in &ps.children {
        annotate(node, child, marks);
    }
}

/// checkpointctl's STATE, LOCAL and PEER columns.
fn socket_columns(k: &SocketInfo) -> (String, String, String) {
    match k.socket_type.as_str() {
        "TCP" | "UDP" => {
            let local = format!("{}:{}", k.source, k.src_port);
            let peer = if k.dst_port > 0 {
                format!("{}:{}", k.dest, k.dst_port)
            } else {
                "-".to_owned()
            };
            let state = if k.state.is_empty() {
                "-".to_owned()
            } else {
                k.state.clone()
            };
            (state, local, peer)
        }
        _ => {
            let local = if k.address.is_empty() {
                "@".to_owned()
            } else {
                k.address.clone()
            };
            ("-".to_owned(), local, "-".to_owned())
        }
    }
}
