//! Annotations in the tree: the JSON values checkpointctl expands into
//! branches.

use super::super::tree::Tree;

/// Annotations whose values checkpointctl expands as JSON.
pub(super) const JSON_ANNOTATIONS: &[&str] = &[
    "io.kubernetes.cri-o.Labels",
    "io.kubernetes.cri-o.Annotations",
    "io.kubernetes.cri-o.Metadata",
    "kubectl.kubernetes.io/last-applied-configuration",
];

pub(super) fn json_value_text(v: &serde_json::Value) -> String {
    match v {
        serde_json::Value::String(s) => s.clone(),
        serde_json::Value::Null => "<nil>".to_owned(),
        other => other.to_string(),
    }
}

pub(super) fn add_json(tree: &mut Tree, value: &serde_json::Value, depth: usize) {
    // Deeper than this is not worth drawing (and an archive cannot make it
    // recurse for ever).
    if depth > 32 {
        return;
    }
    match value {
        serde_json::Value::Object(map) => {
            let mut keys: Vec<&String> = map.keys().collect();
            keys.sort();
            for k in keys {
                let v = &map[k];
                match v {
                    serde_json::Value::Object(_) => {
                        add_json(tree.branch(format!("{k}:")), v, depth + 1)
                    }
                    serde_json::Value::Array(_) => {
                        add_json(tree.branch(format!("{k}: ")), v, depth + 1)
                    }
                    _ => {
                        tree.branch(format!("{k}: {}", json_value_text(v)));
                    }
                }
            }
        }
        serde_json::Value::Array(items) => {
            for (i, v) in items.iter().enumerate() {
                match v {
                    serde_json::Value::Object(_) => {
                        add_json(tree.branch(format!("[{i}]:")), v, depth + 1)
                    }
                    serde_json::Value::Array(_) => {
                        add_json(tree.branch(format!("[{i}]: ")), v, depth + 1)
                    }
                    _ => {
                        tree.branch(format!("[{i}]: {}", json_value_text(v)));
                    }
                }
            }
        }
        other => {
            tree.branch(json_value_text(other));
        }
    }
}
