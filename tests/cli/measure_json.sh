#!/bin/bash
# measure --json - on the bundled stage (a real simulation of every figure):
# exit 0, nothing on stderr, nothing but one JSON document on stdout, every
# key of the JSON contract (issue 2) present, and figures with sane values
# and units. The expected values come from netlists/stages/opamp-buffer.cir's header:
# closed-loop gain 3 (9.54 dB), output offset vos*gain = 0.6 mV, input noise
# en = 4 nV/rtHz plus Rf||Rg = 667 ohm (3.32 nV/rtHz), white over the audio band.
CLI_LIB=$(cd "$(dirname "${BASH_SOURCE[0]}")/lib" && pwd)
# shellcheck source=lib/lib.sh
source "$CLI_LIB/lib.sh"
# shellcheck source=lib/json.sh
source "$CLI_LIB/json.sh"

expect_success measure --stage opamp-buffer --json -
cp "$CLI_OUT" doc.json
verify "stdout is exactly one JSON document" json_use doc.json

# Real parsers as a second opinion, where installed.
if command -v python3 >/dev/null 2>&1; then
  verify "python3's json module parses stdout (NaN/Infinity refused)" python3 -c '
import json, sys
def refuse(c): raise ValueError("non-standard constant " + c)
try:
    json.load(open(sys.argv[1]), parse_constant=refuse)
except ValueError as e:
    sys.exit("     python3: %s" % e)' doc.json
else
  echo "SKIP python3 parse of stdout: python3 is not installed"
fi
if command -v jq >/dev/null 2>&1; then
  verify "jq parses stdout as one document" test "$(jq -s length doc.json)" = 1
else
  echo "SKIP jq parse of stdout: jq is not installed"
fi

# --- the contract's keys -----------------------------------------------------
verify "top-level keys present" jhas topology load_ohms gain_db dc_offset_mv thd \
  noise zout crosstalk crosstalk_floor_db power
verify "thd[0] keys present" jhas thd.0.freq_hz thd.0.vout_rms thd.0.thd_db \
  thd.0.thd_pct thd.0.thdn_db thd.0.harmonics_dbc thd.0.converged thd.0.floor_db
verify "noise keys present" jhas noise.band_hz noise.vrms noise.vrms_a
verify "zout[0] keys present" jhas zout.0.freq_hz zout.0.ohms zout.0.phase_deg
verify "crosstalk[0] keys present" jhas crosstalk.0.freq_hz crosstalk.0.db
verify "power keys present" jhas power.vout_rms_1pct power.pout_w_1pct \
  power.vout_rms_01pct power.pout_w_01pct

# Every element of an array has all its fields (not only the first).
# shellcheck disable=SC2317  # called through verify
all_have() {
  local array=$1 n field
  shift
  n=$(jlen "$array")
  [ "$n" -gt 0 ] || { echo "     $array is empty"; return 1; }
  for field in "$@"; do
    if [ "$(jcol "$array" "$field" | wc -l)" -ne "$n" ]; then
      echo "     not every $array element has $field"
      return 1
    fi
  done
}
verify "every zout point has freq_hz, ohms, phase_deg" all_have zout freq_hz ohms phase_deg
verify "every crosstalk point has freq_hz, db" all_have crosstalk freq_hz db

# --- headline figures ----------------------------------------------------------
verify 'topology is "se"' jis topology '"se"'
verify "load_ohms is 32" jnum load_ohms 'v == 32'
verify "gain_db is 9.54 dB (20*log10(3))" jnum gain_db 'v > 9.532 && v < 9.552'
verify "dc_offset_mv is about 0.6 mV (in millivolts)" jnum dc_offset_mv 'v > 0.55 && v < 0.65'

# --- THD -----------------------------------------------------------------------
verify "one THD point by default" test "$(jlen thd)" = 1
verify "thd[0].freq_hz is 1000" jnum thd.0.freq_hz 'v == 1000'
verify "thd[0].vout_rms is 1 Vrms (to 0.1 %)" jnum thd.0.vout_rms 'v > 0.999 && v < 1.001'
verify "thd[0].converged is true" jis thd.0.converged true
verify "thd[0].thd_db is a level in dB (-160 .. -80)" jnum thd.0.thd_db 'v > -160 && v < -80'
verify "thd[0].floor_db is a number below thd_db" \
  jnum thd.0.floor_db "v < $(jval thd.0.thd_db)"
verify "thdn_db >= thd_db" jnum thd.0.thdn_db "v >= $(jval thd.0.thd_db)"
verify "thd_pct = 100 * 10^(thd_db/20)" \
  jnum thd.0.thd_pct "v > 0 && (v / (100 * exp($(jval thd.0.thd_db) / 20 * log(10))) - 1)^2 < 1e-12"
verify "harmonics_dbc lists H2..H20 at 1 kHz (harmonics up to 20 kHz)" \
  test "$(jlen thd.0.harmonics_dbc)" = 19
# shellcheck disable=SC2317  # called through verify
thd_is_power_sum() {
  local sum
  sum=$(jcol thd.0.harmonics_dbc "" |
    awk '{ s += exp($1 / 10 * log(10)) } END { printf "%.6f", 10 * log(s) / log(10) }')
  jnum thd.0.thd_db "(v - ($sum))^2 < 0.01^2"
}
verify "thd_db is the power sum of harmonics_dbc (to 0.01 dB)" thd_is_power_sum

# --- noise: white, 20 Hz..20 kHz ------------------------------------------------
verify "noise.band_hz is [20, 20000]" \
  test "$(jcol noise.band_hz "" | awk '{ printf "%g ", $1 }')" = "20 20000 "
# 3 * sqrt(4^2 + 3.32^2) nV/rtHz * sqrt(19980 Hz) = 2.204 uV.
verify "noise.vrms is 2.2 uV (in volts, to 5 %)" jnum noise.vrms 'v > 2.09e-6 && v < 2.31e-6'
# White noise: A-weighted bandwidth 12468.17 Hz of 19980 Hz: ratio 0.7900.
verify "noise.vrms_a / vrms is 0.790 (A-weighting of white noise)" \
  jnum noise.vrms_a "(v / $(jval noise.vrms) - 0.7900)^2 < 0.005^2"

# --- sweeps ----------------------------------------------------------------------
# shellcheck disable=SC2317  # called through verify
sweep_ok() {
  jcol "$1" freq_hz | awk -v name="$1" '
    { f[NR] = $1 + 0; if ($1 + 0 == 20) a = 1; if ($1 + 0 == 1000) b = 1; if ($1 + 0 == 20000) c = 1
      if (NR > 1 && f[NR] <= f[NR - 1]) { printf "     %s not increasing at %s\n", name, $1; bad = 1 } }
    END {
      if (!(a && b && c)) { printf "     %s lacks an exact 20, 1000 or 20000 Hz point\n", name; bad = 1 }
      if (f[1] != 20 || f[NR] != 20000) { printf "     %s runs from %s to %s Hz\n", name, f[1], f[NR]; bad = 1 }
      exit bad }'
}
verify "zout: increasing, 20 Hz..20 kHz, holds 20, 1000 and 20000 Hz exactly" sweep_ok zout
verify "crosstalk: increasing, 20 Hz..20 kHz, holds 20, 1000 and 20000 Hz exactly" sweep_ok crosstalk
# shellcheck disable=SC2317  # called through verify
col_all() {
  jcol "$1" "$2" | awk -v what="$1[].$2" -v cond="$3" '
    !('"$3"') { printf "     %s = %s fails %s\n", what, $1, cond; bad = 1 }
    END { if (NR == 0) { printf "     no %s\n", what; bad = 1 }; exit bad }'
}
# shellcheck disable=SC2016  # awk conditions
verify "zout ohms are positive and small (< 1 ohm: a feedback amplifier)" \
  col_all zout ohms '$1 ~ /^[0-9]/ && $1 > 0 && $1 < 1'
# shellcheck disable=SC2016
verify "zout phase_deg within -180..180" \
  col_all zout phase_deg '$1 ~ /^-?[0-9]/ && $1 >= -180 && $1 <= 180'
verify "crosstalk_floor_db is a negative number" jnum crosstalk_floor_db 'v < 0'
verify "crosstalk db is null or at least the floor" \
  col_all crosstalk db "\$1 == \"null\" || \$1 >= $(jval crosstalk_floor_db)"

# --- maximum output ----------------------------------------------------------------
# Rails 15 V less 1.5 V op-amp headroom less the buffer's drop: 7..10.6 Vrms.
verify "power.vout_rms_1pct within the rails (6 .. 10.6 Vrms)" \
  jnum power.vout_rms_1pct 'v > 6 && v < 10.61'
verify "power.vout_rms_01pct > 0 and <= vout_rms_1pct" \
  jnum power.vout_rms_01pct "v > 0 && v <= $(jval power.vout_rms_1pct)"
verify "power.pout_w_1pct = vout_rms_1pct^2 / 32 ohm (watts)" \
  jnum power.pout_w_1pct "(v / ($(jval power.vout_rms_1pct)^2 / 32) - 1)^2 < 1e-12"
verify "power.pout_w_01pct = vout_rms_01pct^2 / 32 ohm (watts)" \
  jnum power.pout_w_01pct "(v / ($(jval power.vout_rms_01pct)^2 / 32) - 1)^2 < 1e-12"

cli_finish
