#!/usr/bin/env bash
# Storage comparison: vigil vs Prometheus 2.42 vs VictoriaMetrics 1.79 (Debian packages)
# on the same generated scrape workload (issue 4, "Targets").
#
# Workload: TARGETS targets x SERIES_PER_TARGET series (default 10 x 2000 = 20k active
# series) served on 127.0.0.1 by bench/workload_target.py: counters, random-walk gauges and
# classic histograms whose values change every second. Each system scrapes them every 1s,
# one system after another (never concurrently), for DURATION seconds after WARMUP seconds.
#
# Per system it reports:
#   CPU per ingested sample  = (utime+stime of the process over the measured window)
#                              / samples appended in that window (from the system's own metrics)
#   disk bytes per sample    = du -sb of the data dir after a graceful SIGTERM stop
#                              / all samples appended over the run (WAL included for
#                              Prometheus, whose head stays in the WAL for 2h)
#   RSS bytes per series     = VmRSS at the end of the window / active series
#   persisted bytes/sample   = what the system keeps once samples leave its
#                              in-memory head, over the samples it holds there:
#                              vigil: RocksDB dir bytes (info LOGs excluded) / samples in RocksDB chunks
#                              (tsdb analyze; index CFs included, the WAL not);
#                              VictoriaMetrics: du of the data dir minus cache/ after
#                              its shutdown flush / all samples; Prometheus: du minus
#                              wal/ (chunks_head: full head chunks) / all samples, which
#                              flatters it (its open chunks are only in the WAL).
#                              Use DURATION=600 or more: short runs are dominated by
#                              the index and the open chunks.
# and the ratios vigil/Prometheus and vigil/VictoriaMetrics. The table is printed and written
# to bench/results/storage_compare-<date>.md.
#
# Env overrides: DURATION (120), WARMUP (15), TARGETS (10), SERIES_PER_TARGET (2000),
#   BASE_PORT (19100, targets use BASE_PORT..+TARGETS-1), VIGIL_PORT (19090),
#   PROM_PORT (19091), VM_PORT (19092), VIGIL_BIN (skip the build and use this binary),
#   VIGIL_BUILD_FROM=head|worktree (head: build a snapshot of git HEAD in /tmp, isolated
#   from uncommitted edits in the work tree; worktree: build build/release in place),
#   SYSTEMS ("vigil prometheus victoriametrics"), RESULT_FILE, NOTE (free text for the file).
set -euo pipefail

DURATION=${DURATION:-120}
WARMUP=${WARMUP:-15}
TARGETS=${TARGETS:-10}
SERIES_PER_TARGET=${SERIES_PER_TARGET:-2000}
BASE_PORT=${BASE_PORT:-19100}
VIGIL_PORT=${VIGIL_PORT:-19090}
PROM_PORT=${PROM_PORT:-19091}
VM_PORT=${VM_PORT:-19092}
SYSTEMS=${SYSTEMS:-"vigil prometheus victoriametrics"}
VIGIL_BUILD_FROM=${VIGIL_BUILD_FROM:-head}
STOP_TIMEOUT=${STOP_TIMEOUT:-120}

REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
WORK=$(mktemp -d /tmp/vigil-storage-compare.XXXXXX)
CLK_TCK=$(getconf CLK_TCK)
PIDS=()

log() { echo "[$(date +%H:%M:%S)] $*" >&2; }

cleanup() {
  local pid
  for pid in "${PIDS[@]}"; do
    if kill -0 "$pid" 2>/dev/null; then
      kill -TERM "$pid" 2>/dev/null || true
    fi
  done
  sleep 1
  for pid in "${PIDS[@]}"; do
    if kill -0 "$pid" 2>/dev/null; then
      kill -KILL "$pid" 2>/dev/null || true
    fi
  done
  if [[ "${KEEP_WORK:-0}" != 1 ]]; then rm -rf "$WORK"; fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# ---------------------------------------------------------------- install / build
ensure_packages() {
  local need=()
  command -v prometheus >/dev/null 2>&1 || need+=(prometheus)
  command -v victoria-metrics >/dev/null 2>&1 || need+=(victoria-metrics)
  if ((${#need[@]})); then
    log "installing ${need[*]}"
    if ! apt-cache policy "${need[@]}" 2>/dev/null | grep -q 'Candidate: [0-9]'; then
      apt-get update >/dev/null
    fi
    DEBIAN_FRONTEND=noninteractive apt-get install -y "${need[@]}" >/dev/null
  fi
  # The Debian packages enable a system service; this script never uses it.
}

# GCC 12 at -O3 reports false -Wrestrict/-Wstringop-overflow positives in libstdc++ string
# code, which -Werror turns into build failures; they are not errors of the project.
RELEASE_FLAGS="-Wno-restrict -Wno-error=restrict -Wno-error=stringop-overflow -Wno-error=array-bounds -Wno-error=maybe-uninitialized"

build_vigil() {
  if [[ -n "${VIGIL_BIN:-}" ]]; then echo "$VIGIL_BIN"; return; fi
  local src
  if [[ "$VIGIL_BUILD_FROM" == worktree ]]; then
    src=$REPO
  else
    local sha
    sha=$(git -C "$REPO" rev-parse --short HEAD)
    src=/tmp/vigil-bench-src-$sha
    if [[ ! -f "$src/CMakeLists.txt" ]]; then
      mkdir -p "$src"
      git -C "$REPO" archive HEAD | tar -x -C "$src"
    fi
  fi
  log "building vigil (Release) in $src/build/release"
  cmake -S "$src" -B "$src/build/release" -G Ninja -DCMAKE_BUILD_TYPE=Release \
    -DVIGIL_BUILD_TESTS=OFF -DVIGIL_BUILD_BENCH=OFF "-DCMAKE_CXX_FLAGS=$RELEASE_FLAGS" >&2
  cmake --build "$src/build/release" --target vigil >&2
  echo "$src/build/release/src/app/vigil"
}

# ---------------------------------------------------------------- helpers
per() {  # per NUM DEN SCALE -> NUM*SCALE/DEN
  awk -v n="$1" -v d="$2" -v s="$3" 'BEGIN { if (n == "" || d == "" || n == "NA" || d == "NA" || d + 0 == 0) print "NA"; else printf "%.3f", n * s / d }'
}
cpu_seconds() {  # utime+stime of a process (all threads), in seconds
  awk -v hz="$CLK_TCK" '{ sub(/^.*\) /, ""); printf "%.3f", ($12 + $13) / hz }' "/proc/$1/stat"
}
rss_bytes() { awk '/^VmRSS:/ { print $2 * 1024 }' "/proc/$1/status"; }

metric_sum() {  # metric_sum PORT REGEX: sum of all samples whose name{labels} matches REGEX
  curl -fsS --max-time 10 "http://127.0.0.1:$1/metrics" 2>/dev/null |
    awk -v re="$2" '$0 !~ /^#/ && $1 ~ re { s += $NF; n++ } END { printf "%.0f", s }'
}

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

stop_gracefully() {  # SIGTERM, wait up to STOP_TIMEOUT, then SIGKILL
  local pid=$1 i
  kill -TERM "$pid" 2>/dev/null || return 0
  for ((i = 0; i < STOP_TIMEOUT * 5; i++)); do
    kill -0 "$pid" 2>/dev/null || { wait "$pid" 2>/dev/null || true; return 0; }
    sleep 0.2
  done
  log "pid $pid did not stop in ${STOP_TIMEOUT}s, killing"
  kill -KILL "$pid" 2>/dev/null || true
  wait "$pid" 2>/dev/null || true
}

write_config() {
  local f=$WORK/scrape.yml i
  {
    echo "global:"
    echo "  scrape_interval: 1s"
    echo "  scrape_timeout: 1s"
    echo "scrape_configs:"
    echo "  - job_name: bench"
    echo "    static_configs:"
    echo "      - targets:"
    for ((i = 0; i < TARGETS; i++)); do echo "          - 127.0.0.1:$((BASE_PORT + i))"; done
  } >"$f"
  echo "$f"
}

# ---------------------------------------------------------------- one system
# Sets R_<sys>_{cpu,samples,total,rss,series,disk,wal,extra} via a results file.
run_system() {
  local sys=$1 port dir pid samples_re series_re
  dir=$WORK/data-$sys
  mkdir -p "$dir"
  case $sys in
    vigil)
      port=$VIGIL_PORT
      "$VIGIL" serve --config.file="$CONFIG" --storage.tsdb.path="$dir" \
        --web.listen-address=127.0.0.1:$port --log.level=warn >"$WORK/$sys.log" 2>&1 &
      samples_re='^vigil_tsdb_head_samples_appended_total'
      series_re='^vigil_tsdb_head_series$'
      ;;
    prometheus)
      port=$PROM_PORT
      prometheus --config.file="$CONFIG" --storage.tsdb.path="$dir" \
        --web.listen-address=127.0.0.1:$port --log.level=warn >"$WORK/$sys.log" 2>&1 &
      samples_re='^prometheus_tsdb_head_samples_appended_total'
      series_re='^prometheus_tsdb_head_series$'
      ;;
    victoriametrics)
      port=$VM_PORT
      victoria-metrics -promscrape.config="$CONFIG" -storageDataPath="$dir" \
        -httpListenAddr=127.0.0.1:$port -loggerLevel=WARN >"$WORK/$sys.log" 2>&1 &
      samples_re='^vm_rows_inserted_total'
      series_re='^vm_new_timeseries_created_total$'
      ;;
  esac
  pid=$!
  PIDS+=("$pid")
  wait_http "http://127.0.0.1:$port/metrics" "$pid" 60
  log "$sys: pid $pid up on :$port, warm-up ${WARMUP}s"
  sleep "$WARMUP"
  local cpu0 s0 t0 cpu1 s1 t1 rss series total load
  load=$(cut -d' ' -f1 /proc/loadavg)
  cpu0=$(cpu_seconds "$pid"); s0=$(metric_sum "$port" "$samples_re"); t0=$(date +%s.%N)
  log "$sys: measuring ${DURATION}s (samples so far $s0)"
  sleep "$DURATION"
  cpu1=$(cpu_seconds "$pid"); s1=$(metric_sum "$port" "$samples_re"); t1=$(date +%s.%N)
  rss=$(rss_bytes "$pid")
  series=$(metric_sum "$port" "$series_re")
  total=$s1
  log "$sys: window done: cpu $(awk -v a="$cpu0" -v b="$cpu1" 'BEGIN{print b-a}')s, samples $((s1 - s0)), rss $rss, series $series; stopping"
  local ts=$(date +%s.%N)
  stop_gracefully "$pid"
  local stop_s
  stop_s=$(awk -v a="$ts" -v b="$(date +%s.%N)" 'BEGIN{printf "%.1f", b-a}')
  local disk wal=0 extra="" persisted=NA
  disk=$(du -sb "$dir" | cut -f1)
  case $sys in
    prometheus)
      [[ -d "$dir/wal" ]] && wal=$(du -sb "$dir/wal" | cut -f1)
      persisted=$(per "$((disk - wal))" "$total" 1)
      ;;
    victoriametrics)
      local cache=0
      [[ -d "$dir/cache" ]] && cache=$(du -sb "$dir/cache" | cut -f1)
      persisted=$(per "$((disk - cache))" "$total" 1)
      ;;
    vigil)
      wal=$(du -sb "$dir"/wal* 2>/dev/null | awk '{s += $1} END {print s + 0}')
      "$VIGIL" tsdb analyze --storage.tsdb.path="$dir" >"$WORK/vigil-analyze.txt" 2>&1 || true
      extra=$(grep -E '^(samples|head samples|persisted samples|persisted chunks|chunk bytes|disk bytes \(RocksDB\)|WAL bytes|bytes per persisted sample on disk):' \
        "$WORK/vigil-analyze.txt" | tr '\n' ';')
      # RocksDB's info logs (LOG*) are diagnostics, not data.
      local rocks logs
      rocks=$(du -sb "$dir/rocksdb" | cut -f1)
      logs=$(find "$dir/rocksdb" -maxdepth 1 -name 'LOG*' -printf '%s\n' | awk '{s += $1} END {print s + 0}')
      persisted=$(per "$((rocks - logs))" \
        "$(awk -F': ' '$1 == "persisted samples" { print $2 }' "$WORK/vigil-analyze.txt")" 1)
      ;;
  esac
  {
    echo "R_${sys}_cpu=$(awk -v a="$cpu0" -v b="$cpu1" 'BEGIN{printf "%.3f", b-a}')"
    echo "R_${sys}_wall=$(awk -v a="$t0" -v b="$t1" 'BEGIN{printf "%.1f", b-a}')"
    echo "R_${sys}_samples=$((s1 - s0))"
    echo "R_${sys}_total=$total"
    echo "R_${sys}_rss=$rss"
    echo "R_${sys}_series=$series"
    echo "R_${sys}_disk=$disk"
    echo "R_${sys}_wal=$wal"
    echo "R_${sys}_stop=$stop_s"
    echo "R_${sys}_load=$load"
    echo "R_${sys}_persisted=$persisted"
    # Chunks never span a 2 h bucket: a window across one cuts every open chunk.
    echo "R_${sys}_crossed=$(awk -v a="$t0" -v b="$t1" 'BEGIN { print (int(a / 7200) != int(b / 7200)) ? 1 : 0 }')"
    printf 'R_%s_extra=%q\n' "$sys" "$extra"
  } >>"$WORK/results.env"
  log "$sys: stopped in ${stop_s}s, data dir $disk bytes (WAL $wal)"
}

# ---------------------------------------------------------------- main
ensure_packages
VIGIL=""
VIGIL_REV=$(git -C "$REPO" rev-parse --short HEAD)  # HEAD when the build started
if [[ -n "${VIGIL_BIN:-}" ]]; then VIGIL_REV="$VIGIL_BIN"
elif [[ "$VIGIL_BUILD_FROM" == worktree ]]; then VIGIL_REV="$VIGIL_REV+worktree"; fi
if [[ " $SYSTEMS " == *" vigil "* ]]; then VIGIL=$(build_vigil); fi
CONFIG=$(write_config)
ACTIVE=$((TARGETS * SERIES_PER_TARGET + TARGETS * 5))  # + up, scrape_* per target

python3 "$REPO/bench/workload_target.py" --base-port "$BASE_PORT" --targets "$TARGETS" \
  --series "$SERIES_PER_TARGET" --max-seconds $(((WARMUP + DURATION + STOP_TIMEOUT + 120) * 3 + 300)) \
  >"$WORK/workload.log" 2>&1 &
PIDS+=("$!")
wait_http "http://127.0.0.1:$BASE_PORT/metrics" "$!" 30
wait_http "http://127.0.0.1:$((BASE_PORT + TARGETS - 1))/metrics" "${PIDS[-1]}" 30
log "workload: $(head -1 "$WORK/workload.log")"

: >"$WORK/results.env"
for sys in $SYSTEMS; do run_system "$sys"; done
# shellcheck disable=SC1091
source "$WORK/results.env"

VERSIONS="vigil $VIGIL_REV; $(prometheus --version 2>&1 | head -1); victoria-metrics $(dpkg-query -W -f='${Version}' victoria-metrics 2>/dev/null)"

cell() { local v="R_$1_$2"; echo "${!v:-NA}"; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (a == "NA" || b == "NA" || b + 0 == 0) print "NA"; else printf "%.2f", a / b }'; }

declare -A CPU DISK DISKNOWAL RSS
for sys in $SYSTEMS; do
  CPU[$sys]=$(per "$(cell "$sys" cpu)" "$(cell "$sys" samples)" 1000000)
  DISK[$sys]=$(per "$(cell "$sys" disk)" "$(cell "$sys" total)" 1)
  DISKNOWAL[$sys]=$(per "$(($(cell "$sys" disk) - $(cell "$sys" wal)))" "$(cell "$sys" total)" 1)
  RSS[$sys]=$(per "$(cell "$sys" rss)" "$ACTIVE" 1)
done

DATE=$(date -u +%Y-%m-%d)
RESULT_FILE=${RESULT_FILE:-$REPO/bench/results/storage_compare-$DATE.md}
mkdir -p "$(dirname "$RESULT_FILE")"
{
  echo "# Storage comparison: vigil vs Prometheus vs VictoriaMetrics ($DATE)"
  echo
  echo "Produced by \`bench/storage_compare.sh\` (one run). Versions: $VERSIONS."
  echo "Workload: $TARGETS targets x $SERIES_PER_TARGET series ($ACTIVE active series incl. 5 synthetic"
  echo "series per target), counters / gauges / classic histograms, values changing every second,"
  echo "scrape interval 1s; each system alone, ${WARMUP}s warm-up then a ${DURATION}s measured window."
  echo "Machine: $(nproc) cores, shared with other engineers compiling during the run — a noisy box;"
  echo "treat the figures as indicative, not precise.${NOTE:+ $NOTE}"
  echo
  echo "| system | CPU µs/sample | persisted bytes/sample | disk bytes/sample (du, all) | disk bytes/sample (du, no WAL) | RSS bytes/series | samples in window | total samples | CPU s | RSS MiB | data dir bytes | stop s | load avg (1 min) |"
  echo "|---|---|---|---|---|---|---|---|---|---|---|---|---|"
  for sys in $SYSTEMS; do
    echo "| $sys | ${CPU[$sys]} | $(cell "$sys" persisted) | ${DISK[$sys]} | ${DISKNOWAL[$sys]} | ${RSS[$sys]} | $(cell "$sys" samples) | $(cell "$sys" total) | $(cell "$sys" cpu) | $(awk -v r="$(cell "$sys" rss)" 'BEGIN{printf "%.1f", r/1048576}') | $(cell "$sys" disk) | $(cell "$sys" stop) | $(cell "$sys" load) |"
  done
  for sys in $SYSTEMS; do
    if [[ "$(cell "$sys" crossed)" == 1 ]]; then
      echo
      echo "**$sys's window crossed a 2 h bucket boundary (UTC even hours): chunks were cut there, so its persisted figure is not comparable.**"
    fi
  done
  echo
  if [[ " $SYSTEMS " == *" vigil "* ]]; then
    echo "| ratio | CPU/sample | persisted bytes/sample | disk/sample (du, all) | disk/sample (du, no WAL) | RSS/series |"
    echo "|---|---|---|---|---|---|"
    for other in prometheus victoriametrics; do
      [[ " $SYSTEMS " == *" $other "* ]] || continue
      echo "| vigil / $other | $(ratio "${CPU[vigil]}" "${CPU[$other]}") | $(ratio "$(cell vigil persisted)" "$(cell "$other" persisted)") | $(ratio "${DISK[vigil]}" "${DISK[$other]}") | $(ratio "${DISKNOWAL[vigil]}" "${DISKNOWAL[$other]}") | $(ratio "${RSS[vigil]}" "${RSS[$other]}") |"
    done
    echo
    echo "vigil \`tsdb analyze\` after the stop: $(cell vigil extra)"
    echo
    ex=$(cell vigil extra)
    field() { echo "$ex" | tr ';' '\n' | awk -F': ' -v k="$1" '$1 == k { print $2 }'; }
    ps_=$(field "persisted samples"); cb=$(field "chunk bytes"); rb=$(field "disk bytes (RocksDB)")
    bps=$(field "bytes per persisted sample on disk")
    echo "vigil analyze-based: bytes per persisted sample on disk = ${bps:-NA} (as printed by analyze);"
    echo "compressed chunk bytes / persisted samples = $(per "${cb:-NA}" "${ps_:-NA}" 1);"
    echo "RocksDB dir bytes / persisted samples = $(per "${rb:-NA}" "${ps_:-NA}" 1)."
    echo "Ratio of analyze's bytes per persisted sample to VictoriaMetrics's du figure:"
    echo "$(ratio "${bps:-NA}" "${DISK[victoriametrics]:-NA}")."
    echo
  fi
  echo "Notes on method:"
  echo "- CPU = utime+stime of the server process (all threads, scraping included) over the window,"
  echo "  divided by samples appended in the window per the system's own counter"
  echo "  (vigil_tsdb_head_samples_appended_total, prometheus_tsdb_head_samples_appended_total,"
  echo "  vm_rows_inserted_total)."
  echo "- Disk = du -sb of the data dir after SIGTERM and a clean exit, divided by all samples appended"
  echo "  during the run. \"all\" includes the WAL: Prometheus keeps its head (2h) in the WAL, so its"
  echo "  \"all\" figure is WAL-based; its no-WAL figure is its chunks_head dir (full head chunks"
  echo "  memory-mapped to disk, XOR-compressed, not yet compacted into a block)."
  echo "  VictoriaMetrics has no WAL and flushes its in-memory parts on shutdown; its du includes"
  echo "  its cache/ dir (rebuildable). vigil's no-WAL"
  echo "  figure is its RocksDB dir only (full 120-sample chunks moved out of the head); its"
  echo "  still-open head chunks live only in its WAL, so no-WAL/du figures are not like for like."
  echo "- Persisted bytes/sample: vigil = du of rocksdb/ minus its LOG files (chunks, series, postings, meta) /"
  echo "  samples in its RocksDB chunks (\`tsdb analyze\`); VictoriaMetrics = du minus cache/ / all"
  echo "  samples (everything is in its parts after the shutdown flush, index included);"
  echo "  Prometheus = du minus wal/ / all samples (its chunks_head holds full chunks only, so"
  echo "  this flatters it a little)."
  echo "- RSS = VmRSS at the end of the window / $ACTIVE active series. VictoriaMetrics sizes its"
  echo "  caches from system memory (24 GiB here) with default flags."
} >"$RESULT_FILE"
cat "$RESULT_FILE"
log "written $RESULT_FILE"
