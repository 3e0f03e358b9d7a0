#!/bin/bash
# ampsim --version prints ampsim's version and the libngspice version.
CLI_LIB=$(cd "$(dirname "${BASH_SOURCE[0]}")/lib" && pwd)
# shellcheck source=lib/lib.sh
source "$CLI_LIB/lib.sh"

expect_success --version
verify "--version: ampsim X.Y.Z" grep -Eq '^ampsim [0-9]+\.[0-9]+\.[0-9]+ ' "$CLI_OUT"
verify "--version: ngspice N, on the same line" grep -Eq '^ampsim .*ngspice [0-9]+\)$' "$CLI_OUT"
verify "--version: one line" test "$(wc -l <"$CLI_OUT")" = 1
expect_error "ampsim: unexpected argument 'x' (see 'ampsim --help')" --version x
expect_success help compare
verify "help compare: the usage" grep -q '^Usage: ampsim compare' "$CLI_OUT"
expect_success help report
cli_finish
