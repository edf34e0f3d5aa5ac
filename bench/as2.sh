#!/usr/bin/env bash
# AS2 receive throughput (issue 7): signed (SHA-256) + encrypted (AES-128-CBC) messages of
# 1 KB, 100 KB and 10 MB asking for a signed synchronous MDN (sha-256), sent by a load
# generator over N keep-alive connections to edigate's station and to the pyas2lib station
# (tests/peers/as2_station.py) in turn, on this machine, in one run. The work is
# benches/as2.rs (its header says what it does and checks); this script builds it in the
# bench profile (fat LTO, as release), says where it runs, and keeps its output.
#
# Each server is a process of its own (edigate's: the bench executable's `serve-edigate`,
# the station as `edigate serve` would run it, on a fresh SQLite store; pyas2lib's:
# `python3 tests/peers/as2_station.py serve` on a fresh store folder), started anew for each
# run; the load generator is the bench executable, one thread. Every message is built
# before the clock starts. While timing, each response's status (200) and Content-Type
# (multipart/signed) are checked; once the clock stops every MDN is read with
# edigate's mdn::read: signature by the receiver's certificate, disposition `processed`,
# Original-Message-ID, and the Received-Content-MIC the sender expects. Any failure is
# printed, makes the run invalid, and the script exits 1.
#
# Prints one line per run (messages/s, MB/s of payload, latency p50/p99, the server's and
# the load generator's CPU time per message, the server's peak RSS) and, per size, the
# medians over RUNS and the ratio edigate/pyas2lib.
#
# Usage: bench/as2.sh
#
# Environment (all optional):
#   RUNS=3                  timed runs per size and server (the median is reported)
#   SIZES="1KB 100KB 10MB"  payload sizes (decimal: 1KB = 1,000 bytes at most)
#   SERVERS="edigate pyas2lib"
#   COUNT_1KB=3000 COUNT_100KB=500 COUNT_10MB=20     messages timed per run
#   CONNS_1KB=8 CONNS_100KB=4 CONNS_10MB=2           concurrent connections
#   COUNT_1KB_PYAS2LIB=...  (any COUNT_/CONNS_ with _EDIGATE or _PYAS2LIB: that server only)
#   WARMUP=                 untimed messages before each run (default 2 x connections)
#   PYTHON=python3          runs the pyas2lib station (pyas2lib 1.4.4, as .ci/run installs it)
#   AS2_BENCH=path          use this bench executable instead of building one
#   DATA=bench/data         logs go to DATA/logs/as2-TIME-PID/ (results.txt, build log);
#                           the servers' folders to a new folder in DATA, removed at the end
#   KEEP=1                  keep the servers' folders (stores, payloads, logs)
#   PERF=1                  `perf record -g` on the server during each timed phase
#                           (perf.data in each server's folder; implies KEEP=1)
#
# The 10 MB runs write about 20 x 20 MB into edigate's store (payload and raw request) and
# 20 x 10 MB of payload files for pyas2lib, per run.
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
DATA=${DATA:-$ROOT/bench/data}
LOGS=$DATA/logs/as2-$(date -u +%Y%m%dT%H%M%SZ)-$$
mkdir -p "$LOGS"
PYTHON=${PYTHON:-python3}
export RUNS=${RUNS:-3} PYTHON

log() { printf '%s\n' "$*" >&2; }
die() { log "error: $*"; exit 1; }

if [[ ${SERVERS:-edigate pyas2lib} == *pyas2lib* ]]; then
    "$PYTHON" -c 'import pyas2lib' 2>/dev/null ||
        die "pyas2lib cannot be imported by $PYTHON (pip install pyas2lib==1.4.4, then .ci/peers/oscrypto_openssl3.py), or run with SERVERS=edigate"
fi

if [[ -n ${AS2_BENCH:-} ]]; then
    log "== using AS2_BENCH=$AS2_BENCH (not building)"
else
    log "== building benches/as2.rs (cargo bench --bench as2 --no-run)"
    (cd "$ROOT" && cargo bench --bench as2 --no-run --message-format=json) \
        >"$LOGS/build.json" 2>"$LOGS/build.log" ||
        die "the build failed (see $LOGS/build.log)"
    AS2_BENCH=$("$PYTHON" -c '
import json, sys
for line in open(sys.argv[1]):
    m = json.loads(line)
    if m.get("reason") == "compiler-artifact" and m["target"]["name"] == "as2" and m.get("executable"):
        print(m["executable"])' "$LOGS/build.json" | tail -n 1)
fi
[[ -x $AS2_BENCH ]] || die "no bench executable ($AS2_BENCH)"

OUT=$(mktemp -d "$DATA/as2-runs.XXXXXX")
[[ ${PERF:-} == 1 ]] && KEEP=1
if [[ -z ${KEEP:-} ]]; then
    trap 'rm -rf "$OUT"' EXIT
else
    log "== the servers' folders are kept in $OUT"
fi
export OUT

{
    echo "# $(date -u +%Y-%m-%dT%H:%M:%SZ) on $(hostname): $(nproc) cores, $(sed -n 's/^model name\s*: //p' /proc/cpuinfo | head -n 1), $(free -g | awk '/^Mem:/ {print $2}') GiB"
    if commit=$(git -C "$ROOT" rev-parse --short HEAD 2>/dev/null); then
        git -C "$ROOT" diff --quiet HEAD 2>/dev/null || commit="$commit (with uncommitted changes)"
    else
        commit="? ($ROOT is not a git checkout)"
    fi
    echo "# commit $commit; $(openssl version 2>/dev/null || echo 'openssl: ?'); $("$PYTHON" -c 'import sys; from importlib.metadata import version; print("pyas2lib", version("pyas2lib"), "on Python", sys.version.split()[0])' 2>/dev/null || echo 'pyas2lib: not found')"
    echo "# load average at the start: $(cut -d' ' -f1-3 /proc/loadavg)"
} | tee "$LOGS/results.txt"
load=$(cut -d' ' -f1 /proc/loadavg)
if awk -v l="$load" 'BEGIN { exit !(l > 0.5) }'; then
    log "warning: the load average is $load; something else is running (uptime, ps)"
fi

status=0
"$AS2_BENCH" run | tee -a "$LOGS/results.txt" || status=$?
echo "# load average at the end: $(cut -d' ' -f1-3 /proc/loadavg)" | tee -a "$LOGS/results.txt"
log "== results in $LOGS/results.txt"
exit "$status"
