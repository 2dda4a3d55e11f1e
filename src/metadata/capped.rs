//! `deserialize_with` helpers for the lists and maps of derived serde
//! types: at most [`MAX_ITEMS`] items are kept, as the lenient readers
//! keep, and the rest are read past without being held. A JSON list of
//! 30 million `0`s is 60 MiB; held, it would be gigabytes.

use std::collections::BTreeMap;
use std::fmt;
use std::marker::PhantomData;

use serde::Deserialize;
use serde::de::{Deserializer, IgnoredAny, MapAccess, SeqAccess, Visitor};

use super::lenient::MAX_ITEMS;

/// A list, its first [`MAX_ITEMS`] items kept.
pub(crate) fn list<'de, D, T>(d: D) -> Result<Vec<T>, D::Error>
where
    D: Deserializer<'de>,
    T: Deserialize<'de>,
{
    struct List<T>(PhantomData<T>);
    impl<'de, T: Deserialize<'de>> Visitor<'de> for List<T> {
        type Value = Vec<T>;

        fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            f.write_str("a list")
        }

        fn visit_seq<A: SeqAccess<'de>>(self, mut items: A) -> Result<Vec<T>, A::Error> {
            let mut kept = Vec::new();
            while kept.len() < MAX_ITEMS {
                match items.next_element()? {
                    Some(item) => kept.push(item),
                    None => return Ok(kept),
                }
            }
            while items.next_element::<IgnoredAny>()?.is_some() {}
            Ok(kept)
        }
    }
    d.deserialize_seq(List(PhantomData))
}

/// A JSON document that is a list, its first [`MAX_ITEMS`] items kept.
pub(crate) fn list_from_slice<'de, T: Deserialize<'de>>(
    bytes: &'de [u8],
) -> serde_json::Result<Vec<T>> {
    let mut d = serde_json::Deserializer::from_slice(bytes);
    let kept = list(&mut d)?;
    d.end()?;
    Ok(kept)
}

/// A map, its first [`MAX_ITEMS`] keys kept (a later value of a kept key
/// replaces the earlier, as `serde_json` and Go do).
pub(crate) fn map<'de, D, K, V>(d: D) -> Result<BTreeMap<K, V>, D::Error>
where
    D: Deserializer<'de>,
    K: Deserialize<'de> + Ord,
    V: Deserialize<'de>,
{
    struct Map<K, V>(PhantomData<(K, V)>);
    impl<'de, K: Deserialize<'de> + Ord, V: Deserialize<'de>> Visitor<'de> for Map<K, V> {
        type Value = BTreeMap<K, V>;

        fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            f.write_str("an object")
        }

        fn visit_map<A: MapAccess<'de>>(self, mut entries: A) -> Result<BTreeMap<K, V>, A::Error> {
            let mut kept = BTreeMap::new();
            while let Some(key) = entries.next_key::<K>()? {
                if kept.len() < MAX_ITEMS || kept.contains_key(&key) {
                    kept.insert(key, entries.next_value()?);
                } else {
                    entries.next_value::<IgnoredAny>()?;
                }
            }
            Ok(kept)
        }
    }
    d.deserialize_map(Map(PhantomData))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Deserialize)]
    struct Doc {
        #[serde(deserialize_with = "list")]
        list: Vec<u8>,
        #[serde(deserialize_with = "map")]
        map: BTreeMap<String, u8>,
    }

    #[test]
    fn past_the_most_items_nothing_is_kept_and_everything_is_read() {
        let items = vec!["1"; MAX_ITEMS + 5].join(",");
        let keys: Vec<String> = (0..MAX_ITEMS + 5).map(|i| format!("\"{i:x}\":2")).collect();
        let json = format!(
            "{{\"list\":[{items}],\"map\":{{{},\"0\":3}}}}",
            keys.join(",")
        );
        let doc: Doc = serde_json::from_str(&json).unwrap();
        assert_eq!(doc.list.len(), MAX_ITEMS);
        assert_eq!(doc.map.len(), MAX_ITEMS);
        // A kept key's later value still replaces the earlier.
        assert_eq!(doc.map["0"], 3);
        assert!(!doc.map.contains_key(&format!("{:x}", MAX_ITEMS + 1)));
        // Still JSON all the way: what follows the cap must parse.
        let broken = format!("{{\"list\":[{items},x],\"map\":{{}}}}");
        assert!(serde_json::from_str::<Doc>(&broken).is_err());
        // A document that is a list (bind.mounts).
        let whole: Vec<u8> = list_from_slice(format!("[{items}]").as_bytes()).unwrap();
        assert_eq!(whole.len(), MAX_ITEMS);
        assert!(list_from_slice::<u8>(format!("[{items}] x").as_bytes()).is_err());
    }
}
