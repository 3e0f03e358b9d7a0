#!/bin/bash
# A stage that cannot be read or used: exit 2, one line on stderr naming the
# file, nothing on stdout. The netlist module owns the exact words, so only
# their stable part is matched.
source "$(dirname "${BASH_SOURCE[0]}")/lib/lib.sh"

MISSING="$CLI_TMP/no-such-dir/amp.cir"

expect_error_containing measure --stage "$MISSING:amp" -- "$MISSING" "cannot open"
expect_error_containing netlist --stage "$MISSING:amp" -- "$MISSING" "cannot open"
expect_error_containing measure --stage "$MISSING:amp" --topology btl --json out.json -- "$MISSING"
check "a failed measure leaves no out.json" test ! -e out.json

# A bundled stage name that does not exist.
expect_error_containing measure --stage no-such-bundled-stage -- no-such-bundled-stage

# A file without the requested subcircuit.
cat >nosub.cir <<'CIR'
* a stage file without the subcircuit asked for
.subckt other in out vp vn gnd
R1 in out 1k
.ends
CIR
expect_error_containing measure --stage nosub.cir:amp -- nosub.cir amp

# A subcircuit with the wrong number of pins.
cat >pins.cir <<'CIR'
* three pins instead of in out vp vn gnd
.subckt amp in out gnd
R1 in out 1k
.ends
CIR
expect_error_containing netlist --stage pins.cir:amp -- pins.cir amp

# A stage that tries to run ngspice commands of its own.
cat >control.cir <<'CIR'
* a .control block is refused in a stage file
.subckt amp in out vp vn gnd
R1 in out 1k
.ends
.control
shell echo hello
.endc
CIR
expect_error_containing measure --stage control.cir:amp -- control.cir .control

cli_finish
