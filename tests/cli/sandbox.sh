#!/bin/bash
# Netlists are untrusted: a stage file that tries to write a file or run a
# command is refused, with a line naming the file and line, and nothing
# happens. Every hostile stage here names an absolute marker path in this
# test's private folder ($CLI_TMP/pwned/...); after each run (measure,
# netlist, and a design file using the stage) the test checks that no marker
# exists, that nothing was written outside the working folder, and that
# nothing of a file read through an escape reached stdout.
#
# The control case shows that the markers would appear if ngspice got the
# text: plain ngspice (when installed) runs the .control block and creates
# its marker.
source "$(dirname "${BASH_SOURCE[0]}")/lib/lib.sh"

PWNED="$CLI_TMP/pwned"
# Two folders down, so that ../../ reaches $CLI_TMP.
STAGES="$CLI_TMP/user/stages"
mkdir -p "$PWNED" "$STAGES"
GOOD_SUBCKT='.subckt amp in out vp vn gnd
E1 out gnd in gnd 2
.ends amp'

# A secret two folders up and a model library outside, for the escapes.
printf '%s\n' "$GOOD_SUBCKT" >"$CLI_TMP/secret.cir"
printf '.lib typical\n%s\n.endl\n' "$GOOD_SUBCKT" >"$CLI_TMP/models.lib"
ln -s /etc/passwd "$STAGES/passwd.cir"
# An allowed include that hides the command.
printf '* helper.cir\n.control\nshell touch %s/include\n.endc\n' "$PWNED" >"$STAGES/helper.cir"

# stage NAME LINE...: write $STAGES/NAME.cir with the good subcircuit and
# the given lines after it.
stage() {
  local name=$1
  shift
  { printf '%s\n' "$GOOD_SUBCKT"; printf '%s\n' "$@"; } >"$STAGES/$name.cir"
}
stage control ".control" "shell touch $PWNED/control" ".endc"
stage control_write ".control" "write $PWNED/control_write.raw all" ".endc"
stage control_echo ".control" "echo pwned > $PWNED/control_echo" ".endc"
stage control_source ".control" "source $PWNED/evil.sp" ".endc"
stage control_pre ".control" "pre_set noaskquit" "pre_codemodel /tmp/x.cm" ".endc"
stage star_hash "*# shell touch $PWNED/star_hash"
stage shell "shell touch $PWNED/shell"
stage write "write $PWNED/write.raw all"
stage echo "echo pwned > $PWNED/echo"
stage source "source /tmp/ampsim-evil.sp"
stage codemodel "codemodel /tmp/x.cm"
stage pre "pre_codemodel /tmp/x.cm"
stage include_passwd ".include /etc/passwd"
stage include_link ".include passwd.cir"
stage include_parent ".include ../../secret.cir"
stage include_hidden ".include helper.cir"
stage lib_escape ".lib ../../models.lib typical"
stage lib_absolute ".lib /etc/passwd typical"
stage osdi ".osdi /tmp/x.osdi"
stage filesource ".model src filesource (file=\"$PWNED/filesource\")"
stage d_process ".model p d_process (process_file=\"/bin/sh\")"
# In a subcircuit that is not the one selected.
stage other_subckt ".subckt unused a b" "R1 a b 1k" ".control" "shell touch $PWNED/other_subckt" \
  ".endc" ".ends unused"
# Hidden by a continuation line: ".con" + "trol", and a file name on a '+'
# line; and by a trailing double backslash.
stage continued ".con" "+trol" "shell touch $PWNED/continued" ".endc"
stage continued_include ".include" "+ /etc/passwd"
stage continued_model ".model src filesource" "+ (amploffset=[0] amplscale=[1]" \
  "+ file=\"$PWNED/continued_model\")"
stage backslash ".include \\\\" "/etc/passwd"
# CRLF line ends and a form feed before the dot.
printf '%s\r\n.control\r\nshell touch %s/crlf\r\n.endc\r\n' "$GOOD_SUBCKT" "$PWNED" >"$STAGES/crlf.cir"
printf '%s\n\f.control\nshell touch %s/formfeed\n.endc\n' "$GOOD_SUBCKT" "$PWNED" >"$STAGES/formfeed.cir"

# nothing_happened DESCRIPTION: no marker, nothing new outside the stage
# folder's copy, no line of /etc/passwd on stdout.
nothing_happened() {
  local found
  found=$(find "$PWNED" -mindepth 1 -print -quit)
  if [ -z "$found" ] && ! grep -q '^root:' "$CLI_OUT" &&
    [ ! -e /tmp/ampsim-evil.sp.out ]; then
    cli_ok "$1: nothing happened"
  else
    cli_fail "$1: something happened: ${found:-/etc/passwd on stdout}"
    rm -rf "${PWNED:?}"/*
  fi
}

# refused DESCRIPTION FILE: the last run exited 2 with one line naming the
# stage file and a line number.
refused() {
  if [ "$CLI_STATUS" = 2 ] && [ ! -s "$CLI_OUT" ] && [ "$(cli_err_lines)" = 1 ] &&
    grep -qE "^ampsim: (.*: )?[^ ]+\.cir:[0-9]+: " "$CLI_ERR"; then
    cli_ok "$1: refused ($(cut -c1-120 "$CLI_ERR"))"
  else
    cli_fail "$1: not refused with FILE:LINE"
    cli_dump
  fi
}

cases=0
for path in "$STAGES"/*.cir; do
  name=${path##*/}
  name=${name%.cir}
  case $name in passwd | helper) continue ;; esac
  cases=$((cases + 1))
  # From the stage folder, as a user would run it.
  (cd "$STAGES" && "$AMPSIM_BIN" measure --stage "$name.cir:amp" --figures gain --json out.json \
    </dev/null >"$CLI_OUT" 2>"$CLI_ERR")
  CLI_STATUS=$?
  refused "measure $name.cir"
  check "measure $name.cir: no out.json" test ! -e "$STAGES/out.json"
  nothing_happened "measure $name.cir"
  (cd "$STAGES" && "$AMPSIM_BIN" netlist --stage "$name.cir:amp" </dev/null >"$CLI_OUT" 2>"$CLI_ERR")
  CLI_STATUS=$?
  refused "netlist $name.cir"
  nothing_happened "netlist $name.cir"
  # Through a design file in the same folder.
  printf '<ampsim>\n  <design name="%s">\n    <stage file="%s.cir" subckt="amp"/>\n  </design>\n</ampsim>\n' \
    "$name" "$name" >"$STAGES/$name.xml"
  (cd "$STAGES" && "$AMPSIM_BIN" measure "$name.xml" --json out.json \
    </dev/null >"$CLI_OUT" 2>"$CLI_ERR")
  CLI_STATUS=$?
  refused "measure $name.xml"
  nothing_happened "measure $name.xml"
  rm -f "$STAGES/$name.xml"
done
check "$cases hostile stages tried" test "$cases" -ge 25

# Nothing was written anywhere in the private folder but what the test made.
stray=$(find "$CLI_TMP" -newer "$STAGES/helper.cir" -type f ! -name '.std*' \
  ! -path "$STAGES/*" -print | head -n 3)
check "no file written outside the stage folder (${stray:-none})" test -z "$stray"

# The control: the same .control block given to ngspice itself does run.
if command -v ngspice >/dev/null 2>&1; then
  printf '* control\nV1 a 0 1\nR1 a 0 1k\n.control\nshell touch %s/ngspice\n.endc\n.end\n' \
    "$PWNED" >"$CLI_TMP/control_deck.cir"
  (cd "$CLI_TMP" && ngspice -b control_deck.cir >/dev/null 2>&1)
  check "control: plain ngspice runs the block and creates its marker" test -e "$PWNED/ngspice"
  rm -f "$PWNED/ngspice"
else
  cli_ok "control: ngspice is not installed as a program; skipped"
fi

cli_finish
