#!/bin/bash
# --allow-dir: a stage's (or a load's) .include may reach a folder outside
# its own, the design file's and ampsim's netlists only when the user names
# that folder explicitly. Without it the include is refused with the file
# and line; with it the figure is measured from the included value (so the
# included file really was read); bad folders are one-line errors.
source "$(dirname "${BASH_SOURCE[0]}")/lib/lib.sh"

mkdir -p stages models
# The feedback network's value lives in the other folder: gain 1 + 2k/1k = 3.
printf '.param rfb=2k\n' >models/values.inc
cat >stages/stage.cir <<'CIR'
* non-inverting gain stage whose feedback resistor is set in ../models
.include ../models/values.inc
.subckt amp in out vp vn gnd
E1 out gnd x gnd 1e9
R1 x gnd 1k
R2 out xm {rfb}
R3 xm gnd 1k
E2 x gnd in xm 1
.ends amp
CIR
cat >stages/load.cir <<'CIR'
* a resistive load whose value is set in ../models
.include ../models/values.inc
.subckt lo hot ret
R1 hot ret {rfb}
.ends lo
CIR
# Resolved as ngspice would: through the symlink-free real paths.
REAL=$(cd "$CLI_TMP" && pwd -P)

expect_error "ampsim: stages/stage.cir:2: .include of '../models/values.inc' refused: it resolves to '$REAL/models/values.inc', outside the allowed folders ($REAL/stages, $AMPSIM_NETLIST_DIR)" \
  measure --stage stages/stage.cir:amp --figures gain --json out.json
check "no JSON written after the refusal" test ! -e out.json

expect_success measure --stage stages/stage.cir:amp --figures gain --allow-dir models --json out.json
gain=$(sed -n 's/.*"gain_db": *\([-0-9.eE+]*\).*/\1/p' out.json)
check "gain from the included 2k feedback resistor is 9.54 dB (got $gain)" \
  awk -v g="$gain" 'BEGIN { exit !(g > 9.53 && g < 9.55) }'

# An absolute path, given twice, and the other commands that take it.
expect_success netlist --stage stages/stage.cir:amp --allow-dir "$CLI_TMP/models" --allow-dir models
check "the netlist holds the included parameter" grep -q 'rfb=2k' "$CLI_OUT"
expect_success compare --stage stages/stage.cir:amp --topology se,btl --figures gain --allow-dir models
expect_success sweep --stage stages/stage.cir:amp --topology se,btl --figures gain --allow-dir models \
  -q -o rows.jsonl --summary summary.txt
check "the sweep wrote its two points" test "$(grep -c '"point"' rows.jsonl)" = 2

# The load's include follows the same rule, wherever --allow-dir stands.
expect_error "ampsim: --load: stages/load.cir:2: .include of '../models/values.inc' refused: it resolves to '$REAL/models/values.inc', outside the allowed folders ($REAL/stages, $AMPSIM_NETLIST_DIR)" \
  measure --stage opamp-buffer --load stages/load.cir:lo --figures gain
expect_success measure --stage opamp-buffer --load stages/load.cir:lo --figures gain --allow-dir models

# A design file's own folder is allowed; --allow-dir adds to it.
mkdir -p design
cat >design/d.xml <<'XML'
<?xml version="1.0"?>
<ampsim>
  <design name="outside">
    <stage file="../stages/stage.cir" subckt="amp"/>
  </design>
</ampsim>
XML
expect_error_containing measure design/d.xml --figures gain -- "d.xml:4: " "outside the allowed folders" "$REAL/models/values.inc"
expect_success measure design/d.xml --figures gain --allow-dir models

# ampsim check: the baseline's design reaches the same folder.
cat >design/g.xml <<'XML'
<?xml version="1.0"?>
<ampsim>
  <design name="outside-gain">
    <stage file="../stages/stage.cir" subckt="amp"/>
    <measure figures="gain"/>
  </design>
</ampsim>
XML
printf '<baseline design="g.xml"/>\n' >design/base.xml
run_ampsim check --update design/base.xml
check "check --update without --allow-dir could not run (exit 2)" test "$CLI_STATUS" = 2
check "... and says why" grep -q "outside the allowed folders" "$CLI_ERR"
check "... and left the baseline as it was" grep -qx '<baseline design="g.xml"/>' design/base.xml
run_ampsim check --update design/base.xml --allow-dir models
check "check --update --allow-dir recorded the gain (exit $CLI_STATUS)" \
  grep -q 'name="gain_db" value="9.54' design/base.xml
run_ampsim check design/base.xml --allow-dir models
check "check --allow-dir: the figures hold (exit $CLI_STATUS)" test "$CLI_STATUS" = 0
expect_error "ampsim: --allow-dir: nowhere: No such file or directory" check design/base.xml --allow-dir nowhere

expect_error "ampsim: --allow-dir: no-such-folder: No such file or directory" \
  measure --stage stages/stage.cir:amp --allow-dir no-such-folder
expect_error "ampsim: --allow-dir: models/values.inc: not a folder" \
  measure --stage stages/stage.cir:amp --allow-dir models/values.inc
expect_error "ampsim: --allow-dir: missing value" \
  measure --stage stages/stage.cir:amp --allow-dir ""
cli_finish
