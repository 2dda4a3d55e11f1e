//! Trees drawn as `xlab/treeprint` draws checkpointctl's.

use super::text::clean;

/// A node: its text and its children.
#[derive(Debug, Default)]
pub struct Tree {
    text: String,
    children: Vec<Tree>,
}

impl Tree {
    /// A tree with this root text.
    pub fn new(text: impl Into<String>) -> Tree {
        Tree {
            text: text.into(),
            children: Vec::new(),
        }
    }

    /// Adds a child and returns it.
    pub fn branch(&mut self, text: impl Into<String>) -> &mut Tree {
        self.children.push(Tree::new(text));
        let last = self.children.len() - 1;
        &mut self.children[last]
    }

    /// Adds a child shown as `[meta]  text`.
    pub fn meta(&mut self, meta: &str, text: &str) -> &mut Tree {
        self.branch(format!("[{meta}]  {text}"))
    }

    /// Draws the tree, each line ending with a newline.
    pub fn render(&self) -> String {
        let mut out = String::new();
        out.push_str(&clean(&self.text));
        out.push('\n');
        // Iterative, so that no tree from an archive can exhaust the stack.
        let mut stack: Vec<(&Tree, String, bool)> = self
            .children
            .iter()
            .enumerate()
            .rev()
            .map(|(i, c)| (c, String::new(), i + 1 == self.children.len()))
            .collect();
        while let Some((node, prefix, last)) = stack.pop() {
            out.push_str(&prefix);
            out.push_str(if last { "└── " } else { "├── " });
            out.push_str(&clean(&node.text));
            out.push('\n');
            let child_prefix = format!("{prefix}{}", if last { "    " } else { "│   " });
            let n = node.children.len();
            for (i, c) in node.children.iter().enumerate().rev() {
                stack.push((c, child_prefix.clone(), i + 1 == n));
            }
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn draws_like_treeprint() {
        let mut t = Tree::new("root");
        let a = t.branch("a");
        a.branch("a1");
        a.meta("1", "x");
        t.branch("b").branch("b1");
        assert_eq!(
            t.render(),
            "root\n├── a\n│   ├── a1\n│   └── [1]  x\n└── b\n    └── b1\n"
        );
    }
}
