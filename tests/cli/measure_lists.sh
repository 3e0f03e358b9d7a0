#!/bin/bash
# --freq and --vout lists and --figures, end to end on the bundled stage:
#   --freq 1k,10k --vout 0.5,2 gives four THD points, frequency-major:
#   (1k, 0.5), (1k, 2), (10k, 0.5), (10k, 2), each point's figures belonging to
#   its own labels (checked against single-point runs);
#   --figures LIST measures only what it names: every other figure of the
#   contract is present as null.
CLI_LIB=$(cd "$(dirname "${BASH_SOURCE[0]}")/lib" && pwd)
# shellcheck source=lib/lib.sh
source "$CLI_LIB/lib.sh"
# shellcheck source=lib/json.sh
source "$CLI_LIB/json.sh"

# shellcheck disable=SC2054  # commas inside an argument
M=(measure --stage opamp-buffer)

# --- the 2 x 2 list ------------------------------------------------------------------
expect_success "${M[@]}" --freq 1k,10k --vout 0.5,2 --figures thd --json -
cp "$CLI_OUT" list.json
verify "list: one JSON document" json_use list.json
LIST_FLAT=$JSON_FLAT
verify "list: 4 THD points" test "$(jlen thd)" = 4
FREQS=$(jcol thd freq_hz | awk '{ printf "%g ", $1 }')
verify "list: freq_hz in the order 1000 1000 10000 10000 (got: $FREQS)" \
  test "$FREQS" = "1000 1000 10000 10000 "
# vout_rms is the level reached, within the tool's 0.1 % level tolerance.
LEVELS=$(jcol thd vout_rms | tr '\n' ' ')
verify "list: vout_rms in the order 0.5 2 0.5 2, each to 0.1 % (got: $LEVELS)" \
  awk -v got="$LEVELS" 'BEGIN { split("0.5 2 0.5 2", want, " ")
    ok = split(got, v, " ") == 4
    for (i = 1; i <= 4; i++) ok = ok && v[i] ~ /^[0-9]/ && (v[i] / want[i] - 1)^2 < 0.001^2
    exit !ok }'
verify "list: every point converged" test "$(jcol thd converged | sort -u)" = true
# The doc's rule: harmonics up to 20 kHz, but at least H2..H5 above 4 kHz.
NHARM=$(for i in 0 1 2 3; do jlen thd.$i.harmonics_dbc; done | tr '\n' ' ')
verify "list: H2..H20 at 1 kHz, H2..H5 at 10 kHz (got counts: $NHARM)" \
  test "$NHARM" = "19 19 4 4 "
# shellcheck disable=SC2317  # called through verify
thdn_not_below_thd() {
  paste <(jcol thd thd_db) <(jcol thd thdn_db) |
    awk '{ n++ } !($2 >= $1) { print "     thdn_db " $2 " < thd_db " $1; bad = 1 }
         END { exit bad || n != 4 }'
}
verify "list: thdn_db >= thd_db at every point" thdn_not_below_thd
verify "list: the four THD figures differ (so a swap would show)" \
  test "$(jcol thd thd_db | awk '{ printf "%.1f\n", $1 }' | sort -u | wc -l)" = 4

# The same points measured one at a time give the same figures at the same
# index: the labels belong to the numbers.
# single_matches FREQ VOUT INDEX
# shellcheck disable=SC2317  # called through verify
single_matches() {
  local single
  run_ampsim "${M[@]}" --freq "$1" --vout "$2" --figures thd --json -
  cp "$CLI_OUT" "single_$3.json"
  json_use "single_$3.json" || return 1
  single=$(jval thd.0.thd_db) || return 1
  JSON_FLAT=$LIST_FLAT
  jnum "thd.$3.thd_db" "(v - ($single))^2 < 0.01^2"
}
verify "list: point 1 is --freq 1k --vout 2 measured alone" single_matches 1k 2 1
verify "list: point 2 is --freq 10k --vout 0.5 measured alone" single_matches 10k 0.5 2
JSON_FLAT=$LIST_FLAT

# --- --figures thd: the rest is null -----------------------------------------------
for key in gain_db dc_offset_mv noise zout crosstalk crosstalk_floor_db power; do
  verify "--figures thd: $key is null" jis "$key" null
done
verify "--figures thd: topology and load_ohms are still given" jhas topology load_ohms

# --- --figures zout,noise: those two, and no others --------------------------------
expect_success "${M[@]}" --figures zout,noise --json -
cp "$CLI_OUT" zn.json
verify "zout,noise: one JSON document" json_use zn.json
verify "zout,noise: noise.vrms measured" jnum noise.vrms 'v > 0'
verify "zout,noise: zout measured" test "$(jlen zout)" -ge 3
for key in gain_db dc_offset_mv thd crosstalk crosstalk_floor_db power; do
  verify "--figures zout,noise: $key is null" jis "$key" null
done

cli_finish
