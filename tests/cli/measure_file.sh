#!/bin/bash
# measure --json PATH (real simulations): the readable table still goes to
# stdout, PATH receives the same JSON document as --json - (apart from
# elapsed_s), the file is written atomically (a new inode renamed over an
# existing file, nothing half-written, no temporary file left behind) and a
# new file gets the ordinary umask permissions.
# The maximum-output search (the slow figure) is left out: the file writing
# does not depend on which figures were measured.
CLI_LIB=$(cd "$(dirname "${BASH_SOURCE[0]}")/lib" && pwd)
# shellcheck source=lib/lib.sh
source "$CLI_LIB/lib.sh"
# shellcheck source=lib/json.sh
source "$CLI_LIB/json.sh"

# shellcheck disable=SC2054  # commas inside an argument
M=(measure --stage opamp-buffer --figures thd,noise,zout,crosstalk,gain)

# Runs in an empty folder of its own, so that any stray file shows.
mkdir work
cd work || exit 1
umask 022

# --- a new file --------------------------------------------------------------------
expect_success "${M[@]}" --json out.json
cp "$CLI_OUT" ../table.txt
verify "out.json was written" test -s out.json
verify "the folder holds out.json and nothing else (no temporary file)" \
  test "$(ls -A)" = "out.json"
verify "out.json is one JSON document" json_use out.json file
FILE_FLAT=$JSON_FLAT
verify "out.json has elapsed_s" jnum elapsed_s 'v > 0'
verify "a new out.json is rw-r--r-- under umask 022 (not a temp file's rw-------)" \
  test "$(stat -c %a out.json)" = 644

# --- the table on stdout -------------------------------------------------------------
verify "stdout is the table, not JSON" grep -q '^Stage  *opamp-buffer' ../table.txt
verify "the table has the gain line" grep -q 'gain at 1 kHz' ../table.txt
verify "the table has the output impedance section" grep -q '^Output impedance' ../table.txt
verify "the table has the crosstalk section" grep -q '^Crosstalk' ../table.txt
verify "the table has the THD section" grep -q '^THD' ../table.txt
verify "the table has the noise line" grep -q '^Noise' ../table.txt
verify "the table has no maximum output (not asked for)" \
  test "$(grep -c 'Maximum output' ../table.txt)" = 0
verify "stdout holds no JSON" test "$(grep -c '"gain_db"' ../table.txt)" = 0
GAIN_TABLE=$(sed -n 's/^  gain at 1 kHz  *\([-0-9.]*\) dB$/\1/p' ../table.txt)
GAIN_JSON=$(jval gain_db | awk '{ printf "%.2f", $1 }')
verify "the table's gain ($GAIN_TABLE dB) is the file's gain_db ($GAIN_JSON)" \
  test -n "$GAIN_TABLE" -a "$GAIN_TABLE" = "$GAIN_JSON"

# The same table as without --json (apart from the run time line).
run_ampsim "${M[@]}"
verify "without --json: exit 0" test "$CLI_STATUS" = 0
verify "the table is the same with and without --json PATH" \
  diff <(grep -v '^Measured in' ../table.txt) <(grep -v '^Measured in' "$CLI_OUT")

# --- the file's JSON is --json - ---------------------------------------------------------
expect_success "${M[@]}" --json -
cp "$CLI_OUT" ../stdout.json
verify "--json - output is one JSON document" json_use ../stdout.json
verify "the file equals --json - apart from elapsed_s" \
  json_same "$FILE_FLAT" "$JSON_FLAT" elapsed_s
verify "the file was not touched by the --json - run" test "$(ls -A)" = "out.json"

# --- replacing an existing file ----------------------------------------------------------
printf 'previous results\n' >out.json
INODE=$(stat -c %i out.json)
# A second link to the old inode: an in-place rewrite would change it too.
ln out.json ../old-link
expect_success measure --stage opamp-buffer --figures gain --json out.json
verify "out.json now holds the new JSON" json_use out.json
verify "out.json is this run's: gain_db set" jnum gain_db 'v > 9'
verify "out.json is this run's: thd null" jis thd null
verify "out.json was replaced by rename (new inode), not rewritten in place" \
  test "$(stat -c %i out.json)" != "$INODE"
verify "the old inode still holds the old text (nothing half-written into it)" \
  test "$(cat ../old-link)" = "previous results"
verify "no temporary file left after replacing" test "$(ls -A)" = "out.json"

cli_finish
