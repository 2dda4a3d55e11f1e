//! Every process of a checkpoint with its threads and command line, read
//! from its memory in the same single pass, and the sockets it held: what
//! a runtime or a service embedding ckpt would list before a restore.
//!
//! ```text
//! cargo run --example processes -- tests/fixtures/multi-proc.none.tar
//! ```

use std::process::ExitCode;

use ckpt::{Options, Source, Want};

fn main() -> ExitCode {
    let Some(path) = std::env::args().nth(1) else {
        eprintln!("usage: processes ARCHIVE");
        return ExitCode::from(2);
    };
    // The process tree, open files and sockets, and the command lines.
    let want = Want {
        processes: true,
        files: true,
        memory_text: true,
        ..Want::metadata_only()
    };
    let checkpoint = match Source::open(&path).and_then(|s| ckpt::read(s, &Options::new(want))) {
        Ok(c) => c,
        Err(e) => {
            eprintln!("{e}");
            return ExitCode::FAILURE;
        }
    };
    println!(
        "{} ({}), {} processes",
        checkpoint.container.name,
        checkpoint.container.engine,
        checkpoint.processes().count()
    );
    for p in checkpoint.processes() {
        let cmdline = p
            .args()
            .map_or_else(|| p.comm().to_owned(), |a| a.join(" "));
        println!(
            "{:>6} {:>6} {:<8} {} thread(s)  {cmdline}",
            p.pid(),
            p.ppid(),
            p.state().name(),
            p.thread_ids().len()
        );
        for s in p.sockets().unwrap_or_default() {
            let peer = match s.dst_port {
                0 => String::new(),
                port => format!(" -> {}:{port}", s.dst),
            };
            println!(
                "{:>15} fd {} {} {} {}:{}{peer}",
                "", s.fd, s.family, s.protocol, s.src, s.src_port
            );
        }
    }
    ExitCode::SUCCESS
}
