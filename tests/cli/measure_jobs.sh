#!/bin/bash
# -j N only changes how many worker processes share the simulations, never
# the results: -j 1 and -j 4 give the same JSON document, digit for digit,
# apart from elapsed_s. Every figure is measured, with two THD frequencies, so
# that the tasks outnumber the workers and finish in a different order.
CLI_LIB=$(cd "$(dirname "${BASH_SOURCE[0]}")/lib" && pwd)
# shellcheck source=lib/lib.sh
source "$CLI_LIB/lib.sh"
# shellcheck source=lib/json.sh
source "$CLI_LIB/json.sh"

# shellcheck disable=SC2054  # commas inside an argument
M=(measure --stage opamp-buffer --freq 1k,10k)

expect_success "${M[@]}" -j 1 --json -
cp "$CLI_OUT" j1.json
verify "-j 1: one JSON document" json_use j1.json
J1=$JSON_FLAT
verify "-j 1: every figure measured" jhas gain_db thd.1.thd_db noise.vrms zout.0.ohms \
  crosstalk.0.freq_hz power.vout_rms_1pct
verify "-j 1: two THD points" test "$(jlen thd)" = 2

expect_success "${M[@]}" -j 4 --json -
cp "$CLI_OUT" j4.json
verify "-j 4: one JSON document" json_use j4.json
J4=$JSON_FLAT
verify "-j 4: has elapsed_s" jnum elapsed_s 'v > 0'

verify "-j 1 and -j 4 give the same JSON apart from elapsed_s" json_same "$J1" "$J4" elapsed_s
verify "... and the comparison saw the whole document (over 100 values)" \
  test "$(grep -vc '^elapsed_s' "$J1")" -gt 100

# The readable table too (apart from its run-time line).
expect_success "${M[@]}" -j 4 --figures gain,zout,noise,crosstalk
cp "$CLI_OUT" t4.txt
expect_success "${M[@]}" -j 1 --figures gain,zout,noise,crosstalk
verify "-j 1 and -j 4 print the same table (gain, zout, noise, crosstalk)" \
  diff <(grep -v '^Measured in' t4.txt) <(grep -v '^Measured in' "$CLI_OUT")

cli_finish
