#!/usr/bin/env bash
# Measure every example and print its results as Markdown tables, designs as
# columns. examples/README.md holds this script's output between its
# "<!-- table: NAME -->" / "<!-- end table -->" markers, and
# tests/cli/examples.sh re-runs it and compares every number, so the README
# cannot drift from the code.
#
# Usage: examples/tables.sh [AMPSIM] [NAME...]   (AMPSIM: the ampsim binary,
# default build/src/ampsim; NAMEs: which tables, default all)
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
ampsim=${1:-$here/../build/src/ampsim}
shift || true
# shellcheck source=../tests/cli/lib/json.sh
source "$here/../tests/cli/lib/json.sh"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# table NAME FILE [ampsim options] -- ROW...
# ROW is "Label|PATH|FORMAT|SCALE": PATH is a key path inside one design's
# JSON (power.pout_w_1pct, thd.1.thd_db), where ARRAY@F picks the element of
# a sweep whose freq_hz (or cap_f) is F (zout@1000.ohms); FORMAT a printf
# format; SCALE multiplies the value. null prints as "null".
table() {
  local name=$1 file=$2
  shift 2
  local opts=()
  while [ "$1" != "--" ]; do opts+=("$1"); shift; done
  shift
  "$ampsim" measure "$here/$file" "${opts[@]}" -j 2 --json "$tmp/$name.json" >/dev/null
  json_flat "$tmp/$name.json" > "$tmp/$name.flat"
  grep -o '<design name="[^"]*"' "$here/$file" | sed 's/<design name="//; s/"$//' > "$tmp/$name.names"
  echo "<!-- table: $name -->"
  awk -F'\t' -v rows="$(printf '%s\n' "$@")" -v names="$tmp/$name.names" '
    function near(a, b) { return a == b || (a - b <= 1e-9 * (b < 0 ? -b : b) && b - a <= 1e-9 * (b < 0 ? -b : b)) }
    FNR == NR { value[$1] = $2; next }
    END {
      n = 0
      while ((getline line < names) > 0) design[n++] = line
      printf "| |"; for (d = 0; d < n; d++) printf " %s |", design[d]; printf "\n"
      printf "|---|"; for (d = 0; d < n; d++) printf "---:|"; printf "\n"
      nrows = split(rows, row, "\n")
      for (r = 1; r <= nrows; r++) {
        if (row[r] == "") continue
        split(row[r], f, "|")
        printf "| %s |", f[1]
        for (d = 0; d < n; d++) {
          path = d "." f[2]
          if (index(path, "@") > 0) {
            # ARRAY@F.KEY: find the element whose freq_hz or cap_f equals F
            split(path, at, "@"); rest = at[2]; dot = index(rest, ".")
            want = substr(rest, 1, dot - 1) + 0; key = substr(rest, dot + 1)
            path = ""
            for (k = 0; k < 256; k++) {
              fk = at[1] "." k ".freq_hz"; ck = at[1] "." k ".cap_f"
              if ((fk in value && near(value[fk] + 0, want)) || (ck in value && near(value[ck] + 0, want))) {
                path = at[1] "." k "." key; break
              }
            }
          }
          if (path == "" || !(path in value)) printf " - |"
          else if (value[path] == "null") printf " null |"
          else printf " " f[3] " |", value[path] * (f[4] == "" ? 1 : f[4])
        }
        printf "\n"
      }
    }' "$tmp/$name.flat" /dev/null
  echo "<!-- end table -->"
}

selected=("$@")
run() { [ ${#selected[@]} -eq 0 ] || [[ " ${selected[*]} " == *" $1 "* ]]; }

if run balanced-vs-se; then
table balanced-vs-se balanced-vs-se.xml -- \
  "max output, 1 % THD (W)|power.pout_w_1pct|%.3f|" \
  "max output, 1 % THD (Vrms)|power.vout_rms_1pct|%.2f|" \
  "THD at 1 mW (dB)|thd.0.thd_db|%.1f|" \
  "THD at 100 mW (dB)|thd.1.thd_db|%.1f|" \
  "noise, A-weighted (uV)|noise.vrms_a|%.3f|1e6" \
  "SNR re 1 Vrms, A-wtd (dB)|noise.snr_1v_a_db|%.1f|" \
  "dynamic range re 1 % THD (dB A)|noise.dynamic_range_a_db|%.1f|" \
  "output impedance at 1 kHz (mohm)|zout@1000.ohms|%.3f|1e3" \
  "crosstalk at 1 kHz (dB)|crosstalk@1000.db|%.1f|"
fi
if run headphone-response; then
table headphone-response headphone-response.xml -- \
  "load at 1 kHz (ohm)|load.z_1k_ohms|%.1f|" \
  "output impedance at 1 kHz (ohm)|zout@1000.ohms|%.4f|" \
  "response deviation, max (dB)|response_deviation_db.max|%.3f|" \
  "response deviation, min (dB)|response_deviation_db.min|%.3f|"
fi
if run current-limit; then
table current-limit current-limit.xml -- \
  "max output, 1 % THD (Vrms)|power.vout_rms_1pct|%.2f|" \
  "max output, 1 % THD (W)|power.pout_w_1pct|%.3f|" \
  "max output, 0.1 % THD (W)|power.pout_w_01pct|%.3f|"
fi
if run arrangements; then
table arrangements arrangements.xml -- \
  "crosstalk at 1 kHz (dB)|crosstalk@1000.db|%.1f|" \
  "crosstalk at 20 kHz (dB)|crosstalk@20000.db|%.1f|" \
  "output impedance at 1 kHz (mohm)|zout@1000.ohms|%.2f|1e3" \
  "noise, A-weighted (uV)|noise.vrms_a|%.3f|1e6" \
  "max output, 1 % THD (mW)|power.pout_w_1pct|%.0f|1e3"
fi
if run cable-capacitance; then
table cable-capacitance cable-capacitance.xml -- \
  "phase margin, no cable (deg)|stability.phase_margin_deg|%.1f|" \
  "phase margin, 1 nF (deg)|cap_load@1e-09.phase_margin_deg|%.1f|" \
  "phase margin, 10 nF (deg)|cap_load@1e-08.phase_margin_deg|%.1f|" \
  "phase margin, 100 nF (deg)|cap_load@1e-07.phase_margin_deg|%.1f|" \
  "overshoot, no cable (%)|cap_load@0.overshoot_pct|%.1f|" \
  "overshoot, 1 nF (%)|cap_load@1e-09.overshoot_pct|%.1f|" \
  "overshoot, 10 nF (%)|cap_load@1e-08.overshoot_pct|%.1f|" \
  "overshoot, 100 nF (%)|cap_load@1e-07.overshoot_pct|%.1f|" \
  "ringing, 100 nF (MHz)|cap_load@1e-07.ring_hz|%.2f|1e-6"
fi
