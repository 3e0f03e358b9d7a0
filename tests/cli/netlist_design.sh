#!/bin/bash
# ampsim netlist DESIGN.xml [--design NAME]: the circuit of a design file's
# design is exactly the one the same values on the command line give, and
# command-line options override the file's, as for measure.
source "$(dirname "${BASH_SOURCE[0]}")/lib/lib.sh"

X="$AMPSIM_TEST_DIR/../examples/balanced-vs-se.xml"

"$AMPSIM_BIN" netlist "$X" --design "BTL 32 ohm" >from_file.cir 2>err.txt
check "netlist of a design: exit 0, nothing on stderr" test $? = 0 -a ! -s err.txt
"$AMPSIM_BIN" netlist --stage opamp-buffer --topology btl --ground-ohms 50m >from_options.cir
check "it equals the netlist of the same values as options" cmp -s from_file.cir from_options.cir

"$AMPSIM_BIN" netlist "$X" --design "BTL 32 ohm" --load 300 >override.cir
"$AMPSIM_BIN" netlist --stage opamp-buffer --topology btl --ground-ohms 50m --load 300 >override_options.cir
check "options override the file's values" cmp -s override.cir override_options.cir
check "... and the override is in the circuit" grep -q '^rload_l n_hot_l n_cold_l 300 ' override.cir

expect_error "ampsim: $X: it holds 4 designs: choose one with --design NAME" netlist "$X"
expect_error "ampsim: --design: $X has no design named 'nope'" netlist "$X" --design nope
expect_error "ampsim: --design: names a design of a design file; none given" \
  netlist --stage opamp-buffer --design "BTL 32 ohm"
expect_error "ampsim: one design file at a time: '$X' and '$X' (see 'ampsim netlist --help')" \
  netlist "$X" "$X"
expect_error "ampsim: no-such.xml: No such file or directory" netlist no-such.xml
cli_finish
