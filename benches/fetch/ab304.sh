#!/bin/bash
# All-304 runs of two pressroom binaries, interleaved, for PRESSROOM_BENCH_WRAP
# (see benches/README.md, "Store writes and start-up"). The fresh run is made by
# $OLD into a copy of the folder, then by the bench's binary (the one it measures);
# at the all-304 run, $N pairs (new, old) run under `perf stat -e task-clock`,
# appending to $OUT-new.txt and $OUT-old.txt. The bench then stops at its check of
# the server's counts (it saw more requests than one run makes): expected.
set -u
OLD=${OLD:?the old pressroom binary}; OUT=${OUT:-/tmp/ab304}; N=${N:-10}
new=$1; shift
config=$2; dir=$(dirname "$config"); copy=$OUT-old-folder
case " $* " in
  *" --force "*)
    args=("$@"); args[1]=$copy/$(basename "$config")
    for _ in $(seq 1 "$N"); do
      perf stat -e task-clock -o "$OUT-new.txt" --append -- "$new" "$@" > /dev/null 2>&1
      perf stat -e task-clock -o "$OUT-old.txt" --append -- "$OLD" "${args[@]}" > /dev/null 2>&1
    done
    exec "$new" "$@" ;;
  *)
    rm -rf "$copy"
    "$OLD" "$@" > /dev/null 2>&1
    cp -r "$dir" "$copy"; rm -rf "$dir/state"
    exec "$new" "$@" ;;
esac
