//! What the commands that read checkpoints take: the limits, the table
//! formats, and checkpoint arguments (`-` is standard input).

use std::path::Path;

use clap::ValueEnum;

/// Options shared by the commands that read archives: the limits, under
/// their own heading in `--help`.
#[derive(Debug, clap::Args)]
#[command(next_help_heading = "Limits (each caps what an archive can make ckpt hold)")]
pub struct ReadArgs {
    /// Largest entry decoded in memory (config.dump, spec.dump, …), in bytes.
    #[arg(long, value_name = "BYTES", default_value_t = ckpt::Limits::DEFAULT.max_entry_size)]
    pub max_entry_size: u64,
    /// Most bytes held in memory for one checkpoint (entries decoded,
    /// command lines and environments).
    #[arg(long, value_name = "BYTES", default_value_t = ckpt::Limits::DEFAULT.max_total_size)]
    max_total_size: u64,
    /// Most records in one CRIU image (open files, page runs, mounts).
    #[arg(long, value_name = "N", default_value_t = ckpt::Limits::DEFAULT.max_records)]
    max_records: u64,
    /// Most processes in a checkpoint's process tree.
    #[arg(long, value_name = "N", default_value_t = ckpt::Limits::DEFAULT.max_processes)]
    max_processes: u64,
    /// Most memory areas in one process.
    #[arg(long, value_name = "N", default_value_t = ckpt::Limits::DEFAULT.max_vmas)]
    max_vmas: u64,
}

impl ReadArgs {
    /// The options with these limits, decoding what `want` says.
    pub fn options(&self, want: ckpt::Want) -> ckpt::Options {
        ckpt::Options {
            want,
            limits: ckpt::Limits {
                max_entry_size: self.max_entry_size,
                max_total_size: self.max_total_size,
                max_records: self.max_records,
                max_processes: self.max_processes,
                max_vmas: self.max_vmas,
            },
            keep_partial: false,
            digest: false,
            container: None,
        }
    }

    /// [`ReadArgs::options`] for a command that shows what it read of a
    /// damaged archive before reporting the damage.
    pub fn partial_options(&self, want: ckpt::Want) -> ckpt::Options {
        ckpt::Options {
            keep_partial: true,
            ..self.options(want)
        }
    }
}

/// Output formats of the commands that print tables (each command's
/// `--format` help says what its JSON holds).
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum TableFormat {
    /// Text, as checkpointctl prints it.
    Table,
    /// JSON (keys listed in the README).
    Json,
}

/// Opens one checkpoint argument: an archive, an extracted checkpoint
/// directory, or `-` for standard input.
pub fn open(path: &Path) -> ckpt::Result<ckpt::Source<'static>> {
    if path.as_os_str() == "-" {
        return Ok(ckpt::Source::stdin());
    }
    ckpt::Source::open(path)
}

/// Opens and reads one checkpoint argument.
pub fn read_checkpoint(path: &Path, options: &ckpt::Options) -> ckpt::Result<ckpt::Checkpoint> {
    ckpt::read(open(path)?, options)
}

/// What a command makes of one checkpoint argument: its result, and the
/// damage that cut the read short (reported after what was shown).
pub struct Partial<T> {
    /// What could be shown; `None` when nothing could.
    pub shown: Option<T>,
    /// The error to report: the damage, or why nothing could be shown.
    pub error: Option<std::sync::Arc<ckpt::Error>>,
}

/// `view` of a checkpoint read, with its damage.
fn view_of<T>(
    c: &ckpt::Checkpoint,
    view: impl FnOnce(&ckpt::Checkpoint) -> ckpt::Result<T>,
) -> Partial<T> {
    // Damage before any metadata or image: nothing worth showing.
    if c.is_empty()
        && let Some(damage) = &c.damage
    {
        return Partial {
            shown: None,
            error: Some(damage.clone()),
        };
    }
    match (view(c), &c.damage) {
        (Ok(v), damage) => Partial {
            shown: Some(v),
            error: damage.clone(),
        },
        (Err(_), Some(damage)) => Partial {
            shown: None,
            error: Some(damage.clone()),
        },
        (Err(e), None) => Partial {
            shown: None,
            error: Some(std::sync::Arc::new(e)),
        },
    }
}

/// What a command shows of one argument that may be a pod checkpoint: a
/// view of each container checkpoint (the checkpoint itself, or the pod's
/// containers, or the one `--container` chose), the pod's description,
/// and the errors to report after them.
pub struct Views<T> {
    /// The pod's description, for a pod checkpoint.
    pub pod: Option<String>,
    /// A view per container.
    pub shown: Vec<T>,
    /// What was wrong with the pod's own parts (its archive, its files),
    /// to say once, for a pod checkpoint.
    pub warnings: Vec<ckpt::Warning>,
    /// The damage, or why nothing could be shown, for the pod and each
    /// container.
    pub errors: Vec<std::sync::Arc<ckpt::Error>>,
}

/// Reads one checkpoint argument (keeping what precedes any damage when
/// `options` say so) and makes `view` of every container checkpoint it
/// holds. When the archive is damaged, a view that cannot be made of the
/// part read is no error of its own: the damage is what is reported.
pub fn read_views<T>(
    path: &Path,
    options: &ckpt::Options,
    view: impl Fn(&ckpt::Checkpoint) -> ckpt::Result<T>,
) -> Views<T> {
    let mut c = match read_checkpoint(path, options) {
        Ok(c) => c,
        Err(e) => {
            return Views {
                pod: None,
                shown: Vec::new(),
                warnings: Vec::new(),
                errors: vec![std::sync::Arc::new(e)],
            };
        }
    };
    // A pod's digests are its archive's: shown once, with its first
    // container, where a manifest (`--digest --format json`) has them.
    if let Some(pod) = c.pod.as_mut()
        && let Some(first) = pod
            .containers
            .iter_mut()
            .find_map(|k| k.checkpoint.as_mut())
    {
        first.digests = c.digests.take();
    }
    let mut out = Views {
        pod: c.pod.as_ref().map(super::pod::describe),
        shown: Vec::new(),
        warnings: match c.pod {
            Some(_) => std::mem::take(&mut c.warnings),
            None => Vec::new(),
        },
        errors: Vec::new(),
    };
    match c.containers(options.container.as_deref()) {
        Ok(checkpoints) => {
            let mut absent = Vec::new();
            for k in checkpoints {
                let p = view_of(k, &view);
                out.shown.extend(p.shown);
                match p.error {
                    // `-p PID` names a process of some of a pod's
                    // containers: the others lacking it is no error.
                    Some(e) if matches!(*e, ckpt::Error::NoSuchProcess { .. }) => absent.push(e),
                    e => out.errors.extend(e),
                }
            }
            if out.shown.is_empty() {
                out.errors.extend(absent);
            }
        }
        Err(e) => out.errors.push(std::sync::Arc::new(e)),
    }
    if let Some(pod) = &c.pod {
        out.errors
            .extend(pod.containers.iter().filter_map(|k| k.error.clone()));
    }
    if c.pod.is_some()
        && let Some(damage) = &c.damage
    {
        out.errors.push(damage.clone());
    }
    out
}
