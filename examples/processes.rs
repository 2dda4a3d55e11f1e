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
    println!(
        "{:>6} {:>6} {:<8} {:>3}  {:<14} COMMAND LINE",
        "PID", "PPID", "STATE", "THR", "COMM"
    );
    for p in checkpoint.processes() {
        let cmdline = p.args().map_or_else(String::new, |a| a.join(" "));
        println!(
            "{:>6} {:>6} {:<8} {:>3}  {:<14} {cmdline}",
            p.pid(),
            p.ppid(),
            p.state().name(),
            p.thread_ids().len(),
            p.comm()
        );
        for s in p.sockets().unwrap_or_default() {
            let what = match s.family.as_str() {
                "UNIX" if s.name.is_empty() => format!("unix {} (unnamed)", s.sock_type),
                "UNIX" => format!("unix {} {}", s.sock_type, s.name),
                _ if s.dst_port == 0 => format!("{} {}:{}", s.protocol, s.src, s.src_port),
                _ => format!(
                    "{} {}:{} -> {}:{}",
                    s.protocol, s.src, s.src_port, s.dst, s.dst_port
                ),
            };
            println!("{:>38} fd {:<3} {what}", "", s.fd);
        }
    }
    ExitCode::SUCCESS
}
