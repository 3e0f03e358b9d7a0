#!/bin/bash
# ampsim netlist prints exactly what ampsim measure simulates, in a form an
# engineer can rerun: its structure (SE, --kind zout, BTL) is checked here,
# and, where the ngspice program is installed, copies of it run in batch
# ngspice reproduce ampsim's own figures for the bundled stage:
#   op            v(n_out_l) = dc_offset_mv
#   ac at 1 kHz   on --kind zout: |v(n_out_l)| and phase = zout at 1 kHz
#   tran          with --vin = a THD point's vin_peak: 1 Vrms (2.828 V p-p)
# Without ngspice those runs are skipped with a message.
CLI_LIB=$(cd "$(dirname "${BASH_SOURCE[0]}")/lib" && pwd)
# shellcheck source=lib/lib.sh
source "$CLI_LIB/lib.sh"
# shellcheck source=lib/json.sh
source "$CLI_LIB/json.sh"

N=(netlist --stage opamp-buffer)

# count PATTERN FILE: lines matching the extended regex.
count() { grep -cE -- "$1" "$2"; }

# --- SE, loaded --------------------------------------------------------------------
expect_success "${N[@]}"
cp "$CLI_OUT" se.cir
verify "SE: defines the stage subcircuit" grep -qE '^\.subckt opamp_buffer in out vp vn gnd' se.cir
verify "SE: two stage instances, xamp_l and xamp_r" \
  test "$(count '^xamp_(l|r) ' se.cir) $(count '^xamp_' se.cir)" = "2 2"
verify "SE: loads rload_l n_out_l 0 and rload_r n_out_r 0 (32 ohm)" \
  test "$(count '^rload_l n_out_l 0 32( |$)' se.cir) $(count '^rload_r n_out_r 0 32( |$)' se.cir)" = "1 1"
verify "SE: supply rails of 15 V" \
  test "$(count '^vsup_p n_vp 0 DC 15$' se.cir) $(count '^vsup_n n_vn 0 DC -15$' se.cir)" = "1 1"
verify "SE: ends with .end and holds no .control block" \
  test "$(tail -n 1 se.cir) $(count '^\.(control|endc)' se.cir)" = ".end 0"

# --- --kind zout -------------------------------------------------------------------------
expect_success "${N[@]}" --kind zout
cp "$CLI_OUT" zout.cir
verify "zout: no rload lines" test "$(count '^rload' zout.cir)" = 0
verify "zout: an iz_l current source into n_out_l" grep -qE '^iz_l 0 n_out_l .*AC 1' zout.cir
verify "zout: no AC drive on the inputs" test "$(count '^vsrc_[lr] .*AC 1' zout.cir)" = 0

# --- BTL ---------------------------------------------------------------------------------
expect_success "${N[@]}" --topology btl
cp "$CLI_OUT" btl.cir
verify "BTL: two einv_ inverting sources (einv_l, einv_r)" \
  test "$(count '^einv_' btl.cir) $(count '^einv_(l|r) ' btl.cir)" = "2 2"
verify "BTL: einv_l gives -1 times n_in_l" grep -qE '^einv_l n_inn_l 0 n_in_l 0 -1$' btl.cir
verify "BTL: four xamp_ instances" test "$(count '^xamp_' btl.cir)" = 4
verify "BTL: floating loads between the halves" \
  test "$(count '^rload_l n_outp_l n_outn_l 32( |$)' btl.cir) $(count '^rload_[lr] [^ ]+ 0 ' btl.cir)" = "1 0"

# --- --vin, --freq -------------------------------------------------------------------------
expect_success "${N[@]}" --vin 0.5 --freq 2k
verify "--vin 0.5 --freq 2k: the left source is SIN(0 0.5 2000)" \
  grep -qE '^vsrc_l n_in_l 0 .*SIN\(0 0\.5 2000\)' "$CLI_OUT"
verify "--vin 0.5 --freq 2k: the right source has no sine" \
  test "$(count '^vsrc_r .*SIN' "$CLI_OUT")" = 0

# --- rerun in batch ngspice ------------------------------------------------------------------
# ampsim's own figures for the comparison.
expect_success measure --stage opamp-buffer --figures gain,zout,thd --json -
cp "$CLI_OUT" figures.json
verify "figures: one JSON document" json_use figures.json
DC_MV=$(jval dc_offset_mv)
VIN=$(jval thd.0.vin_peak)
Z1K=$(paste <(jcol zout freq_hz) <(jcol zout ohms) <(jcol zout phase_deg) |
  awk '$1 + 0 == 1000 { print $2, $3; exit }')

# rerun NETLIST NAME CONTROL_LINE...: insert a .control block before .end,
# run batch ngspice (no .spiceinit) in NAME.log; fail on any error line.
# shellcheck disable=SC2317  # called through verify
rerun() {
  local netlist=$1 name=$2 line block=""
  shift 2
  for line in "$@" "quit 0"; do
    block+="$line"$'\n'
  done
  awk -v block=".control"$'\n'"$block.endc" '/^\.end$/ { print block } { print }' \
    "$netlist" >"$name.cir"
  if ! ngspice -b -n "$name.cir" >"$name.log" 2>&1 || grep -qiE 'error|aborted|not found|failed' "$name.log"; then
    echo "     ngspice -b -n $name.cir failed:"
    grep -iE 'error|aborted|not found|failed' "$name.log" | head -n 5 | sed 's/^/     /'
    return 1
  fi
}
# value NAME VECTOR: the number ngspice printed as "VECTOR = number".
value() { awk -v v="$2" '$1 == v && $2 == "=" { print $3; exit }' "$1.log"; }

if command -v ngspice >/dev/null 2>&1; then
  verify "ngspice: the SE netlist simulates (op)" rerun se.cir se_op op 'print v(n_out_l)'
  V=$(value se_op 'v(n_out_l)')
  verify "ngspice: op v(n_out_l) = ${V:-?} V is ampsim's dc_offset_mv $DC_MV mV (to 0.1 %)" \
    awk -v v="$V" -v m="$DC_MV" 'BEGIN { exit !(v != "" && m != "" && (1000 * v / m - 1)^2 < 1e-6) }'

  verify "ngspice: the zout netlist simulates (ac at 1 kHz)" rerun zout.cir zout_ac \
    'ac lin 1 1000 1000' 'print vm(n_out_l) vp(n_out_l)'
  ZM=$(value zout_ac 'vm(n_out_l)')
  ZP=$(value zout_ac 'vp(n_out_l)')
  verify "ngspice: |v(n_out_l)| = ${ZM:-?} V, phase ${ZP:-?} rad is ampsim's zout at 1 kHz ($Z1K) to 0.1 %" \
    awk -v m="$ZM" -v p="$ZP" -v z="$Z1K" 'BEGIN { split(z, a, " ")
      exit !(m != "" && z != "" && (m / a[1] - 1)^2 < 1e-6 && (p * 45 / atan2(1, 1) - a[2])^2 < 0.01^2) }'

  verify "ngspice: the BTL netlist simulates (op)" rerun btl.cir btl_op op \
    'print v(n_outp_l,n_outn_l)'
  verify "ngspice: BTL op prints the differential output" test -n "$(value btl_op 'v(n_outp_l,n_outn_l)')"

  # The THD point's vin_peak reproduces its level: 1 Vrms = 2.8284 V p-p.
  expect_success "${N[@]}" --vin "$VIN" --freq 1k
  cp "$CLI_OUT" tone.cir
  verify "ngspice: the --vin $VIN netlist simulates (tran)" rerun tone.cir tone_tran \
    'tran 1u 5m 0 1u' 'meas tran vpp pp v(n_out_l) from=3m to=5m'
  VPP=$(value tone_tran vpp)
  verify "ngspice: tran v(n_out_l) is ${VPP:-?} V p-p = 2*sqrt(2) * 1 Vrms (to 0.2 %)" \
    awk -v v="$VPP" 'BEGIN { exit !(v != "" && (v / (2 * sqrt(2)) - 1)^2 < 0.002^2) }'
else
  echo "SKIP rerunning the netlists in ngspice: the ngspice program is not installed"
fi

cli_finish
