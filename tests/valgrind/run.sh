#!/usr/bin/env bash
# tests/valgrind/run.sh [CTEST_ARGS...] - the test suites under valgrind memcheck.
#
# Builds ampsim (Debug, no sanitizers) in its own folder with every test
# executable launched through tests/valgrind/vg.sh (valgrind --error-exitcode
# --leak-check=full --errors-for-leak-kinds=definite --trace-children=yes, with
# tests/valgrind/ngspice.supp), runs the CTest selection below, then a few
# command-line runs of the tool, and sums up valgrind's per-process logs
# (forked simulation workers included). Exits non-zero if a test fails, a CLI
# run ends with an unexpected status, or any process has a memcheck error or a
# definite leak outside the suppressions.
#
# Selection (valgrind is 20-50x slower; measured on 2 cores). Without
# arguments:
#   - every unit test (label unit: DSP, netlist, report, plot, bench, the fuzz
#     corpus replays, ...);
#   - a representative subset of the integration tests, named below
#     ($integration): every engine test but the memory-flatness one (it
#     measures resident memory, which valgrind's own allocator decides;
#     leaks are what memcheck checks), every parts test, the measurement
#     tests of each figure (linear, harmonics, noise, Zout, both
#     crosstalks, clipper levels), the fast curve and arrangement tests.
#     Left out are the full measurements of real stages and their repeats
#     with other job counts or arrangements: 2 to 13 min each under valgrind,
#     several past the 300 s task time limit (the CLI runs below measure the
#     bundled stage once instead). New integration tests are not picked up
#     until they are named here;
#   - no CLI test scripts (they run ampsim dozens of times); the 8 CLI runs
#     below go through the tool's paths once each, a full measurement of
#     the bundled stage among them.
# Arguments replace the selection and go to ctest as they are, e.g.
# `tests/valgrind/run.sh -R engine`.
#
# Environment: AMPSIM_VALGRIND_BUILD_DIR (default: build-valgrind in the
# source tree), AMPSIM_JOBS (default: nproc).
set -uo pipefail

repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
build=${AMPSIM_VALGRIND_BUILD_DIR:-$repo/build-valgrind}
jobs=${AMPSIM_JOBS:-$(nproc)}
launcher=$repo/tests/valgrind/vg.sh
integration='^test_('
integration+='engine__(operating_point|ac_vector_is_complex|bad_netlist_is_an_error|missing_vector_is_not_found|failed_analysis_is_an_error|controlled_exit_is_survived|spiceinit_in_cwd_is_ignored|xspice_code_models_are_loaded)'
integration+='|parts__.*'
integration+='|measure__(linear_stage|polynomial_harmonics|thermal_noise|output_impedance_rl|shared_return_crosstalk|supply_crosstalk|soft_clipper_levels)'
integration+='|curves__(zout_noise_spectrum_curves|curve_names_and_errors)'
integration+='|curve_sets__(loop_gain_curve_crosses_at_the_crossover|loop_gain_needs_vloop|step_curve_peak_is_the_overshoot)'
integration+='|arrangements__(volume_ideal_and_pot|split_supply_removes_supply_crosstalk|active_ground_divider|se_split_has_no_crosstalk)'
integration+=')$'

if ! command -v valgrind >/dev/null 2>&1; then
  echo "valgrind: not installed (bash scripts/deps.sh installs it)" >&2
  exit 1
fi

start=$(date +%s)
cmake -S "$repo" -B "$build" -DCMAKE_BUILD_TYPE=Debug -DAMPSIM_SANITIZE= \
  -DAMPSIM_TEST_LAUNCHER="$launcher" >/dev/null || exit 1
cmake --build "$build" -j"$jobs" >/dev/null || {
  cmake --build "$build" -j1 2>&1 | tail -40
  exit 1
}

logs=$build/valgrind-logs
rm -rf "$logs"
mkdir -p "$logs"
export AMPSIM_VG_LOG_DIR=$logs
failed=0

# --- CTest -------------------------------------------------------------------
tests_run=0
# run_ctest ARGS...: one ctest run; counts its tests, fails on any failure.
run_ctest() {
  local out=$build/valgrind-ctest.txt n
  ctest --test-dir "$build" --output-on-failure -j"$jobs" "$@" 2>&1 | tee "$out"
  if ! grep -q '100% tests passed' "$out"; then
    failed=1
  fi
  n=$(sed -n 's/.* tests failed out of \([0-9]*\).*/\1/p' "$out" | tail -1)
  tests_run=$((tests_run + ${n:-0}))
}
if [ $# -eq 0 ]; then
  run_ctest -L '^unit$'
  run_ctest -L '^integration$' -R "$integration"
else
  run_ctest "$@"
fi

# --- A few command-line runs ---------------------------------------------------
tool=$build/tests/ampsim-launched
work=$(mktemp -d "${TMPDIR:-/tmp}/ampsim-valgrind.XXXXXX")
trap 'rm -rf "$work"' EXIT
export AMPSIM_NETLIST_DIR=$repo/netlists
cli_runs=0
# cli EXPECTED_STATUS ARGS...
cli() {
  local expected=$1 status
  shift
  local t0
  cli_runs=$((cli_runs + 1))
  t0=$(date +%s)
  (cd "$work" && "$tool" "$@" </dev/null >"$work/out" 2>"$work/err")
  status=$?
  if [ "$status" -eq "$expected" ]; then
    echo "cli ok   (exit $status, $(($(date +%s) - t0)) s) ampsim $*"
  else
    echo "cli FAIL (exit $status, expected $expected) ampsim $*"
    head -c 600 "$work/err"
    failed=1
  fi
}
cli 0 --version
cli 0 help measure
cli 0 netlist --stage opamp-buffer --topology btl
cli 0 measure --stage opamp-buffer --json "$work/buffer.json"
cli 0 measure --stage "$repo/tests/stages/poly.cir:poly" --topology btl --figures thd,gain,power -j 1
cli 2 measure --stage "$repo/tests/data/netlist/control.cir:evil"
cli 2 measure --stage no-such-stage
cli 2 measure --stage opamp-buffer --load abc

# --- Valgrind's logs -----------------------------------------------------------
processes=0 errors=0 incomplete=0 suppressed=0
bad_logs=()
for log in "$logs"/vg.*.log; do
  [ -e "$log" ] || continue
  processes=$((processes + 1))
  summary=$(grep -E '== ERROR SUMMARY: ' "$log" | tail -1)
  if [ -z "$summary" ]; then
    # Killed before valgrind could report (a worker stopped at its time limit).
    incomplete=$((incomplete + 1))
    continue
  fi
  n=$(sed -E 's/.*ERROR SUMMARY: ([0-9,]+) errors.*/\1/; s/,//g' <<<"$summary")
  s=$(sed -E 's/.*suppressed: ([0-9,]+) from.*/\1/; s/,//g' <<<"$summary")
  errors=$((errors + n))
  suppressed=$((suppressed + s))
  if [ "$n" -gt 0 ]; then
    bad_logs+=("$log")
  fi
done
for log in "${bad_logs[@]:0:10}"; do
  echo "---- $log ($(head -c 300 "$log" | grep -m1 -o 'Command: .*'))"
  grep -v -E '^==[0-9]+== *$' "$log" | grep -E -A30 \
    'Invalid|uninitialised|Conditional jump|Syscall param|Mismatched|definitely lost in|overlap|Source and destination' |
    head -80
done
if [ "$errors" -gt 0 ]; then
  failed=1
fi

echo "valgrind: ${tests_run:-0} ctest tests + $cli_runs CLI runs, $processes processes checked" \
  "($incomplete ended without a report), $errors errors (definite leaks included)," \
  "$suppressed suppressed (ngspice.supp), $(($(date +%s) - start)) s"
exit $failed
