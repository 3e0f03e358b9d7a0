#!/bin/bash
# ampsim check on unchanged circuits (real simulations): a committed
# reference baseline holds against the current code (exit 0, every figure
# "ok", nothing on stderr), a table row per figure with its baseline, now,
# difference and tolerance, and a JUnit report that validates against the
# shared JUnit schema, one testcase per figure and no failure.
CLI_LIB=$(cd "$(dirname "${BASH_SOURCE[0]}")/lib" && pwd)
# shellcheck source=lib/lib.sh
source "$CLI_LIB/lib.sh"
# shellcheck source=lib/check_lib.sh
source "$CLI_LIB/check_lib.sh"

NAME=opamp-buffer-se-32

# --- a committed baseline, read in place (nothing is written there) -----------------
before=$(cd "$CHECK_REF" && ls -A && md5sum ./*.xml)
expect_success check "$CHECK_REF/$NAME.xml" --junit clean.xml
check "every row is ok (16 figures)" test "$(passed_count)" = 16
check "no row failed" test -z "$(failed_figures)"
check "the table has the columns" \
  grep -qE '^  figure +baseline +now +difference +tolerance$' "$CLI_OUT"
check "a THD row: figure, baseline, now, difference, tolerance, ok" \
  grep -qE '^  thd_db \(1 kHz, 1 Vrms\) +-1[0-9.]+ dB +-1[0-9.]+ dB +\+0\.00 dB +0\.5 dB  ok$' "$CLI_OUT"
check "a Zout row compares relatively" \
  grep -qE '^  zout_ohms \(20 Hz\) .* \+0\.0 % +5 %  ok$' "$CLI_OUT"
check "the summary says every baseline holds" \
  grep -q '^ampsim check: 1 baseline: 1 hold; 16 figures compared; JUnit report clean.xml$' "$CLI_OUT"
check "the JUnit report validates" junit_valid clean.xml
if have_xmllint; then
  check "JUnit: one testsuite named after the baseline" \
    test "$(junit_value clean.xml '/testsuites/testsuite/@name')" = "$NAME"
  check "JUnit: 16 testcases, no failure, no error" \
    test "$(junit_value clean.xml 'count(//testcase)'):$(junit_value clean.xml '/testsuites/testsuite/@failures'):$(junit_value clean.xml '/testsuites/testsuite/@errors')" = "16:0:0"
fi
check "nothing was written next to the committed baseline" \
  same_lines "$before" "$(cd "$CHECK_REF" && ls -A && md5sum ./*.xml)"

# --- the same, quiet: only the summaries ----------------------------------------------
expect_success check -q "$CHECK_REF/$NAME.xml"
check "--quiet prints no passing row" test "$(passed_count)" = 0
check "--quiet keeps the summary" grep -q '16 figures, all within tolerance' "$CLI_OUT"

# --- two copies at once (designs measured in parallel), -j 2 --------------------------
copy_reference "$NAME" a && copy_reference "$NAME" b
expect_success check -j 2 a/$NAME.xml b/$NAME.xml
check "both tables, in the order given" \
  test "$(grep -c '^[ab]/' "$CLI_OUT"):$(grep '^[ab]/' "$CLI_OUT" | cut -c1 | tr -d '\n')" = "2:ab"
check "32 rows ok" test "$(passed_count)" = 32
check "the copies are untouched" cmp -s a/$NAME.xml "$CHECK_REF/$NAME.xml"

cli_finish
