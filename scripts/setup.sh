#!/usr/bin/env bash
# Installs every build and test dependency of vigil from Debian's packages.
# Idempotent: packages already present are skipped, so a second run is quick.
set -euo pipefail

PACKAGES=(
  # toolchain
  g++ cmake ninja-build ccache pkg-config
  clang libclang-rt-14-dev  # libFuzzer, for scripts/fuzz.sh
  # libraries
  libboost-dev libboost-program-options-dev
  librocksdb-dev libyaml-cpp-dev libspdlog-dev libfmt-dev libre2-dev
  nlohmann-json3-dev libssl-dev zlib1g-dev libxxhash-dev libcurl4-openssl-dev
  # tests and benchmarks
  libgtest-dev libgmock-dev libbenchmark-dev curl python3 openssl
  python3-aiosmtpd  # the SMTP server the email receiver tests send to
)

missing=()
for p in "${PACKAGES[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed'; then
    missing+=("$p")
  fi
done

if ((${#missing[@]} > 0)); then
  echo "setup: installing ${missing[*]}"
  SUDO=""
  if [[ $(id -u) -ne 0 ]]; then SUDO="sudo"; fi
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi

# Test peers (real Prometheus tools to check compatibility against) are
# unpacked under build/peers instead of installed, so no Prometheus service
# gets started on this machine: `scripts/setup.sh --test-peers`.
if [[ "${1:-}" == "--test-peers" ]]; then
  peers="$(cd "$(dirname "$0")/.." && pwd)/build/peers"
  if [[ ! -x "$peers/usr/bin/promtool" ]]; then
    mkdir -p "$peers/debs"
    (cd "$peers/debs" && apt-get download prometheus >/dev/null 2>&1 ||
      { apt-get update -qq && apt-get download prometheus; })
    dpkg-deb -x "$peers"/debs/prometheus_*.deb "$peers"
  fi
  if [[ ! -x "$peers/usr/bin/prometheus-alertmanager" ]]; then
    mkdir -p "$peers/debs"
    (cd "$peers/debs" && apt-get download prometheus-alertmanager >/dev/null 2>&1 ||
      { apt-get update -qq && apt-get download prometheus-alertmanager; })
    dpkg-deb -x "$peers"/debs/prometheus-alertmanager_*.deb "$peers"
  fi
  # Debian's Alertmanager reads its default templates from this fixed path.
  am_share=/usr/share/prometheus/alertmanager
  if [[ ! -f "$am_share/default.tmpl" ]]; then
    SUDO=""
    if [[ $(id -u) -ne 0 ]]; then SUDO="sudo"; fi
    $SUDO mkdir -p "$am_share"
    $SUDO cp "$peers$am_share"/default.tmpl "$peers$am_share"/email.tmpl "$am_share"/
  fi
fi
