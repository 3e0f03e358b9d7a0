#!/usr/bin/env bash
# Set-up command 2: install what is missing, build, and run the whole test
# suite (unit, integration against real ngspice simulations, command line).
# Exits non-zero when any test fails.
set -euo pipefail
cd "$(dirname "$0")"
bash scripts/deps.sh
cmake -S . -B build -DCMAKE_BUILD_TYPE=RelWithDebInfo -DAMPSIM_WERROR=ON >/dev/null
cmake --build build -j"$(nproc)"
ctest --test-dir build --output-on-failure -j"$(nproc)" "$@"
