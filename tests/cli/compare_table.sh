#!/bin/bash
# ampsim compare: comma lists multiply out (the contract
#   --topology se,btl --load 32,300 -> se/32, se/300, btl/32, btl/300),
# and the table, the JSON and the CSV agree: the CSV's values are the JSON's.
CLI_LIB=$(cd "$(dirname "${BASH_SOURCE[0]}")/lib" && pwd)
# shellcheck source=lib/lib.sh
source "$CLI_LIB/lib.sh"
# shellcheck source=lib/json.sh
source "$CLI_LIB/json.sh"

NAMES=("opamp-buffer se 32 ohm" "opamp-buffer se 300 ohm"
  "opamp-buffer btl 32 ohm" "opamp-buffer btl 300 ohm")
# shellcheck disable=SC2054  # commas inside an argument
C=(compare --stage opamp-buffer --topology se,btl --load 32,300 --figures gain,zout,noise)

expect_success "${C[@]}" --json out.json --csv out.csv
cp "$CLI_OUT" table.txt

# The table: one header line naming the four designs in order, rows after it.
# shellcheck disable=SC2317  # called through verify
names_in_order() {
  local header rest name
  header=$(head -n 1 "$1")
  rest=$header
  for name in "${NAMES[@]}"; do
    case $rest in
    *"$name"*) rest=${rest#*"$name"} ;;
    *) echo "     '$name' missing or out of order in: $header"; return 1 ;;
    esac
  done
}
verify "table: four columns in the order se/32, se/300, btl/32, btl/300" names_in_order table.txt
verify "table: a Zout row" grep -q '^Zout at 1 kHz ' table.txt
verify "table: engineering prefixes (uohm, uV)" grep -q 'uohm' table.txt
verify "table: no THD row (not asked for)" bash -c "! grep -q '^THD' table.txt"

# The JSON: an array of four measure documents, named in the same order.
verify "json: one valid document" json_use out.json
# shellcheck disable=SC2317  # called through verify
four_elements() {
  [ "$(cut -f1 "$JSON_FLAT" | cut -d. -f1 | sort -u | tr '\n' ' ')" = "0 1 2 3 " ]
}
verify "json: four designs" four_elements
for i in 0 1 2 3; do
  verify "json: design $i is '${NAMES[$i]}'" jis "$i.design" "\"${NAMES[$i]}\""
done
verify "json: design 2 is BTL into 32 ohm" jis 2.topology '"btl"'
verify "json: design 1 loads 300 ohm" jnum 1.load_ohms 'v == 300'

# The CSV: figure,unit,NAME... header in the same order, and every value
# equal to the JSON's at the path the figure names.
verify "csv: header" test "$(head -n 1 out.csv)" = \
  "figure,unit,${NAMES[0]},${NAMES[1]},${NAMES[2]},${NAMES[3]}"
verify "csv: gain, offset, noise and three Zout rows" \
  test "$(tail -n +2 out.csv | wc -l)" -ge 8
# shellcheck disable=SC2317  # called through verify
csv_matches_json() {
  local key values i v j compared=0 bad=0
  while IFS=, read -r key _ values; do
    IFS=, read -r -a v <<<"$values,"
    for i in 0 1 2 3; do
      j=$(jval "$i.$key") || { echo "     $i.$key not in the JSON"; bad=1; continue; }
      if [ "$j" = null ]; then
        [ -z "${v[$i]}" ] || { echo "     $i.$key: csv '${v[$i]}', json null"; bad=1; }
      elif ! awk -v a="${v[$i]}" -v b="$j" 'BEGIN { exit !(a != "" && a + 0 == b + 0) }'; then
        echo "     $i.$key: csv '${v[$i]}', json $j"
        bad=1
      fi
      compared=$((compared + 1))
    done
  done < <(tail -n +2 out.csv)
  [ $bad = 0 ] && [ $compared -ge 32 ]
}
verify "csv: every value equals the JSON's" csv_matches_json

# Zout of BTL is twice SE's (the two halves in series), in the CSV too.
# shellcheck disable=SC2317  # called through verify
btl_twice_se() {
  grep '^zout\.[0-9]*\.ohms,' out.csv | awk -F, '{ r = $5 / $3
    if (r < 1.99 || r > 2.01) { print "     " $1 ": btl/se = " r; bad = 1 } }
    END { exit bad }'
}
verify "csv: Zout btl/32 = 2 x se/32" btl_twice_se

# JSON and CSV to stdout replace the table.
expect_success "${C[@]}" --json -
verify "--json -: the JSON on stdout" json_use "$CLI_OUT" stdout
expect_success "${C[@]}" --csv -
verify "--csv -: the CSV on stdout" test "$(head -c 12 "$CLI_OUT")" = "figure,unit,"

# Errors: an empty list entry, both outputs on stdout.
expect_error "ampsim: --load: empty value in '32,'" compare --stage opamp-buffer --load 32,
expect_error "ampsim: --json and --csv cannot both go to stdout" \
  compare --stage opamp-buffer --json - --csv -
expect_error "ampsim: --topology: 'sx' is not se, btl, se-split or active-ground" \
  compare --stage opamp-buffer --topology se,sx

cli_finish
