//! Tables laid out as Go's `text/tabwriter` lays out checkpointctl's
//! (minimum width 6, padding 3, spaces; the last column unpadded), narrowed
//! to fit the terminal when standard output is one. What people copy (IDs,
//! names, paths, addresses, matches) is never cut: only the other columns
//! are narrowed, and only when that makes the line fit (else nothing is
//! cut, and the terminal wraps the line).

use std::io::IsTerminal;

use super::text::clean;

const MIN_WIDTH: usize = 6;
const PADDING: usize = 3;
/// A column is never narrowed below its header or this many characters.
const MIN_FITTED: usize = 8;

/// Renders a header (upper-cased, underlined with dashes) and rows, fitted
/// to the terminal's width when standard output is a terminal by narrowing
/// the columns not named in `whole` (names as in `header`), which are
/// printed whole. Piped output is never cut: scripts get every character.
pub fn render(header: &[&str], rows: &[Vec<String>], whole: &[&str]) -> String {
    layout(header, rows, whole, terminal_width())
}

/// The width to fit tables to: the terminal's (or `COLUMNS`, as `ls` reads
/// it) when standard output is a terminal, else none.
pub(super) fn terminal_width() -> Option<usize> {
    let stdout = std::io::stdout();
    if !stdout.is_terminal() {
        return None;
    }
    if let Some(n) = std::env::var("COLUMNS")
        .ok()
        .and_then(|c| c.trim().parse::<usize>().ok())
        .filter(|&n| n > 0)
    {
        return Some(n);
    }
    terminal_size::terminal_size_of(&stdout).map(|(w, _)| usize::from(w.0))
}

fn layout(header: &[&str], rows: &[Vec<String>], whole: &[&str], width: Option<usize>) -> String {
    debug_assert!(
        whole.iter().all(|w| header.contains(w)),
        "{whole:?} not all in {header:?}"
    );
    let mut lines: Vec<Vec<String>> = Vec::with_capacity(rows.len() + 2);
    lines.push(header.iter().map(|h| h.to_uppercase()).collect());
    lines.push(header.iter().map(|h| "-".repeat(h.len())).collect());
    lines.extend(
        rows.iter()
            .map(|r| r.iter().map(|c| clean(c).into_owned()).collect()),
    );
    let columns = lines.iter().map(Vec::len).max().unwrap_or(0);
    // The widest content of each column, the last one included.
    let mut content = vec![0usize; columns];
    for line in &lines {
        for (i, cell) in line.iter().enumerate() {
            if let Some(slot) = content.get_mut(i) {
                *slot = (*slot).max(cell.chars().count());
            }
        }
    }
    if let Some(width) = width {
        let kept: Vec<bool> = (0..columns)
            .map(|i| header.get(i).is_some_and(|h| whole.contains(h)))
            .collect();
        fit(&mut content, header, &kept, width);
        for line in &mut lines {
            for (cell, &cap) in line.iter_mut().zip(&content) {
                cut(cell, cap);
            }
        }
    }
    let mut widths = vec![0usize; columns];
    for line in &lines {
        // The last cell of a line is not part of a column.
        for (i, cell) in line.iter().enumerate().take(line.len().saturating_sub(1)) {
            let w = (cell.chars().count() + PADDING).max(MIN_WIDTH);
            if let Some(slot) = widths.get_mut(i) {
                *slot = (*slot).max(w);
            }
        }
    }
    let mut out = String::new();
    for line in &lines {
        let last = line.len().saturating_sub(1);
        for (i, cell) in line.iter().enumerate() {
            out.push_str(cell);
            if i < last {
                let pad = widths
                    .get(i)
                    .copied()
                    .unwrap_or(0)
                    .saturating_sub(cell.chars().count());
                out.extend(std::iter::repeat_n(' ', pad));
            }
        }
        out.push('\n');
    }
    out
}

/// The width of a line whose columns hold at most `content` characters.
fn line_width(content: &[usize]) -> usize {
    let last = content.len().saturating_sub(1);
    content
        .iter()
        .enumerate()
        .map(|(i, &c)| {
            if i < last {
                (c + PADDING).max(MIN_WIDTH)
            } else {
                c
            }
        })
        .sum()
}

/// Narrows the widest columns not `kept` whole until the line fits
/// `width`: every such column wider than a common cap is cut to it (never
/// below its floor: its header, or [`MIN_FITTED`] characters), with the cap
/// as high as fits, and what is left over given back a character at a time
/// from the right. A table too wide even at its floors is printed at them
/// (and wraps). Found by bisection, so a cell of megabytes costs no more
/// than a short one.
fn fit(content: &mut [usize], header: &[&str], kept: &[bool], width: usize) {
    if line_width(content) <= width {
        return;
    }
    let floors: Vec<usize> = content
        .iter()
        .enumerate()
        .map(|(i, &c)| {
            let head = header.get(i).map_or(0, |h| h.chars().count());
            c.min(head.max(MIN_FITTED))
        })
        .collect();
    let capped = |cap: usize| -> Vec<usize> {
        content
            .iter()
            .zip(&floors)
            .zip(kept)
            .map(|((&c, &f), &keep)| if keep { c } else { c.min(f.max(cap)) })
            .collect()
    };
    // The largest cap that fits; line_width(capped(cap)) grows with cap.
    let (mut lo, mut hi) = (0usize, content.iter().copied().max().unwrap_or(0));
    if line_width(&capped(lo)) > width {
        // No narrowing makes it fit: the terminal wraps the lines anyway,
        // so nothing is cut (the footnote mark of a time included).
        return;
    }
    while lo < hi {
        let mid = lo + (hi - lo).div_ceil(2);
        if line_width(&capped(mid)) <= width {
            lo = mid;
        } else {
            hi = mid - 1;
        }
    }
    let mut widths = capped(lo);
    let mut slack = width - line_width(&widths);
    for (w, &c) in widths.iter_mut().zip(content.iter()).rev() {
        if slack == 0 {
            break;
        }
        if *w < c {
            *w += 1;
            slack -= 1;
        }
    }
    content.copy_from_slice(&widths);
}

/// Cuts `cell` to `cap` characters, the last one an ellipsis.
fn cut(cell: &mut String, cap: usize) {
    if cell.chars().count() <= cap {
        return;
    }
    let keep = cap.saturating_sub(1);
    let end = cell.char_indices().nth(keep).map_or(cell.len(), |(i, _)| i);
    cell.truncate(end);
    cell.push('…');
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lays_out_like_tabwriter() {
        let out = layout(
            &["Container", "ID", "Created"],
            &[vec!["".into(), "".into(), "0001-01-01T00:00:00Z".into()]],
            &[],
            None,
        );
        assert_eq!(
            out,
            "CONTAINER   ID    CREATED\n\
             ---------   --    -------\n\
             \x20           \x20     0001-01-01T00:00:00Z\n"
        );
    }

    fn show_like() -> (Vec<&'static str>, Vec<Vec<String>>) {
        let header = vec!["Container", "Image", "ID", "Runtime", "Created"];
        let rows = vec![vec![
            "mini-sleep".into(),
            "docker.io/library/busybox:latest-with-a-long-tag".into(),
            "4f3c2a1b0d9e".into(),
            "runc".into(),
            "2026-11-01T10:00:00.123456789Z".into(),
        ]];
        (header, rows)
    }

    #[test]
    fn a_wide_table_is_narrowed_to_the_terminal() {
        let (header, rows) = show_like();
        let natural = layout(&header, &rows, &[], None);
        assert_eq!(natural.lines().map(|l| l.chars().count()).max(), Some(119));
        let out = layout(&header, &rows, &[], Some(80));
        for line in out.lines() {
            assert!(line.chars().count() <= 80, "{line:?}");
        }
        // The widest cells gave way, evenly; the narrow ones and the
        // headers are whole.
        assert_eq!(
            out,
            "CONTAINER    IMAGE                 ID             RUNTIME   CREATED\n\
             ---------    -----                 --             -------   -------\n\
             mini-sleep   docker.io/library/…   4f3c2a1b0d9e   runc      2026-11-01T10:00:00…\n"
        );
    }

    #[test]
    fn a_table_that_fits_is_left_alone() {
        let (header, rows) = show_like();
        assert_eq!(
            layout(&header, &rows, &[], Some(200)),
            layout(&header, &rows, &[], None)
        );
    }

    #[test]
    fn a_terminal_too_narrow_to_fit_anything_cuts_nothing() {
        let (header, rows) = show_like();
        let out = layout(&header, &rows, &[], Some(1));
        assert_eq!(out, layout(&header, &rows, &[], None));
        assert!(!out.contains('…'), "{out}");
    }

    #[test]
    fn a_cell_of_megabytes_is_cut_at_once() {
        let (header, mut rows) = show_like();
        rows[0][1] = "x".repeat(50 << 20);
        let out = layout(&header, &rows, &[], Some(80));
        assert_eq!(out.lines().nth(2).map(|l| l.chars().count()), Some(80));
        assert!(out.contains("xxxxxxxxxxx…   4f3c2a1b0d9e"), "{out}");
    }

    #[test]
    fn cuts_count_characters_not_bytes() {
        let mut s = "äöüäöüäöü".to_owned();
        cut(&mut s, 4);
        assert_eq!(s, "äöü…");
    }

    const ID: &str = "03a2940bd01c6ab0d88ec5bd1e3e43a1c8b1d5ba72f0b6a7f8f4b3e2c1d0e9f8";
    const NAME: &str = "counter-with-a-rather-long-container-name";

    /// Each of `cells` is a whole field of some line of `out`.
    fn assert_whole(out: &str, cells: &[&str]) {
        for cell in cells {
            assert!(
                out.lines()
                    .any(|l| l.split("   ").any(|field| field.trim() == *cell)),
                "{cell} cut in\n{out}"
            );
        }
    }

    #[test]
    fn what_people_copy_is_never_cut_at_80_columns() {
        // show: the full ID (as `show --format json` has it) and a long name.
        let header = ["Container", "Image", "ID", "Runtime", "Created", "Engine"];
        let rows = vec![vec![
            NAME.to_owned(),
            "registry.example.com/team/counter-image:2024-02-09".to_owned(),
            ID.to_owned(),
            "runc".to_owned(),
            "2024-02-09T11:01:26.123456789Z".to_owned(),
            "CRI-O".to_owned(),
        ]];
        let out = layout(&header, &rows, &["Container", "ID"], Some(80));
        assert_whole(&out, &[NAME, ID]);
        // The kept cells alone are wider than 80 columns: narrowing the rest
        // would not make the line fit, so nothing is cut at all (the
        // terminal wraps the line).
        assert_eq!(out, layout(&header, &rows, &[], None));
        // Where narrowing does make it fit, the others give way.
        let short_id = &ID[..12];
        let rows = vec![vec![
            "counter".to_owned(),
            "registry.example.com/team/counter-image:2024-02-09".to_owned(),
            short_id.to_owned(),
            "runc".to_owned(),
            "2024-02-09T11:01:26.123456789Z".to_owned(),
            "CRI-O".to_owned(),
        ]];
        let out = layout(&header, &rows, &["Container", "ID"], Some(80));
        let row = out.lines().nth(2).unwrap();
        assert!(row.chars().count() <= 80, "{out}");
        assert!(row.starts_with("counter     registry."), "{row}");
        assert!(
            row.contains(&format!("…   {short_id}   runc      2024-02-09T")),
            "{row}"
        );
        // The same table, nothing kept, cuts the ID.
        let cut = layout(&header, &rows, &[], Some(65));
        assert!(!cut.contains(short_id), "{cut}");
    }

    #[test]
    fn a_kubelet_checkpoint_name_is_listed_whole() {
        let file = "checkpoint-counters_default-counter-2024-02-09T11:01:26Z.tar";
        let header = [
            "Namespace",
            "Pod",
            "Container",
            "Engine",
            "Time Checkpointed",
            "Checkpoint Name",
        ];
        let rows = vec![vec![
            "default".to_owned(),
            "counters".to_owned(),
            "counter".to_owned(),
            "CRI-O".to_owned(),
            "09 Feb 24 11:01 UTC".to_owned(),
            file.to_owned(),
        ]];
        let whole = ["Namespace", "Pod", "Container", "Checkpoint Name"];
        let out = layout(&header, &rows, &whole, Some(80));
        assert_whole(&out, &[file, "default", "counters", "counter"]);
        // The name alone makes the line longer than 80: the time is not
        // cut for nothing (its footnote mark would go).
        let row = out.lines().nth(2).unwrap();
        assert_eq!(
            row,
            format!("default     counters   counter     CRI-O    09 Feb 24 11:01 UTC   {file}")
        );
    }

    #[test]
    fn a_search_match_is_shown_whole_the_narrow_columns_give_way() {
        let matched = "user=alice password=correct-horse-battery-staple token=0123456789abcdef";
        let header = ["PID", "Address", "VMA", "Match", "Instance"];
        let rows = vec![vec![
            "13127".to_owned(),
            "00007f1bfbc5506c".to_owned(),
            "shm:/dev/shm/ckpt-shm".to_owned(),
            matched.to_owned(),
            "1".to_owned(),
        ]];
        let whole = ["PID", "Address", "VMA", "Match"];
        let out = layout(&header, &rows, &whole, Some(80));
        assert_whole(
            &out,
            &[matched, "00007f1bfbc5506c", "shm:/dev/shm/ckpt-shm"],
        );
        assert!(
            out.lines()
                .nth(2)
                .unwrap()
                .ends_with(&format!("{matched}   1"))
        );
    }

    #[test]
    fn kept_columns_cost_the_others_only_what_they_must() {
        let (header, rows) = show_like();
        // ID kept: the image and the time give way, as without it.
        assert_eq!(
            layout(&header, &rows, &["ID"], Some(80)),
            layout(&header, &rows, &[], Some(80))
        );
        // The image kept: the others at their floors would still not fit,
        // so nothing is cut.
        let out = layout(&header, &rows, &["Image"], Some(80));
        assert_eq!(out, layout(&header, &rows, &[], None));
    }
}
