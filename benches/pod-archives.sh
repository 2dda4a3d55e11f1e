#!/bin/sh
# Builds the pod checkpoints BENCHMARKS.md measures, in DIR (default
# /tmp/podbench): two containers of 512 MiB of pages each (the synthetic
# archive of examples/synth.rs, twice), as CRI-O's pod.options layout
# (pod-a: a directory per container) and CRI-O's manifest layout (pod-c:
# containers/<sha256 of the id>.tar), each a plain tar (GNU tar
# --sort=name: the lexical order Go's writers keep) and zstd -3; and the
# one container alone, /tmp/half.tar and /tmp/half.tar.zst.
#
#   cargo build --release --example synth && benches/pod-archives.sh
set -eu
DIR=${1:-/tmp/podbench}
[ -e /tmp/half.tar ] || target/release/examples/synth /tmp/half.tar 512
mkdir -p "$DIR"
cd "$DIR"
ID1=1111111111111111111111111111111111111111111111111111111111111111
ID2=2222222222222222222222222222222222222222222222222222222222222222
U=4f2b7a9e-1c3d-4e5f-8a6b-7c8d9e0f1a2b
rm -rf A C
mkdir -p A/$ID1-k8s_one_big_default_${U}_0 A/$ID2-k8s_two_big_default_${U}_0
tar -xf /tmp/half.tar -C A/$ID1-k8s_one_big_default_${U}_0
tar -xf /tmp/half.tar -C A/$ID2-k8s_two_big_default_${U}_0
printf '{"version":1,"containers":{"one":"%s","two":"%s"},"annotations":{"org.criu.checkpoint.pod.name":"big","org.criu.checkpoint.pod.namespace":"default","org.criu.checkpoint.engine.name":"cri-o"}}' \
  "$ID1-k8s_one_big_default_${U}_0" "$ID2-k8s_two_big_default_${U}_0" > A/pod.options
tar --sort=name -C A -cf pod-a.tar .
rm -rf A
S1=$(printf %s $ID1 | sha256sum | cut -c1-64); S2=$(printf %s $ID2 | sha256sum | cut -c1-64)
mkdir -p C/containers
cp /tmp/half.tar C/containers/$S1.tar; cp /tmp/half.tar C/containers/$S2.tar
printf '{"version":1,"runtime":"cri-o","runtimeHandler":"runc","sandboxId":"s","containers":[{"name":"one","id":"%s","archive":"containers/%s.tar"},{"name":"two","id":"%s","archive":"containers/%s.tar"}]}' $ID1 $S1 $ID2 $S2 > C/checkpoint-manifest.json
printf '{"metadata":{"name":"big","uid":"%s","namespace":"default"}}' $U > C/pod-config.json
tar --sort=name -C C -cf pod-c.tar .
rm -rf C
zstd -q -3 -f pod-a.tar -o pod-a.tar.zst
zstd -q -3 -f pod-c.tar -o pod-c.tar.zst
zstd -q -3 -f /tmp/half.tar -o /tmp/half.tar.zst
ls -la "$DIR" /tmp/half.tar*
