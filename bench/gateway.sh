#!/usr/bin/env bash
# The gateway end to end through the folder channel (issue 6): files of BigRetail 850s
# dropped into its inbound folder, `edigate serve --drain` timed from start to exit; in
# that time every file is taken and stored, every set parsed, validated, checked against
# BigRetail's rules, mapped and stored with its document and order, and every file's 997
# written, stored and delivered to the outbound folder. On SQLite and on PostgreSQL.
#
# Per run: a fresh data folder (and a fresh PostgreSQL database); `serve --drain` once on
# it empty (creates the store and the partners' folders; not timed); then ROUNDS rounds
# (default 1), each: the round's input files copied into partners/bigretail/inbound and
# `sync`ed, then the timed `serve --drain`. Round R's files are new ones (numbered on), so
# with ROUNDS > 1 later rounds run against a store already holding the earlier rounds:
# sustained throughput, as the store grows. Each timed round is checked: exit status 0,
# the inbound folder empty, every file archived, one 997 file per input file in the
# outbound folder, one AK5*A per set and one AK9*A per file in them, and in the store one
# transaction set row per set, every message accepted, every 997 delivered, every job
# done. A round that fails a check is reported and not counted (nor are the run's later
# rounds); the script then exits 1.
#
# Prints, per store, shape and round, the median of RUNS wall times, transaction sets and
# files per second, and the median split of the workers' time as serve's last log line
# gives it (store, analysis, channels and writing) with the store's share of it.
#
# Usage: bench/gateway.sh [SHAPE...]          SHAPE = FILESxSETS, default 2000x1 400x10 40x100
#
# Environment (all optional):
#   RUNS=3             timed runs per store and shape (the median is reported)
#   STORES="sqlite postgres"
#   BATCH=             [engine] batch in edigate.toml (jobs a worker claims and commits
#                      together; edigate's default, 64, when empty)
#   WORKERS=           [engine] workers (default: one per core)
#   PG_WORKERS=        [engine] workers on PostgreSQL only (default: WORKERS)
#   ROUNDS=1           timed rounds per run into the same store, each with new files
#                      (sustained throughput: round R starts with R-1 rounds' rows stored)
#   POLL_MS=50         [folders] poll_interval_ms (settle_ms is always 0: the files are
#                      complete before serve starts)
#   EDIGATE=path       use this binary instead of building target/release/edigate
#   PARTNERS=dir       partner profiles (default: the repository's partners/)
#   PG_OPTS="-c fsync=on -c synchronous_commit=on -c full_page_writes=on"
#                      settings of the throwaway PostgreSQL server (these are
#                      PostgreSQL's defaults, written out: durable commits, as SQLite's
#                      synchronous=FULL)
#   PYTHON=python3     runs bench/tools/gateway_files.py (the input generator)
#   DATA=bench/data    inputs go to DATA/gateway/FILESxSETS[-rR]/ (generated once,
#                      reused), logs and results.tsv to DATA/logs/gateway-TIME-PID/
#   WORK=              where the runs' data folders live (default: a new folder in DATA,
#                      removed at the end); KEEP=1 keeps it. Every run's folder (and
#                      PostgreSQL database) is kept until the end: see below
#   PG_WORK=           where the PostgreSQL cluster lives (default: a new folder in /tmp
#                      when run as root, as tests/common/pg.rs does, else in WORK)
#   PERF=1             record each timed round with `perf record -g` beside its log
#
# Nothing is deleted between runs. This machine's ext4 has no journal, and there creating
# a file skips over every inode of its block group deleted in the last minutes (ext4's
# recently_deleted()): after a run's folder of thousands of files is removed, the next
# run's outbound files cost far more to create. For the same reason the data folders are
# not in /tmp by default, where other sessions create and delete files all the time.
#
# PostgreSQL needs its server binaries (/usr/lib/postgresql/*/bin/initdb, pg_ctl) and
# psql; run as root, the cluster is run by the `postgres` user through runuser, as
# tests/common/pg.rs does. Without them the postgres runs are skipped with the reason.
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
BENCH=$ROOT/bench
DATA=${DATA:-$BENCH/data}
# This invocation's logs and results, apart from any other's running at the same time.
LOGS=$DATA/logs/gateway-$(date -u +%Y%m%dT%H%M%SZ)-$$
mkdir -p "$DATA/gateway" "$LOGS"

RUNS=${RUNS:-3}
ROUNDS=${ROUNDS:-1}
STORES=${STORES:-sqlite postgres}
BATCH=${BATCH:-}
WORKERS=${WORKERS:-}
PG_WORKERS=${PG_WORKERS:-$WORKERS}
POLL_MS=${POLL_MS:-50}
PARTNERS=${PARTNERS:-$ROOT/partners}
PG_OPTS=${PG_OPTS:--c fsync=on -c synchronous_commit=on -c full_page_writes=on}
PYTHON=${PYTHON:-python3}
if (($# > 0)); then SHAPES=("$@"); else SHAPES=(2000x1 400x10 40x100); fi

log() { printf '%s\n' "$*" >&2; }
die() { log "error: $*"; exit 1; }

for shape in "${SHAPES[@]}"; do
    [[ $shape =~ ^[0-9]+x[0-9]+$ ]] || die "bad shape '$shape' (want FILESxSETS, e.g. 400x10)"
done
[[ -x /usr/bin/time ]] || die "/usr/bin/time is required (apt-get install time)"
command -v sqlite3 >/dev/null || die "the sqlite3 command is required (apt-get install sqlite3)"

CLEAN_WORK='' CLEAN_PG=''
if [[ -z ${WORK:-} ]]; then
    WORK=$(mktemp -d "$DATA/gateway-runs.XXXXXX")
    [[ -n ${KEEP:-} ]] || CLEAN_WORK=1
fi
mkdir -p "$WORK"
if [[ -z ${PG_WORK:-} ]]; then
    if [[ $(id -u) -eq 0 ]]; then
        # The postgres user must reach it; /tmp it is (as in tests/common/pg.rs).
        PG_WORK=$(mktemp -d /tmp/edigate-gateway-pg.XXXXXX)
        chmod 755 "$PG_WORK"
        [[ -n ${KEEP:-} ]] || CLEAN_PG=1
    else
        PG_WORK=$WORK
    fi
fi

# ---------------------------------------------------------------- PostgreSQL
PG_DIR='' PG_BIN='' PG_PORT='' PG_AS_POSTGRES=''
pg_server() {   # runs one of the server's programs, as postgres when we are root
    local program=$PG_BIN/$1; shift
    if [[ -n $PG_AS_POSTGRES ]]; then runuser -u postgres -- "$program" "$@"
    else "$program" "$@"; fi
}
psql_db() { psql -X -v ON_ERROR_STOP=1 -h 127.0.0.1 -p "$PG_PORT" -U edigate -d "$1" -tAc "$2"; }
# shellcheck disable=SC2317  # run by the trap
pg_stop() {
    if [[ -n $PG_PORT ]]; then
        pg_server pg_ctl -D "$PG_DIR/data" -m immediate -w stop >/dev/null 2>&1 || true
    fi
    PG_PORT=
}
# Starts a fresh cluster; when it cannot, says why in PG_REASON and returns 1.
PG_REASON=
pg_start() {
    local v
    for v in $(find /usr/lib/postgresql -mindepth 1 -maxdepth 1 -printf '%f\n' 2>/dev/null | sort -V); do
        if [[ -x /usr/lib/postgresql/$v/bin/initdb && -x /usr/lib/postgresql/$v/bin/pg_ctl ]]; then
            PG_BIN=/usr/lib/postgresql/$v/bin
        fi
    done
    if [[ -z $PG_BIN ]] && command -v initdb >/dev/null && command -v pg_ctl >/dev/null; then
        PG_BIN=$(dirname "$(command -v initdb)")
    fi
    [[ -n $PG_BIN ]] || { PG_REASON="initdb/pg_ctl not found (apt-get install postgresql)"; return 1; }
    command -v psql >/dev/null || { PG_REASON="psql not found (apt-get install postgresql-client)"; return 1; }
    PG_DIR=$PG_WORK/pg
    mkdir -p "$PG_DIR"
    if [[ $(id -u) -eq 0 ]]; then
        id -u postgres >/dev/null 2>&1 || { PG_REASON="running as root and there is no postgres user"; return 1; }
        PG_AS_POSTGRES=1
        chown postgres: "$PG_DIR"
    fi
    # As tests/common/pg.rs, but the cluster is synced (no --no-sync) and, unless PG_OPTS
    # says otherwise, runs with PostgreSQL's durable defaults.
    pg_server initdb -D "$PG_DIR/data" -A trust -U edigate -E UTF8 --locale=C \
        >"$LOGS/pg-initdb.log" 2>&1 ||
        { PG_REASON="initdb failed (see $LOGS/pg-initdb.log)"; return 1; }
    PG_PORT=$("$PYTHON" -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
    # shellcheck disable=SC2086
    if ! pg_server pg_ctl -D "$PG_DIR/data" \
        -o "-p $PG_PORT -k $PG_DIR -c listen_addresses=127.0.0.1 $PG_OPTS" \
        -l "$PG_DIR/log" -w start >/dev/null 2>&1; then
        PG_PORT=
        PG_REASON="the server did not start (log: $PG_DIR/log)"
        return 1
    fi
    log "== PostgreSQL $("$PG_BIN/postgres" --version | awk '{print $3}') on 127.0.0.1:$PG_PORT ($PG_OPTS)"
}

# shellcheck disable=SC2317  # run by the trap
cleanup() {
    pg_stop
    if [[ -n $CLEAN_PG ]]; then rm -rf "$PG_WORK"; elif [[ $PG_WORK != "$WORK" ]]; then log "== kept $PG_WORK"; fi
    if [[ -n $CLEAN_WORK ]]; then rm -rf "$WORK"; else log "== kept $WORK"; fi
}
trap cleanup EXIT

# ---------------------------------------------------------------- build and inputs
if [[ -n ${EDIGATE:-} ]]; then
    log "== edigate: using EDIGATE=$EDIGATE (not building)"
else
    EDIGATE=$ROOT/target/release/edigate
    log "== building edigate (cargo build --release)"
    (cd "$ROOT" && cargo build --release) >"$LOGS/edigate-build.log" 2>&1 ||
        die "cargo build --release failed (see $LOGS/edigate-build.log)"
fi
[[ -x $EDIGATE ]] || die "$EDIGATE is not executable"

# DATA/gateway/FILESxSETS/: generated once; regenerated when its file count is off.
# Round R of a shape: its files numbered on from the rounds before (ISA13, GS06 and PO
# numbers never repeat within a store). DATA/gateway/FILESxSETS[-rR]/: generated once,
# regenerated when its file count is off.
inputs() {
    local shape=$1 round=$2 files=${1%x*} sets=${1#*x} dir=$DATA/gateway/$1
    ((round == 1)) || dir+=-r$round
    if [[ ! -d $dir ]] || (($(find "$dir" -name '*.edi' | wc -l) != files)); then
        rm -rf "$dir"
        log "== generating $files files of $sets 850(s) into $dir"
        "$PYTHON" "$BENCH/tools/gateway_files.py" --out "$dir" --files "$files" --sets "$sets" \
            --first $(((round - 1) * files + 1)) >&2
    fi
    echo "$dir"
}

declare -A PG_SKIP_REASON=()
if [[ " $STORES " == *" postgres "* ]] && ! pg_start; then
    PG_SKIP_REASON[postgres]=$PG_REASON
    log "== postgres skipped: $PG_REASON"
fi

# ---------------------------------------------------------------- one run
RESULTS=$LOGS/results.tsv
printf 'store\tworkers\tshape\trun\tround\tfiles\tsets\twall_s\tstore_s\tanalysis_s\tother_s\tuser_s\tsys_s\tmax_rss_kib\tload1\tcreate_us\tfsync_us\n' >"$RESULTS"
FAILED=0
RUN_ID=0

# Counts of the check, from the store: in-sets, accepted in-messages, delivered 997s,
# jobs not done.
store_counts() {
    local q="select (select count(*) from transaction_sets where direction = 'in') || ' ' ||
        (select count(*) from messages where direction = 'in' and status = 'accepted') || ' ' ||
        (select count(*) from messages where direction = 'out' and kind = 'ack' and status = 'delivered') || ' ' ||
        (select count(*) from jobs where state <> 'done')"
    if [[ $1 == sqlite ]]; then sqlite3 "$2/edigate.db" "$q"; else psql_db "$3" "$q"; fi
}

# What creating and syncing a small file costs in folder $1 right now (each 997 is such a
# file): 200 files created and written, 50 of them synced; kept, so that the probe deletes
# nothing. Prints "create_us fsync_us".
probe() {
    "$PYTHON" - "$1" <<'PROBE'
import os, sys, time
d = sys.argv[1]; os.makedirs(d)
t = time.perf_counter(); files = []
for i in range(200):
    f = open(f"{d}/f{i}", "wb"); f.write(b"x" * 1000); files.append(f)
create = (time.perf_counter() - t) / 200 * 1e6
t = time.perf_counter()
for f in files[:50]:
    f.flush(); os.fsync(f.fileno())
fsync = (time.perf_counter() - t) / 50 * 1e6
for f in files: f.close()
print(f"{create:.0f} {fsync:.0f}")
PROBE
}

# One run: a fresh store, then ROUNDS timed rounds of one shape into it.
run_one() {
    local store=$1 shape=$2 run=$3 files=${2%x*} sets=${2#*x} dir db_url='' db_name='' cfg
    RUN_ID=$((RUN_ID + 1))
    dir=$WORK/run-$RUN_ID
    mkdir -p "$dir"
    cfg=$dir/edigate.toml
    {
        echo "data_dir = \".\""
        echo "partners = \"$PARTNERS\""
        echo "[engine]"
        [[ -n $BATCH ]] && echo "batch = $BATCH"
        if [[ $store == postgres ]]; then
            [[ -n $PG_WORKERS ]] && echo "workers = $PG_WORKERS"
        else
            [[ -n $WORKERS ]] && echo "workers = $WORKERS"
        fi
        echo "[folders]"
        echo "poll_interval_ms = $POLL_MS"
        echo "settle_ms = 0"
    } >"$cfg"
    local args=(serve --drain --config "$cfg")
    if [[ $store == postgres ]]; then
        db_name=gw_$RUN_ID
        psql_db postgres "CREATE DATABASE $db_name" >/dev/null
        db_url=postgres://edigate@127.0.0.1:$PG_PORT/$db_name
        args+=(--database "$db_url")
    fi
    local out_log=$LOGS/$store-$shape-$run
    # Untimed: the store and the folders made.
    "$EDIGATE" "${args[@]}" >"$out_log.prepare.log" 2>&1 ||
        { log "   prepare failed: $out_log.prepare.log"; return 1; }
    local inbound=$dir/partners/bigretail/inbound outbound=$dir/partners/bigretail/outbound
    local archive=$dir/partners/bigretail/archive
    [[ -d $inbound ]] || { log "   no inbound folder $inbound"; return 1; }

    local round src log t0 t1 wall rc line probed load workers want_files want_sets
    for ((round = 1; round <= ROUNDS; round++)); do
        src=$(inputs "$shape" "$round")
        log=$out_log-r$round.log
        find "$src" -name '*.edi' -exec cp -t "$inbound" {} +
        sync
        probed=$(probe "$dir/partners/bigretail/probe-$round")
        load=$(cut -d' ' -f1 /proc/loadavg)
        local perf=()
        [[ -n ${PERF:-} ]] && perf=(perf record -g -o "$out_log-r$round.perf.data" --)
        t0=$EPOCHREALTIME
        rc=0
        "${perf[@]}" /usr/bin/time -f 'TIME %U %S %M' -o "$log.time" "$EDIGATE" "${args[@]}" >"$log" 2>&1 || rc=$?
        t1=$EPOCHREALTIME
        wall=$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.3f", b - a }')

        # Everything so far: this round's files and every round's before it.
        want_files=$((round * files)) want_sets=$((round * files * sets))
        local problems=() left archived replies ak9 ak5 counts
        ((rc == 0)) || problems+=("exit status $rc")
        left=$(find "$inbound" -type f | wc -l)
        archived=$(find "$archive" -type f | wc -l)
        replies=$(find "$outbound" -type f ! -name '.*' | wc -l)
        ((left == 0)) || problems+=("$left file(s) left in the inbound folder")
        ((archived == want_files)) || problems+=("$archived file(s) archived, want $want_files")
        ((replies == want_files)) || problems+=("$replies file(s) in the outbound folder, want $want_files")
        ak9=$(find "$outbound" -type f ! -name '.*' -exec cat {} + | tr -d '\n' | tr '~' '\n' | grep -c '^AK9\*A\*' || true)
        ak5=$(find "$outbound" -type f ! -name '.*' -exec cat {} + | tr -d '\n' | tr '~' '\n' | grep -cx 'AK5\*A' || true)
        ((ak9 == want_files)) || problems+=("$ak9 AK9*A in the 997s, want $want_files")
        ((ak5 == want_sets)) || problems+=("$ak5 AK5*A in the 997s, want $want_sets")
        counts=$(store_counts "$store" "$dir" "$db_name")
        [[ $counts == "$want_sets $want_files $want_files 0" ]] ||
            problems+=("store: sets in, messages accepted, 997s delivered, jobs not done = $counts; want $want_sets $want_files $want_files 0")

        line=$(grep 'worker time:' "$log" | tail -n1 || true)
        local st an ot user sys rss
        st=$(sed -nE 's/.*store ([0-9.]+) s,.*/\1/p' <<<"$line")
        an=$(sed -nE 's/.*analysis ([0-9.]+) s,.*/\1/p' <<<"$line")
        ot=$(sed -nE 's/.*channels and writing ([0-9.]+) s.*/\1/p' <<<"$line")
        read -r _ user sys rss < <(grep '^TIME' "$log.time" || echo "TIME ? ? ?")
        [[ -n $st && -n $an && -n $ot ]] || problems+=("no 'worker time' line in $log")

        if ((${#problems[@]})); then
            log "   FAILED $store $shape run $run round $round: ${problems[*]} (log $log; data $dir)"
            FAILED=1
            CLEAN_WORK='' CLEAN_PG=''
            return 0
        fi
        workers=$(grep -o '[0-9]* worker(s)' "$log" | head -n1 | cut -d' ' -f1)
        printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$store" "$workers" \
            "$shape" "$run" "$round" "$files" "$((files * sets))" "$wall" "$st" "$an" "$ot" "$user" "$sys" \
            "$rss" "$load" "${probed% *}" "${probed#* }" >>"$RESULTS"
        log "   $store $shape run $run round $round: $wall s, $(awk -v s=$((files * sets)) -v w="$wall" 'BEGIN { printf "%.0f", s / w }') sets/s; worker time store $st s, analysis $an s, other $ot s; cpu user $user s sys $sys s; load before $load; probe: create ${probed% *} us, fsync ${probed#* } us"
    done
}

log "== machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ *//'), load $(cut -d' ' -f1-3 /proc/loadavg)"
log "== edigate $EDIGATE; RUNS=$RUNS; ROUNDS=$ROUNDS; shapes ${SHAPES[*]}; batch ${BATCH:-default}; workers ${WORKERS:-default}; poll ${POLL_MS} ms"
# Runs interleaved (run 1 of every store and shape, then run 2, ...), so that a noisy
# minute on a shared machine does not fall on one configuration only.
for ((run = 1; run <= RUNS; run++)); do
    for store in $STORES; do
        [[ -n ${PG_SKIP_REASON[$store]:-} ]] && continue
        [[ $store == sqlite || $store == postgres ]] || die "unknown store '$store' (sqlite or postgres)"
        for shape in "${SHAPES[@]}"; do
            run_one "$store" "$shape" "$run" || { FAILED=1; CLEAN_WORK='' CLEAN_PG=''; }
        done
    done
done

# ---------------------------------------------------------------- summary
"$PYTHON" - "$RESULTS" <<'EOF'
import csv, statistics, sys
rows = list(csv.DictReader(open(sys.argv[1]), delimiter="\t"))
groups = {}
for r in rows:
    groups.setdefault((r["store"], r["shape"], r["round"]), []).append(r)
med = lambda rs, f: statistics.median(float(r[f]) for r in rs)
print("| store | workers | files × sets | round | sets | runs | wall: median (range) | sets/s | files/s | worker time: store / analysis / channels | store share | CPU user + sys | probe: create / fsync |")
print("|---|---|---|---|---|---|---|---|---|---|---|---|---|")
for (store, shape, rnd), rs in groups.items():
    wall = med(rs, "wall_s")
    sets = int(rs[0]["sets"]); files = int(rs[0]["files"])
    st, an, ot = med(rs, "store_s"), med(rs, "analysis_s"), med(rs, "other_s")
    share = statistics.median(
        float(r["store_s"]) / max(1e-9, float(r["store_s"]) + float(r["analysis_s"]) + float(r["other_s"]))
        for r in rs)
    walls = sorted(float(r["wall_s"]) for r in rs)
    print(f"| {store} | {rs[0]['workers']} | {shape.replace('x', ' × ')} | {rnd} | {sets} | {len(rs)} | {wall:.2f} s "
          f"({walls[0]:.2f}–{walls[-1]:.2f}) | **{sets / wall:.0f}** | {files / wall:.0f} | "
          f"{st:.2f} / {an:.2f} / {ot:.2f} s | {share:.0%} | "
          f"{med(rs, 'user_s'):.2f} + {med(rs, 'sys_s'):.2f} s | "
          f"{med(rs, 'create_us'):.0f} / {med(rs, 'fsync_us'):.0f} µs |")
EOF
log "== per-run results: $RESULTS"
exit "$FAILED"
