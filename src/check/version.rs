//! Versions compared as numbers: `4.2` against `3.19`, `6.18.44-fc-v657`
//! against `6.1.0-28-amd64`.

use std::cmp::Ordering;

/// The leading numbers of a version (`6.18.44-fc-v657` → `[6, 18, 44]`),
/// at most four of them; `None` when it does not start with a number.
pub(crate) fn numbers(version: &str) -> Option<Vec<u64>> {
    let version = version.trim().trim_start_matches(['v', 'V']);
    let mut out = Vec::new();
    for part in version.split('.').take(4) {
        let digits: String = part.chars().take_while(char::is_ascii_digit).collect();
        let Ok(n) = digits.parse::<u64>() else {
            break;
        };
        out.push(n);
        if digits.len() != part.len() {
            break;
        }
    }
    (!out.is_empty()).then_some(out)
}

/// Compares two versions by their numbers (`4.2` = `4.2.0`); `None` when
/// either has none.
pub(crate) fn compare(a: &str, b: &str) -> Option<Ordering> {
    let (a, b) = (numbers(a)?, numbers(b)?);
    let len = a.len().max(b.len());
    let at = |v: &[u64], i: usize| v.get(i).copied().unwrap_or(0);
    Some(
        (0..len)
            .map(|i| at(&a, i).cmp(&at(&b, i)))
            .find(|o| o.is_ne())
            .unwrap_or(Ordering::Equal),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_not_strings() {
        assert_eq!(compare("4.2", "3.19"), Some(Ordering::Greater));
        assert_eq!(compare("3.9", "3.19"), Some(Ordering::Less));
        assert_eq!(compare("4.2", "4.2.0"), Some(Ordering::Equal));
        assert_eq!(
            compare("6.18.44-fc-v657", "6.1.0-28-amd64"),
            Some(Ordering::Greater)
        );
        assert_eq!(compare("v1.1.5", "1.1.12"), Some(Ordering::Less));
        assert_eq!(compare("", "1"), None);
        assert_eq!(compare("unknown", "1"), None);
        assert_eq!(numbers("5.15.0-rc1"), Some(vec![5, 15, 0]));
        assert_eq!(numbers("99999999999999999999999"), None);
    }
}
