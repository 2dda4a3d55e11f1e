//! How the output of several archives is put together: text headed by
//! the archive it is from, JSON as one array with an element per archive
//! that names it. One archive's output is as checkpointctl prints it.

/// The archives' outputs so far.
#[derive(Debug)]
pub(super) struct Combined {
    several: bool,
    /// JSON documents go into one array (several archives, `--format
    /// json`, not to an `-o` file).
    array: bool,
    /// Whether JSON may go into an array (not to an `-o` file).
    may_array: bool,
    /// Elements written into the array.
    written: usize,
}

/// `s` with every line but the first indented by `pad` (a JSON string
/// never holds a newline, so this indents JSON).
fn indent(s: &str, pad: &str) -> String {
    s.replace('\n', &format!("\n{pad}"))
}

impl Combined {
    pub(super) fn new(several: bool, array: bool) -> Combined {
        Combined {
            several,
            array: several && array,
            may_array: array,
            written: 0,
        }
    }

    /// One argument holds several documents (a pod's containers): from now
    /// on, as with several archives.
    pub(super) fn several_documents(&mut self) {
        if self.written == 0 {
            self.several = true;
            self.array = self.may_array;
        }
    }

    /// Whether there are several archives (each table then says whose it
    /// is).
    pub(super) fn several(&self) -> bool {
        self.several
    }

    /// What to print of `archive`'s JSON document `json`: the document (one
    /// archive), or an element of the array, `{"archive": …, key: json}`
    /// (with `"pod": …` for a pod's container).
    pub(super) fn element(
        &mut self,
        archive: &str,
        pod: Option<&ckpt::model::InPod>,
        key: &str,
        json: &str,
    ) -> String {
        if !self.array {
            return json.to_owned();
        }
        let pod = match pod.and_then(|p| serde_json::to_string(p).ok()) {
            Some(p) => format!("\n  \"pod\": {p},"),
            None => String::new(),
        };
        let body = format!(
            "{{\n  \"archive\": {},{pod}\n  {}: {}\n}}",
            serde_json::Value::from(archive),
            serde_json::Value::from(key),
            indent(json.trim_end(), "  ")
        );
        let start = self.start();
        self.written += 1;
        format!("{start}{}", indent(&body, "  "))
    }

    /// What comes before a document streamed into the array (nothing for
    /// one archive), and how its lines are indented.
    pub(super) fn stream(&self) -> (&'static str, &'static str) {
        if self.array {
            (self.start(), "  ")
        } else {
            ("", "")
        }
    }

    /// A document was streamed (after [`Self::stream`]'s start).
    pub(super) fn streamed(&mut self) {
        if self.array {
            self.written += 1;
        }
    }

    fn start(&self) -> &'static str {
        if self.written == 0 { "[\n  " } else { ",\n  " }
    }

    /// The end of the array, if there is one.
    pub(super) fn end(&self) -> Option<&'static str> {
        match (self.array, self.written) {
            (false, _) => None,
            (true, 0) => Some("[]\n"),
            (true, _) => Some("\n]\n"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_archive_prints_its_document_as_is() {
        let mut c = Combined::new(false, true);
        assert_eq!(
            c.element("a.tar", None, "processes", "[\n  1\n]\n"),
            "[\n  1\n]\n"
        );
        assert_eq!(c.stream(), ("", ""));
        assert_eq!(c.end(), None);
    }

    #[test]
    fn several_archives_make_one_array_naming_each() {
        let mut c = Combined::new(true, true);
        let mut out = c.element(
            "a \"x\".tar",
            None,
            "processes",
            "[\n  {\n    \"pid\": 1\n  }\n]\n",
        );
        out.push_str(&c.element("b.tar", None, "processes", "[]\n"));
        out.push_str(c.end().unwrap());
        let v: serde_json::Value = serde_json::from_str(&out).unwrap();
        assert_eq!(
            v,
            serde_json::json!([
                {"archive": "a \"x\".tar", "processes": [{"pid": 1}]},
                {"archive": "b.tar", "processes": []},
            ])
        );
        assert!(out.starts_with("[\n  {\n    \"archive\": \"a \\\"x\\\".tar\",\n    \"processes\": [\n      {\n        \"pid\": 1"), "{out}");
        assert_eq!(Combined::new(true, true).end(), Some("[]\n"));
    }
}
