#!/bin/bash
# --help, help COMMAND and --version: exit 0, text on stdout only, and every
# option of the command-line contract mentioned.
source "$(dirname "${BASH_SOURCE[0]}")/lib/lib.sh"

BENCH_OPTIONS=(--stage --topology --load --ground-ohms --supply --supply-ohms)
MEASURE_OPTIONS=("${BENCH_OPTIONS[@]}" --freq --vout --json -j --jobs --timeout --figures --help)
NETLIST_OPTIONS=("${BENCH_OPTIONS[@]}" --kind --freq --vin --help)

# mentions FILE WORD...: every WORD appears in FILE (as a whole option).
# shellcheck disable=SC2317  # called through verify
mentions() {
  local file=$1 word
  shift
  for word in "$@"; do
    if ! grep -qE -- "(^|[^a-z-])${word}([^a-z-]|$)" "$file"; then
      echo "     '$word' not mentioned"
      return 1
    fi
  done
}

for args in "--help" "-h" "help"; do
  expect_success $args
  cp "$CLI_OUT" top.txt
  check "'ampsim $args' names the commands" mentions top.txt measure netlist help --version
  check "'ampsim $args' mentions every measure option" mentions top.txt "${MEASURE_OPTIONS[@]}"
  check "'ampsim $args' mentions every netlist option" mentions top.txt "${NETLIST_OPTIONS[@]}"
done

expect_success measure --help
cp "$CLI_OUT" measure.txt
check "measure --help mentions every measure option" mentions measure.txt "${MEASURE_OPTIONS[@]}"
check "measure --help gives the defaults" grep -qF "[32]" measure.txt
check "measure --help explains engineering suffixes" grep -qF "4.7u" measure.txt
expect_success measure -h
check "measure -h is measure --help" cmp -s "$CLI_OUT" measure.txt
expect_success help measure
check "help measure is measure --help" cmp -s "$CLI_OUT" measure.txt
# --help wins wherever it is, even after other options.
expect_success measure --stage x.cir:a --load 300 --help
check "measure ... --help is measure --help" cmp -s "$CLI_OUT" measure.txt

expect_success netlist --help
cp "$CLI_OUT" netlist.txt
check "netlist --help mentions every netlist option" mentions netlist.txt "${NETLIST_OPTIONS[@]}"
expect_success help netlist
check "help netlist is netlist --help" cmp -s "$CLI_OUT" netlist.txt

expect_success --version
check "--version prints 'ampsim X.Y.Z'" grep -qE '^ampsim [0-9]+\.[0-9]+\.[0-9]+' "$CLI_OUT"
check "--version is one line" test "$(wc -l <"$CLI_OUT")" -eq 1

cli_finish
