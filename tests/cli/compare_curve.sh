#!/bin/bash
# ampsim compare --curve: the CSV has the curve's points, which equal single
# `ampsim measure` runs at the same settings (Zout of tests/stages/rl.cir,
# R + j 2 pi f L); the plot is a valid PNG or SVG; a THD curve has the points
# asked for, THD and THD+N per design.
CLI_LIB=$(cd "$(dirname "${BASH_SOURCE[0]}")/lib" && pwd)
# shellcheck source=lib/lib.sh
source "$CLI_LIB/lib.sh"
# shellcheck source=lib/json.sh
source "$CLI_LIB/json.sh"

RL=$AMPSIM_TEST_DIR/stages/rl.cir:rl

# --- Zout curve against measure ---------------------------------------------------
expect_success compare --stage "$RL" --topology se,btl --curve zout --csv zout.csv --plot zout.png
verify "zout: the CSV's header: frequency, then one column per design" test \
  "$(head -n 1 zout.csv)" = \
  "Frequency (Hz),rl se 32 ohm Output impedance (ohm),rl btl 32 ohm Output impedance (ohm)"
expect_success measure --stage "$RL" --figures zout --json se.json
expect_success measure --stage "$RL" --topology btl --figures zout --json btl.json
json_use se.json
N=$(jlen zout)
verify "zout: as many points as measure's sweep ($N)" test "$(tail -n +2 zout.csv | wc -l)" = "$N"
# shellcheck disable=SC2317  # called through verify
curve_equals_measure() {
  local column=$1 json=$2
  # Flatten once, here: two process substitutions each calling json_use
  # would rewrite the same file while the other reads it (a race that
  # showed under load as an empty column).
  json_use "$json" || return 1
  paste -d, <(tail -n +2 zout.csv) <(jcol zout freq_hz) <(jcol zout ohms) |
    awk -F, -v c="$column" '{ n++ }
      $1 + 0 != $4 + 0 || $c + 0 != $5 + 0 { print "     point " n ": csv " $1 " " $c ", measure " $4 " " $5; bad = 1 }
      END { exit bad || n == 0 }'
}
verify "zout: SE points equal measure --figures zout" curve_equals_measure 2 se.json
verify "zout: BTL points equal measure --topology btl --figures zout" curve_equals_measure 3 btl.json
# The analytic answer at 20 Hz: |1 + j 2 pi 20 * 100u| = 1.000079.
verify "zout: 20 Hz point is 1.000079 ohm" awk -F, 'NR == 2 { exit !($1 == 20 && $2 > 1.00007 && $2 < 1.00009) }' zout.csv
# shellcheck disable=SC2317  # called through verify
is_png() { [ "$(head -c 8 "$1" | od -An -tx1 | tr -d ' \n')" = 89504e470d0a1a0a ]; }
verify "zout: the plot is a PNG (signature)" is_png zout.png

# --- SVG plot, crosstalk on stdout ------------------------------------------------
expect_success compare --stage "$RL" --curve crosstalk --plot ct.svg
verify "crosstalk: CSV on stdout without --csv" grep -q '^Frequency (Hz),' "$CLI_OUT"
# shellcheck disable=SC2317  # called through verify
is_svg() { [ "$(head -c 5 "$1")" = "<?xml" ] && grep -q '<svg' "$1"; }
verify "crosstalk: the plot is an SVG" is_svg ct.svg

# --- THD against power: the points asked for, THD and THD+N -----------------------
expect_success compare --stage "$RL" --load 32,300 --curve thd-power --points 4 --csv thd.csv -q
verify "thd-power: 4 points" test "$(tail -n +2 thd.csv | wc -l)" = 4
verify "thd-power: x, THD and THD+N per design (power differs by load)" test \
  "$(head -n 1 thd.csv | awk -F, '{ print NF }')" = 6
verify "thd-power: THD+N >= THD at every point" awk -F, \
  'NR > 1 { if (!($3 + 0 >= $2 + 0 && $6 + 0 >= $5 + 0)) bad = 1 } END { exit bad }' thd.csv

# --- errors -----------------------------------------------------------------------
expect_error "ampsim: --curve: 'thd' is not thd-power, thd-freq, zout, crosstalk, noise, spectrum, loop-gain, step or imd-spectrum" \
  compare --stage "$RL" --curve thd
expect_error "ampsim: --plot needs --curve (see 'ampsim compare --help')" \
  compare --stage "$RL" --plot x.png
expect_error "ampsim: x.gif: unknown plot format (use .png or .svg)" \
  compare --stage "$RL" --curve zout --plot x.gif

cli_finish
