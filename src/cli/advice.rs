//! What to do about an error or a warning: the flag to raise, the command
//! to run. The library says what happened; the binary adds this.

use std::io;

use ckpt::{Error, LimitKind, Warning};

/// The flag that sets a limit: `--max-records`, ….
pub fn flag(limit: LimitKind) -> String {
    format!("--{}", limit.field().replace('_', "-"))
}

/// Advice to append to an error's message (empty if there is none).
pub fn for_error(e: &Error) -> String {
    match e {
        Error::LimitExceeded { limit, .. } => format!(" ({})", flag(*limit)),
        Error::NoSuchProcess { .. } => " (use `inspect --ps-tree` to view all PIDs)".to_owned(),
        Error::ContainerNeeded { .. } => " with --container NAME".to_owned(),
        Error::LayerCompression { compression, .. } => format!(
            "; recompress the archive first, e.g. with `{compression} -dc ARCHIVE | zstd -o ARCHIVE.tar.zst`"
        ),
        Error::Write { source, .. }
            if source.kind() == io::ErrorKind::AlreadyExists && source.to_string() == "exists" =>
        {
            "; use --force to replace it".to_owned()
        }
        Error::Ambiguous { .. } => {
            "; it is not built: check the warnings `ckpt show` gives, or pass --allow-ambiguous"
                .to_owned()
        }
        _ => String::new(),
    }
}

/// Appends to each warning caused by a limit the flag that raises it, so
/// that the text and the JSON output both say it.
pub fn advise(warnings: &mut [Warning]) {
    for w in warnings {
        if let Some(limit) = w.limit {
            w.message.push_str(&format!(" ({})", flag(limit)));
        }
    }
}
