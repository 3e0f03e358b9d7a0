#!/usr/bin/env bash
# Set-up command 1: install what is missing, build, and measure the bundled
# example stage (SE into 32 ohm, every figure).
set -euo pipefail
cd "$(dirname "$0")"
bash scripts/deps.sh
cmake -S . -B build -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
cmake --build build -j"$(nproc)"
./build/src/ampsim measure --stage opamp-buffer "$@"
