# tests/cli/lib/lib.sh - shared helpers of the command-line tests. Sourced by
# tests/cli/*.sh (this folder is not globbed, so this file is not a test).
#
# CTest sets AMPSIM_BIN (the built tool), AMPSIM_TEST_DIR (tests/) and
# AMPSIM_NETLIST_DIR. Each check prints "ok"/"FAIL" with what it ran; the
# script's exit status is the number of failures (capped), via cli_finish.

set -u

if [ -z "${AMPSIM_BIN:-}" ] || [ ! -x "${AMPSIM_BIN}" ]; then
  echo "AMPSIM_BIN is not set to the ampsim executable (run through ctest)" >&2
  exit 1
fi

CLI_FAILURES=0
CLI_CHECKS=0
# A private working folder, removed on exit; tests cd into it so that relative
# output files cannot land in the source tree.
CLI_TMP=$(mktemp -d "${TMPDIR:-/tmp}/ampsim-cli-test.XXXXXX")
trap 'rm -rf "$CLI_TMP"' EXIT
cd "$CLI_TMP" || exit 1

# The last run: exit status, stdout and stderr (files, so that trailing
# newlines and NUL-free binary junk are kept as they were).
CLI_STATUS=0
CLI_OUT="$CLI_TMP/.stdout"
CLI_ERR="$CLI_TMP/.stderr"

# Quote a command line for messages.
cli_quote() {
  local arg out=""
  for arg in "$@"; do
    out+=" $(printf '%q' "$arg")"
  done
  printf '%s' "${out# }"
}

cli_ok() {
  CLI_CHECKS=$((CLI_CHECKS + 1))
  echo "ok   $*"
}

cli_fail() {
  CLI_CHECKS=$((CLI_CHECKS + 1))
  CLI_FAILURES=$((CLI_FAILURES + 1))
  echo "FAIL $*"
}

# Run ampsim with the given arguments, stdin from /dev/null.
run_ampsim() {
  "$AMPSIM_BIN" "$@" </dev/null >"$CLI_OUT" 2>"$CLI_ERR"
  CLI_STATUS=$?
}

# Number of lines on the last run's stderr.
cli_err_lines() {
  wc -l <"$CLI_ERR" | tr -d ' '
}

# Show what the last run printed (after a failure).
cli_dump() {
  echo "     exit status: $CLI_STATUS"
  echo "     stdout: $(head -c 400 "$CLI_OUT")"
  echo "     stderr: $(head -c 400 "$CLI_ERR")"
}

# expect_error EXPECTED_STDERR_LINE ARGS...: exit 2, nothing on stdout, and
# exactly that one line on stderr.
expect_error() {
  local expected=$1
  shift
  run_ampsim "$@"
  if [ "$CLI_STATUS" -eq 2 ] && [ ! -s "$CLI_OUT" ] &&
    [ "$(cli_err_lines)" = 1 ] && [ "$(cat "$CLI_ERR")" = "$expected" ]; then
    cli_ok "$(cli_quote "$@")"
  else
    cli_fail "$(cli_quote "$@")"
    echo "     expected: exit 2, stderr: $expected"
    cli_dump
  fi
}

# expect_error_containing ARGS... -- NEEDLE...: exit 2, nothing on stdout, one
# line on stderr that starts with "ampsim: " and contains every NEEDLE (for
# messages whose exact words belong to another module).
expect_error_containing() {
  local args=() needles=() needle ok=1
  while [ $# -gt 0 ] && [ "$1" != "--" ]; do
    args+=("$1")
    shift
  done
  shift
  needles=("$@")
  run_ampsim "${args[@]}"
  if [ "$CLI_STATUS" -ne 2 ] || [ -s "$CLI_OUT" ] ||
    [ "$(cli_err_lines)" != 1 ] || [ "$(head -c 8 "$CLI_ERR")" != "ampsim: " ]; then
    ok=0
  fi
  for needle in "${needles[@]}"; do
    grep -qF -- "$needle" "$CLI_ERR" || ok=0
  done
  if [ $ok = 1 ]; then
    cli_ok "$(cli_quote "${args[@]}")"
  else
    cli_fail "$(cli_quote "${args[@]}")"
    echo "     expected: exit 2, one line 'ampsim: ...' containing: $(cli_quote "${needles[@]}")"
    cli_dump
  fi
}

# expect_success ARGS...: exit 0 and nothing on stderr.
expect_success() {
  run_ampsim "$@"
  if [ "$CLI_STATUS" -eq 0 ] && [ ! -s "$CLI_ERR" ]; then
    cli_ok "$(cli_quote "$@")"
  else
    cli_fail "$(cli_quote "$@")"
    echo "     expected: exit 0, empty stderr"
    cli_dump
  fi
}

# check DESCRIPTION COMMAND...: a plain assertion.
check() {
  local description=$1
  shift
  if "$@"; then
    cli_ok "$description"
  else
    cli_fail "$description"
  fi
}

# Print the summary; exit non-zero if anything failed.
cli_finish() {
  echo "$CLI_CHECKS checks, $CLI_FAILURES failed"
  [ "$CLI_FAILURES" -eq 0 ]
  exit $?
}
