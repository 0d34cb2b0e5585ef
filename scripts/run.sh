#!/usr/bin/env bash
# The README's run command: installs what vigil needs, builds it (Release) and
# runs it with config/vigil.yml, beside vigil-demo, the app it monitors.
#   vigil:      http://localhost:9090  (/metrics, /-/healthy, /-/ready, /api/v1/...)
#   vigil-demo: http://localhost:8080  (/, /boom, /slow?ms=N, /healthz, /metrics)
# Ctrl-C stops both.
set -euo pipefail
cd "$(dirname "$0")/.."

scripts/setup.sh
cmake -S . -B build/release -G Ninja -DCMAKE_BUILD_TYPE=Release \
  -DVIGIL_BUILD_TESTS=OFF -DVIGIL_BUILD_BENCH=OFF >/dev/null
cmake --build build/release --target vigil vigil-demo

build/release/src/demo/vigil-demo --web.listen-address=127.0.0.1:8080 &
demo_pid=$!
trap 'kill -TERM "$demo_pid" 2>/dev/null || true; wait "$demo_pid" 2>/dev/null || true' EXIT

build/release/src/app/vigil serve \
  --config.file=config/vigil.yml \
  --storage.tsdb.path=data \
  --web.listen-address=0.0.0.0:9090 \
  --web.enable-lifecycle
