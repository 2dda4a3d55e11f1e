//! Tables laid out as Go's `text/tabwriter` lays out checkpointctl's
//! (minimum width 6, padding 3, spaces; the last column unpadded).

use super::text::clean;

const MIN_WIDTH: usize = 6;
const PADDING: usize = 3;

/// Renders a header (upper-cased, underlined with dashes) and rows.
pub fn render(header: &[&str], rows: &[Vec<String>]) -> String {
    let mut lines: Vec<Vec<String>> = Vec::with_capacity(rows.len() + 2);
    lines.push(header.iter().map(|h| h.to_uppercase()).collect());
    lines.push(header.iter().map(|h| "-".repeat(h.len())).collect());
    lines.extend(
        rows.iter()
            .map(|r| r.iter().map(|c| clean(c).into_owned()).collect()),
    );
    let columns = lines.iter().map(Vec::len).max().unwrap_or(0);
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
                let pad = widths.get(i).copied().unwrap_or(0) - cell.chars().count();
                out.extend(std::iter::repeat_n(' ', pad));
            }
        }
        out.push('\n');
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lays_out_like_tabwriter() {
        let out = render(
            &["Container", "ID", "Created"],
            &[vec!["".into(), "".into(), "0001-01-01T00:00:00Z".into()]],
        );
        assert_eq!(
            out,
            "CONTAINER   ID    CREATED\n\
             ---------   --    -------\n\
             \x20           \x20     0001-01-01T00:00:00Z\n"
        );
    }
}
