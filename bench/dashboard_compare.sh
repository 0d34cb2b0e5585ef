#!/usr/bin/env bash
# Dashboard query benchmark: vigil vs Debian's Prometheus 2.42 on identical data (issue 5, "Speed").
#
# Data: TARGETS targets x SERIES_PER_TARGET series (default 10 x 2000 = 20k series, the series
# of bench/workload_target.py), HISTORY seconds of history (default 1h) at one sample per
# DATA_STEP seconds (30), served with explicit timestamps by bench/history_target.py (one
# process per target). Both systems scrape at the same time, each on its own path, and each
# gets the history chunk by chunk in time order, so both store the same samples; the script
# waits until both report the expected sample count.
#
# Then every query below runs REPS times (15) against each system with curl, alternating
# systems, after one unmeasured warm-up call each (whose answers are compared for result type
# and series count). Instant queries are evaluated at the end of the history; range queries
# cover the whole hour with a 15s or 60s step. Reported: median (and min) curl time_total per
# query and system, the per-query ratio vigil/Prometheus of the medians, and the summary ratio
# (median of the per-query ratios). Written to bench/results/dashboard-<date>.md.
#
# Env overrides: REPS (15), TARGETS (10), SERIES_PER_TARGET (2000), HISTORY (3600),
#   DATA_STEP (30), CHUNK_STEPS (20), BASE_PORT (19200, targets use BASE_PORT..+TARGETS-1),
#   VIGIL_PORT (19290), PROM_PORT (19291), VIGIL_BIN (default build/release/src/app/vigil),
#   PROMETHEUS_BIN (default build/peers/usr/bin/prometheus, from scripts/setup.sh --test-peers),
#   LOAD_TIMEOUT (300), RESULT_FILE, NOTE (free text for the file), VIGIL_DESC (how the
#   binary was built, for the file).
set -euo pipefail

REPS=${REPS:-15}
TARGETS=${TARGETS:-10}
SERIES_PER_TARGET=${SERIES_PER_TARGET:-2000}
HISTORY=${HISTORY:-3600}
DATA_STEP=${DATA_STEP:-30}
CHUNK_STEPS=${CHUNK_STEPS:-20}
BASE_PORT=${BASE_PORT:-19200}
VIGIL_PORT=${VIGIL_PORT:-19290}
PROM_PORT=${PROM_PORT:-19291}
LOAD_TIMEOUT=${LOAD_TIMEOUT:-300}

REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
VIGIL_BIN=${VIGIL_BIN:-$REPO/build/release/src/app/vigil}
PROMETHEUS_BIN=${PROMETHEUS_BIN:-$REPO/build/peers/usr/bin/prometheus}
WORK=$(mktemp -d /tmp/vigil-dashboard-compare.XXXXXX)
PIDS=()

log() { echo "[$(date +%H:%M:%S)] $*" >&2; }

cleanup() {
  local pid
  for pid in "${PIDS[@]}"; do kill -TERM "$pid" 2>/dev/null || true; done
  sleep 1
  for pid in "${PIDS[@]}"; do kill -KILL "$pid" 2>/dev/null || true; done
  if [[ "${KEEP_WORK:-0}" != 1 ]]; then rm -rf "$WORK"; fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM

for bin in "$VIGIL_BIN" "$PROMETHEUS_BIN"; do
  [[ -x "$bin" ]] || { echo "not an executable: $bin (see the header of $0)" >&2; exit 2; }
done

# Every query: kind (instant|range), step for range queries, expression.
QUERIES=(
  'instant||sum by (t) (rate(bench_http_requests_total[5m]))'
  'instant||histogram_quantile(0.95, sum by (le) (rate(bench_request_duration_seconds_bucket[5m])))'
  'instant||topk(10, sum by (handler) (rate(bench_http_requests_total[5m])))'
  'instant||sum by (t) (rate(bench_http_requests_total{code=~"5.."}[5m])) / sum by (t) (rate(bench_http_requests_total[5m]))'
  'instant||avg by (t) (avg_over_time(bench_temperature_celsius[10m]))'
  'instant||count by (code) (bench_http_requests_total)'
  'instant||sum by (method) (rate(bench_request_duration_seconds_sum[5m])) / sum by (method) (rate(bench_request_duration_seconds_count[5m]))'
  'instant||max by (t) (bench_memory_usage_bytes)'
  'range|15|sum by (t) (rate(bench_http_requests_total[5m]))'
  'range|60|histogram_quantile(0.95, sum by (le) (rate(bench_request_duration_seconds_bucket[5m])))'
  'range|15|histogram_quantile(0.99, sum by (le, method) (rate(bench_request_duration_seconds_bucket[5m])))'
  'range|60|sum by (t) (rate(bench_http_requests_total{code=~"5.."}[5m])) / sum by (t) (rate(bench_http_requests_total[5m]))'
  'range|15|topk(10, sum by (handler) (rate(bench_http_requests_total[5m])))'
  'range|60|avg by (t) (avg_over_time(bench_cpu_utilisation_ratio[10m]))'
  'range|15|count by (t) (bench_queue_depth > 2500)'
)

wait_http() {  # wait_http URL PID SECONDS
  local i
  for ((i = 0; i < $3 * 5; i++)); do
    kill -0 "$2" 2>/dev/null || { log "process $2 died"; return 1; }
    curl -fsS --max-time 2 "$1" >/dev/null 2>&1 && return 0
    sleep 0.2
  done
  log "timeout waiting for $1"
  return 1
}

# ---------------------------------------------------------------- data
END_S=$(( ($(date +%s) - 60) / DATA_STEP * DATA_STEP ))
START_S=$((END_S - HISTORY))
for ((i = 0; i < TARGETS; i++)); do
  PYTHONPATH="$REPO/bench" python3 "$REPO/bench/history_target.py" --port $((BASE_PORT + i)) \
    --index "$i" --series "$SERIES_PER_TARGET" --end-ms $((END_S * 1000)) --history "$HISTORY" \
    --data-step "$DATA_STEP" --chunk-steps "$CHUNK_STEPS" --max-seconds 3600 \
    >"$WORK/target-$i.log" 2>&1 &
  PIDS+=("$!")
done
EXPECTED=0
for ((i = 0; i < TARGETS; i++)); do
  w=0
  while [[ ! -s "$WORK/target-$i.log" ]] && ((w++ < 100)); do sleep 0.2; done
  read -r series steps < <(sed -E 's/series=([0-9]+) steps=([0-9]+)/\1 \2/' "$WORK/target-$i.log")
  EXPECTED=$((EXPECTED + series * steps))
  SERIES_TOTAL=$((${SERIES_TOTAL:-0} + series))
done
log "targets up: $SERIES_TOTAL series, $EXPECTED samples of history to load"

write_config() {  # write_config SCRAPER_NAME FILE
  {
    echo "global:"
    echo "  scrape_interval: 5s"
    echo "  scrape_timeout: 5s"
    echo "scrape_configs:"
    echo "  - job_name: bench"
    echo "    metrics_path: /metrics/$1"
    echo "    static_configs:"
    echo "      - targets:"
    for ((i = 0; i < TARGETS; i++)); do echo "          - 127.0.0.1:$((BASE_PORT + i))"; done
  } >"$2"
}
write_config vigil "$WORK/vigil.yml"
write_config prometheus "$WORK/prometheus.yml"

mkdir -p "$WORK/data-vigil" "$WORK/data-prometheus"
"$VIGIL_BIN" serve --config.file="$WORK/vigil.yml" --storage.tsdb.path="$WORK/data-vigil" \
  --web.listen-address=127.0.0.1:$VIGIL_PORT --log.level=warn >"$WORK/vigil.log" 2>&1 &
VIGIL_PID=$!
PIDS+=("$VIGIL_PID")
# Prometheus appends nothing older than max time - min-block-duration/2 (1h by default): as
# its targets deliver their history independently, a 1h history needs a wider head window.
"$PROMETHEUS_BIN" --config.file="$WORK/prometheus.yml" --storage.tsdb.path="$WORK/data-prometheus" \
  --storage.tsdb.min-block-duration=4h \
  --web.listen-address=127.0.0.1:$PROM_PORT --log.level=warn >"$WORK/prometheus.log" 2>&1 &
PROM_PID=$!
PIDS+=("$PROM_PID")
wait_http "http://127.0.0.1:$VIGIL_PORT/metrics" "$VIGIL_PID" 60
wait_http "http://127.0.0.1:$PROM_PORT/metrics" "$PROM_PID" 60

# Both hold the whole history once this count is right.
# (_sum and _count of a histogram have the same labels once the name is dropped)
W="[$((HISTORY + 300))s]"
PROBE="sum(count_over_time({__name__=~\"bench_.+\",__name__!~\".*_(sum|count)\"}$W))
  + sum(count_over_time(bench_request_duration_seconds_sum$W))
  + sum(count_over_time(bench_request_duration_seconds_count$W))"
sample_count() {  # sample_count PORT
  curl -sS --max-time 30 "http://127.0.0.1:$1/api/v1/query" --data-urlencode "query=$PROBE" \
    --data-urlencode "time=$END_S" |
    python3 -c 'import json,sys; r=json.load(sys.stdin)["data"]["result"]; print(r[0]["value"][1] if r else 0)' 2>/dev/null ||
    echo "?"
}
t0=$(date +%s)
while :; do
  cv=$(sample_count "$VIGIL_PORT"); cp=$(sample_count "$PROM_PORT")
  [[ "$cv" == "$EXPECTED" && "$cp" == "$EXPECTED" ]] && break
  if (($(date +%s) - t0 > LOAD_TIMEOUT)); then
    log "history not loaded after ${LOAD_TIMEOUT}s: vigil $cv, prometheus $cp, want $EXPECTED"
    exit 1
  fi
  log "loading: vigil $cv, prometheus $cp of $EXPECTED samples"
  sleep 5
done
log "both hold $EXPECTED samples (loaded in $(($(date +%s) - t0))s)"

# ---------------------------------------------------------------- queries
query_args() {  # query_args KIND STEP EXPR -> curl arguments (path and form fields) on stdout, one a line
  if [[ $1 == instant ]]; then
    printf '%s\n' /api/v1/query "query=$3" "time=$END_S"
  else
    printf '%s\n' /api/v1/query_range "query=$3" "start=$START_S" "end=$END_S" "step=$2"
  fi
}
run_query() {  # run_query PORT KIND STEP EXPR OUT_FILE -> time_total on stdout
  local args path
  mapfile -t args < <(query_args "$2" "$3" "$4")
  path=${args[0]}
  curl -sS --max-time 120 -G -o "$5" -w '%{time_total}' "http://127.0.0.1:$1$path" \
    --data-urlencode "${args[1]}" --data-urlencode "${args[2]}" \
    ${args[3]:+--data-urlencode "${args[3]}"} ${args[4]:+--data-urlencode "${args[4]}"}
}
shape() {  # shape FILE -> "status resultType series" of an API answer
  python3 -c 'import json,sys
j=json.load(open(sys.argv[1]))
d=j.get("data") or {}
print(("%s %s %d %s" % (j.get("status"), d.get("resultType"), len(d.get("result") or []), j.get("error", ""))).strip())' "$1" 2>/dev/null ||
    echo "unparsable"
}

: >"$WORK/timings.tsv"
: >"$WORK/shapes.tsv"
LOAD_BEFORE=$(cut -d' ' -f1-3 /proc/loadavg)
for qi in "${!QUERIES[@]}"; do
  IFS='|' read -r kind step expr <<<"${QUERIES[$qi]}"
  run_query "$VIGIL_PORT" "$kind" "$step" "$expr" "$WORK/v.json" >/dev/null
  run_query "$PROM_PORT" "$kind" "$step" "$expr" "$WORK/p.json" >/dev/null
  printf '%s\t%s\t%s\n' "$qi" "$(shape "$WORK/v.json")" "$(shape "$WORK/p.json")" >>"$WORK/shapes.tsv"
  for ((r = 0; r < REPS; r++)); do
    tv=$(run_query "$VIGIL_PORT" "$kind" "$step" "$expr" /dev/null)
    tp=$(run_query "$PROM_PORT" "$kind" "$step" "$expr" /dev/null)
    printf '%s\t%s\t%s\n' "$qi" "$tv" "$tp" >>"$WORK/timings.tsv"
  done
  log "query $qi done: $(awk -F'\t' -v q="$qi" '$1 == q' "$WORK/shapes.tsv" | cut -f2-)"
done

# ---------------------------------------------------------------- report
VERSIONS="$("$VIGIL_BIN" --version 2>&1 | head -1) (${VIGIL_DESC:-$VIGIL_BIN}); $("$PROMETHEUS_BIN" --version 2>&1 | head -1)"
DATE=$(date -u +%Y-%m-%d)
RESULT_FILE=${RESULT_FILE:-$REPO/bench/results/dashboard-$DATE.md}
mkdir -p "$(dirname "$RESULT_FILE")"
QUERY_LIST="$WORK/queries.txt"
printf '%s\n' "${QUERIES[@]}" >"$QUERY_LIST"
python3 - "$WORK/timings.tsv" "$WORK/shapes.tsv" "$QUERY_LIST" "$HISTORY" >"$WORK/table.md" <<'EOF'
import statistics, sys
timings, shapes, queries, history = sys.argv[1:5]
qs = [l.rstrip("\n").split("|", 2) for l in open(queries)]
tv, tp = {}, {}
for line in open(timings):
    q, a, b = line.split("\t")
    tv.setdefault(int(q), []).append(float(a))
    tp.setdefault(int(q), []).append(float(b))
shape = {}
for line in open(shapes):
    q, a, b = line.rstrip("\n").split("\t")
    shape[int(q)] = (a, b)
print("| # | query | kind | vigil median ms | vigil min ms | Prometheus median ms | Prometheus min ms | vigil/Prometheus | answers (status type series) |")
print("|---|---|---|---|---|---|---|---|---|")
ratios = []
slower = []
for i, (kind, step, expr) in enumerate(qs):
    mv, mp = statistics.median(tv[i]), statistics.median(tp[i])
    ratio = mv / mp
    ratios.append(ratio)
    if ratio > 1:
        slower.append("%d (%.2fx)" % (i + 1, ratio))
    kind_s = kind if kind == "instant" else "range %dm, step %ss" % (int(history) // 60, step)
    a, b = shape[i]
    same = "same: " + a if a == b else "vigil: %s; Prometheus: %s" % (a, b)
    print("| %d | `%s` | %s | %.1f | %.1f | %.1f | %.1f | %.2f | %s |" % (
        i + 1, expr.replace("|", "\\|"), kind_s, mv * 1e3, min(tv[i]) * 1e3, mp * 1e3,
        min(tp[i]) * 1e3, ratio, same))
print()
print("**Summary ratio (median of the per-query median ratios, vigil/Prometheus): %.2f** "
      "(geometric mean %.2f, best %.2f, worst %.2f; %d queries)." % (
          statistics.median(ratios), statistics.geometric_mean(ratios), min(ratios),
          max(ratios), len(ratios)))
print()
if slower:
    print("vigil is slower than Prometheus on queries " + ", ".join(slower) + ".")
else:
    print("vigil is faster than Prometheus on every query.")
EOF

{
  echo "# Dashboard queries: vigil vs Prometheus 2.42 ($DATE)"
  echo
  echo "Produced by \`bench/dashboard_compare.sh\` (one run). Versions: $VERSIONS."
  echo "Data: $TARGETS targets, $SERIES_TOTAL series (counters, gauges, classic histograms of"
  echo "bench/workload_target.py), $((HISTORY / 60)) minutes of history at one sample per ${DATA_STEP}s"
  echo "($EXPECTED samples), served with explicit timestamps, identical in both systems (checked by"
  echo "sample count). Instant queries at the end of the history; range queries over all of it."
  echo "Each query: one warm-up call per system, then $REPS measured calls per system alternating"
  echo "vigil / Prometheus, timed with curl's time_total (HTTP on loopback, JSON answer included)."
  echo "Machine: $(nproc) cores shared with other engineers' builds; load average at the start of the"
  echo "queries: $LOAD_BEFORE, at the end: $(cut -d' ' -f1-3 /proc/loadavg). Treat figures as indicative.${NOTE:+ $NOTE}"
  echo
  cat "$WORK/table.md"
} >"$RESULT_FILE"
cat "$RESULT_FILE"
log "written $RESULT_FILE"
