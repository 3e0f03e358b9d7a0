#!/bin/bash
# ampsim compare and report with the stability, IMD and clipping figures:
# the table's rows per capacitive load, IMD test and overload recovery (best
# marker only where lower or higher is better, none on yes/no rows); the
# loop-gain, step and imd-spectrum curves as CSV and PNG/SVG plots, whose
# points agree with the figures (the 0 dB crossing is the crossover, the
# step's peak the overshoot, the spectrum's line at f2 - f1 the CCIF d2);
# the report's rows and embedded plots. Stages: tests/stages/poles.cir
# (two-pole loop), square.cir (square law), hardclip.cir, rl.cir (no loop).
CLI_LIB=$(cd "$(dirname "${BASH_SOURCE[0]}")/lib" && pwd)
# shellcheck source=lib/lib.sh
source "$CLI_LIB/lib.sh"
# shellcheck source=lib/json.sh
source "$CLI_LIB/json.sh"

S=$AMPSIM_TEST_DIR/stages
cat >designs.xml <<EOF
<?xml version="1.0" encoding="UTF-8"?>
<ampsim>
  <design name="two-pole">
    <stage file="$S/poles.cir" subckt="twopole"/>
    <measure figures="stability"><cap-load farads="0 10n"/></measure>
  </design>
  <design name="square">
    <stage file="$S/square.cir" subckt="square"/>
    <measure figures="imd clipping"><thd vout="0.5"/><imd tests="smpte ccif"/></measure>
  </design>
  <design name="hardclip">
    <stage file="$S/hardclip.cir" subckt="hardclip"/>
    <measure figures="imd clipping"><thd vout="0.5"/><imd tests="ccif"/></measure>
  </design>
</ampsim>
EOF
cat >twopole.xml <<EOF
<?xml version="1.0" encoding="UTF-8"?>
<ampsim>
  <design name="two-pole">
    <stage file="$S/poles.cir" subckt="twopole"/>
    <measure figures="stability"><cap-load farads="0 10n"/></measure>
  </design>
</ampsim>
EOF

# --- the table --------------------------------------------------------------------
expect_success compare designs.xml -j 2 -q --csv table.csv
cp "$CLI_OUT" table.txt
# row LABEL: the table's line of that row
row() { grep -E "^$1  " table.txt; }
for label in "Phase margin, C = 0" "Step overshoot, C = 0" "Phase margin, C = 10 nF" \
  "Step overshoot, C = 10 nF" "SMPTE IMD" "SMPTE IMD d2" "SMPTE IMD d3" "CCIF IMD" \
  "CCIF IMD d2" "CCIF IMD d3" "Overload recovery" "Clipping symmetric" \
  "Latched after overload"; do
  verify "table: a row '$label'" row "$label"
done
# The two-pole loop: 25.2 deg and 48.6 % (tests/stages/poles.cir); the
# other designs did not measure it.
verify "table: phase margin with 10 nF is the two-pole's 25.2 deg, '-' elsewhere" \
  bash -c "grep -E '^Phase margin, C = 10 nF +25\.2 deg +- +-$' table.txt"
verify "table: overshoot 48.6 %" bash -c "grep -E '^Step overshoot, C = 0 +48\.6 % ' table.txt"
# CCIF IMD: hardclip is linear below its limits (the floor), square is not:
# the lower is marked best.
verify "table: the lower CCIF IMD is marked best" \
  bash -c "grep -E '^CCIF IMD +- +-52\.0 dB +-[0-9.]+ dB\*$' table.txt"
verify "table: square-law CCIF d2 -52.0 dB at 0.5 Vrms (a2 V / 2)" \
  bash -c "grep -E '^CCIF IMD d2 +- +-52\.0 dB ' table.txt"
verify "table: clipping symmetric: no (square law), yes (hard clipper); no marker" \
  bash -c "grep -E '^Clipping symmetric +- +no +yes$' table.txt"
verify "table: neither latches" bash -c "grep -E '^Latched after overload +- +no +no$' table.txt"
verify "csv: keys of the new rows" bash -c \
  "grep -q '^cap_load.1.phase_margin_deg,deg,' table.csv && grep -q '^imd.0.d2_db,dB,' table.csv &&
   grep -q '^clipping.symmetric,,,0,1$' table.csv && grep -q '^cap_load.0.overshoot_pct,%,' table.csv"

# --- loop-gain curve: PNG, and the 0 dB crossing is the crossover -----------------
expect_success measure twopole.xml -j 2 --json m.json
expect_success compare twopole.xml -j 2 -q --curve loop-gain --csv loop.csv --plot loop.png
# shellcheck disable=SC2317  # called through verify
is_png() {
  [ "$(head -c 8 "$1" | od -An -tx1 | tr -d ' \n')" = 89504e470d0a1a0a ] || return 1
  local size
  size=$(wc -c <"$1")
  [ "$size" -gt 10000 ] && [ "$size" -lt 2000000 ] || { echo "     size $size"; return 1; }
}
verify "loop-gain: the plot is a PNG of a plausible size" is_png loop.png
verify "loop-gain: CSV header, per capacitance |T| and phase" test "$(head -n 1 loop.csv)" = \
  'Frequency (Hz),"two-pole, C = 0 Loop gain (dB)","two-pole, C = 0 Loop-gain phase (deg)","two-pole, C = 10 nF Loop gain (dB)","two-pole, C = 10 nF Loop-gain phase (deg)"'
verify "loop-gain: 321 points (40 per decade, 10 Hz..1 GHz)" test "$(tail -n +2 loop.csv | wc -l)" = 321
json_use m.json
FC=$(jval stability.crossover_hz)
PM=$(jval stability.phase_margin_deg)
# shellcheck disable=SC2317  # called through verify
crossing_agrees() {
  awk -F, -v fc="$FC" -v pm="$PM" 'NR > 2 && p >= 0 && $2 < 0 && !done {
      x = p / (p - $2); f = exp(log(pf) + x * (log($1) - log(pf))); ph = pp + x * ($3 - pp)
      printf "     0 dB at %.6g Hz (figure %.6g), phase margin %.3f deg (figure %.3f)\n", f, fc, 180 + ph, pm
      done = 1; bad = (f / fc - 1 > 0.01 || fc / f - 1 > 0.01 || 180 + ph - pm > 1 || pm - 180 - ph > 1) }
    NR > 1 { p = $2; pf = $1; pp = $3 }
    END { exit !done || bad }' loop.csv
}
verify "loop-gain: crosses 0 dB at the reported crossover (1 %), phase margin (1 deg)" crossing_agrees

# --- step curve: SVG, the peak is the overshoot -----------------------------------
expect_success compare twopole.xml -j 2 -q --curve step --csv step.csv --plot step.svg
# shellcheck disable=SC2317  # called through verify
is_svg() { [ "$(head -c 5 "$1")" = "<?xml" ] && grep -q '<svg' "$1"; }
verify "step: the plot is an SVG" is_svg step.svg
OS=$(jval cap_load.0.overshoot_pct)
# shellcheck disable=SC2317  # called through verify
peak_agrees() {
  awk -F, -v os="$OS" 'NR > 1 && $2 != "" && $2 + 0 > m { m = $2 + 0 }
    END { printf "     peak %.3f %% over, figure %.3f %%\n", m - 100, os; exit !(m - 100 - os < 0.5 && os - m + 100 < 0.5) }' step.csv
}
verify "step: the curve's peak is the reported overshoot (0.5 %)" peak_agrees

# --- IMD spectrum: the CCIF line at f2 - f1 gives d2 ------------------------------
cat >square.xml <<EOF
<?xml version="1.0" encoding="UTF-8"?>
<ampsim>
  <design name="square">
    <stage file="$S/square.cir" subckt="square"/>
    <measure figures="imd"><imd tests="ccif"/></measure>
  </design>
</ampsim>
EOF
expect_success compare square.xml -j 2 -q --curve imd-spectrum --csv imd.csv --plot imd.png
verify "imd-spectrum: the plot is a PNG" is_png imd.png
# CCIF at 1 Vrms: tones of 1 V peak each (0.7071 Vrms, -3.0103 dBV) at 19 and
# 20 kHz; the square law's line at 1 kHz is a2 A1 A2 = 10 mV peak, -43.0103
# dBV (d2 = that over the sum of the tones, 0.5 %), marked as a product.
verify "imd-spectrum: the product at 1 kHz is -43.01 dBV and marked" awk -F, \
  '$1 == 1000 { found = 1; ok = $2 > -43.02 && $2 < -43.00 && $3 == $2 }
   END { exit !(found && ok) }' imd.csv
verify "imd-spectrum: the tones at 19 and 20 kHz are -3.01 dBV, not products" awk -F, \
  '($1 == 19000 || $1 == 20000) { n++; if (!($2 > -3.02 && $2 < -3.00 && $3 == "")) bad = 1 }
   END { exit n != 2 || bad }' imd.csv

# --- the same from the command line: --cap-load, --imd, --clipping ---------------
TWO=$S/poles.cir:twopole
expect_success compare --stage "$TWO" --topology se,btl --cap-load 0,10n --figures gain -j 2 -q
verify "--cap-load: adds the stability rows to --figures gain" \
  grep -qE '^Phase margin, C = 10 nF +25\.2 deg +25\.2 deg$' "$CLI_OUT"
verify "--cap-load: equal overshoots (as printed) have no best marker" \
  grep -qE '^Step overshoot, C = 0 +48\.6 % +48\.6 %$' "$CLI_OUT"
expect_success compare --stage "$TWO" --topology btl --cap-load 0,10n --curve loop-gain -j 2 -q
verify "--cap-load: a loop-gain curve per BTL half and capacitance" test \
  "$(head -n 1 "$CLI_OUT" | grep -o 'Loop gain (dB)' | wc -l)" = 4
verify "--cap-load: the - half with 10 nF is a column" grep -q '"twopole btl 32 ohm, - half, C = 10 nF Loop gain (dB)"' "$CLI_OUT"
expect_success compare --stage "$S/square.cir:square" --imd ccif --clipping --figures gain -j 2 -q
verify "--imd ccif --clipping: CCIF rows and overload recovery, no SMPTE" bash -c \
  "grep -qE '^CCIF IMD d2 +-46\.0 dB$' '$CLI_OUT' && grep -q '^Overload recovery' '$CLI_OUT' &&
   ! grep -q SMPTE '$CLI_OUT'"
expect_error "ampsim: --imd: 'bogus' is not smpte or ccif" \
  compare --stage "$S/square.cir:square" --imd bogus

# --- errors -----------------------------------------------------------------------
expect_error_containing compare --stage "$S/rl.cir:rl" --curve loop-gain -q -- \
  "marks no feedback loop" "Vloop"

# --- the report: rows and plots ---------------------------------------------------
expect_success report twopole.xml -j 2 -q -o r.html
verify "report: the capacitive-load rows" grep -q '<td>Phase margin, C = 10 nF</td><td>25.2 deg</td>' r.html
verify "report: the loop-gain plot" grep -q '<img alt="Loop gain and phase vs frequency" src="data:image/svg+xml;base64,' r.html
verify "report: the step-response plot" grep -q '<img alt="Step response per capacitive load" src="data:image/svg+xml;base64,' r.html
verify "report: no IMD plot (not measured)" bash -c "! grep -q 'Intermodulation spectra' r.html"

# Too many curves for one legend (5 capacitances, SE and BTL into 32 and 300
# ohm: 30 loop-gain curves, one legend entry each, over the 24 of a plot):
# one plot per design.
expect_success report --stage "$TWO" --topology se,btl --load 32,300 --cap-load 0,1n,3n,10n,100n \
  -j 2 -q -o big.html
verify "report: a large loop-gain set is split into one plot per design" test \
  "$(grep -c '<img alt="Loop gain and phase vs frequency (twopole [a-z]* [0-9]* ohm)"' big.html)" = 4
verify "report: the step responses (20 series) stay one plot" test \
  "$(grep -c '<img alt="Step response per capacitive load" ' big.html)" = 1

cli_finish
