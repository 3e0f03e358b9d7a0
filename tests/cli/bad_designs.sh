#!/bin/bash
# Bad design files: every tests/bad/design/*.xml is refused by both
# `ampsim validate FILE` and `ampsim measure FILE --json OUT` with exit
# status 2, nothing on stdout, exactly one line on stderr, "ampsim: " followed
# by the text of the file's first line, <!-- expect: TEXT -->, and no OUT.
# TEXT ending in "..." matches any line that starts with what comes before
# it (for lists owned by other modules, such as the bundled parts).
#
# The runner knows no file by name: add a case by adding a file (see
# tests/bad/design/README.md). Files are run from their folder, so messages
# name them as FILE.xml and their parts as parts/NAME.cir.
source "$(dirname "${BASH_SOURCE[0]}")/lib/lib.sh"

BAD_DIR="$AMPSIM_TEST_DIR/bad/design"
OUT_JSON="$CLI_TMP/out.json"

# expect_refusal FILE EXPECTED COMMAND...: the checks above for one run.
expect_refusal() {
  local file=$1 expected=$2 line ok=1
  shift 2
  rm -f "$OUT_JSON"
  (cd "$BAD_DIR" && "$AMPSIM_BIN" "$@" </dev/null >"$CLI_OUT" 2>"$CLI_ERR")
  CLI_STATUS=$?
  line=$(cat "$CLI_ERR")
  [ "$CLI_STATUS" -eq 2 ] || ok=0
  [ ! -s "$CLI_OUT" ] || ok=0
  [ "$(cli_err_lines)" = 1 ] || ok=0
  if [ "${expected%...}" != "$expected" ]; then
    case "$line" in "ampsim: ${expected%...}"*) ;; *) ok=0 ;; esac
  else
    [ "$line" = "ampsim: $expected" ] || ok=0
  fi
  [ ! -e "$OUT_JSON" ] || ok=0
  if [ $ok = 1 ]; then
    cli_ok "$(cli_quote "$@")"
  else
    cli_fail "$(cli_quote "$@")"
    echo "     expected: exit 2, no stdout, no $OUT_JSON, stderr: ampsim: $expected"
    [ ! -e "$OUT_JSON" ] || echo "     $OUT_JSON was written"
    cli_dump
  fi
}

shopt -s nullglob
files=("$BAD_DIR"/*.xml)
check "the corpus is not empty ($BAD_DIR)" test ${#files[@]} -gt 0
for path in "${files[@]}"; do
  file=${path##*/}
  expected=$(head -n 1 "$path" | sed -n 's/^<!-- expect: \(.*\) -->$/\1/p')
  if [ -z "$expected" ]; then
    cli_fail "$file: the first line is not <!-- expect: TEXT -->"
    continue
  fi
  expect_refusal "$file" "$expected" validate "$file"
  expect_refusal "$file" "$expected" measure "$file" --json "$OUT_JSON"
done

# validate goes on after a bad file, and reports each (the status is 2).
good="$AMPSIM_TEST_DIR/data/design/linear.xml"
run_ampsim validate "$BAD_DIR/malformed.xml" "$good"
check "validate BAD GOOD: exit 2, GOOD still reported OK" \
  test "$CLI_STATUS" = 2 -a "$(cat "$CLI_OUT")" = "$good: OK (2 designs)" \
  -a "$(cli_err_lines)" = 1

cli_finish
