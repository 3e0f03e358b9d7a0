#!/bin/sh
# sweep-mismatch.sh - run examples/sweep-mismatch.xml: SE against BTL with
# 1 % and 0.1 % resistors, 200 Monte Carlo samples each (800 points), and
# print each sweep's summary. Usage: examples/sweep-mismatch.sh [AMPSIM] [JOBS]
# Results go to the working directory: mismatch-1pct.jsonl and
# mismatch-0.1pct.jsonl (re-running resumes them).
set -eu
here=$(cd "$(dirname "$0")" && pwd)
ampsim=${1:-ampsim}
jobs=${2:-2}
for design in mismatch-1pct mismatch-0.1pct; do
  "$ampsim" sweep "$here/sweep-mismatch.xml" --design "$design" -j "$jobs" --resume \
    -o "$design.jsonl" --plot "$design-hd2.png" --plot-figure 'thd[0].hd2_dbc'
done
