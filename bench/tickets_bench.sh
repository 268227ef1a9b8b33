#!/usr/bin/env bash
# Tickets service benchmarks against a private PostgreSQL: ReportSignal throughput (8 gRPC
# clients, then the duplicate and gap checks) and WatchTickets fan-out (100 live subscribers,
# delivery latency). Starts PostgreSQL with scripts/pg in a temporary directory, with
# pg_stat_statements loaded for the per-statement breakdown (PGSS=0 to run without it), runs
# each benchmark RUNS times (each run in a fresh schema), prints the machine load before each
# run, and stops PostgreSQL on exit. Works as root (scripts/pg runs the server as postgres).
#
#   bench/tickets_bench.sh BUILD_DIR [report|watch|all]
#   bench/tickets_bench.sh build-bench                  # both, twice each
#   RUNS=3 REPORT_ARGS="--seconds=10" WATCH_ARGS="--rate=400 --seconds=10" \
#     bench/tickets_bench.sh build-bench watch
#
# Build first (the targets need libbenchmark-dev, from scripts/deps):
#   cmake -S . -B build-bench -DCMAKE_BUILD_TYPE=RelWithDebInfo
#   cmake --build build-bench -j2 --target bench_tickets_report bench_tickets_watch
# Exit status: non-zero when a benchmark's checks fail (duplicates, gaps, lost events).
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
build=${1:?usage: bench/tickets_bench.sh BUILD_DIR [report|watch|all]}
which=${2:-all}
build=$(cd "$build" && pwd)
runs=${RUNS:-2}
report_bin="$build/bench/bench_tickets_report"
watch_bin="$build/bench/bench_tickets_watch"
for bin in "$report_bin" "$watch_bin"; do
  [ -x "$bin" ] || { echo "missing $bin: build the bench_tickets_* targets first" >&2; exit 1; }
done

pg_dir=$(mktemp -d /tmp/tickets-bench-pg.XXXXXX)
cleanup() {
  "$root/scripts/pg" stop "$pg_dir" || true
  rm -rf "$pg_dir"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

dsn=$("$root/scripts/pg" start "$pg_dir")
if [ "${PGSS:-1}" != 0 ]; then
  # Needs a restart (shared_preload_libraries); same directory and port.
  port=$(cat "$pg_dir/port")
  psql "$dsn" -qtAc "ALTER SYSTEM SET shared_preload_libraries = 'pg_stat_statements'" >/dev/null
  "$root/scripts/pg" stop "$pg_dir"
  dsn=$("$root/scripts/pg" start "$pg_dir" "$port")
fi
export OPS_BENCH_PG_DSN="$dsn"
echo "PostgreSQL: $dsn ($(psql "$dsn" -qtAc 'SHOW server_version'))"
echo "machine: $(nproc) cores, $(uname -r)"

status=0
for i in $(seq 1 "$runs"); do
  if [ "$which" = all ] || [ "$which" = report ]; then
    echo; echo "=== ReportSignal throughput, run $i/$runs; load: $(uptime | sed 's/.*load average/load average/')"
    # shellcheck disable=SC2086
    "$report_bin" ${REPORT_ARGS:-} || status=1
  fi
  if [ "$which" = all ] || [ "$which" = watch ]; then
    echo; echo "=== WatchTickets fan-out, run $i/$runs; load: $(uptime | sed 's/.*load average/load average/')"
    # shellcheck disable=SC2086
    "$watch_bin" ${WATCH_ARGS:-} || status=1
  fi
done
echo; echo "load after: $(uptime | sed 's/.*load average/load average/')"
exit "$status"
