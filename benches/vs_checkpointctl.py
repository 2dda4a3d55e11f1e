#!/usr/bin/env python3
"""ckpt on the archives checkpointctl's published benchmark used.

Rebuilds, by the recipe in the reference measurements of checkpointctl
(see BENCHMARKS.md, "Against checkpointctl"), the three 512 MiB archive
families in WORKDIR, each as .tar, .tar.gz (gzip -6) and .tar.zst
(zstd -3 -T1):

  synth  metadata + checkpoint/pages-1.img = 256 MiB random + 256 MiB zeros
  compr  metadata + checkpoint/pages-1.img = 512 MiB of /usr/lib, /usr/bin
         binaries (compresses 2.3-2.5x, like real heaps)
  real   a whole dump (pstree, core, mm, pagemap, pages, stats-dump: the
         synth example's) whose 512 MiB of pages are half random, half
         zeros, with NEEDLE_SECRET_TOKEN=hello in them

then runs ckpt's commands on them under /usr/bin/time -v, RUNS times
each, with TMPDIR set to an empty directory that must still be empty
afterwards, and prints Markdown tables: wall time (min-max) and peak RSS.

usage: benches/vs_checkpointctl.py WORKDIR [RUNS]
       (after `cargo build --release --examples`)
"""

import os
import random
import re
import subprocess
import sys
import tarfile
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
CKPT = os.path.join(ROOT, "target/release/ckpt")
SYNTH = os.path.join(ROOT, "target/release/examples/synth")
FIXTURE = os.path.join(ROOT, "tests/fixtures/mini-sleep.none.tar")
MIB = 1 << 20
NEEDLE = b"NEEDLE_SECRET_TOKEN=hello"


def metadata(stage):
    """config.dump, spec.dump and network.status of a real Podman export."""
    with tarfile.open(FIXTURE) as t:
        for name in ("config.dump", "spec.dump", "network.status"):
            data = t.extractfile(name).read()
            with open(os.path.join(stage, name), "wb") as f:
                f.write(data)


def pages_random_zero(path):
    rng = random.Random(42)
    with open(path, "wb") as f:
        for _ in range(256):
            f.write(rng.randbytes(MIB))
        zero = bytes(MIB)
        for _ in range(256):
            f.write(zero)


def pages_binaries(path):
    left = 512 * MIB
    with open(path, "wb") as out:
        for top in ("/usr/lib", "/usr/bin"):
            for dirpath, dirnames, filenames in os.walk(top):
                dirnames.sort()
                for name in sorted(filenames):
                    p = os.path.join(dirpath, name)
                    if os.path.islink(p) or not os.path.isfile(p):
                        continue
                    try:
                        with open(p, "rb") as f:
                            data = f.read(left)
                    except OSError:
                        continue
                    out.write(data)
                    left -= len(data)
                    if left == 0:
                        return
    raise SystemExit("not 512 MiB of binaries under /usr/lib and /usr/bin")


def tar_of(stage, out):
    names = ["config.dump", "spec.dump", "network.status", "checkpoint"]
    subprocess.run(["tar", "cf", out, "-C", stage, *names], check=True)


def real(out):
    """The synth example's whole dump, its pages overwritten in place."""
    subprocess.run([SYNTH, out, "512"], check=True)
    with tarfile.open(out) as t:
        member = t.getmember("checkpoint/pages-1.img")
    # Keep the last 8 pages: the stack with argv and env.
    body = member.size - 8 * 4096
    rng = random.Random(7)
    with open(out, "r+b") as f:
        f.seek(member.offset_data)
        half = body // 2
        written = 0
        while written < half:
            n = min(MIB, half - written)
            f.write(rng.randbytes(n))
            written += n
        zero = bytes(MIB)
        while written < body:
            n = min(MIB, body - written)
            f.write(zero[:n])
            written += n
        f.seek(member.offset_data + 100 * MIB + 123)
        f.write(NEEDLE)


def build(workdir):
    for family in ("synth", "compr", "real"):
        plain = os.path.join(workdir, f"{family}-512M.tar")
        if not os.path.exists(plain):
            if family == "real":
                real(plain)
            else:
                with tempfile.TemporaryDirectory(dir=workdir) as stage:
                    metadata(stage)
                    os.mkdir(os.path.join(stage, "checkpoint"))
                    pages = os.path.join(stage, "checkpoint/pages-1.img")
                    if family == "synth":
                        pages_random_zero(pages)
                    else:
                        pages_binaries(pages)
                    tar_of(stage, plain)
        for ext, cmd in ((".gz", ["gzip", "-6", "-c"]), (".zst", ["zstd", "-3", "-T1", "-q", "-c"])):
            if not os.path.exists(plain + ext):
                with open(plain + ext + ".part", "wb") as f:
                    subprocess.run([*cmd, plain], stdout=f, check=True)
                os.rename(plain + ext + ".part", plain + ext)


def measure(argv, runs):
    """(min wall, max wall, max RSS in MB) over `runs` runs. The wall time
    is measured around /usr/bin/time (which rounds to 10 ms), so it
    includes starting it, about 1 ms."""
    walls, rss = [], 0
    for _ in range(runs):
        tmp = tempfile.mkdtemp()
        env = dict(os.environ, TMPDIR=tmp)
        start = time.perf_counter()
        r = subprocess.run(
            ["/usr/bin/time", "-v", *argv],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            env=env,
            text=True,
        )
        walls.append(time.perf_counter() - start)
        if r.returncode != 0:
            raise SystemExit(f"{argv}: exit {r.returncode}\n{r.stderr}")
        if os.listdir(tmp):
            raise SystemExit(f"{argv} wrote to TMPDIR: {os.listdir(tmp)}")
        os.rmdir(tmp)
        rss = max(rss, int(re.search(r"Maximum resident set size \(kbytes\): (\d+)", r.stderr).group(1)))
    return min(walls), max(walls), rss / 1000


def one(t):
    return f"{t * 1000:.0f} ms" if t < 1 else f"{t:.2f} s"


def fmt(m):
    lo, hi, _ = m
    a, b = one(lo), one(hi)
    return a if a == b else f"{a.split()[0]}–{b}" if a.split()[1] == b.split()[1] else f"{a}–{b}"


def main():
    if len(sys.argv) not in (2, 3):
        raise SystemExit(__doc__)
    workdir = sys.argv[1]
    runs = int(sys.argv[2]) if len(sys.argv) == 3 else 3
    os.makedirs(workdir, exist_ok=True)
    build(workdir)
    exts = ("", ".gz", ".zst")

    print("`ckpt show`\n")
    print("| archive | size | wall | max RSS |\n|---|---|---|---|")
    for family in ("synth", "real", "compr"):
        for ext in exts:
            a = os.path.join(workdir, f"{family}-512M.tar{ext}")
            m = measure([CKPT, "show", a], runs)
            print(f"| {family} .tar{ext} | {os.path.getsize(a) / MIB:.0f} MiB | {fmt(m)} | {m[2]:.0f} MB |")

    print("\nOther commands on `real-512M`\n")
    print("| command | .tar | .tar.gz | .tar.zst | max RSS |\n|---|---|---|---|---|")
    commands = [
        ["inspect"],
        ["inspect", "--ps-tree"],
        ["inspect", "--all"],
        ["memparse"],
        ["memparse", "--pid", "1", "--search", "NEEDLE_SECRET"],
    ]
    for cmd in commands:
        cells, rss = [], 0
        for ext in exts:
            a = os.path.join(workdir, f"real-512M.tar{ext}")
            m = measure([CKPT, cmd[0], a, *cmd[1:]], runs)
            cells.append(fmt(m))
            rss = max(rss, m[2])
        print(f"| `{' '.join(cmd)}` | {' | '.join(cells)} | {rss:.0f} MB |")

    print("\nDecompression alone (`-dc` to /dev/null)\n")
    print("| archive | gzip -dc | zstd -dc |\n|---|---|---|")
    for family in ("synth", "real", "compr"):
        a = os.path.join(workdir, f"{family}-512M.tar")
        g = measure(["gzip", "-dc", a + ".gz"], runs)
        z = measure(["zstd", "-dcq", a + ".zst"], runs)
        print(f"| {family} | {fmt(g)} | {fmt(z)} |")

    # The needle is found, once, at the offset it was written to.
    out = subprocess.run(
        [CKPT, "memparse", os.path.join(workdir, "real-512M.tar.zst"), "--pid", "1", "--search", "NEEDLE_SECRET"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    print("\n`memparse --search NEEDLE_SECRET` on real-512M.tar.zst printed:\n")
    print("```\n" + out.strip() + "\n```")


if __name__ == "__main__":
    main()
