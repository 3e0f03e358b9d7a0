#!/bin/bash
# ampsim check on deliberately altered circuits (real simulations): a copy of
# the opamp-buffer SE 32 ohm reference whose stage gets a different parameter
# fails on exactly the figures that parameter moves, and only on those:
#   gbw 15Meg -> 1.5Meg (op-amp gain-bandwidth / 10): loop gain falls 20 dB,
#     so THD and THD+N rise 20 dB and the output impedance rises (x10 at
#     1 and 20 kHz, x4 at 20 Hz where the open-loop gain still helps); gain,
#     offset, noise, crosstalk and maximum output stay;
#   en 4n -> 8n (op-amp input noise density x2): noise rises 4.4 dB, nothing
#     else moves;
# and a baseline that says null (crosstalk below the floor, 1 % THD not
# reached) where the circuit now gives a number fails on those, saying why.
# Exit 1 (a regression, not a broken setup), the JUnit report carries the
# numbers of each failure, and a regression together with a broken baseline
# exits 2.
CLI_LIB=$(cd "$(dirname "${BASH_SOURCE[0]}")/lib" && pwd)
# shellcheck source=lib/lib.sh
source "$CLI_LIB/lib.sh"
# shellcheck source=lib/check_lib.sh
source "$CLI_LIB/check_lib.sh"

NAME=opamp-buffer-se-32

# expect_regression DESCRIPTION ARGS...: exit 1 and the summary line.
expect_regression() {
  local description=$1
  shift
  run_ampsim "$@"
  if [ "$CLI_STATUS" -eq 1 ] && grep -q 'REGRESSED' "$CLI_OUT"; then
    cli_ok "$description: exit 1"
  else
    cli_fail "$description: exit 1"
    cli_dump
  fi
}

# --- gain-bandwidth / 10 ---------------------------------------------------------------
copy_reference "$NAME" gbw
check "the copy's stage gets gbw=1.5Meg" set_stage_param gbw/designs/$NAME.xml gbw 1.5Meg
expect_regression "gbw 1.5Meg" check gbw/$NAME.xml --junit gbw.xml
cp "$CLI_OUT" gbw-table.txt
check "gbw: exactly THD, THD+N and Zout fail" same_lines "$(LC_ALL=C sort <<'LIST'
thd_db (1 kHz, 1 Vrms)
thdn_db (1 kHz, 1 Vrms)
thd_db (10 kHz, 1 Vrms)
thdn_db (10 kHz, 1 Vrms)
zout_ohms (20 Hz)
zout_ohms (1 kHz)
zout_ohms (20 kHz)
LIST
)" "$(failed_figures)"
check "gbw: the other 9 figures hold" test "$(passed_count)" = 9
check "gbw: THD moved by about +20 dB (loop gain / 10)" \
  grep -qE '^  thd_db \(1 kHz, 1 Vrms\) .* \+(19\.[5-9]|20\.[0-4])[0-9]* dB +0\.5 dB  FAIL$' "$CLI_OUT"
check "gbw: Zout at 1 kHz rose tenfold (about +900 %)" \
  grep -qE '^  zout_ohms \(1 kHz\) .* \+(89[0-9]|90[0-9])\.[0-9] % +5 %  FAIL$' "$CLI_OUT"
check "gbw: the summary counts 7 figures" \
  grep -q '^ampsim check: 1 baseline: 0 hold, 1 REGRESSED (7 figures out of tolerance)' "$CLI_OUT"
check "gbw: the baseline is untouched" cmp -s gbw/$NAME.xml "$CHECK_REF/$NAME.xml"
check "gbw: the JUnit report validates" junit_valid gbw.xml
if have_xmllint; then
  check "gbw: JUnit counts 16 tests, 7 failures" \
    test "$(junit_value gbw.xml '/testsuites/testsuite/@tests'):$(junit_value gbw.xml '/testsuites/testsuite/@failures')" = "16:7"
  check "gbw: a failure's message carries the numbers" \
    bash -c "xmllint --xpath 'string(//testcase[@name=\"thd_db (1 kHz, 1 Vrms)\"]/failure/@message)' gbw.xml |
      grep -qE '^thd_db \\(1 kHz, 1 Vrms\\): baseline -1[0-9.]+ dB, now -[0-9.]+ dB, difference \\+[0-9.]+ dB, tolerance 0\\.5 dB'"
  check "gbw: the failure's text names the baseline's line" \
    bash -c "xmllint --xpath 'string(//testcase[@name=\"zout_ohms (20 Hz)\"]/failure)' gbw.xml |
      grep -qE 'gbw/$NAME\\.xml:[0-9]+: '"
fi

# --- input noise x 2 --------------------------------------------------------------------
copy_reference "$NAME" en
check "the copy's stage gets en=8n" set_stage_param en/designs/$NAME.xml en 8n
expect_regression "en 8n" check en/$NAME.xml
check "en: exactly the two noise figures fail" same_lines "$(printf 'noise_vrms\nnoise_vrms_a')" \
  "$(failed_figures)"
check "en: noise rose about 4.4 dB" grep -qE '^  noise_vrms .* \+4\.[3-5][0-9] dB +0\.2 dB  FAIL$' \
  "$CLI_OUT"

# --- null against a number: the baseline says "below the floor" / "not reached" ----
copy_reference "$NAME" nulls
sed -i -e 's|name="crosstalk_db" freq="20" value="[^"]*"|name="crosstalk_db" freq="20" value="null"|' \
  -e 's|name="pout_w_1pct" value="[^"]*"|name="pout_w_1pct" value="null"|' nulls/$NAME.xml
expect_regression "nulls in the baseline" check nulls/$NAME.xml
check "nulls: exactly those two fail" same_lines "$(printf 'crosstalk_db (20 Hz)\npout_w_1pct')" \
  "$(failed_figures)"
check "nulls: the crosstalk row says why" \
  grep -qE '^  crosstalk_db \(20 Hz\) +null +-50\.[0-9]+ dB +- +1 dB  FAIL  baseline is null \(below the numerical floor\), now -50\.[0-9]+ dB$' "$CLI_OUT"
check "nulls: the power row says why" \
  grep -qE '^  pout_w_1pct +null +1\.[0-9]+ W +- +2 %  FAIL  baseline is null \(1 % THD not reached\), now 1\.[0-9]+ W$' "$CLI_OUT"

# --- a regression and a broken baseline together: the run is incomplete, exit 2 -----
printf '<baseline design="designs/none.xml">\n<figure name="gain_db" value="1"/>\n</baseline>\n' \
  >en/broken.xml
run_ampsim check en/$NAME.xml en/broken.xml
check "regression + broken baseline: exit 2" test "$CLI_STATUS" = 2
check "...still reports the regression" grep -q 'REGRESSED' "$CLI_OUT"
check "...and says what could not run" grep -q 'en/broken.xml' "$CLI_ERR"

cli_finish
