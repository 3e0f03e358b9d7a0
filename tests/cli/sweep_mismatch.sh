#!/bin/bash
# Monte Carlo does what it is for: with zero tolerance every figure equals
# plain `ampsim measure` (the per-instance copies change nothing), and with
# 1 % resistors the two BTL halves mismatch: HD2 no longer cancels (nominal
# about -315 dBc, i.e. numerically nothing) and the DC offset across the
# load, exactly 0 nominally, spreads. A histogram plot is written.
CLI_LIB=$(cd "$(dirname "${BASH_SOURCE[0]}")/lib" && pwd)
# shellcheck source=lib/lib.sh
source "$CLI_LIB/lib.sh"
# shellcheck source=lib/json.sh
source "$CLI_LIB/json.sh"

expect_success measure --stage opamp-buffer --topology btl --figures thd,gain -j 2 --json m.json
json_use m.json
nominal_hd2=$(jval thd.0.harmonics_dbc.0)
nominal_offset=$(jval dc_offset_mv)
check "nominal BTL: HD2 cancels (below -250 dBc: $nominal_hd2)" \
  awk -v v="$nominal_hd2" 'BEGIN { exit !(v != "" && v < -250) }'

# shellcheck disable=SC2054  # commas inside arguments
expect_success sweep --stage opamp-buffer --topology btl --figures thd,gain --mc 1 \
  --tol R=0,C=0,beta=0,gbw=0,vos=0 -q -o zero.jsonl
# The row's figures are measure's document without its run/bench keys.
sed -n 2p zero.jsonl | sed 's/.*"figures":\(.*\)}$/\1/' >zero.json
json_use zero.json
Z=$JSON_FLAT
json_use m.json
M=$(mktemp)
grep -v '^\(ampsim_version\|stage\|ngspice_version\|topology\|load_ohms\|load\.\|stage_params\|supply_split\|volume\|ground_ohms\|supply_v\|supply_ohms\|elapsed_s\)' \
  "$JSON_FLAT" >"$M"
check "zero tolerance: every figure equals plain measure, digit for digit" diff "$M" "$Z"
check "... over the whole THD point (20 values or more)" test "$(wc -l <"$Z")" -ge 20

expect_success sweep --stage opamp-buffer --topology btl --figures thd,gain --mc 6 \
  --tol R=1% --seed 3 -q -j 2 -o mc.jsonl --plot hist.png --plot-figure thd[0].hd2_dbc
cp "$CLI_OUT" mc.summary
hd2=$(awk '$1 == "thd[0].hd2_dbc" { print $3 }' mc.summary)
offset_sd=$(awk '$1 == "dc_offset_mv" { print $4 }' mc.summary)
check "1 % resistors: mean HD2 well above the nominal cancellation ($hd2 dBc)" \
  awk -v v="$hd2" 'BEGIN { exit !(v != "" && v > -220 && v < -100) }'
check "1 % resistors: the DC offset spreads (sd $offset_sd mV, nominal $nominal_offset)" \
  awk -v v="$offset_sd" 'BEGIN { exit !(v != "" && v > 1e-5) }'
check "histogram written (PNG)" bash -c "head -c 8 hist.png | od -c | grep -q 'P   N   G'"

cli_finish
