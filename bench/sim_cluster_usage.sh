#!/usr/bin/env bash
# CPU and RSS of a tikv-sim cluster under load: starts `tikv-sim up` (3 PD + 3 stores by
# default) with the workload at --rate ops/s, lets it warm up, then samples /proc/<pid>/stat and
# /proc/<pid>/status of every process in <dir>/cluster.json (and the supervisor) over the
# measurement window, and prints CPU% (of one core) and RSS per process and in total, plus the
# workload's achieved ops/s (workload_ops_total{result="ok"} delta over the window, and its
# workload_ops_per_second gauge at the end). The cluster is stopped (`tikv-sim down`) on exit.
#
#   bench/sim_cluster_usage.sh [BIN_DIR] [SECONDS] [RATE]
#   bench/sim_cluster_usage.sh build-scale/bin 30 2000
set -euo pipefail

BIN_DIR=$(cd "${1:-build/bin}" && pwd)
SECONDS_TO_MEASURE=${2:-30}
RATE=${3:-2000}
WARMUP=${WARMUP:-5}
DIR=$(mktemp -d /tmp/tikv-sim-usage.XXXXXX)

cleanup() {
  "$BIN_DIR/tikv-sim" down --dir "$DIR" >/dev/null 2>&1 || true
  rm -rf "$DIR"
}
trap cleanup EXIT

"$BIN_DIR/tikv-sim" up --dir "$DIR" --rate "$RATE" >/dev/null
sleep "$WARMUP"

python3 - "$DIR/cluster.json" "$SECONDS_TO_MEASURE" "$RATE" <<'PY'
import json, os, re, sys, time, urllib.request

spec = json.load(open(sys.argv[1]))
window, rate = float(sys.argv[2]), int(sys.argv[3])
ticks = os.sysconf("SC_CLK_TCK")
procs = [("supervisor", spec["supervisor"]["pid"])]
procs += [(p["name"], p["pid"]) for p in spec["processes"]]
metrics_port = next(p["ports"]["metrics"] for p in spec["processes"] if p["role"] == "workload")

def cpu_seconds(pid):
    with open(f"/proc/{pid}/stat") as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / ticks  # utime + stime

def rss_kib(pid):
    with open(f"/proc/{pid}/status") as f:
        return int(re.search(r"VmRSS:\s+(\d+)", f.read()).group(1))

def workload():
    text = urllib.request.urlopen(f"http://127.0.0.1:{metrics_port}/metrics", timeout=5).read()
    by_result = {}
    for m in re.finditer(r'^workload_ops_total\{[^}]*result="([^"]*)"[^}]*\} (\S+)$',
                         text.decode(), re.M):
        by_result[m.group(1)] = by_result.get(m.group(1), 0.0) + float(m.group(2))
    gauge = re.search(r"^workload_ops_per_second (\S+)$", text.decode(), re.M)
    return by_result, float(gauge.group(1)) if gauge else float("nan")

cpu0 = {pid: cpu_seconds(pid) for _, pid in procs}
res0, _ = workload()
t0 = time.monotonic()
rss_samples = {pid: [] for _, pid in procs}
while time.monotonic() - t0 < window:
    for _, pid in procs:
        rss_samples[pid].append(rss_kib(pid))
    time.sleep(1)
elapsed = time.monotonic() - t0
cpu1 = {pid: cpu_seconds(pid) for _, pid in procs}
res1, gauge = workload()

print(f"tikv-sim cluster at --rate {rate}: {len(procs)} processes, {elapsed:.1f} s window")
print(f"{'process':<12}{'pid':>8}{'cpu%':>8}{'rss MiB':>10}{'rss max':>10}")
tot_cpu = tot_rss = 0.0
for name, pid in procs:
    cpu = 100.0 * (cpu1[pid] - cpu0[pid]) / elapsed
    rss = sum(rss_samples[pid]) / len(rss_samples[pid]) / 1024
    tot_cpu += cpu
    tot_rss += rss
    print(f"{name:<12}{pid:>8}{cpu:>8.1f}{rss:>10.1f}{max(rss_samples[pid]) / 1024:>10.1f}")
print(f"{'total':<12}{'':>8}{tot_cpu:>8.1f}{tot_rss:>10.1f}")
ok = (res1.get("ok", 0) - res0.get("ok", 0)) / elapsed
print(f"workload achieved {ok:.0f} ok ops/s over the window "
      f"(workload_ops_per_second at the end: {gauge:g}; target {rate})")
for result in sorted(set(res1) - {"ok"}):
    print(f"  {result}: {(res1[result] - res0.get(result, 0)) / elapsed:.0f} ops/s")
PY
