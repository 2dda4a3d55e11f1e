#!/usr/bin/env bash
# Runs every command of a ckpt binary over every fixture (as a file, as
# standard input and as an extracted directory) with the flags that change
# what is read or shown, and writes each invocation's stdout, stderr and
# exit status to one file in OUTDIR. Run it with two binaries and compare:
#
#   .ci/outputs.sh /tmp/ckpt-before /tmp/out-before
#   .ci/outputs.sh target/release/ckpt /tmp/out-after
#   diff -r /tmp/out-before /tmp/out-after
#
# This is how a refactoring is checked to leave every output byte for byte
# as it was. Output files are written only under OUTDIR (created; it must
# not exist), scratch files under a temporary directory that is removed.
set -euo pipefail

BIN="$(realpath "$1")"
OUT="$2"
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
FIX="$ROOT/tests/fixtures"

if [ -e "$OUT" ]; then
  echo "$OUT exists; give a new directory" >&2
  exit 2
fi
mkdir -p "$OUT"
# Scratch files are reached through a fixed link, so that the paths shown
# in outputs are the same from one run to the next.
REAL_SCRATCH="$(mktemp -d)"
LINK="$ROOT/target/outputs-scratch"
mkdir -p "$ROOT/target"
if ! ln -s "$REAL_SCRATCH" "$LINK" 2>/dev/null; then
  rmdir "$REAL_SCRATCH"
  echo "$LINK exists: another run is under way (or remove it)" >&2
  exit 2
fi
trap 'rm -f "$LINK"; rm -rf "$REAL_SCRATCH"' EXIT
SCRATCH="target/outputs-scratch"

# Outputs name the archive; run from the repository so that paths are the
# same relative ones whichever binary runs.
cd "$ROOT"
unset COLUMNS CLICOLOR_FORCE
export NO_COLOR=1

n=0
# invoke NAME INPUT ARGS...: stdout, stderr and status of `ckpt ARGS...`,
# with INPUT on standard input, to OUT/NAME.
invoke() {
  local name="$1" input="$2"
  shift 2
  n=$((n + 1))
  {
    if [ "$input" = /dev/null ]; then echo "\$ ckpt $*"; else echo "\$ ckpt $* < $input"; fi
    set +e
    "$BIN" "$@" <"$input" >"$SCRATCH/stdout" 2>"$SCRATCH/stderr"
    local status=$?
    set -e
    echo "--- stdout"
    cat "$SCRATCH/stdout"
    echo "--- stderr"
    cat "$SCRATCH/stderr"
    echo "--- exit $status"
  } >"$OUT/$name"
}

# run NAME ARGS...: `ckpt ARGS...` with nothing on standard input.
run() {
  local name="$1"
  shift
  invoke "$name" /dev/null "$@"
}

# stdin NAME FILE ARGS...: the same with FILE on standard input.
stdin() {
  invoke "$@"
}

archives=(
  crio-counter.assembled.tar
  mem48.zeroed.tar.zst
  mini-sleep.gzip.tar.gz
  mini-sleep.none.tar
  mini-sleep.zstd.tar.zst
  multi-proc.none.tar
  piggie-diff-a.gnutar.tar.zst
  piggie-diff-b.gnutar.tar.zst
  piggie-imgs.gnutar.tar.zst
  pod-counters.tar.zst
  pod-counters.manifest.tar.zst
)

# Extracted copies, for the directory runs (our own fixtures only).
mkdir -p "$SCRATCH/dirs"
for a in "${archives[@]}"; do
  d="$SCRATCH/dirs/${a%%.*}"
  if [ ! -d "$d" ]; then
    mkdir -p "$d"
    case "$a" in
      *.zst) zstd -dc "$FIX/$a" | tar -x -C "$d" ;;
      *) tar -x -f "$FIX/$a" -C "$d" ;;
    esac
  fi
done
DIRS="$SCRATCH/dirs"

inspect_flags=(
  "" --ps-tree --ps-tree-cmd --ps-tree-env --files --sockets --mounts --stats
  --metadata --all "--all -p 1" "--ps-tree -p 4" "--ps-tree -p 99"
)

for a in "${archives[@]}"; do
  f="tests/fixtures/$a"
  run "show.$a" show "$f"
  run "show-json.$a" show --format json "$f"
  stdin "show-stdin.$a" "$f" show -
  stdin "show-stdin-json.$a" "$f" show --format json -
  for flags in "${inspect_flags[@]}"; do
    key="${flags// /}"
    # shellcheck disable=SC2086
    run "inspect$key.$a" inspect $flags "$f"
    # shellcheck disable=SC2086
    run "inspect-json$key.$a" inspect --format json $flags "$f"
  done
  stdin "inspect-stdin-all.$a" "$f" inspect --all -
  stdin "inspect-stdin-all-json.$a" "$f" inspect --all --format json -
  run "memparse.$a" memparse "$f"
  run "memparse-json.$a" memparse --format json "$f"
  run "memparse-pages.$a" memparse --pages "$f"
  run "memparse-pages-json.$a" memparse --pages --format json "$f"
  stdin "memparse-stdin.$a" "$f" memparse -
  run "memparse-p1.$a" memparse -p 1 "$f"
  run "memparse-p1-json.$a" memparse -p 1 --format json "$f"
  run "memparse-p1-stack.$a" memparse -p 1 --vma stack "$f"
  run "memparse-p99.$a" memparse -p 99 "$f"
  stdin "memparse-stdin-p1.$a" "$f" memparse -p 1 -
  run "memparse-o.$a" memparse -p 1 -o "$SCRATCH/dump.$a.txt" "$f"
  if [ -f "$SCRATCH/dump.$a.txt" ]; then
    sha256sum <"$SCRATCH/dump.$a.txt" >>"$OUT/memparse-o.$a"
  fi
  for pattern in PATH SECRET HOME sleep; do
    run "search-$pattern.$a" memparse --search "$pattern" "$f"
    run "search-$pattern-c8.$a" memparse --search "$pattern" -c 8 "$f"
    run "search-$pattern-p1.$a" memparse --search "$pattern" -p 1 "$f"
  done
  run "search-json.$a" memparse --search PATH -c 4 --format json "$f"
  run "search-regex.$a" memparse --search-regex '[A-Z_]{3,}=[^\x00]{0,12}' "$f"
  run "search-heap.$a" memparse --search-regex '[a-z]{6,}' --vma heap --max-hits 5 "$f"
  run "search-address.$a" memparse --search-regex '[a-z]{6,}' --address 0-7fffffffffff --vma stack "$f"
  stdin "search-stdin.$a" "$f" memparse --search PATH -c 8 -
  run "decode-list.$a" decode "$f"
  images="$("$BIN" decode "$f" 2>/dev/null | awk 'NR>4 && $NF=="records" {print $1}')"
  for image in $images; do
    run "decode-$image.$a" decode "$f" "$image"
  done
  run "decode-pages.$a" decode "$f" pages-1.img
  run "decode-missing.$a" decode "$f" nosuch.img
  # Cut short: the first 10 KiB and the first half of the tar.
  size=$(stat -c %s "$f")
  head -c 10240 "$f" >"$SCRATCH/cut"
  run "show-cut10k.$a" show "$SCRATCH/cut"
  run "inspect-cut10k.$a" inspect --all "$SCRATCH/cut"
  head -c $((size / 2)) "$f" >"$SCRATCH/cut"
  run "show-cut-half.$a" show "$SCRATCH/cut"
  run "inspect-cut-half.$a" inspect --all "$SCRATCH/cut"
  run "memparse-cut-half.$a" memparse "$SCRATCH/cut"
  run "search-cut-half.$a" memparse --search PATH "$SCRATCH/cut"

  d="$DIRS/${a%%.*}"
  run "dir-show.$a" show "$d"
  run "dir-show-json.$a" show --format json "$d"
  run "dir-inspect-all.$a" inspect --all "$d"
  run "dir-inspect-all-json.$a" inspect --all --format json "$d"
  run "dir-decode-list.$a" decode "$d"
  run "dir-decode-core.$a" decode "$d" core-1.img
  run "dir-decode-pstree.$a" decode "$d" pstree.img
done

run "show-all" show "${archives[@]/#/tests/fixtures/}"
run "show-all-json" show --format json "${archives[@]/#/tests/fixtures/}"
run "inspect-all" inspect "${archives[@]/#/tests/fixtures/}"
run "memparse-all" memparse "${archives[@]/#/tests/fixtures/}"
run "show-crit" show tests/fixtures/crit.tar.zst
run "inspect-crit" inspect tests/fixtures/crit.tar.zst
run "show-missing" show tests/fixtures/nosuch.tar
run "show-dir-not-checkpoint" show tests
run "show-not-tar" show README.md
run "list-kubelet" list tests/fixtures/kubelet
run "list-kubelet-json" list --format json tests/fixtures/kubelet
run "list-missing" list tests/nosuch
run "list-empty" list tests/golden
run "list-two" list tests/fixtures/kubelet tests/golden
run "list-pods" list tests/fixtures/kubelet tests/fixtures/pod-checkpoints
for pod in pod-counters.tar.zst pod-counters.manifest.tar.zst; do
  f="tests/fixtures/$pod"
  for c in counter sleeper 03a2940 nosuch; do
    run "show-container-$c.$pod" show --container "$c" "$f"
    run "inspect-all-container-$c.$pod" inspect --all --container "$c" "$f"
    run "memparse-p1-container-$c.$pod" memparse -p 1 --container "$c" "$f"
    run "memparse-search-container-$c.$pod" memparse --search sleep --format json --container "$c" "$f"
    run "cat-config-container-$c.$pod" cat --container "$c" "$f" config.dump
    run "decode-pstree-container-$c.$pod" decode --container "$c" "$f" pstree.img
  done
  run "diff-pods.$pod" diff "$f" tests/fixtures/pod-counters.tar.zst
  run "diff-pods-json.$pod" diff --format json "$f" tests/fixtures/pod-counters.tar.zst
  run "check-pod.$pod" check --target tests/fixtures/check/node.json "$f"
done

diff_flags=(
  "" --files --sockets --ps-tree-cmd --ps-tree-env --memory --show-unchanged
  "--files --sockets --ps-tree-cmd --ps-tree-env --memory --show-unchanged"
)
pairs=(
  "piggie-diff-a.gnutar.tar.zst piggie-diff-b.gnutar.tar.zst"
  "piggie-diff-b.gnutar.tar.zst piggie-diff-a.gnutar.tar.zst"
  "mini-sleep.none.tar mini-sleep.gzip.tar.gz"
  "multi-proc.none.tar multi-proc.none.tar"
  "mini-sleep.none.tar multi-proc.none.tar"
)
for pair in "${pairs[@]}"; do
  read -r a b <<<"$pair"
  for flags in "${diff_flags[@]}"; do
    key="${flags// /}"
    # shellcheck disable=SC2086
    run "diff$key.$a.$b" diff $flags "tests/fixtures/$a" "tests/fixtures/$b"
    # shellcheck disable=SC2086
    run "diff-json$key.$a.$b" diff --format json $flags "tests/fixtures/$a" "tests/fixtures/$b"
  done
  run "diff-force.$a.$b" diff --force "tests/fixtures/$a" "tests/fixtures/$b"
  stdin "diff-stdin.$a.$b" "tests/fixtures/$a" diff --memory - "tests/fixtures/$b"
  run "diff-dir.$a.$b" diff --files --sockets --ps-tree-env "$DIRS/${a%%.*}" "$DIRS/${b%%.*}"
done

for a in multi-proc.none.tar mini-sleep.zstd.tar.zst; do
  rm -rf "$SCRATCH/oci"
  run "build.$a" build "tests/fixtures/$a" localhost/test:1 -o "$SCRATCH/oci"
  (cd "$SCRATCH" && find oci -type f | sort | xargs sha256sum) >>"$OUT/build.$a" 2>/dev/null || true
done

for h in "" show inspect memparse list diff decode build; do
  run "help-$h" $h --help
done
run "version" --version
run "no-args"
run "unknown" frobnicate

echo "$n invocations written to $OUT"
