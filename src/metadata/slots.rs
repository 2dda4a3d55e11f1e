//! The [`Slot`]s JSON values are read into: strings and booleans, lists
//! (replaced, as Go's slices), maps of strings (merged, as Go's maps), and
//! optional values (an object merged into the one already read, as Go
//! decodes through a pointer).

use std::collections::BTreeMap;

use serde::de::{IgnoredAny, MapAccess, SeqAccess};

use super::lenient::{Into, MAX_ITEMS, Path, Slot};

impl Slot for String {
    const EXPECTED: &'static str = "a string";

    fn string(&mut self, s: &str) -> bool {
        s.clone_into(self);
        true
    }
}

impl Slot for bool {
    const EXPECTED: &'static str = "a boolean";

    fn boolean(&mut self, b: bool) -> bool {
        *self = b;
        true
    }
}

/// An item of a list or a value of a map: kept only if it has the
/// expected type.
impl<T: Slot + Default> Slot for Option<T> {
    const EXPECTED: &'static str = T::EXPECTED;

    fn string(&mut self, s: &str) -> bool {
        let mut v = T::default();
        let ok = v.string(s);
        if ok {
            *self = Some(v);
        }
        ok
    }

    fn boolean(&mut self, b: bool) -> bool {
        let mut v = T::default();
        let ok = v.boolean(b);
        if ok {
            *self = Some(v);
        }
        ok
    }

    fn null(&mut self) {
        *self = None;
    }

    fn list<'de, A: SeqAccess<'de>>(
        &mut self,
        seq: A,
        at: Path<'_>,
        notes: &mut Vec<String>,
    ) -> Result<bool, A::Error> {
        let mut v = T::default();
        let ok = v.list(seq, at, notes)?;
        if ok {
            *self = Some(v);
        }
        Ok(ok)
    }

    /// Go decodes a second object into the one a pointer already holds.
    fn object<'de, A: MapAccess<'de>>(
        &mut self,
        map: A,
        at: Path<'_>,
        notes: &mut Vec<String>,
    ) -> Result<bool, A::Error> {
        let mut v = self.take().unwrap_or_default();
        let ok = v.object(map, at, notes)?;
        *self = Some(v);
        Ok(ok)
    }
}

/// A list replaces what was there (Go's slices); items of another type are
/// skipped with a note.
impl<T: Slot + Default> Slot for Vec<T> {
    const EXPECTED: &'static str = "an array";

    fn null(&mut self) {
        self.clear();
    }

    fn list<'de, A: SeqAccess<'de>>(
        &mut self,
        mut seq: A,
        at: Path<'_>,
        notes: &mut Vec<String>,
    ) -> Result<bool, A::Error> {
        self.clear();
        let mut i = 0;
        loop {
            let mut item: Option<T> = None;
            let seed = Into {
                slot: &mut item,
                at: Path::Item(&at, i),
                notes,
            };
            if seq.next_element_seed(seed)?.is_none() {
                break;
            }
            if let Some(item) = item {
                if self.len() == MAX_ITEMS {
                    notes.push(format!(
                        "{at} holds more than {MAX_ITEMS} items; the rest ignored"
                    ));
                    while seq.next_element::<IgnoredAny>()?.is_some() {}
                    break;
                }
                self.push(item);
            }
            i += 1;
        }
        Ok(true)
    }
}

/// A map of strings: a second object adds to it (Go's maps).
impl Slot for BTreeMap<String, String> {
    const EXPECTED: &'static str = "an object";

    fn null(&mut self) {
        self.clear();
    }

    fn object<'de, A: MapAccess<'de>>(
        &mut self,
        mut map: A,
        at: Path<'_>,
        notes: &mut Vec<String>,
    ) -> Result<bool, A::Error> {
        while let Some(key) = map.next_key::<String>()? {
            if self.len() == MAX_ITEMS && !self.contains_key(&key) {
                notes.push(format!(
                    "{at} holds more than {MAX_ITEMS} keys; the rest ignored"
                ));
                while map.next_entry::<IgnoredAny, IgnoredAny>()?.is_some() {}
                break;
            }
            let mut value: Option<String> = None;
            map.next_value_seed(Into {
                slot: &mut value,
                at: Path::Key(&key),
                notes,
            })?;
            if let Some(value) = value {
                self.insert(key, value);
            }
        }
        Ok(true)
    }
}
