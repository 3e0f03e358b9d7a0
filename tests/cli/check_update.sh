#!/bin/bash
# ampsim check --update (real simulations): a baseline that names only its
# design is filled (figures, ampsim and ngspice versions, one figure per
# line) and then holds; after a change to the circuit, --update records the
# new figures and keeps every tolerance (the figures' own and <defaults>);
# the file is replaced atomically (new inode, no temporary file left) with
# its permissions; a baseline made with another ngspice version is a warning
# on stderr, not a failure.
CLI_LIB=$(cd "$(dirname "${BASH_SOURCE[0]}")/lib" && pwd)
# shellcheck source=lib/lib.sh
source "$CLI_LIB/lib.sh"
# shellcheck source=lib/check_lib.sh
source "$CLI_LIB/check_lib.sh"

NAME=opamp-buffer-se-32
copy_reference "$NAME" ref
B=ref/$NAME.xml

# --- a new baseline: only the design named ----------------------------------------
printf '<?xml version="1.0" encoding="UTF-8"?>\n<baseline design="designs/%s.xml"/>\n' "$NAME" >"$B"
chmod 640 "$B"
expect_success check --update "$B"
check "update: every figure shown as new" test "$(grep -c '  new  not in the baseline' "$CLI_OUT")" = 16
check "update: the summary says updated" \
  grep -q '^ampsim check: 1 baseline: 1 updated; 16 figures compared$' "$CLI_OUT"
check "the baseline holds 16 figures, one per line" test "$(grep -c '^  <figure name="[a-z_0-9]*" .*/>$' "$B")" = 16
check "the baseline records the versions" \
  grep -qE '^<baseline design="designs/opamp-buffer-se-32\.xml" ampsim="[0-9.]+" ngspice="[0-9]+">$' "$B"
check "the new baseline equals the committed one (same code, same figures)" \
  cmp -s "$B" "$CHECK_REF/$NAME.xml"
check "the permissions are kept (640)" test "$(stat -c %a "$B")" = 640
check "no temporary file is left" only_files ref "$NAME.xml" designs
expect_success check "$B"
check "update then check: every figure holds" test "$(passed_count)" = 16

# --- own tolerances, then a changed circuit and --update --------------------------
line=$(grep -n 'name="noise_vrms"' "$B" | cut -d: -f1)
sed -i -e "${line}s|\"/>|\" tol-db=\"0.3\"/>|" \
  -e 's|^\(<baseline .*>\)$|\1\n  <defaults thd-db="0.8" zout-pct="7.5"/>|' "$B"
check "the tolerances were added" grep -q '<defaults thd-db="0.8" zout-pct="7.5"/>' "$B"
expect_success check "$B"
check "the figure's own tolerance shows" grep -qE '^  noise_vrms .* 0\.3 dB  ok$' "$CLI_OUT"
check "the circuit's default shows" grep -qE '^  thd_db \(1 kHz, 1 Vrms\) .* 0\.8 dB  ok$' "$CLI_OUT"
check "the built-in default shows" grep -qE '^  gain_db .* 0\.05 dB  ok$' "$CLI_OUT"
cp "$B" before.xml
inode=$(stat -c %i "$B")
check "the copy's stage gets en=8n" set_stage_param ref/designs/$NAME.xml en 8n
run_ampsim check "$B"
check "changed circuit: check exits 1" test "$CLI_STATUS" = 1
expect_success check --update "$B"
check "update: the moved figures are shown as FAIL against the old values" \
  test "$(failed_figures | tr '\n' ,)" = "noise_vrms,noise_vrms_a,"
check "the file was replaced (a new inode: written to a temporary file, renamed)" \
  test "$(stat -c %i "$B")" != "$inode"
check "only the two noise lines changed" \
  test "$(diff before.xml "$B" | grep -c '^[<>]')" = 4
check "the figure's own tolerance is kept" grep -q 'name="noise_vrms" value="[^"]*" tol-db="0.3"/>' "$B"
check "the circuit's defaults are kept" grep -q '^  <defaults thd-db="0.8" zout-pct="7.5"/>$' "$B"
check "no temporary file is left" only_files ref "$NAME.xml" designs
expect_success check "$B"
check "update then check passes" test "$(passed_count)" = 16

# --- another ngspice version: a warning, not a failure ----------------------------
sed -i 's/ ngspice="[0-9]*"/ ngspice="36"/' "$B"
run_ampsim check "$B"
check "version mismatch: exit 0" test "$CLI_STATUS" = 0
check "version mismatch: a warning on stderr" \
  grep -qE "^ampsim: warning: ref/$NAME\\.xml: baseline made with ampsim [0-9.]+ and ngspice 36, now ampsim [0-9.]+ and ngspice [0-9]+" "$CLI_ERR"
run_ampsim check "$B" --junit warn.xml
check "version mismatch: the JUnit report validates" junit_valid warn.xml
if have_xmllint; then
  check "version mismatch: the warning is in system-err" \
    bash -c "xmllint --xpath 'string(//system-err)' warn.xml | grep -q 'ngspice 36'"
fi
run_ampsim check --update "$B"
check "update over another version: exit 0, with the warning" \
  bash -c "test $CLI_STATUS = 0 && grep -q 'ngspice 36' '$CLI_ERR'"
check "update records the running version again" bash -c "! grep -q 'ngspice=\"36\"' '$B'"

cli_finish
