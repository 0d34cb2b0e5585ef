#!/usr/bin/env bash
# Builds the libFuzzer targets with clang in build/fuzz and runs the PromQL
# parser fuzzer for SECONDS (default 30), seeded with fuzz/corpus/ and every
# query of the differential test. Exits non-zero when the fuzzer finds a
# crash, a hang, a sanitizer report or a print/parse round trip that differs
# (the input is left in build/fuzz/ as crash-*/timeout-*).
#   scripts/fuzz.sh [SECONDS]     explore for SECONDS (default 30)
#   scripts/fuzz.sh --ci          a fixed seed and run count, so CI's verdict
#                                 does not depend on luck or machine speed
set -euo pipefail
cd "$(dirname "$0")/.."
limits=(-max_total_time="${1:-30}")
if [[ "${1:-}" == "--ci" ]]; then
  limits=(-seed=1 -runs=200000)
fi

cmake -S . -B build/fuzz -G Ninja -DCMAKE_BUILD_TYPE=Debug -DCMAKE_CXX_COMPILER=clang++ \
  -DCMAKE_CXX_FLAGS=-O1 -DVIGIL_FUZZ=ON -DVIGIL_BUILD_TESTS=OFF -DVIGIL_BUILD_BENCH=OFF >/dev/null
cmake --build build/fuzz --target promql_parser_fuzzer

corpus=build/fuzz/corpus/promql_parser
mkdir -p "$corpus"
cp fuzz/corpus/promql_parser/* "$corpus"/
n=0
while IFS= read -r query; do
  case "$query" in ''|'#'*) continue ;; esac
  n=$((n + 1))
  printf '%s' "$query" >"$corpus/differential-$n"
done <tests/integration/data/promql_differential_queries.txt

cd build/fuzz
./fuzz/promql_parser_fuzzer "${limits[@]}" -max_len=1024 -timeout=10 \
  -rss_limit_mb=2048 -dict=../../fuzz/promql.dict -print_final_stats=1 "../../$corpus"
