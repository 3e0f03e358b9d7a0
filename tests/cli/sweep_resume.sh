#!/bin/bash
# A sweep killed mid-way (kill -9 after some rows) and run again with
# --resume holds every point exactly once and equals the uninterrupted run;
# a cut-off last line is dropped; --resume of a file of another sweep is
# refused.
CLI_LIB=$(cd "$(dirname "${BASH_SOURCE[0]}")/lib" && pwd)
# shellcheck source=lib/lib.sh
source "$CLI_LIB/lib.sh"

# shellcheck disable=SC2054  # commas inside arguments
S=(sweep --stage opamp-buffer --topology btl --mc 10 --tol R=1%,vos=1m --figures gain -q)

expect_success "${S[@]}" -j 2 -o full.jsonl
check "the full run: 10 points" test "$(grep -c '"error":null' full.jsonl)" = 10

# Kill -9 once a few rows are in (the whole process group: its workers too).
setsid "$AMPSIM_BIN" "${S[@]}" -j 1 -o part.jsonl >/dev/null 2>&1 &
pid=$!
for _ in $(seq 1 600); do
  rows=$(($(wc -l <part.jsonl 2>/dev/null || echo 1) - 1))
  [ "$rows" -ge 3 ] && break
  sleep 0.05
done
kill -9 -- -"$pid" 2>/dev/null
wait "$pid" 2>/dev/null
rows=$(($(wc -l <part.jsonl) - 1))
check "killed after some rows, before the end ($rows of 10)" test "$rows" -ge 3 -a "$rows" -lt 10
before=$(sed -n 's/^{"point":\([0-9]*\),.*/\1/p' part.jsonl | sort -n | tr '\n' ' ')

run_ampsim "${S[@]}" -j 2 --resume -o part.jsonl
check "resume: exit 0" test "$CLI_STATUS" = 0
check "resume: every point exactly once" \
  diff <(sed -n 's/^{"point":\([0-9]*\),.*/\1/p' part.jsonl | sort -n) <(seq 0 9)
check "resume: the rows of before are kept as they were (points $before)" \
  bash -c "for p in $before; do grep -q \"^{\\\"point\\\":\$p,\" part.jsonl || exit 1; done"
check "resumed == uninterrupted (sorted)" diff <(sort part.jsonl) <(sort full.jsonl)

# A cut-off last line (killed inside a write) is dropped and recomputed.
head -5 full.jsonl >cut.jsonl
sed -n 6p full.jsonl | head -c 100 >>cut.jsonl
run_ampsim "${S[@]}" -j 2 --resume -o cut.jsonl
check "cut-off line: resumed == uninterrupted" diff <(sort cut.jsonl) <(sort full.jsonl)

# Resume of a complete file runs nothing and changes nothing.
cp full.jsonl again.jsonl
expect_success "${S[@]}" --resume -o again.jsonl
check "resume of a complete run: unchanged" cmp again.jsonl full.jsonl

# Another sweep in the file: refused, file untouched.
cp full.jsonl other.jsonl
expect_error_containing "other.jsonl: --resume: the file holds another sweep or shard" \
  "${S[@]}" --seed 9 --resume -o other.jsonl
check "refused resume leaves the file as it was" cmp other.jsonl full.jsonl
# A broken row in the middle is an error, not silently dropped.
{ head -3 full.jsonl; echo 'garbage'; sed -n '4,$p' full.jsonl; } >broken.jsonl
expect_error "ampsim: broken.jsonl:4: not a results row" "${S[@]}" --resume -o broken.jsonl

cli_finish
