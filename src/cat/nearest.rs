//! The names nearest to one asked for, for an error that helps.

/// Longest name compared (longer ones are compared by their first bytes).
const MAX_LEN: usize = 256;

/// What a name is compared by: the container path of a member of
/// `rootfs-diff.tar` or a deleted file, else the name.
fn key(name: &str) -> String {
    if let Some(rest) = name.strip_prefix("rootfs-diff.tar/") {
        format!("/{rest}")
    } else if let Some(rest) = name.strip_prefix("deleted:") {
        rest.to_owned()
    } else {
        name.to_owned()
    }
}

/// Up to `n` of `names` nearest to `wanted`: those with the same last
/// component first, then by edit distance; ties in the order given.
pub(super) fn nearest<'a>(wanted: &str, names: &'a [String], n: usize) -> Vec<&'a str> {
    let base = |s: &str| s.rsplit('/').next().unwrap_or(s).to_owned();
    let wanted = key(wanted);
    let wanted_base = base(&wanted);
    let wanted: Vec<char> = wanted.chars().take(MAX_LEN).collect();
    let mut scored: Vec<(bool, usize, usize, &str)> = names
        .iter()
        .enumerate()
        .map(|(i, name)| {
            let name_key = key(name);
            let chars: Vec<char> = name_key.chars().take(MAX_LEN).collect();
            (
                base(&name_key) != wanted_base,
                distance(&wanted, &chars),
                i,
                name.as_str(),
            )
        })
        .collect();
    scored.sort();
    scored.into_iter().take(n).map(|(.., s)| s).collect()
}

/// Levenshtein distance.
fn distance(a: &[char], b: &[char]) -> usize {
    let mut row: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.iter().enumerate() {
        let mut diagonal = row[0];
        row[0] = i + 1;
        for (j, cb) in b.iter().enumerate() {
            let above = row[j + 1];
            row[j + 1] = (diagonal + usize::from(ca != cb))
                .min(above + 1)
                .min(row[j] + 1);
            diagonal = above;
        }
    }
    row[b.len()]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn same_file_name_first_then_closest() {
        let names: Vec<String> = [
            "config.dump",
            "spec.dump",
            "checkpoint/pstree.img",
            "pstree.img.bak",
        ]
        .map(String::from)
        .to_vec();
        assert_eq!(
            nearest("pstree.img", &names, 2),
            ["checkpoint/pstree.img", "pstree.img.bak"]
        );
        assert_eq!(nearest("conf.dump", &names, 1), ["config.dump"]);
        assert_eq!(distance(&['a', 'b'], &['a', 'b']), 0);
        assert_eq!(distance(&['k', 'i', 't'], &['s', 'i', 't', 's']), 2);
    }
}
