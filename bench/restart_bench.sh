#!/usr/bin/env bash
# Restart test (issue 4, "Proof"): vigil ingests SERIES active series, is
# stopped — once with SIGKILL, once with SIGTERM — and restarted on the same
# data directory. For each restart it reports how long the storage took to
# open (WAL replay included, from vigil's "TSDB opened" log line), how long
# until /metrics answered, and the resident memory once open.
#
# Workload: bench/workload_target.py, TARGETS targets x SERIES/TARGETS series
# (counters, gauges, histograms), scraped every INTERVAL for INGEST seconds.
# The restarts use a configuration without scrape jobs, so the memory
# measured is that of the replayed storage alone.
#
# Env overrides: VIGIL_BIN (required: a Release vigil), SERIES (100000),
#   TARGETS (10), INTERVAL (2s), INGEST (90), BASE_PORT (19500), PORT (19590),
#   RESULT_FILE (bench/results/restart-<date>.md), NOTE (free text for the file).
set -euo pipefail

SERIES=${SERIES:-100000}
TARGETS=${TARGETS:-10}
INTERVAL=${INTERVAL:-2s}
INGEST=${INGEST:-90}
BASE_PORT=${BASE_PORT:-19500}
PORT=${PORT:-19590}
: "${VIGIL_BIN:?set VIGIL_BIN to a Release build of vigil}"

REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
WORK=$(mktemp -d /tmp/vigil-restart-bench.XXXXXX)
PIDS=()
log() { echo "[$(date +%H:%M:%S)] $*" >&2; }

cleanup() {
  local pid
  for pid in "${PIDS[@]}"; do kill -KILL "$pid" 2>/dev/null || true; done
  rm -rf "$WORK"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

rss_bytes() { awk '/^VmRSS:/ { print $2 * 1024 }' "/proc/$1/status"; }
metric() {  # metric NAME: the value of an unlabeled sample
  curl -fsS --max-time 10 "http://127.0.0.1:$PORT/metrics" | awk -v n="$1" '$1 == n { print $2 }'
}

wait_metrics() {  # wait_metrics PID SECONDS: until /metrics answers
  local i
  for ((i = 0; i < $2 * 20; i++)); do
    kill -0 "$1" 2>/dev/null || { log "vigil $1 died"; cat "$WORK"/vigil-*.log >&2; return 1; }
    curl -fsS --max-time 2 "http://127.0.0.1:$PORT/metrics" >/dev/null 2>&1 && return 0
    sleep 0.05
  done
  log "timeout waiting for vigil"
  return 1
}

start_vigil() {  # start_vigil CONFIG NAME: starts vigil, sets VIGIL_PID
  "$VIGIL_BIN" serve --config.file="$1" --storage.tsdb.path="$WORK/data" \
    --web.listen-address=127.0.0.1:$PORT --log.level=info >"$WORK/vigil-$2.log" 2>&1 &
  VIGIL_PID=$!
  PIDS+=("$VIGIL_PID")
}

# ---------------------------------------------------------------- configs
SCRAPE=$WORK/scrape.yml
{
  echo "global:"
  echo "  scrape_interval: $INTERVAL"
  echo "  scrape_timeout: $INTERVAL"
  echo "scrape_configs:"
  echo "  - job_name: restart"
  echo "    static_configs:"
  echo "      - targets:"
  for ((i = 0; i < TARGETS; i++)); do echo "          - 127.0.0.1:$((BASE_PORT + i))"; done
} >"$SCRAPE"
IDLE=$WORK/idle.yml
printf 'global:\n  scrape_interval: 15s\n' >"$IDLE"

python3 "$REPO/bench/workload_target.py" --base-port "$BASE_PORT" --targets "$TARGETS" \
  --series $((SERIES / TARGETS)) --max-seconds $((INGEST * 3 + 600)) >"$WORK/workload.log" 2>&1 &
PIDS+=("$!")
sleep 2

# ---------------------------------------------------------------- one round
# round KIND SIGNAL: ingest, stop with SIGNAL, restart idle; appends a table row.
ROWS=()
round() {
  local kind=$1 sig=$2 start_ns ready_ns open_ms rss series samples wal
  start_vigil "$SCRAPE" "ingest-$kind"
  wait_metrics "$VIGIL_PID" 60
  log "$kind: ingesting for ${INGEST}s"
  sleep "$INGEST"
  series=$(metric vigil_tsdb_head_series)
  samples=$(metric vigil_tsdb_head_samples_appended_total)
  log "$kind: $series series, $samples samples appended; stopping with SIG$sig"
  kill -"$sig" "$VIGIL_PID"
  wait "$VIGIL_PID" 2>/dev/null || true
  wal=$(du -sb "$WORK/data/wal" | cut -f1)

  start_ns=$(date +%s%N)
  start_vigil "$IDLE" "restart-$kind"
  wait_metrics "$VIGIL_PID" 600
  ready_ns=$(date +%s%N)
  open_ms=$(grep -m1 'msg="TSDB opened"' "$WORK/vigil-restart-$kind.log" |
    sed -E 's/.*replay_ms=([0-9.]+).*/\1/')
  rss=$(rss_bytes "$VIGIL_PID")
  local after
  after=$(metric vigil_tsdb_head_series)
  log "$kind: storage open in ${open_ms} ms, ready after $(((ready_ns - start_ns) / 1000000)) ms, RSS $rss, $after series"
  ROWS+=("| $kind (SIG$sig) | $series | $samples | $wal | $open_ms | $(((ready_ns - start_ns) / 1000000)) | $(awk -v r="$rss" 'BEGIN{printf "%.1f", r / 1048576}') | $(awk -v r="$rss" -v s="$after" 'BEGIN{printf "%.0f", r / s}') | $after |")
  kill -TERM "$VIGIL_PID"
  wait "$VIGIL_PID" 2>/dev/null || true
}

round kill KILL
round clean TERM

RESULT_FILE=${RESULT_FILE:-$REPO/bench/results/restart-$(date +%Y-%m-%d).md}
{
  echo "# Restart with $SERIES series ($(date +%Y-%m-%d))"
  echo
  echo "Produced by \`bench/restart_bench.sh\` (one run). vigil: $("$VIGIL_BIN" --version 2>&1 | head -1)."
  echo "Workload: $TARGETS targets x $((SERIES / TARGETS)) series from bench/workload_target.py,"
  echo "scraped every $INTERVAL for ${INGEST}s into the same data directory (the second"
  echo "round appends to the first round's data). After the stop, vigil restarts with no"
  echo "scrape jobs; \"open\" is the storage's own figure (RocksDB open, series load, WAL"
  echo "replay), \"ready\" is from exec until /metrics answers, RSS is read right then."
  echo "Load average at the end: $(cut -d' ' -f1-3 /proc/loadavg) on $(nproc) cores."
  [[ -n "${NOTE:-}" ]] && echo && echo "$NOTE"
  echo
  echo "| stop | series | samples appended | WAL bytes at stop | open ms | ready ms | RSS MiB | RSS bytes/series | series after restart |"
  echo "|---|---|---|---|---|---|---|---|---|"
  printf '%s\n' "${ROWS[@]}"
} >"$RESULT_FILE"
cat "$RESULT_FILE"
