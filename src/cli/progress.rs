//! A progress bar on stderr for long reads: bytes of the (compressed)
//! archive consumed, of its size. Only on a terminal, and only once the
//! read has taken more than a moment.

use std::io::IsTerminal;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

/// Runs `work` while a bar follows `progress`, if stderr is a terminal.
pub fn with_progress<T>(progress: ckpt::source::Progress, work: impl FnOnce() -> T) -> T {
    with_progress_all(vec![progress], work)
}

/// Runs `work`, which reads several archives at once, while one bar
/// follows them all, if stderr is a terminal and every size is known.
pub fn with_progress_all<T>(progress: Vec<ckpt::source::Progress>, work: impl FnOnce() -> T) -> T {
    let total = progress
        .iter()
        .map(ckpt::source::Progress::total)
        .try_fold(0u64, |sum, t| t.map(|t| sum.saturating_add(t)));
    let Some(total) = total.filter(|_| std::io::stderr().is_terminal()) else {
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
                    let read: u64 = progress
                        .iter()
                        .map(ckpt::source::Progress::input_bytes)
                        .sum();
                    b.set_position(read.min(total));
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
