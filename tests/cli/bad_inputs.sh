#!/bin/bash
# The bad-input corpus (tests/bad/README.md): stage netlists in
# tests/bad/netlist/*.cir, command lines in tests/bad/options/cases.txt, and a
# few inputs made here (an empty file, a 10 MB file, a NUL byte, a folder).
# Each case must give exit status 2, nothing on stdout, exactly one line on
# stderr equal to "ampsim: " and the case's expected text, no --json file (an
# existing one left as it was), no file written by the netlist
# (ampsim-marker, anywhere in the working folder), and the next run must
# work as usual. The runner knows no case by name: add a case by adding a
# file or a line.
source "$(dirname "${BASH_SOURCE[0]}")/lib/lib.sh"

BAD="$AMPSIM_TEST_DIR/bad"
WORK="$CLI_TMP/work"
OLD_TEXT="previous results"
CASES=0

# The cases run in a copy of their folder, so that whatever a netlist might
# write lands in $CLI_TMP, where it is looked for, and never in the sources.
mkdir -p "$WORK"
cp -R "$BAD/netlist" "$BAD/options" "$WORK/"

# Targets of the include escapes (include_parent.cir, lib_escape.cir reach
# two folders up, here): they exist, so that the refusal is the policy's and
# not "not found".
printf '.subckt amp in out vp vn gnd\nE1 out gnd in gnd 2\n.ends amp\n' >"$CLI_TMP/secret.cir"
printf '.lib typical\n.subckt amp in out vp vn gnd\nE1 out gnd in gnd 2\n.ends amp\n.endl\n' \
  >"$CLI_TMP/models.lib"
# Absolute paths in messages are written {DIR} (the case's folder) and
# {NETLISTS} (ampsim's netlist folder) and {TMP} (the test's private
# folder) in the expected texts.
NETLISTS=$(cd "${AMPSIM_NETLIST_DIR:-$AMPSIM_TEST_DIR/../netlists}" && pwd -P)

# A good stage and run, to show that a refused input does not affect the
# next one.
GOOD="$WORK/options/amp.cir:amp"

# run_case DIR EXPECTED ARGS...: the checks above for one case, run from DIR.
# For measure, --json out.json is added: once with no out.json, once with
# an old one that must stay.
run_case() {
  local dir=$1 expected=$2 pass json_args=() why=()
  shift 2
  expected=${expected//\{DIR\}/$(cd "$dir" && pwd -P)}
  expected=${expected//\{NETLISTS\}/$NETLISTS}
  expected=${expected//\{TMP\}/$(cd "$CLI_TMP" && pwd -P)}
  CASES=$((CASES + 1))
  [ "$1" = measure ] && [[ " $* " != *" --json "* ]] && json_args=(--json out.json)
  for pass in new old; do
    rm -f "$dir/out.json"
    [ $pass = old ] && printf '%s\n' "$OLD_TEXT" >"$dir/out.json"
    (cd "$dir" && "$AMPSIM_BIN" "$@" "${json_args[@]}" </dev/null >"$CLI_OUT" 2>"$CLI_ERR")
    CLI_STATUS=$?
    [ "$CLI_STATUS" -eq 2 ] || why+=("exit $CLI_STATUS")
    [ ! -s "$CLI_OUT" ] || why+=("stdout not empty")
    [ "$(cli_err_lines)" = 1 ] || why+=("$(cli_err_lines) lines on stderr")
    [ "$(cat "$CLI_ERR")" = "ampsim: $expected" ] || why+=("message")
    if [ $pass = new ]; then
      [ ! -e "$dir/out.json" ] || why+=("out.json written")
    else
      [ "$(cat "$dir/out.json" 2>/dev/null)" = "$OLD_TEXT" ] || why+=("old out.json changed")
    fi
    if [ -n "$(find "$CLI_TMP" -name 'ampsim-marker*' -print -quit)" ]; then
      why+=("the netlist wrote a file: $(find "$CLI_TMP" -name 'ampsim-marker*' | head -n 1)")
      find "$CLI_TMP" -name 'ampsim-marker*' -exec rm -rf {} +
    fi
    [ ${#why[@]} -eq 0 ] || break
    [ ${#json_args[@]} -gt 0 ] || break
  done
  rm -f "$dir/out.json"
  if [ ${#why[@]} -eq 0 ]; then
    # The next run is unaffected.
    "$AMPSIM_BIN" measure --stage "$GOOD" --figures gain --json - </dev/null >"$CLI_OUT" 2>"$CLI_ERR"
    CLI_STATUS=$?
    [ "$CLI_STATUS" -eq 0 ] && [ ! -s "$CLI_ERR" ] && grep -q '"gain' "$CLI_OUT" ||
      why+=("the good run after it failed (exit $CLI_STATUS: $(head -c 300 "$CLI_ERR"))")
  fi
  if [ ${#why[@]} -eq 0 ]; then
    cli_ok "$(cli_quote "$@")"
  else
    cli_fail "$(cli_quote "$@"): ${why[*]}"
    echo "     expected: ampsim: $expected"
    cli_dump
  fi
}

# --- stage netlists: tests/bad/netlist/*.cir ------------------------------------
# Line 1: "* expect: TEXT". Line 2, optional: "* args: ARGS", where {} is the
# file's name; without it the case runs measure --stage FILE:amp --figures
# gain.
shopt -s nullglob
files=("$WORK/netlist"/*.cir)
check "the netlist corpus is not empty" test ${#files[@]} -gt 0
for path in "${files[@]}"; do
  file=${path##*/}
  expected=$(head -n 1 "$path" | tr -d '\r' | sed -n 's/^\* expect: //p')
  if [ -z "$expected" ]; then
    cli_fail "$file: the first line is not '* expect: TEXT'"
    continue
  fi
  args_line=$(sed -n '2s/^\* args: //p' "$path" | tr -d '\r')
  if [ -n "$args_line" ]; then
    read -r -a args <<<"${args_line//\{\}/$file}"
  else
    args=(measure --stage "$file:amp" --figures gain)
  fi
  run_case "$WORK/netlist" "$expected" "${args[@]}"
done

# --- made here: too big or awkward to commit ------------------------------------
GEN="$WORK/generated"
mkdir -p "$GEN"
: >"$GEN/empty.cir"
run_case "$GEN" "empty.cir: no subcircuit 'amp' (it defines none)" \
  measure --stage empty.cir:amp --figures gain
# 10 MB: a good stage, 10 MB of comment lines, and a .control block at the
# very end, which the scan must still find, on the right line.
{
  printf '.subckt amp in out vp vn gnd\nE1 out gnd in gnd 2\n'
  seq 1 250000 | sed 's/.*/* padding line & of a stage file of over 10 MB/'
  printf '.ends amp\n.control\nshell touch ampsim-marker\n.endc\n'
} >"$GEN/huge.cir"
huge_bytes=$(stat -c %s "$GEN/huge.cir")
check "huge.cir is over 10 MB ($huge_bytes bytes)" test "$huge_bytes" -gt 10485760
run_case "$GEN" "huge.cir:250004: .control blocks are not allowed in a stage file (netlists may not run commands)" \
  measure --stage huge.cir:amp --figures gain
run_case "$GEN" "huge.cir:250004: .control blocks are not allowed in a stage file (netlists may not run commands)" \
  netlist --stage huge.cir:amp
# Without the block, the same 10 MB stage is accepted: size alone is no
# fault (the limit, 64 MB by default, is the netlist policy's). Checked with
# `netlist`: simulating it takes 3 s here, but minutes under ASan's
# strict_string_checks.
head -n 250003 "$GEN/huge.cir" >"$GEN/huge_ok.cir"
run_ampsim netlist --stage "$GEN/huge_ok.cir:amp"
check "a 10 MB stage without the block is accepted (exit $CLI_STATUS)" \
  test "$CLI_STATUS" = 0 -a ! -s "$CLI_ERR" -a -s "$CLI_OUT"
rm -f "$GEN/huge.cir" "$GEN/huge_ok.cir"
printf '.subckt amp in out vp vn gnd\nE1 out gnd in gnd 2\0\n.ends amp\n' >"$GEN/nul.cir"
run_case "$GEN" "nul.cir:2: NUL byte: not a text file" measure --stage nul.cir:amp --figures gain
mkdir -p "$GEN/folder.cir"
run_case "$GEN" "folder.cir: not a regular file" measure --stage folder.cir:amp --figures gain

# --- command lines: tests/bad/options/cases.txt ---------------------------------
# Pairs of lines "args: ARGS" and "expect: TEXT", run from tests/bad/options
# (amp.cir there is a good stage with a parameter, gain).
args=()
while IFS= read -r line; do
  case "$line" in
  "args: "*) read -r -a args <<<"${line#args: }" ;;
  "expect: "*)
    if [ ${#args[@]} -eq 0 ]; then
      cli_fail "cases.txt: 'expect: ${line#expect: }' without an 'args:' line before it"
    else
      run_case "$WORK/options" "${line#expect: }" "${args[@]}"
    fi
    args=()
    ;;
  esac
done <"$BAD/options/cases.txt"

echo "$CASES cases"
check "the corpus holds at least 60 cases (it has $CASES)" test "$CASES" -ge 60
cli_finish
