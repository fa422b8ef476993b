#!/bin/bash
# Fresh runs of several pressroom binaries, interleaved, for PRESSROOM_BENCH_WRAP
# (see benches/README.md, "The parsing threads' small copies"). At the bench's fresh
# run, for each of $N rounds, each binary of $BINS ("tag=path ...", in that order)
# fetches into a fresh state folder: MODE=time under `perf stat -e task-clock` and
# `/usr/bin/time` (appending to $OUT/perf.TAG.ROUND and $OUT/time.TAG.txt, the load
# average to $OUT/load.txt), MODE=cg under callgrind ($OUT/cg.TAG). After round 1 a
# sorted `sqlite3 .dump` of each store, the server's port masked, goes to
# $OUT/dump.TAG.txt: compare them with cmp. Then the bench's own binary runs as usual
# (it then stops at its check of the server's counts: expected).
#
#   OUT=/tmp/ab BINS="old=/tmp/pressroom-old new=target/release/pressroom" MODE=time N=6 \
#   PRESSROOM_BENCH_RUNS=1 PRESSROOM_BENCH_NEWSBOAT=0 \
#   PRESSROOM_BENCH_WRAP=benches/fetch/abfresh.sh cargo bench --bench fetch
set -u
BINS=${BINS:?tag=binary ...}; OUT=${OUT:-/tmp/abfresh}; N=${N:-1}; MODE=${MODE:-time}
mkdir -p "$OUT"
new=$1; shift
config=$2; dir=$(dirname "$config")
case " $* " in
  *" --force "*) exec "$new" "$@" ;;
esac
for round in $(seq 1 "$N"); do
  for tb in $BINS; do
    tag=${tb%%=*}; bin=${tb#*=}
    rm -rf "$dir/state"
    if [ "$MODE" = cg ]; then
      valgrind --tool=callgrind --callgrind-out-file="$OUT/cg.$tag" "$bin" "$@" > "$OUT/out.$tag" 2>&1
    else
      cat /proc/loadavg >> "$OUT/load.txt"
      perf stat -e task-clock -x, -o "$OUT/perf.$tag.$round" -- \
        /usr/bin/time -a -o "$OUT/time.$tag.txt" -f "%e %U %S %M" "$bin" "$@" > "$OUT/out.$tag" 2>&1
    fi
    if [ "$round" = 1 ]; then
      sqlite3 "$dir/state/pressroom.db" .dump | sed -E 's/127\.0\.0\.1:[0-9]+/127.0.0.1:PORT/g' \
        | sort > "$OUT/dump.$tag.txt"
    fi
  done
done
rm -rf "$dir/state"
exec "$new" "$@"
