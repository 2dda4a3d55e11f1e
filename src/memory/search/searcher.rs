//! [`Searcher`]: one process's memory searched as it is fed, keeping a
//! window of what a match across the next boundary may need.
//!
//! Bytes whose address follows the previous ones continue the same stretch
//! of memory, anything else starts a new one. The window is the tail of
//! what was seen (enough for the longest possible match and for the
//! context asked for) followed by the new bytes.

use memchr::memmem;

use super::{Hit, MAX_CONTEXT, MAX_UNBOUNDED_MATCH, Pattern};

/// A search over one process's memory, fed in address order.
#[derive(Debug)]
pub struct Searcher<'p> {
    pattern: &'p Pattern,
    finder: Option<memmem::Finder<'p>>,
    context: usize,
    /// Bytes kept from before the new data: the longest match less one,
    /// plus the context.
    keep: usize,
    window: Vec<u8>,
    /// Address and file offset of `window[0]`.
    vaddr: u64,
    file_offset: u64,
    /// Absolute address up to which matches were reported (and before
    /// which no new match may start).
    reported_until: u64,
}

impl<'p> Searcher<'p> {
    /// A searcher reporting `context` bytes around each match (at most
    /// [`MAX_CONTEXT`]).
    pub fn new(pattern: &'p Pattern, context: usize) -> Searcher<'p> {
        let context = context.min(MAX_CONTEXT);
        let finder = match pattern {
            Pattern::Literal(b) => Some(memmem::Finder::new(b)),
            #[cfg(feature = "regex")]
            Pattern::Regex(..) => None,
        };
        let longest = pattern
            .max_len()
            .unwrap_or(MAX_UNBOUNDED_MATCH)
            .min(MAX_UNBOUNDED_MATCH);
        Searcher {
            pattern,
            finder,
            context,
            keep: longest.saturating_sub(1) + context,
            window: Vec::new(),
            vaddr: 0,
            file_offset: 0,
            reported_until: 0,
        }
    }

    /// Feeds `data`, the memory at `vaddr` (at `file_offset` of the pages
    /// file). Hits found so far go to `hits`.
    pub fn feed(&mut self, vaddr: u64, file_offset: u64, data: &[u8], hits: &mut Vec<Hit>) {
        let end = self.vaddr + self.window.len() as u64;
        if self.window.is_empty() || vaddr != end {
            // Not contiguous with what came before: finish that stretch.
            self.scan(true, hits);
            self.window.clear();
            self.vaddr = vaddr;
            self.file_offset = file_offset;
            self.reported_until = vaddr;
        }
        if self.feed_clean(vaddr, file_offset, data, hits) {
            return;
        }
        self.window.extend_from_slice(data);
        self.scan(false, hits);
    }

    /// The common case of a literal search, without copying `data` into
    /// the window: when the literal is nowhere in `data`, the only matches
    /// are those that start in the kept tail and run into `data`'s first
    /// bytes, and all a later match needs is `data`'s last bytes. Returns
    /// whether it dealt with `data`.
    fn feed_clean(
        &mut self,
        vaddr: u64,
        file_offset: u64,
        data: &[u8],
        hits: &mut Vec<Hit>,
    ) -> bool {
        let Some(finder) = &self.finder else {
            return false;
        };
        let keep = self.keep;
        // Only worth it, and only simple, when `data` is longer than what
        // the boundary and the next round need.
        if data.len() <= keep.saturating_mul(2) || finder.find(data).is_some() {
            return false;
        }
        // A match starting before `data` ends within its first `len - 1`
        // bytes and wants `context` bytes after: `keep` bytes in all, so
        // none is left pending.
        let (head, tail) = (&data[..keep], &data[data.len() - keep..]);
        self.window.extend_from_slice(head);
        self.scan(false, hits);
        self.window.clear();
        self.window.extend_from_slice(tail);
        let skipped = (data.len() - keep) as u64;
        self.vaddr = vaddr + skipped;
        self.file_offset = file_offset + skipped;
        true
    }

    /// Ends the search, reporting what was held back for the context.
    pub fn finish(&mut self, hits: &mut Vec<Hit>) {
        self.scan(true, hits);
        self.window.clear();
    }

    /// Finds matches in the window. Unless `last`, a match that later bytes
    /// could still change (make longer, or give more context after) is left
    /// for the next round, and the window is cut to what that round needs.
    fn scan(&mut self, last: bool, hits: &mut Vec<Hit>) {
        if self.window.is_empty() {
            return;
        }
        let len = self.window.len();
        let literal = self.finder.is_some();
        // A regex match ending past this point may still grow.
        let settled = len.saturating_sub(self.keep);
        let start_at =
            usize::try_from(self.reported_until.saturating_sub(self.vaddr)).unwrap_or(len);
        let mut resume = None;
        let mut pos = start_at.min(len);
        while pos < len {
            let Some((s, e)) = self.find(pos) else {
                break;
            };
            if e == s {
                // An empty match says nothing about memory.
                pos = s + 1;
                continue;
            }
            let may_grow = !literal && e > settled;
            let needs_context = e + self.context > len;
            // A stretch longer than any match we wait for is reported as it
            // is, so that the window cannot grow without bound.
            let waited_enough = len - s >= MAX_UNBOUNDED_MATCH + self.context;
            if !last && (may_grow || needs_context) && !waited_enough {
                resume = Some(s);
                break;
            }
            hits.push(Hit {
                vaddr: self.vaddr + s as u64,
                file_offset: self.file_offset + s as u64,
                matched: self.window[s..e].to_vec(),
                before: self.window[s.saturating_sub(self.context)..s].to_vec(),
                after: self.window[e..(e + self.context).min(len)].to_vec(),
                truncated: !last && may_grow,
            });
            self.reported_until = self.vaddr + e as u64;
            pos = e;
        }
        if last {
            return;
        }
        // Keep what a later match may need: a pending match from its
        // context on, else the longest match less one and the context.
        let keep_from = len.saturating_sub(self.keep);
        let cut = match resume {
            Some(s) => s.saturating_sub(self.context).min(keep_from),
            None => keep_from,
        };
        if cut > 0 {
            self.window.drain(..cut);
            self.vaddr += cut as u64;
            self.file_offset += cut as u64;
        }
    }

    /// The next match at or after `from`.
    fn find(&self, from: usize) -> Option<(usize, usize)> {
        match (self.pattern, &self.finder) {
            (Pattern::Literal(b), Some(f)) => f
                .find(&self.window[from..])
                .map(|i| (from + i, from + i + b.len())),
            // find_at sees the bytes before `from`, for \b and the like.
            #[cfg(feature = "regex")]
            (Pattern::Regex(re, _), _) => {
                re.find_at(&self.window, from).map(|m| (m.start(), m.end()))
            }
            _ => None,
        }
    }
}

#[cfg(test)]
mod tests {
    #[cfg(feature = "regex")]
    use super::super::PatternError;
    use super::*;

    fn search(
        pattern: &Pattern,
        context: usize,
        pieces: &[(u64, &[u8])],
        chunk: usize,
    ) -> Vec<Hit> {
        let mut s = Searcher::new(pattern, context);
        let mut hits = Vec::new();
        for (vaddr, data) in pieces {
            for (i, c) in data.chunks(chunk).enumerate() {
                let at = vaddr + (i * chunk) as u64;
                s.feed(at, at + 0x1000, c, &mut hits);
            }
        }
        s.finish(&mut hits);
        hits
    }

    #[test]
    fn finds_a_literal_across_every_chunk_size() {
        let mut mem = vec![b'.'; 10_000];
        mem[4094..4100].copy_from_slice(b"SECRET");
        mem[9990..9996].copy_from_slice(b"SECRET");
        let p = Pattern::literal("SECRET").unwrap();
        for chunk in [1, 2, 3, 5, 7, 64, 4096, 10_000] {
            let hits = search(&p, 3, &[(0x10000, &mem)], chunk);
            let at: Vec<u64> = hits.iter().map(|h| h.vaddr).collect();
            assert_eq!(at, [0x10000 + 4094, 0x10000 + 9990], "chunk {chunk}");
            assert_eq!(hits[0].before, b"...");
            assert_eq!(hits[0].after, b"...");
            assert_eq!(hits[1].after, b"...");
            assert_eq!(hits[0].file_offset, 0x11000 + 4094);
        }
    }

    /// What a search must find: non-overlapping matches, leftmost first,
    /// in each stretch of contiguous memory, context clipped to it.
    fn naive(needle: &[u8], context: usize, stretches: &[(u64, Vec<u8>)]) -> Vec<Hit> {
        let mut hits = Vec::new();
        for (vaddr, mem) in stretches {
            let mut i = 0;
            while i + needle.len() <= mem.len() {
                if &mem[i..i + needle.len()] == needle {
                    let e = i + needle.len();
                    hits.push(Hit {
                        vaddr: vaddr + i as u64,
                        file_offset: vaddr + 0x1000 + i as u64,
                        matched: needle.to_vec(),
                        before: mem[i.saturating_sub(context)..i].to_vec(),
                        after: mem[e..(e + context).min(mem.len())].to_vec(),
                        truncated: false,
                    });
                    i = e;
                } else {
                    i += 1;
                }
            }
        }
        hits
    }

    #[test]
    fn chunks_without_the_literal_are_searched_without_copying_them_and_nothing_is_missed() {
        // Pseudo-random bytes over a small alphabet, with the needle (and
        // overlapping near-copies) planted at chunk boundaries, inside
        // chunks and across the gap between two stretches.
        let mut x: u64 = 0x9e37_79b9_7f4a_7c15;
        let mut next = move || {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            x
        };
        let needle = b"NEEDLE-NEEDLE";
        let mut a: Vec<u8> = (0..40_000)
            .map(|_| b"ABCDEN-L"[(next() % 8) as usize])
            .collect();
        let mut b = a.clone();
        b.reverse();
        for at in [0, 4090, 8192 - 13, 8192, 12_000, 16_380, 20_005, 39_980] {
            a[at..at + needle.len()].copy_from_slice(needle);
        }
        // "NEEDLE-" ends the first stretch and "NEEDLE" starts the second,
        // after a gap: no match.
        a[39_993..].copy_from_slice(b"NEEDLE-");
        b[..6].copy_from_slice(b"NEEDLE");
        let stretches = [(0x10_0000u64, a), (0x20_0000u64, b)];
        let p = Pattern::literal(&needle[..]).unwrap();
        for context in [0, 5, 100] {
            let expected = naive(needle, context, &stretches);
            assert_eq!(expected.len(), 8, "{expected:?}");
            for chunk in [13, 64, 1000, 4096, 40_000] {
                let mut s = Searcher::new(&p, context);
                let mut hits = Vec::new();
                for (vaddr, mem) in &stretches {
                    for (i, c) in mem.chunks(chunk).enumerate() {
                        let at = vaddr + (i * chunk) as u64;
                        s.feed(at, at + 0x1000, c, &mut hits);
                    }
                }
                s.finish(&mut hits);
                assert_eq!(hits, expected, "context {context}, chunk {chunk}");
            }
        }
    }

    #[test]
    fn contiguous_runs_are_one_stretch_and_gaps_are_not() {
        let p = Pattern::literal("ABCD").unwrap();
        // "AB" ends one run, "CD" starts the next: contiguous, one match.
        let hits = search(&p, 0, &[(0x1000, b"xxAB"), (0x1004, b"CDxx")], 4096);
        assert_eq!(hits.len(), 1);
        assert_eq!(hits[0].vaddr, 0x1002);
        // With a gap between the runs there is no match.
        let hits = search(&p, 0, &[(0x1000, b"xxAB"), (0x2000, b"CDxx")], 4096);
        assert!(hits.is_empty());
    }

    #[test]
    #[cfg(feature = "regex")]
    fn regex_bounded_and_unbounded() {
        let mem = b"...TEST_ENV=BAR\0TEST_ENV_EMPTY=\0....";
        for chunk in [1, 4, 9, 4096] {
            let p = Pattern::regex("TEST_ENV=[A-Z]*").unwrap();
            let hits = search(&p, 0, &[(0x7000, mem)], chunk);
            assert_eq!(hits.len(), 1, "chunk {chunk}");
            assert_eq!(hits[0].matched, b"TEST_ENV=BAR", "chunk {chunk}");
            let p = Pattern::regex("TEST_ENV[_A-Z]*=").unwrap();
            let hits = search(&p, 0, &[(0x7000, mem)], chunk);
            let m: Vec<&[u8]> = hits.iter().map(|h| h.matched.as_slice()).collect();
            assert_eq!(
                m,
                [&b"TEST_ENV="[..], &b"TEST_ENV_EMPTY="[..]],
                "chunk {chunk}"
            );
        }
    }

    #[test]
    fn context_is_clipped_at_the_stretch() {
        let p = Pattern::literal("X").unwrap();
        let hits = search(&p, 4, &[(0x1000, b"abX"), (0x3000, b"Xcd")], 2);
        assert_eq!(hits.len(), 2);
        assert_eq!(
            (hits[0].before.as_slice(), hits[0].after.as_slice()),
            (&b"ab"[..], &b""[..])
        );
        assert_eq!(
            (hits[1].before.as_slice(), hits[1].after.as_slice()),
            (&b""[..], &b"cd"[..])
        );
    }

    #[test]
    fn repeated_matches_are_not_reported_twice() {
        let p = Pattern::literal("aa").unwrap();
        let mem = vec![b'a'; 101];
        for chunk in [1, 3, 50, 101] {
            let hits = search(&p, 2, &[(0, &mem)], chunk);
            assert_eq!(hits.len(), 50, "chunk {chunk}");
            assert!(hits.windows(2).all(|w| w[1].vaddr == w[0].vaddr + 2));
        }
    }

    #[test]
    #[cfg(feature = "regex")]
    fn unbounded_regex_cannot_hold_the_window_for_ever() {
        // `[a-z]*` over 3 MiB of letters: reported in pieces of about
        // MAX_UNBOUNDED_MATCH, marked truncated, never empty matches.
        let p = Pattern::regex("[a-z]+").unwrap();
        let mem = vec![b'q'; 3 << 20];
        let hits = search(&p, 0, &[(0, &mem)], 1 << 16);
        assert!(hits.len() >= 2 && hits.len() <= 4, "{}", hits.len());
        assert!(hits[0].truncated);
        let total: usize = hits.iter().map(|h| h.matched.len()).sum();
        assert_eq!(total, 3 << 20);
        let p = Pattern::regex("x*").unwrap();
        assert!(search(&p, 0, &[(0, b"abc")], 1).is_empty());
    }

    #[test]
    #[cfg(feature = "regex")]
    fn empty_and_invalid_patterns() {
        assert!(matches!(Pattern::literal(""), Err(PatternError::Empty)));
        assert!(matches!(Pattern::regex("("), Err(PatternError::Regex(_))));
    }
}
