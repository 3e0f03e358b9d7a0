#!/bin/bash
# ampsim check when it cannot run (exit 2, never 1): a truncated or corrupted
# baseline is named with file:line; a missing baseline or design file, a
# baseline without figures, a design whose simulation fails, and a bad
# command line each give one line on stderr. The JUnit report is still
# written, valid, with an <error> for what could not run. Bad options are
# refused before anything is simulated.
CLI_LIB=$(cd "$(dirname "${BASH_SOURCE[0]}")/lib" && pwd)
# shellcheck source=lib/lib.sh
source "$CLI_LIB/lib.sh"
# shellcheck source=lib/check_lib.sh
source "$CLI_LIB/check_lib.sh"

NAME=opamp-buffer-se-32
copy_reference "$NAME" ref
BASE=ref/$NAME.xml

# expect_exit2_line ARGS... -- REGEX: exit 2 and an stderr line matching REGEX.
expect_exit2_line() {
  local args=() regex
  while [ "$1" != "--" ]; do
    args+=("$1")
    shift
  done
  regex=$2
  run_ampsim "${args[@]}"
  if [ "$CLI_STATUS" -eq 2 ] && grep -qE -- "$regex" "$CLI_ERR"; then
    cli_ok "$(cli_quote "${args[@]}") -> exit 2, $regex"
  else
    cli_fail "$(cli_quote "${args[@]}")"
    echo "     expected: exit 2, stderr matching $regex"
    cli_dump
  fi
}

# --- truncated: cut in the middle of line 9 -----------------------------------------
{ head -n 8 "$BASE"; sed -n 9p "$BASE" | cut -c1-22 | tr -d '\n'; } >ref/truncated.xml
expect_exit2_line check ref/truncated.xml -- \
  '^ampsim: ref/truncated\.xml:9: .*\(not a complete XML document: truncated or corrupted\?\)$'
check "truncated: one line on stderr" test "$(cli_err_lines)" = 1
check "truncated: the table says ERROR" grep -q '^  ERROR  ref/truncated\.xml:9: ' "$CLI_OUT"
# cut after a whole line: the parser notices at the end of the file
head -n 12 "$BASE" >ref/cut.xml
expect_exit2_line check ref/cut.xml -- '^ampsim: ref/cut\.xml:13: .*truncated or corrupted'
: >ref/empty.xml
expect_exit2_line check ref/empty.xml -- '^ampsim: ref/empty\.xml:1: the file is empty'

# --- corrupted: a value that is not a number, on the line of the first thd_db ------
line=$(grep -n 'name="thd_db"' "$BASE" | head -n 1 | cut -d: -f1)
sed "${line}s/value=\"[^\"]*\"/value=\"-12x.5\"/" "$BASE" >ref/corrupt.xml
expect_exit2_line check ref/corrupt.xml -- \
  "^ampsim: ref/corrupt\\.xml:$line: <figure name=\"thd_db\" value=\"-12x\\.5\">: not a number \\(nor null\\)\$"
sed "${line}s/name=\"thd_db\"/name=\"thd_percent\"/" "$BASE" >ref/unknown.xml
expect_exit2_line check ref/unknown.xml -- "^ampsim: ref/unknown\\.xml:$line: unknown figure 'thd_percent'"
sed "${line}s/\"\\/>/\" tol-pct=\"5\"\\/>/" "$BASE" >ref/wrongtol.xml
expect_exit2_line check ref/wrongtol.xml -- \
  "^ampsim: ref/wrongtol\\.xml:$line: <figure name=\"thd_db\"> takes tol-db \\(absolute, in dB\\), not tol-pct"
printf '<baseline design="designs/%s.xml">\n  <defaults gain-db="0.1"/>\n  <defaults gain-db="0.2"/>\n</baseline>\n' \
  "$NAME" >ref/twodefaults.xml
expect_exit2_line check ref/twodefaults.xml -- \
  '^ampsim: ref/twodefaults\.xml:3: second <defaults> \(the first is at line 2\)$'

# --- missing files, no figures ---------------------------------------------------------
expect_exit2_line check ref/absent.xml -- '^ampsim: ref/absent\.xml: No such file or directory$'
sed 's|design="designs/|design="elsewhere/|' "$BASE" >ref/nodesign.xml
expect_exit2_line check ref/nodesign.xml -- \
  '^ampsim: ref/nodesign\.xml: its design file: ref/elsewhere/opamp-buffer-se-32\.xml: No such file'
printf '<?xml version="1.0"?>\n<baseline design="designs/%s.xml"/>\n' "$NAME" >ref/stub.xml
expect_exit2_line check ref/stub.xml -- \
  '^ampsim: ref/stub\.xml: the baseline holds no figures yet; record them with: ampsim check --update ref/stub\.xml$'

# --- a design that is wrong, and one whose simulation fails -------------------------
sed 's|<stage ref="opamp-buffer"/>|<stage ref="no-such-stage"/>|' ref/designs/$NAME.xml \
  >ref/designs/badstage.xml
sed 's|designs/opamp-buffer-se-32.xml|designs/badstage.xml|' "$BASE" >ref/badstage.xml
expect_exit2_line check ref/badstage.xml -- '^ampsim: ref/designs/badstage\.xml:[0-9]+: .*no-such-stage'
cp "$AMPSIM_TEST_DIR/data/cli/nonconvergent.cir" ref/designs/
sed 's|<stage ref="opamp-buffer"/>|<stage file="nonconvergent.cir" subckt="parallel"/>|' \
  ref/designs/$NAME.xml >ref/designs/nonconvergent.xml
sed 's|designs/opamp-buffer-se-32.xml|designs/nonconvergent.xml|' "$BASE" >ref/nonconvergent.xml
expect_exit2_line check ref/nonconvergent.xml --junit errors.xml -- \
  '^ampsim: .*(converge|timestep too small|singular)'
check "simulation failure: the summary says it could not run" \
  grep -q '^ampsim check: 1 baseline: 0 hold, 1 could not run' "$CLI_OUT"

# --- several, some broken: every one is reported, the report has every suite ---------
run_ampsim check "$BASE" ref/truncated.xml ref/absent.xml --junit mixed.xml
check "good + broken: exit 2" test "$CLI_STATUS" = 2
check "good + broken: the good one was checked" grep -q '16 figures, all within tolerance' "$CLI_OUT"
check "good + broken: two lines on stderr" test "$(cli_err_lines)" = 2
check "good + broken: the JUnit report validates" junit_valid mixed.xml
if have_xmllint; then
  check "good + broken: 3 suites, errors 0/1/1" \
    test "$(junit_value mixed.xml 'count(//testsuite)'):$(junit_value mixed.xml 'sum(//testsuite/@errors)'):$(junit_value mixed.xml '//testsuite[2]/testcase/error/@message')" = \
    "3:2:ref/truncated.xml:9: $(sed -n 's/^ampsim: ref\/truncated\.xml:9: //p' "$CLI_ERR")"
fi
check "simulation failure: the JUnit report validates" junit_valid errors.xml

# --- the command line: refused before simulating --------------------------------------
expect_error "ampsim: no baseline given (see 'ampsim check --help')" check
expect_error "ampsim: unknown option '--figures' (see 'ampsim check --help')" check "$BASE" --figures thd
expect_error "ampsim: -j: 'two' is not a whole number" check -j two "$BASE"
expect_error "ampsim: --junit: nowhere: No such file or directory" check "$BASE" --junit nowhere/r.xml
expect_error "ampsim: --update takes no value" check "$BASE" --update=yes
check "no report was written for a refused command line" test ! -e nowhere
expect_success check --help
check "check --help shows the usage" grep -q '^Usage: ampsim check BASELINE' "$CLI_OUT"

cli_finish
