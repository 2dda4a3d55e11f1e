#!/usr/bin/env python3
"""Writes the seed corpora of the fuzz targets (fuzz/corpus/<target>/) from
the real archives in tests/fixtures/: whole archives, every CRIU image,
images per message kind, one process's mm/pagemap/pages, and the metadata
entries. Run from anywhere; needs the zstd command for .zst fixtures."""

import gzip
import hashlib
import io
import pathlib
import subprocess
import tarfile

ROOT = pathlib.Path(__file__).resolve().parent
FIXTURES = ROOT.parent / "tests" / "fixtures"
CORPUS = ROOT / "corpus"
ARCHIVES = [
    "mini-sleep.none.tar",
    "mini-sleep.gzip.tar.gz",
    "mini-sleep.zstd.tar.zst",
    "multi-proc.none.tar",
    "crio-counter.assembled.tar",
    "piggie-imgs.gnutar.tar.zst",
    "piggie-diff-a.gnutar.tar.zst",
    "threads-memfd.tar.zst",
    # criu-dev's compressed pages: LZ4 blocks and their sizes in the pagemap.
    "mini-sleep.lz4-page.tar.zst",
    "mini-sleep.lz4-region.tar.zst",
    "mini-sleep.lz4-block.tar.zst",
    # Pod checkpoints: pod.options with a directory per container, and
    # CRI-O's manifest with an archive per container.
    "pod-counters.tar.zst",
    "pod-counters.manifest.tar.zst",
]
# The order of fuzz_targets/messages.rs' KINDS.
KINDS = ["inventory", "pstree", "core", "ids", "fs", "mm", "pagemap", "fdinfo", "files",
         "mountpoints", "stats-dump"]


def put(target, data):
    d = CORPUS / target
    d.mkdir(parents=True, exist_ok=True)
    (d / hashlib.sha1(data).hexdigest()).write_bytes(data)


def tar_bytes(name, raw):
    if name.endswith(".zst"):
        return subprocess.run(["zstd", "-dc"], input=raw, capture_output=True, check=True).stdout
    if name.endswith(".gz"):
        return gzip.decompress(raw)
    return raw


def kind_of(file):
    stem = file[:-4] if file.endswith(".img") else file
    head, _, tail = stem.rpartition("-")
    return (head, tail) if head and tail.isdigit() else (stem, None)


def main():
    for name in ARCHIVES:
        raw = (FIXTURES / name).read_bytes()
        put("archive", b"\x00" + raw)
        put("archive", b"\x01" + raw)
        if name.startswith("pod-"):
            # Bit 64: the container `counter` chosen.
            put("archive", b"\x41" + raw)
            put("archive", b"\x43" + raw)
        members = {}
        put("tarwalk", tar_bytes(name, raw)[:1 << 20])
        with tarfile.open(fileobj=io.BytesIO(tar_bytes(name, raw))) as t:
            for m in t.getmembers():
                if m.isfile():
                    members[m.name.removeprefix("./")] = t.extractfile(m).read()
        for path, data in members.items():
            file = path.rsplit("/", 1)[-1]
            if file in ("config.dump", "spec.dump", "network.status", "pod.options",
                        "checkpoint-manifest.json", "pod-config.json"):
                put("metadata", data)
            if not (file.endswith(".img") or file == "stats-dump") or file.startswith("pages-"):
                continue
            put("image", data)
            kind, _ = kind_of(file)
            if kind in KINDS:
                head = 4 if kind == "inventory" else 8
                put("messages", bytes([KINDS.index(kind)]) + data[head:])
        # One process: its mm, pagemap and pages (pages-<pages_id>.img is
        # the pagemap's; for pid 1 it is nearly always pages-1.img).
        prefix = "checkpoint/" if "checkpoint/pstree.img" in members else ""
        mm = members.get(prefix + "mm-1.img")
        pm = members.get(prefix + "pagemap-1.img")
        pages = members.get(prefix + "pages-1.img")
        if mm and pm and pages:
            mm, pm = mm[8:], pm[8:]
            for order in (0, 1):
                put("memory", len(mm).to_bytes(2, "little") + len(pm).to_bytes(2, "little")
                    + bytes([order]) + mm + pm + pages[:1 << 16])
    # Extension headers: PAX (with a global header) and GNU long names, and
    # a duplicate spelled differently.
    for fmt in (tarfile.PAX_FORMAT, tarfile.GNU_FORMAT):
        buf = io.BytesIO()
        glob = {"comment": "global"} if fmt == tarfile.PAX_FORMAT else None
        with tarfile.open(fileobj=buf, mode="w", format=fmt, pax_headers=glob) as t:
            for n, data in (("config.dump", b"{}"), ("d/" * 60 + "long.img", b"x"),
                            ("./checkpoint/../config.dump", b'{"a":1}')):
                info = tarfile.TarInfo(n)
                info.size = len(data)
                t.addfile(info, io.BytesIO(data))
        put("tarwalk", buf.getvalue())


if __name__ == "__main__":
    main()
