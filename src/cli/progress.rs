//! A progress bar on stderr for long reads: bytes of the (compressed)
//! archive consumed, of its size. Only on a terminal, and only once the
//! read has taken more than a moment.

use std::io::IsTerminal;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

/// Runs `work` while a bar follows `progress`, if stderr is a terminal.
pub fn with_progress<T>(progress: ckpt::Progress, work: impl FnOnce() -> T) -> T {
    let Some(total) = progress.total().filter(|_| std::io::stderr().is_terminal()) else {
        return work();
    };
    let done = AtomicBool::new(false);
    std::thread::scope(|scope| {
        scope.spawn(|| {
            let start = Instant::now();
            let mut bar: Option<ProgressBar> = None;
            while !done.load(Ordering::Relaxed) {
                std::thread::sleep(Duration::from_millis(100));
                if bar.is_none() && start.elapsed() > Duration::from_millis(700) {
                    let b =
                        ProgressBar::with_draw_target(Some(total), ProgressDrawTarget::stderr());
                    if let Ok(style) =
                        ProgressStyle::with_template("{bar:40} {bytes}/{total_bytes} ({eta})")
                    {
                        b.set_style(style);
                    }
                    bar = Some(b);
                }
                if let Some(b) = &bar {
                    b.set_position(progress.input_bytes().min(total));
                }
            }
            if let Some(b) = bar {
                b.finish_and_clear();
            }
        });
        let out = work();
        done.store(true, Ordering::Relaxed);
        out
    })
}
