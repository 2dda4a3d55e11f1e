//! JSON read as the engine's Go code reads it, into the fields ckpt keeps
//! and nothing else: no generic `Value` is ever built, so a large document
//! costs what its kept fields hold.
//!
//! Go's `encoding/json` matches an object key to a struct field with case
//! folded (`"NAME"` sets `Name`), lets a later key overwrite an earlier one
//! (and merge into an object or a map already read), and leaves a field
//! alone on `null` (or empties it, for a slice, a map or a pointer). A
//! reader that took the first key, or only the exact spelling, would show
//! other metadata than the runtime restores; these readers do what Go does.
//!
//! A value of an unexpected type is skipped with a note rather than failing
//! the read (Go would fail: the note says what ckpt left out). Lists and
//! maps keep at most [`MAX_ITEMS`] items.

use std::fmt;

use serde::de::{self, DeserializeSeed, Deserializer, IgnoredAny, MapAccess, SeqAccess, Visitor};

/// Most items kept in one JSON list or map.
pub(crate) const MAX_ITEMS: usize = 1 << 16;

/// Whether the object key `key` sets the field `field` (ASCII, as written
/// in Go's struct tags) under Go's rules: equal once case is folded, where
/// `ſ` folds to `S` and the Kelvin sign to `K`.
pub(crate) fn key_matches(key: &str, field: &str) -> bool {
    let mut key = key.chars();
    for f in field.chars() {
        let Some(k) = key.next() else {
            return false;
        };
        let k = match k {
            '\u{17f}' => 'S',
            '\u{212a}' => 'K',
            k => k.to_ascii_uppercase(),
        };
        if k != f.to_ascii_uppercase() {
            return false;
        }
    }
    key.next().is_none()
}

/// Which of `fields` an object key sets.
pub(crate) fn field_index(key: &str, fields: &[&str]) -> Option<usize> {
    fields
        .iter()
        .position(|f| *f == key)
        .or_else(|| fields.iter().position(|f| key_matches(key, f)))
}

/// Where a value is in the document, for notes.
#[derive(Clone, Copy)]
pub(crate) enum Path<'a> {
    /// The document.
    Root,
    /// A field of an object.
    Field(&'a Path<'a>, &'a str),
    /// An item of a list.
    Item(&'a Path<'a>, usize),
    /// A value of a map, by key.
    Key(&'a str),
}

impl fmt::Display for Path<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Path::Root => f.write_str("the document"),
            Path::Field(Path::Root, name) => f.write_str(name),
            Path::Field(parent, name) => write!(f, "{parent}.{name}"),
            Path::Item(parent, i) => write!(f, "{parent}[{i}]"),
            Path::Key(key) => write!(f, "{key:?}"),
        }
    }
}

/// A place a JSON value is read into.
pub(crate) trait Slot {
    /// What it takes, for notes: `a string`, `an object`.
    const EXPECTED: &'static str;

    /// A string; false if this slot takes none.
    fn string(&mut self, _s: &str) -> bool {
        false
    }

    /// A boolean; false if this slot takes none.
    fn boolean(&mut self, _b: bool) -> bool {
        false
    }

    /// `null`: Go leaves a string or a boolean alone and empties a slice,
    /// a map or a pointer.
    fn null(&mut self) {}

    /// A list; `Ok(false)` (after skipping it) if this slot takes none.
    fn list<'de, A: SeqAccess<'de>>(
        &mut self,
        mut seq: A,
        _at: Path<'_>,
        _notes: &mut Vec<String>,
    ) -> Result<bool, A::Error> {
        while seq.next_element::<IgnoredAny>()?.is_some() {}
        Ok(false)
    }

    /// An object; `Ok(false)` (after skipping it) if this slot takes none.
    fn object<'de, A: MapAccess<'de>>(
        &mut self,
        mut map: A,
        _at: Path<'_>,
        _notes: &mut Vec<String>,
    ) -> Result<bool, A::Error> {
        while map.next_entry::<IgnoredAny, IgnoredAny>()?.is_some() {}
        Ok(false)
    }
}

/// Reads the next value into `slot`.
pub(crate) struct Into<'s, 'p, T> {
    pub(crate) slot: &'s mut T,
    pub(crate) at: Path<'p>,
    pub(crate) notes: &'s mut Vec<String>,
}

impl<'de, T: Slot> DeserializeSeed<'de> for Into<'_, '_, T> {
    type Value = ();

    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        d.deserialize_any(self)
    }
}

impl<'de, T: Slot> Visitor<'de> for Into<'_, '_, T> {
    type Value = ();

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(T::EXPECTED)
    }

    fn visit_str<E: de::Error>(self, s: &str) -> Result<(), E> {
        let ok = self.slot.string(s);
        self.wrong_unless(ok);
        Ok(())
    }

    fn visit_bool<E: de::Error>(self, b: bool) -> Result<(), E> {
        let ok = self.slot.boolean(b);
        self.wrong_unless(ok);
        Ok(())
    }

    fn visit_i64<E: de::Error>(self, _: i64) -> Result<(), E> {
        self.wrong_unless(false);
        Ok(())
    }

    fn visit_u64<E: de::Error>(self, _: u64) -> Result<(), E> {
        self.wrong_unless(false);
        Ok(())
    }

    fn visit_f64<E: de::Error>(self, _: f64) -> Result<(), E> {
        self.wrong_unless(false);
        Ok(())
    }

    fn visit_unit<E: de::Error>(self) -> Result<(), E> {
        self.slot.null();
        Ok(())
    }

    fn visit_none<E: de::Error>(self) -> Result<(), E> {
        self.slot.null();
        Ok(())
    }

    fn visit_seq<A: SeqAccess<'de>>(self, seq: A) -> Result<(), A::Error> {
        let ok = self.slot.list(seq, self.at, self.notes)?;
        self.wrong_unless(ok);
        Ok(())
    }

    fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<(), A::Error> {
        let ok = self.slot.object(map, self.at, self.notes)?;
        self.wrong_unless(ok);
        Ok(())
    }
}

impl<T: Slot> Into<'_, '_, T> {
    fn wrong_unless(self, ok: bool) {
        if !ok {
            self.notes
                .push(format!("{} is not {}; ignored", self.at, T::EXPECTED));
        }
    }
}

/// Reads a whole document into `slot`; `Err` only if it is not JSON.
pub(crate) fn from_slice<T: Slot>(bytes: &[u8], slot: &mut T) -> serde_json::Result<Vec<String>> {
    let mut notes = Vec::new();
    let mut de = serde_json::Deserializer::from_slice(bytes);
    Into {
        slot,
        at: Path::Root,
        notes: &mut notes,
    }
    .deserialize(&mut de)?;
    de.end()?;
    Ok(notes)
}

/// Implements [`Slot`] for a struct read from a JSON object, field by
/// field: `lenient_object!(Type { "key" => field, … })`.
macro_rules! lenient_object {
    ($ty:ty { $($key:literal => $field:ident),* $(,)? }) => {
        impl $crate::metadata::lenient::Slot for $ty {
            const EXPECTED: &'static str = "an object";

            fn object<'de, A: serde::de::MapAccess<'de>>(
                &mut self,
                mut map: A,
                at: $crate::metadata::lenient::Path<'_>,
                notes: &mut Vec<String>,
            ) -> Result<bool, A::Error> {
                const FIELDS: &[&str] = &[$($key),*];
                while let Some(key) = map.next_key::<String>()? {
                    let index = $crate::metadata::lenient::field_index(&key, FIELDS);
                    let mut n = 0usize;
                    $(
                        if index == Some(n) {
                            map.next_value_seed($crate::metadata::lenient::Into {
                                slot: &mut self.$field,
                                at: $crate::metadata::lenient::Path::Field(&at, $key),
                                notes: &mut *notes,
                            })?;
                            continue;
                        }
                        n += 1;
                    )*
                    let _ = n;
                    map.next_value::<serde::de::IgnoredAny>()?;
                }
                Ok(true)
            }
        }
    };
}
pub(crate) use lenient_object;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_match_as_in_go() {
        assert!(key_matches("name", "name"));
        assert!(key_matches("NAME", "name"));
        assert!(key_matches("ociVersion", "ociversion"));
        assert!(key_matches("\u{17f}pec", "spec"));
        assert!(key_matches("\u{212a}ey", "key"));
        assert!(!key_matches("names", "name"));
        assert!(!key_matches("nam", "name"));
        assert_eq!(
            field_index("Type", &["type", "Type"]),
            Some(1),
            "exact first"
        );
    }
}
