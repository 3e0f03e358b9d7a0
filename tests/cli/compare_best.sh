#!/bin/bash
# ampsim compare marks the best value of each row on the right column, on
# analytic stages (tests/stages): Zout is 0 for linear, 1 kohm for noisy_r,
# R + j 2 pi f L for rl; linear is noiseless, so its noise is best; gain
# has no "best".
CLI_LIB=$(cd "$(dirname "${BASH_SOURCE[0]}")/lib" && pwd)
# shellcheck source=lib/lib.sh
source "$CLI_LIB/lib.sh"

S=$AMPSIM_TEST_DIR/stages
expect_success compare --stage "$S/linear.cir:linear,$S/noisy_r.cir:noisy_r,$S/rl.cir:rl" \
  --figures gain,zout,noise
cp "$CLI_OUT" table.txt

# marker_column ROW_LABEL: which design (1..3) carries '*' in that row.
marker_column() {
  local header row name prefix end col=0 found=""
  header=$(head -n 1 table.txt)
  row=$(grep "^$1 " table.txt)
  for name in "linear se 32 ohm" "noisy_r se 32 ohm" "rl se 32 ohm"; do
    col=$((col + 1))
    prefix=${header%%"$name"*}
    end=$((${#prefix} + ${#name}))
    [ "${row:$end:1}" = "*" ] && found="$found$col"
  done
  echo "$found"
}
# shellcheck disable=SC2317  # called through verify
best_is() {
  local got
  got=$(marker_column "$1")
  [ "$got" = "$2" ] || { echo "     '$1': marker on column(s) '$got', expected $2"; cat table.txt; return 1; }
}
verify "Zout at 1 kHz: linear (0 ohm) is best" best_is "Zout at 1 kHz" 1
verify "Zout at 20 kHz: linear is best" best_is "Zout at 20 kHz" 1
verify "noise: linear (noiseless) is best" best_is "Noise 20 Hz-20 kHz" 1
verify "gain: no best" best_is "Gain at 1 kHz" ""
verify "Zout of noisy_r printed with a prefix: 1 kohm" grep -q '1 kohm' table.txt

# Without linear, rl's Zout at 1 kHz (1.18 ohm) beats noisy_r's 1 kohm, and
# noisy_r-vs-rl noise (17.8 nV vs 17.2 nV) goes to rl.
expect_success compare --stage "$S/noisy_r.cir:noisy_r,$S/rl.cir:rl" --figures zout,noise
cp "$CLI_OUT" table.txt
# shellcheck disable=SC2317  # called through verify
rl_best() {
  local header row prefix end
  header=$(head -n 1 table.txt)
  row=$(grep "^$1 " table.txt)
  prefix=${header%%"rl se 32 ohm"*}
  end=$((${#prefix} + 12))
  [ "${row:$end:1}" = "*" ] || { cat table.txt; return 1; }
}
verify "Zout at 1 kHz: rl beats noisy_r" rl_best "Zout at 1 kHz"
verify "noise: rl beats noisy_r" rl_best "Noise 20 Hz-20 kHz"

cli_finish
