#!/bin/bash
# Slurm-style shards: --shard I/N runs points with index % N == I-1; three
# shards merged equal the unsharded run; a missing shard, a repeated shard,
# a shard of another sweep and a missing point are refused with one line;
# SLURM_ARRAY_TASK_ID/COUNT (ids from 0 or from 1) pick the shard.
CLI_LIB=$(cd "$(dirname "${BASH_SOURCE[0]}")/lib" && pwd)
# shellcheck source=lib/lib.sh
source "$CLI_LIB/lib.sh"

# shellcheck disable=SC2054  # commas inside arguments
S=(sweep --stage opamp-buffer --topology se,btl --mc 4 --tol R=1% --figures gain -q -j 2)

expect_success "${S[@]}" -o all.jsonl
for i in 1 2 3; do
  expect_success "${S[@]}" --shard "$i/3" -o "s$i.jsonl"
done
check "shard 2/3 holds points 1, 4, 7" \
  test "$(sed -n 's/^{"point":\([0-9]*\),.*/\1/p' s2.jsonl | sort -n | tr '\n' ' ')" = "1 4 7 "
check "shard header says 2/3" grep -q '"shard": "2/3"}$' s2.jsonl
expect_success merge s3.jsonl s1.jsonl s2.jsonl -o merged.jsonl
check "merge prints the summary" grep -q '^Sweep [0-9a-f]*: 8 points (2 grid points x 4 samples), 8 rows, 0 failed' "$CLI_OUT"
check "3 shards merged == the unsharded run (header and rows, sorted by point)" \
  diff merged.jsonl <(head -1 all.jsonl; sed 1d all.jsonl | sort -t: -k2 -n)
check "merged rows are in point order" \
  diff <(sed -n 's/^{"point":\([0-9]*\),.*/\1/p' merged.jsonl) <(seq 0 7)

expect_error "ampsim: shard 2/3 is missing (sweep $(sed -n 's/.*"sweep": "\([0-9a-f]*\)".*/\1/p' s1.jsonl | head -1))" \
  merge s1.jsonl s3.jsonl -o out.jsonl
check "no output file after an error" test ! -e out.jsonl
cp s2.jsonl s2-copy.jsonl
expect_error "ampsim: shard 2/3 is given twice: s2.jsonl and s2-copy.jsonl" \
  merge s1.jsonl s2.jsonl s2-copy.jsonl s3.jsonl -o out.jsonl
# A shard that lost a point (only complete lines: not a cut-off run).
grep -v '^{"point":4,' s2.jsonl >s2-short.jsonl
expect_error_containing "point 4 is missing (shard 2/3: s2-short.jsonl" \
  merge s1.jsonl s2-short.jsonl s3.jsonl -o out.jsonl
# A point twice within a shard.
{ cat s2.jsonl; grep '^{"point":4,' s2.jsonl; } >s2-dup.jsonl
expect_error_containing "point 4 is repeated" merge s1.jsonl s2-dup.jsonl s3.jsonl -o out.jsonl
# Another sweep (another seed).
run_ampsim "${S[@]}" --seed 5 --shard 3/3 -o other3.jsonl
expect_error_containing "other3.jsonl: shard of another sweep" \
  merge s1.jsonl s2.jsonl other3.jsonl -o out.jsonl
expect_error_containing "not an ampsim sweep results file" merge /dev/null -o out.jsonl
expect_error "ampsim: --shard: '4/3' is not I/N with 1 <= I <= N" "${S[@]}" --shard 4/3 -o x.jsonl
expect_error "ampsim: --shard: 'two' is not I/N (shard I of N, I from 1)" "${S[@]}" --shard two -o x.jsonl

# Slurm job arrays: --array=0-2 and --array=1-3 both give the 3 shards.
SLURM_ARRAY_TASK_ID=1 SLURM_ARRAY_TASK_MIN=0 SLURM_ARRAY_TASK_COUNT=3 \
  "$AMPSIM_BIN" "${S[@]}" -o slurm0.jsonl >/dev/null 2>&1
SLURM_ARRAY_TASK_ID=2 SLURM_ARRAY_TASK_MIN=1 SLURM_ARRAY_TASK_COUNT=3 \
  "$AMPSIM_BIN" "${S[@]}" -o slurm1.jsonl >/dev/null 2>&1
check "Slurm task 1 of 0-2 is shard 2/3 (rows sorted)" diff <(sort slurm0.jsonl) <(sort s2.jsonl)
check "Slurm task 2 of 1-3 is shard 2/3 (rows sorted)" diff <(sort slurm1.jsonl) <(sort s2.jsonl)
SLURM_ARRAY_TASK_ID=7 SLURM_ARRAY_TASK_MIN=0 SLURM_ARRAY_TASK_COUNT=3 \
  run_ampsim "${S[@]}" -o slurm.jsonl
check "Slurm task outside the array: exit 2, one line" \
  bash -c "[ $CLI_STATUS = 2 ] && grep -q 'SLURM_ARRAY_TASK_ID 7 is outside 3 tasks from 0' '$CLI_ERR'"

cli_finish
