//! One line per checkpoint archive: container, image, engine, processes
//! and memory, read in one pass with nothing written anywhere.
//!
//! ```text
//! cargo run --example summary -- tests/fixtures/*.tar*
//! ```

use std::process::ExitCode;

use ckpt::views::{InspectOptions, Inspection};

fn main() -> ExitCode {
    let mut status = ExitCode::SUCCESS;
    for path in std::env::args().skip(1) {
        let inspect = InspectOptions {
            ps_tree: true,
            ..InspectOptions::default()
        };
        let options = ckpt::Options::new(inspect.want());
        let summary = ckpt::read_path(&path, &options).and_then(|c| {
            let i = Inspection::new(&c, &inspect)?;
            let mut processes = 0;
            let mut stack: Vec<&ckpt::views::PsNode> = i.process_tree.iter().collect();
            while let Some(p) = stack.pop() {
                processes += 1;
                stack.extend(&p.children);
            }
            Ok(format!(
                "{path}: {} ({}) from {}, {}, {processes} processes, {} of memory pages",
                c.container.name,
                c.container.engine,
                i.header.image,
                c.compression
                    .map_or("directory".to_owned(), |z| z.to_string()),
                ckpt::metadata::byte_to_string(c.sizes.pages),
            ))
        });
        match summary {
            Ok(line) => println!("{line}"),
            Err(e) => {
                eprintln!("{e}");
                status = ExitCode::FAILURE;
            }
        }
    }
    status
}
