#!/usr/bin/env bash
# The README's test command (and CI's): installs what the tests need, builds
# everything in Debug with AddressSanitizer and UBSan, and runs every test
# through ctest, then runs the PromQL parser fuzzer for a fixed
# seed and run count. Exits non-zero on any
# failure.
set -euo pipefail
cd "$(dirname "$0")/.."

scripts/setup.sh --test-peers
cmake -S . -B build/debug -G Ninja -DCMAKE_BUILD_TYPE=Debug -DVIGIL_SANITIZE=ON >/dev/null
cmake --build build/debug
ctest --test-dir build/debug --output-on-failure --parallel 2 --timeout 600
# A short, reproducible libFuzzer run of the PromQL parser (a clang build in build/fuzz).
scripts/fuzz.sh --ci
