#!/bin/bash
# ampsim sweep: rows depend only on the point, never on the number of
# workers: -j 1 and -j 2 write the same rows (in completion order, so
# compared sorted); the header names the sweep; a grid and Monte Carlo
# expand to the expected points; the summary has every figure.
CLI_LIB=$(cd "$(dirname "${BASH_SOURCE[0]}")/lib" && pwd)
# shellcheck source=lib/lib.sh
source "$CLI_LIB/lib.sh"

# shellcheck disable=SC2054  # commas inside arguments
S=(sweep --stage opamp-buffer --topology se,btl --param gain=2,4 --mc 2 --tol R=1%,vos=1m
   --figures gain --seed 11 -q)

expect_success "${S[@]}" -j 1 -o j1.jsonl
cp "$CLI_OUT" j1.summary
expect_success "${S[@]}" -j 2 -o j2.jsonl
check "8 points: 2 topologies x 2 gains x 2 samples (+ header)" test "$(wc -l <j1.jsonl)" = 9
check "every row has no error" test "$(grep -c '"error":null' j1.jsonl)" = 8
check "header names the sweep and shard 1/1" \
  grep -q '^{"ampsim_sweep": 1, "sweep": "[0-9a-f]\{16\}", "points": 8, "grid": 4, "mc": 2, "shard": "1/1"}$' j1.jsonl
check "-j 1 and -j 2 give identical rows (sorted)" diff <(sort j1.jsonl) <(sort j2.jsonl)
check "every point 0..7 exactly once" \
  diff <(sed -n 's/^{"point":\([0-9]*\),.*/\1/p' j2.jsonl | sort -n) <(seq 0 7)
check "rows carry params, seed, figures; no timings or host names" \
  bash -c '! grep -q "elapsed\|host" j1.jsonl && grep -q "\"params\":{\"topology\":\"btl\",\"gain\":\"4\"}" j1.jsonl && grep -q "\"seed\":[0-9]" j1.jsonl'
check "the gain follows the grid (gain=4 gives 12 dB SE)" \
  grep -q '"params":{"topology":"se","gain":"4"},"error":null,"figures":{"gain_db":12\.0' j1.jsonl
check "summary: per grid point, the statistics" \
  bash -c 'grep -q "^Grid point 3: topology=btl gain=4" j1.summary && grep -q "^  figure  *n  *mean  *sd  *p1  *p50  *p99  *worst" j1.summary && grep -q "^  dc_offset_mv  *2 " j1.summary'
expect_success "${S[@]}" --seed 12 -j 2 -o s12.jsonl
check "another --seed draws other part values (other figures)" \
  bash -c "! diff -q <(sed 1d j1.jsonl | sort | sed 's/\"seed\":[0-9]*,//') <(sed 1d s12.jsonl | sort | sed 's/\"seed\":[0-9]*,//') >/dev/null"
check "... and another sweep hash" \
  test "$(head -c 40 j1.jsonl)" != "$(head -c 40 s12.jsonl)"

# A grid without Monte Carlo: the curve of each figure against the grid.
expect_success sweep --stage opamp-buffer --supply 10:15:3 --figures gain -q -j 2 -o g.jsonl \
  --plot g.svg
check "grid: 3 points" test "$(grep -c '"error":null' g.jsonl)" = 3
check "grid: the curve table lists each supply" \
  bash -c "grep -q '^Curves' '$CLI_OUT' && grep -q 'supply_v=12.5' '$CLI_OUT'"
check "grid: --plot wrote an SVG" grep -q '<svg' g.svg

cli_finish
