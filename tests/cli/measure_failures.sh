#!/bin/bash
# Simulations that fail, end to end: exit 2, exactly one line on stderr
# starting "ampsim: " and saying what went wrong, nothing on stdout, and no
# --json file. The stages are in tests/data/cli/ (their comments say how each
# one fails in ngspice):
#   nonconvergent.cir:parallel  two ideal voltage sources in parallel: no
#                               operating point, in every analysis
#   nonconvergent.cir:selfref   v(out) = v(out) + 1 + ...: no solution
#   unknown_model.cir:amp       a diode model that does not exist: ngspice
#                               rejects the netlist
# and a measurement stopped by --timeout.
CLI_LIB=$(cd "$(dirname "${BASH_SOURCE[0]}")/lib" && pwd)
# shellcheck source=lib/lib.sh
source "$CLI_LIB/lib.sh"

DATA="$AMPSIM_TEST_DIR/data/cli"
PARALLEL="$DATA/nonconvergent.cir:parallel"
SELFREF="$DATA/nonconvergent.cir:selfref"
UNKNOWN="$DATA/unknown_model.cir:amp"

# fails_cleanly DESCRIPTION ARGS...: run measure ARGS; exit 2, nothing on
# stdout, one whole line on stderr starting "ampsim: ".
fails_cleanly() {
  local description=$1
  shift
  run_ampsim measure "$@"
  if [ "$CLI_STATUS" -eq 2 ] && [ ! -s "$CLI_OUT" ] && [ "$(cli_err_lines)" = 1 ] &&
    [ -z "$(tail -n +2 "$CLI_ERR")" ] && [ "$(head -c 8 "$CLI_ERR")" = "ampsim: " ]; then
    cli_ok "$description: exit 2, one line 'ampsim: ...'"
  else
    cli_fail "$description: exit 2, one line 'ampsim: ...'"
    echo "     ran: ampsim $(cli_quote measure "$@")"
    cli_dump
  fi
}

# says DESCRIPTION REGEX: the last run's stderr matches the extended REGEX
# (case-insensitive).
says() {
  if grep -qiE -- "$2" "$CLI_ERR"; then
    cli_ok "$1"
  else
    cli_fail "$1"
    echo "     stderr does not match /$2/: $(head -c 400 "$CLI_ERR")"
  fi
}

# --- no operating point --------------------------------------------------------------
fails_cleanly "parallel sources, all figures, --json out.json" --stage "$PARALLEL" --json out.json
says "parallel sources: the message quotes ngspice's failure" \
  'timestep too small|singular|converge|op failed|DC solution'
check "parallel sources: no out.json" test ! -e out.json
printf 'previous results\n' >old.json
fails_cleanly "parallel sources, --json old.json" --stage "$PARALLEL" --json old.json
check "parallel sources: an existing old.json is left as it was" \
  test "$(cat old.json)" = "previous results"
fails_cleanly "parallel sources, --json -" --stage "$PARALLEL" --json -
fails_cleanly "parallel sources, table" --stage "$PARALLEL"
fails_cleanly "parallel sources, BTL" --stage "$PARALLEL" --topology btl --figures gain
# Each measurement path reports the failure itself.
for figure in thd noise zout crosstalk power gain; do
  fails_cleanly "parallel sources, --figures $figure -j 1" \
    --stage "$PARALLEL" --figures "$figure" -j 1 --json -
  says "parallel sources, --figures $figure: names ngspice's failure" \
    'timestep too small|singular|converge|op failed|DC solution'
done
# Only simulating fails: the netlist itself is fine.
run_ampsim netlist --stage "$PARALLEL"
check "parallel sources: ampsim netlist still prints the bench (exit 0)" \
  test "$CLI_STATUS" = 0 -a -s "$CLI_OUT" -a ! -s "$CLI_ERR"

# --- no solution at all ------------------------------------------------------------------
for figure in thd noise zout gain power; do
  fails_cleanly "self-referencing B-source, --figures $figure" \
    --stage "$SELFREF" --figures "$figure" -j 1 --json -
done
check "self-referencing B-source: no out.json after a failed run" \
  test ! -e out.json

# --- ngspice rejects the netlist -------------------------------------------------------
fails_cleanly "unknown model, --json out.json" --stage "$UNKNOWN" --json out.json
check "unknown model: no out.json" test ! -e out.json
says "unknown model: the message names the model" 'nosuchmodel'
says "unknown model: the message gives ngspice's reason (model not found)" \
  "can't find model|valid model ?name|unknown model|model .*not (found|defined)|no such model"
fails_cleanly "unknown model, --figures zout -j 1" --stage "$UNKNOWN" --figures zout -j 1
says "unknown model, --figures zout: gives ngspice's reason (model not found)" \
  "can't find model|valid model ?name|unknown model|model .*not (found|defined)|no such model"

# --- the time limit --------------------------------------------------------------------------
# THD at 20 Hz simulates many long periods (about 14 s on a 2-core machine);
# --timeout 0.5 stops it. The run is a session of its own, so that a worker
# left running afterwards shows.
START=$(date +%s%N)
setsid -w bash -c 'echo $$ >session; exec "$@"' ampsim-session \
  "$AMPSIM_BIN" measure --stage opamp-buffer --freq 20 --figures thd --timeout 0.5 --json out.json \
  </dev/null >"$CLI_OUT" 2>"$CLI_ERR"
CLI_STATUS=$?
ELAPSED_MS=$((($(date +%s%N) - START) / 1000000))
if [ "$CLI_STATUS" -eq 2 ] && [ ! -s "$CLI_OUT" ] && [ "$(cli_err_lines)" = 1 ] &&
  [ "$(head -c 8 "$CLI_ERR")" = "ampsim: " ]; then
  cli_ok "--timeout 0.5 on THD at 20 Hz: exit 2, one line 'ampsim: ...'"
else
  cli_fail "--timeout 0.5 on THD at 20 Hz: exit 2, one line 'ampsim: ...'"
  cli_dump
fi
says "--timeout: the message is about the time limit" 'time limit|timed out|--timeout'
says "--timeout: the message gives the limit, 0.5 s" '0\.5 ?s'
check "--timeout: stopped in time (${ELAPSED_MS} ms, under 5 s)" test "$ELAPSED_MS" -lt 5000
check "--timeout: no out.json" test ! -e out.json
sleep 0.2
check "--timeout: no process of the run is left" \
  test -z "$(pgrep -s "$(cat session)" 2>/dev/null)"

cli_finish
