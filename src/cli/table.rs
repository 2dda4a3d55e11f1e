//! Tables laid out as Go's `text/tabwriter` lays out checkpointctl's
//! (minimum width 6, padding 3, spaces; the last column unpadded), narrowed
//! to fit the terminal when standard output is one.

use std::io::IsTerminal;

use super::text::clean;

const MIN_WIDTH: usize = 6;
const PADDING: usize = 3;
/// A column is never narrowed below its header or this many characters.
const MIN_FITTED: usize = 8;

/// Renders a header (upper-cased, underlined with dashes) and rows, fitted
/// to the terminal's width when standard output is a terminal. Piped output
/// is never cut: scripts get every character.
pub fn render(header: &[&str], rows: &[Vec<String>]) -> String {
    layout(header, rows, terminal_width())
}

/// The width to fit tables to: the terminal's (or `COLUMNS`, as `ls` reads
/// it) when standard output is a terminal, else none.
fn terminal_width() -> Option<usize> {
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

fn layout(header: &[&str], rows: &[Vec<String>], width: Option<usize>) -> String {
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
        fit(&mut content, header, width);
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

/// Narrows the widest columns until the line fits `width`: every column
/// wider than a common cap is cut to it (never below its floor: its header,
/// or [`MIN_FITTED`] characters), with the cap as high as fits, and what is
/// left over given back a character at a time from the right. A table too
/// wide even at its floors is printed at them (and wraps). Found by
/// bisection, so a cell of megabytes costs no more than a short one.
fn fit(content: &mut [usize], header: &[&str], width: usize) {
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
            .map(|(&c, &f)| c.min(f.max(cap)))
            .collect()
    };
    // The largest cap that fits; line_width(capped(cap)) grows with cap.
    let (mut lo, mut hi) = (0usize, content.iter().copied().max().unwrap_or(0));
    if line_width(&capped(lo)) > width {
        content.copy_from_slice(&capped(lo));
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
        let natural = layout(&header, &rows, None);
        assert_eq!(natural.lines().map(|l| l.chars().count()).max(), Some(119));
        let out = layout(&header, &rows, Some(80));
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
            layout(&header, &rows, Some(200)),
            layout(&header, &rows, None)
        );
    }

    #[test]
    fn a_terminal_too_narrow_gets_the_narrowest_table_not_a_hang() {
        let (header, rows) = show_like();
        let out = layout(&header, &rows, Some(1));
        assert!(out.contains("docker.…"), "{out}");
        assert!(out.contains("CONTAINER"), "{out}");
    }

    #[test]
    fn a_cell_of_megabytes_is_cut_at_once() {
        let (header, mut rows) = show_like();
        rows[0][1] = "x".repeat(50 << 20);
        let out = layout(&header, &rows, Some(80));
        assert_eq!(out.lines().nth(2).map(|l| l.chars().count()), Some(80));
        assert!(out.contains("xxxxxxxxxxx…   4f3c2a1b0d9e"), "{out}");
    }

    #[test]
    fn cuts_count_characters_not_bytes() {
        let mut s = "äöüäöüäöü".to_owned();
        cut(&mut s, 4);
        assert_eq!(s, "äöü…");
    }
}
