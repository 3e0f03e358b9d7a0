#!/bin/bash
# A sweep written in a design file (<sweep> with <vary> axes, mc, seed,
# tol, figures): validated by the schema, run like the same sweep on the
# command line, and overridden by command-line options.
CLI_LIB=$(cd "$(dirname "${BASH_SOURCE[0]}")/lib" && pwd)
# shellcheck source=lib/lib.sh
source "$CLI_LIB/lib.sh"

cat >d.xml <<'XML'
<ampsim>
  <design name="mc">
    <stage ref="opamp-buffer"/>
    <topology>btl</topology>
    <sweep mc="2" seed="5" tol="R=1%,vos=1m" figures="gain">
      <vary param="gain" values="2,4"/>
      <vary option="load" values="32,300"/>
    </sweep>
  </design>
</ampsim>
XML
expect_success validate d.xml
expect_success sweep d.xml -q -j 2 -o file.jsonl
# shellcheck disable=SC2054  # commas inside arguments
expect_success sweep --stage opamp-buffer --topology btl --param gain=2,4 --load 32,300 --mc 2 \
  --seed 5 --tol R=1%,vos=1m --figures gain -q -j 2 -o cli.jsonl
check "the file's sweep == the same sweep on the command line (rows, sorted)" \
  diff <(sed 1d file.jsonl | sort) <(sed 1d cli.jsonl | sort)
check "8 points" test "$(grep -c '"error":null' file.jsonl)" = 8
expect_success sweep d.xml -q -j 2 --mc 1 --param gain=3 -o over.jsonl
check "command line overrides: --mc 1 and a single gain (2 points, gain 3 everywhere)" \
  bash -c "[ \$(grep -c '\"error\":null' over.jsonl) = 2 ] && ! grep -q '\"gain\":\"2\"' over.jsonl"

sed 's/values="2,4"/values="2,x"/' d.xml >bad-value.xml
expect_error "ampsim: bad-value.xml:6: <vary>: gain: 'x' is not a number" sweep bad-value.xml -o x.jsonl
sed 's/option="load"/option="loud"/' d.xml >bad-option.xml
expect_error_containing "bad-option.xml:7:" validate bad-option.xml
sed 's/ tol="R=1%,vos=1m"/ tol="R=1%,vos=1m" mc="0"/; s/mc="2" //' d.xml >bad-mc.xml
expect_error "ampsim: bad-mc.xml:5: <sweep tol=...> needs mc=\"N\" (samples)" sweep bad-mc.xml -o x.jsonl
check "no results file after the errors" test ! -e x.jsonl

cli_finish
