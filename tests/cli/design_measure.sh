#!/bin/bash
# Design files end to end (real, fast simulations of ideal test stages):
# `ampsim measure DESIGN.xml` measures every design, command-line options
# override the file, `validate` and `list` work, and the help texts say so.
#
# tests/data/design/linear.xml: tests/stages/linear.cir:linear (an ideal gain
# of 2, through a relative file=) as SE, 20 log10(2) = 6.02 dB, and as BTL,
# 20 log10(4) = 12.04 dB. single.xml: one design whose stage needs the
# included models.lib, with gain=3 (9.54 dB) and the bundled load res300.
CLI_LIB=$(cd "$(dirname "${BASH_SOURCE[0]}")/lib" && pwd)
# shellcheck source=lib/lib.sh
source "$CLI_LIB/lib.sh"
# shellcheck source=lib/json.sh
source "$CLI_LIB/json.sh"

DATA="$AMPSIM_TEST_DIR/data/design"
TWO="$DATA/linear.xml"
ONE="$DATA/single.xml"

# --- validate ---------------------------------------------------------------
expect_success validate "$TWO"
check "validate: '$TWO: OK (2 designs)'" test "$(cat "$CLI_OUT")" = "$TWO: OK (2 designs)"
expect_success validate "$TWO" "$ONE"
check "validate TWO ONE: one line each" test "$(cat "$CLI_OUT")" = \
  "$TWO: OK (2 designs)
$ONE: OK (1 design)"
expect_error "ampsim: no design file given (see 'ampsim validate --help')" validate
expect_error "ampsim: nothere.xml: No such file or directory" validate nothere.xml

# --- measure: two designs ----------------------------------------------------
# Run from another folder: file= is relative to the design file, not to here.
expect_success measure "$TWO" --figures gain --json -
cp "$CLI_OUT" two.json
verify "two designs: one JSON document" json_use two.json
# The top level of the flattened array: 0.KEY and 1.KEY, nothing at 2.
verify "two designs: an array of 2" test -n "$(jval 1.topology)" -a -z "$(jval 2.topology)"
verify "design names in file order" test "$(jval 0.design)|$(jval 1.design)" = '"linear se"|"linear btl"'
verify "SE: gain 6.02 dB" jnum 0.gain_db 'v > 6.0205 && v < 6.0207'
verify "BTL: gain 12.04 dB" jnum 1.gain_db 'v > 12.0411 && v < 12.0413'
verify "SE, BTL topologies" test "$(jval 0.topology) $(jval 1.topology)" = '"se" "btl"'
verify "the file's load: 32 ohm" test "$(jval 0.load_ohms) $(jval 1.load_ohms)" = "32.0 32.0"

# Every command-line option overrides the file, in every design.
expect_success measure "$TWO" --figures gain --load 300 --json -
cp "$CLI_OUT" load300.json
json_use load300.json
verify "--load 300: load_ohms 300 in both designs" \
  test "$(jval 0.load_ohms) $(jval 1.load_ohms)" = "300.0 300.0"
expect_success measure "$TWO" --figures gain --topology btl --supply 12 --json -
cp "$CLI_OUT" btl.json
json_use btl.json
verify "--topology btl: both 12.04 dB" jnum 0.gain_db 'v > 12.0411 && v < 12.0413'
verify "--supply 12: supply_v 12 in both" test "$(jval 0.supply_v) $(jval 1.supply_v)" = "12.0 12.0"

# The table: one per design, under its name and where it is defined.
expect_success measure "$TWO" --figures gain
cp "$CLI_OUT" two.txt
check "table: heading 'linear se ($TWO:6)'" grep -qxF "linear se ($TWO:6)" two.txt
check "table: heading 'linear btl ($TWO:14)'" grep -qxF "linear btl ($TWO:14)" two.txt
check "table: two 'gain at 1 kHz' lines, 6.02 and 12.04 dB" test \
  "$(grep -o 'gain at 1 kHz *[0-9.]* dB' two.txt | tr -s ' ' | tr '\n' '|')" = \
  "gain at 1 kHz 6.02 dB|gain at 1 kHz 12.04 dB|"

# --json FILE: the file gets the array, stdout the tables.
expect_success measure "$TWO" --figures gain --json out.json
check "--json out.json: tables on stdout" grep -qF "linear btl" "$CLI_OUT"
verify "--json out.json: an array of 2" json_use out.json
verify "--json out.json: names" test "$(jval 0.design)|$(jval 1.design)" = '"linear se"|"linear btl"'

# --- measure: one design -----------------------------------------------------
expect_success measure "$ONE" --json -
cp "$CLI_OUT" one.json
verify "one design: a single JSON object" json_use one.json
verify "one design: its name" jis design '"param and include"'
verify "gain=3 through the included amp_core: 9.54 dB" jnum gain_db 'v > 9.5423 && v < 9.5425'
verify "stage parameters as given" jis stage_params '"gain=3"'
verify "the bundled load res300" jis load.name '"res300"'
expect_success measure "$ONE" --param gain=5 --json -
cp "$CLI_OUT" param5.json
json_use param5.json
verify "--param gain=5 overrides <param>: 13.98 dB" jnum gain_db 'v > 13.9793 && v < 13.9795'
verify "--param gain=5: stage_params" jis stage_params '"gain=5"'
expect_error_containing measure "$ONE" --param gian=5 -- \
  "$ONE:8: stage '$DATA/param_stage.cir:param_stage' has no parameter 'gian' (its parameters: gain)"
expect_success measure "$ONE" --load 64 --json -
cp "$CLI_OUT" load64.json
json_use load64.json
verify "--load 64 makes the model a resistor again" jis load_ohms 64.0

# A design from the command line still gives the report's own object.
expect_success measure --stage "$AMPSIM_TEST_DIR/stages/linear.cir:linear" --figures gain --json -
cp "$CLI_OUT" cli.json
json_use cli.json
verify "--stage: no design name in the JSON" test -z "$(jval design)"

# --- list --------------------------------------------------------------------
expect_success list
cp "$CLI_OUT" list.txt
check "list: opamp-buffer with its subcircuit" grep -qE '^  opamp-buffer +' list.txt
check "list: opamp-buffer's parameters with defaults" \
  grep -qE '^ +params gain=3 rg=1k ' list.txt
check "list: opamp_buffer's pins" grep -qF "subckt opamp_buffer, pins in out vp vn gnd" list.txt
check "list: dynamic300 with its description" \
  grep -qE '^  dynamic300 +300 ohm dynamic headphone driver' list.txt
check "list: dynamic300's parameters" grep -qF "params re=300 le=1m res=300 lces=0.2513 cmes=11.17u" list.txt
check "list: the op-amp models" grep -qF "subckt opamp_lownoise, pins inp inn out vp vn" list.txt
expect_success list loads
check "list loads: loads only" test "$(grep -c 'pins in out vp vn gnd' "$CLI_OUT")" = 0 \
  -a "$(grep -c 'pins hot ret' "$CLI_OUT")" -ge 5
expect_success list stages
check "list stages: stages only" test "$(grep -c 'pins hot ret' "$CLI_OUT")" = 0
expect_error "ampsim: unexpected argument 'widgets' (see 'ampsim list --help')" list widgets
expect_error "ampsim: unexpected argument 'opamps' (see 'ampsim list --help')" list loads opamps

# --- load models and parameters on the command line --------------------------
expect_success netlist --stage opamp-buffer --load dynamic300 --param gain=4
cp "$CLI_OUT" model.cir
check "netlist --load dynamic300: the model's subcircuit is in the deck" \
  grep -qi '^\.subckt dynamic300 ' model.cir
check "netlist --load dynamic300: both loads are the model" \
  test "$(grep -cE '^xload_[lr] .* dynamic300$' model.cir)" = 2
check "netlist --param gain=4: on both stage instances" \
  test "$(grep -cE '^xamp_[lr] .* opamp_buffer gain=4$' model.cir)" = 2

# --- help --------------------------------------------------------------------
expect_success validate --help
check "validate --help: usage" grep -qF "Usage: ampsim validate DESIGN.xml..." "$CLI_OUT"
expect_success list --help
check "list --help: usage" grep -qF "Usage: ampsim list [stages|loads|opamps]" "$CLI_OUT"
expect_success measure --help
check "measure --help: design files" grep -qF "ampsim measure DESIGN.xml [options]" "$CLI_OUT"
check "measure --help: --param" grep -qF -- "--param NAME=VALUE" "$CLI_OUT"
check "measure --help: --load NAME" grep -qF -- "--load OHMS|NAME|FILE.cir:SUBCKT" "$CLI_OUT"
expect_success --help
check "--help names validate and list" grep -qE '^  (validate|list) ' "$CLI_OUT"
expect_success help validate
expect_success help list

cli_finish
