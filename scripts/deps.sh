#!/usr/bin/env bash
# Install the Debian packages ampsim needs, only those that are missing
# (scripts/deps.sh [--checks]).
# Works on a minimal Debian 12 (no compiler, no cmake, no pkg-config). Needs
# root (or sudo) only when something is missing. Nothing is downloaded from
# anywhere but Debian's package registry.
set -euo pipefail

packages=(
  build-essential cmake pkg-config
  libngspice0-dev
  # ngspice: the XSPICE code models (analog.cm, ...) that libngspice loads,
  # and ngspice -b for bench/ (libngspice0 alone ships neither).
  ngspice
  libfftw3-dev
  libjansson-dev
  libxml2-dev libxml2-utils
  libcmocka-dev
  libcairo2-dev
  libopenmpi-dev openmpi-bin
)
# --checks: also what CI's checks need (.ci/run): valgrind for
# tests/valgrind/run.sh, clang with its runtime libraries (libFuzzer, ASan,
# UBSan) for tests/fuzz/run.sh. The sanitizer build itself uses gcc's libasan
# and libubsan, which come with build-essential.
if [ "${1:-}" = "--checks" ]; then
  packages+=(valgrind clang libclang-rt-14-dev)
fi
if [ "${AMPSIM_DEPS_EXTRA:-}" != "" ]; then
  # shellcheck disable=SC2206
  packages+=(${AMPSIM_DEPS_EXTRA})
fi

missing=()
for p in "${packages[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$p")
  fi
done
[ ${#missing[@]} -eq 0 ] && exit 0

echo "ampsim: installing ${missing[*]}" >&2
as_root=()
if [ "$(id -u)" -ne 0 ]; then
  if command -v sudo >/dev/null 2>&1; then
    as_root=(sudo)
  else
    echo "ampsim: need root to install: ${missing[*]}" >&2
    exit 1
  fi
fi
export DEBIAN_FRONTEND=noninteractive
"${as_root[@]}" apt-get update -qq
"${as_root[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
