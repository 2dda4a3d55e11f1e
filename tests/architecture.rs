//! The shape of the source tree, checked: no module depends on itself
//! through others (no cycle among the files of the library or of the
//! binary), the library's top-level modules form the layers ARCHITECTURE.md
//! draws, and no file is over 400 lines without saying why at its top.
//!
//! Dependencies are read from the source: every `use` and every
//! `crate::`/`super::`/`self::` path outside comments and tests, resolved
//! through `pub use` re-exports to the file that defines the item. A
//! module's `pub use` of its children (its public face) is not a
//! dependency; a method defined in another file of the same folder (one
//! type's `impl` split over files) is not seen.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

/// The library's top-level modules, lowest layer first: each may use only
/// those of earlier layers.
const LAYERS: &[&[&str]] = &[
    &["options", "layout", "compression", "escape"],
    &["warning", "criu"],
    &["error"],
    &["metadata", "memory", "source"],
    &["model", "digest"],
    &["read", "cat", "check"],
    &["views"],
    &["diff", "build", "coredump"],
];

/// Most lines in a file that does not say why it has more.
const MAX_LINES: usize = 400;
const REASON: &str = "Longer than 400 lines because";

type ModPath = Vec<String>;

#[derive(Debug)]
struct Module {
    children: BTreeSet<String>,
    /// `use` trees that are not re-exports, and paths in code.
    uses: Vec<Vec<String>>,
    /// Names re-exported with `pub use`, and the paths they come from.
    reexports: BTreeMap<String, Vec<String>>,
}

fn src() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("src")
}

/// The source without comments and without the trailing test module.
fn code(text: &str) -> String {
    let text = match text.find("#[cfg(test)]\nmod tests") {
        Some(at) => &text[..at],
        None => text,
    };
    text.lines()
        .map(|l| match l.find("//") {
            Some(at) if !l[..at].contains('"') => &l[..at],
            _ => l,
        })
        .collect::<Vec<_>>()
        .join("\n")
}

/// Splits a `use` tree (`a::{b, c::d as e}`) into its paths.
fn expand(tree: &str) -> Vec<Vec<String>> {
    fn split_top(s: &str) -> Vec<&str> {
        let (mut depth, mut start, mut out) = (0, 0, Vec::new());
        for (i, c) in s.char_indices() {
            match c {
                '{' => depth += 1,
                '}' => depth -= 1,
                ',' if depth == 0 => {
                    out.push(&s[start..i]);
                    start = i + 1;
                }
                _ => {}
            }
        }
        out.push(&s[start..]);
        out
    }
    let tree: String = tree.split_whitespace().collect();
    let mut out = Vec::new();
    match tree.find('{') {
        Some(open) => {
            let prefix = tree[..open].trim_end_matches("::");
            let inner = &tree[open + 1..tree.rfind('}').unwrap_or(tree.len())];
            for part in split_top(inner).into_iter().filter(|p| !p.is_empty()) {
                for rest in expand(part) {
                    let mut path: Vec<String> = prefix
                        .split("::")
                        .filter(|s| !s.is_empty())
                        .map(str::to_owned)
                        .collect();
                    if rest != ["self"] {
                        path.extend(rest);
                    }
                    out.push(path);
                }
            }
        }
        None => {
            let path = tree.split(" as ").next().unwrap_or(&tree);
            let path = path.split("as").next().unwrap_or(path);
            out.push(path.split("::").map(str::to_owned).collect());
        }
    }
    out
}

/// Reads `file` as module `path` of a crate, and its children.
fn load(file: &Path, path: ModPath, crate_mods: &mut BTreeMap<ModPath, Module>) {
    let text = std::fs::read_to_string(file).unwrap();
    let code = code(&text);
    let dir = match file.file_name().and_then(|f| f.to_str()) {
        Some("lib.rs" | "main.rs" | "mod.rs") => file.parent().unwrap().to_owned(),
        _ => file.with_extension(""),
    };
    let mut module = Module {
        children: BTreeSet::new(),
        uses: Vec::new(),
        reexports: BTreeMap::new(),
    };
    let mut rest = String::new();
    for statement in code.split_inclusive(';') {
        let s = statement.trim();
        let s = s.rsplit(']').next().unwrap_or(s).trim();
        let (public, body) = match s.strip_prefix("pub") {
            Some(r) => (
                true,
                r.trim_start_matches("(crate)")
                    .trim_start_matches("(super)")
                    .trim(),
            ),
            None => (false, s),
        };
        if let Some(name) = body.strip_prefix("mod ").and_then(|n| n.strip_suffix(';')) {
            module.children.insert(name.trim().to_owned());
            continue;
        }
        let tree = body
            .strip_prefix("use ")
            .and_then(|t| t.strip_suffix(';'))
            // A `;` in a string literal splits it elsewhere: not a path.
            .filter(|t| {
                t.chars()
                    .all(|c| c.is_alphanumeric() || "_:{},* \n".contains(c))
            });
        if let Some(tree) = tree {
            for path in expand(tree) {
                if public {
                    let name = path.last().cloned().unwrap_or_default();
                    module.reexports.insert(name, path);
                } else {
                    module.uses.push(path);
                }
            }
            continue;
        }
        rest.push_str(statement);
    }
    // Paths written out in code.
    let bytes = rest.as_bytes();
    for start in ["crate::", "super::", "self::"] {
        let mut from = 0;
        while let Some(at) = rest[from..].find(start) {
            let at = from + at;
            from = at + start.len();
            let before = at.checked_sub(1).map(|i| bytes[i]);
            if before.is_some_and(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b':') {
                continue;
            }
            let end = rest[at..]
                .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_' || c == ':'))
                .map_or(rest.len(), |e| at + e);
            let path: Vec<String> = rest[at..end]
                .split("::")
                .filter(|s| !s.is_empty())
                .map(str::to_owned)
                .collect();
            module.uses.push(path);
        }
    }
    let children = module.children.clone();
    crate_mods.insert(path.clone(), module);
    for child in children {
        let file = [
            dir.join(format!("{child}.rs")),
            dir.join(&child).join("mod.rs"),
        ]
        .into_iter()
        .find(|f| f.exists())
        .unwrap_or_else(|| panic!("no file for mod {child} of {}", dir.display()));
        let mut child_path = path.clone();
        child_path.push(child);
        load(&file, child_path, crate_mods);
    }
}

/// The module a path from `from` lands in: the module that defines the item
/// it names (through re-exports), or `None` for another crate.
fn resolve(
    mods: &BTreeMap<ModPath, Module>,
    from: &ModPath,
    path: &[String],
    depth: usize,
) -> Option<ModPath> {
    if depth > 16 {
        return None;
    }
    let mut cur: ModPath;
    let mut segs = path.iter().peekable();
    match segs.peek().map(|s| s.as_str()) {
        Some("crate") => {
            cur = Vec::new();
            segs.next();
        }
        Some("self") => {
            cur = from.clone();
            segs.next();
        }
        Some("super") => {
            cur = from.clone();
            while segs.peek().map(|s| s.as_str()) == Some("super") {
                cur.pop();
                segs.next();
            }
        }
        Some(first) if mods.get(from).is_some_and(|m| m.children.contains(first)) => {
            cur = from.clone();
        }
        _ => return None,
    }
    for seg in segs {
        if seg == "*" {
            break;
        }
        let module = mods.get(&cur)?;
        if module.children.contains(seg) {
            cur.push(seg.clone());
            continue;
        }
        if let Some(target) = module.reexports.get(seg) {
            return resolve(mods, &cur, target, depth + 1);
        }
        break;
    }
    Some(cur)
}

fn name(path: &ModPath) -> String {
    if path.is_empty() {
        "crate".to_owned()
    } else {
        path.join("::")
    }
}

/// Every module's dependencies on the other modules of its crate.
fn graph(root: &Path) -> BTreeMap<ModPath, BTreeSet<ModPath>> {
    let mut mods = BTreeMap::new();
    load(root, Vec::new(), &mut mods);
    mods.iter()
        .map(|(path, m)| {
            let deps = m
                .uses
                .iter()
                .filter_map(|u| resolve(&mods, path, u, 0))
                .filter(|t| t != path)
                .collect();
            (path.clone(), deps)
        })
        .collect()
}

/// The groups of modules that depend on each other (Tarjan's strongly
/// connected components of more than one module).
fn cycles<N: Ord + Clone>(g: &BTreeMap<N, BTreeSet<N>>) -> Vec<Vec<N>> {
    struct State<N> {
        index: BTreeMap<N, usize>,
        low: BTreeMap<N, usize>,
        stack: Vec<N>,
        on: BTreeSet<N>,
        out: Vec<Vec<N>>,
    }
    fn visit<N: Ord + Clone>(n: &N, g: &BTreeMap<N, BTreeSet<N>>, s: &mut State<N>) {
        let i = s.index.len();
        s.index.insert(n.clone(), i);
        s.low.insert(n.clone(), i);
        s.stack.push(n.clone());
        s.on.insert(n.clone());
        for m in g.get(n).into_iter().flatten() {
            if !s.index.contains_key(m) {
                visit(m, g, s);
                let low = s.low[n].min(s.low[m]);
                s.low.insert(n.clone(), low);
            } else if s.on.contains(m) {
                let low = s.low[n].min(s.index[m]);
                s.low.insert(n.clone(), low);
            }
        }
        if s.low[n] == s.index[n] {
            let mut group = Vec::new();
            while let Some(m) = s.stack.pop() {
                s.on.remove(&m);
                let done = &m == n;
                group.push(m);
                if done {
                    break;
                }
            }
            if group.len() > 1 {
                s.out.push(group);
            }
        }
    }
    let mut s = State {
        index: BTreeMap::new(),
        low: BTreeMap::new(),
        stack: Vec::new(),
        on: BTreeSet::new(),
        out: Vec::new(),
    };
    for n in g.keys() {
        if !s.index.contains_key(n) {
            visit(n, g, &mut s);
        }
    }
    s.out
}

#[test]
fn no_module_depends_on_itself() {
    for root in ["lib.rs", "main.rs"] {
        let g = graph(&src().join(root));
        assert!(g.len() > 5, "{root}: {} modules found", g.len());
        let found: Vec<Vec<String>> = cycles(&g)
            .into_iter()
            .map(|c| c.iter().map(name).collect())
            .collect();
        assert!(found.is_empty(), "{root}: module cycles: {found:#?}");
    }
}

#[test]
fn top_level_modules_are_layered() {
    let g = graph(&src().join("lib.rs"));
    let layer = |m: &str| LAYERS.iter().position(|l| l.contains(&m));
    let mut wrong = Vec::new();
    let mut top: BTreeSet<String> = BTreeSet::new();
    for (from, deps) in &g {
        let Some(a) = from.first() else {
            continue; // the crate root only declares and re-exports
        };
        top.insert(a.clone());
        for to in deps {
            let Some(b) = to.first() else {
                wrong.push(format!("{} uses the crate root", name(from)));
                continue;
            };
            if a == b {
                continue;
            }
            match (layer(a), layer(b)) {
                (Some(la), Some(lb)) if lb < la => {}
                _ => wrong.push(format!("{} uses {}", name(from), name(to))),
            }
        }
    }
    let listed: BTreeSet<String> = LAYERS
        .iter()
        .flat_map(|l| l.iter().map(|m| (*m).to_owned()))
        .collect();
    assert_eq!(top, listed, "top-level modules and LAYERS differ");
    assert!(wrong.is_empty(), "against the layers: {wrong:#?}");
}

#[test]
fn long_files_say_why() {
    fn walk(dir: &Path, out: &mut Vec<PathBuf>) {
        for e in std::fs::read_dir(dir).unwrap() {
            let p = e.unwrap().path();
            if p.is_dir() {
                walk(&p, out);
            } else if p.extension().is_some_and(|x| x == "rs") {
                out.push(p);
            }
        }
    }
    let mut files = Vec::new();
    walk(&src(), &mut files);
    assert!(files.len() > 50);
    let mut long = Vec::new();
    for f in files {
        let text = std::fs::read_to_string(&f).unwrap();
        let lines = text.lines().count();
        let head: String = text.lines().take(30).collect::<Vec<_>>().join("\n");
        if lines > MAX_LINES && !head.contains(REASON) {
            long.push(format!("{} ({lines} lines)", f.display()));
        }
    }
    assert!(
        long.is_empty(),
        "over {MAX_LINES} lines without a reason: {long:#?}"
    );
}

#[test]
fn the_checker_sees_cycles_and_layers() {
    // A cycle of three, and a module outside it.
    let g: BTreeMap<u8, BTreeSet<u8>> = [
        (1, BTreeSet::from([2])),
        (2, BTreeSet::from([3])),
        (3, BTreeSet::from([1])),
        (4, BTreeSet::from([1])),
    ]
    .into();
    let found = cycles(&g);
    assert_eq!(found.len(), 1);
    assert_eq!(
        found[0].iter().copied().collect::<BTreeSet<_>>(),
        BTreeSet::from([1, 2, 3])
    );
    // Use trees and real dependencies are seen.
    assert_eq!(
        expand("super::{a, b::{c, self}, d as e}"),
        [
            vec!["super", "a"],
            vec!["super", "b", "c"],
            vec!["super", "b"],
            vec!["super", "d"]
        ]
    );
    let g = graph(&src().join("lib.rs"));
    let deps = |m: &str| -> BTreeSet<String> {
        let path: ModPath = m.split("::").map(str::to_owned).collect();
        g[&path].iter().map(name).collect()
    };
    // Through `crate::memory::PageMap`'s re-export, to the file.
    assert!(deps("model::images").contains("memory::pagemap"));
    assert!(deps("read::collect").contains("source::entry"));
    assert!(deps("source::tar").contains("source::stream"));
}
