#!/usr/bin/env bash
# examples/README.md quotes figures measured by examples/tables.sh: re-run it
# and compare every number of every table with the README's, so the README
# cannot drift from the code. Simulations are deterministic; the tolerance
# (0.5 % + 0.05 of the last printed unit) only absorbs the last printed digit.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
top=$here/../..
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

bash "$top/examples/tables.sh" "$AMPSIM_BIN" > "$tmp/now.md"
blocks() { awk '/<!-- table: /{on=1} on{print} /<!-- end table -->/{on=0}' "$1"; }
blocks "$top/examples/README.md" > "$tmp/readme.md"
blocks "$tmp/now.md" > "$tmp/fresh.md"

if [ "$(grep -c 'table:' "$tmp/readme.md")" -ne "$(grep -c 'table:' "$tmp/fresh.md")" ]; then
  echo "FAIL: examples/README.md has $(grep -c 'table:' "$tmp/readme.md") tables, tables.sh makes $(grep -c 'table:' "$tmp/fresh.md")"
  exit 1
fi
# Compare cell by cell: same text where not numeric, numbers within tolerance.
if ! paste -d '\n' "$tmp/readme.md" "$tmp/fresh.md" | awk '
  function abs(x) { return x < 0 ? -x : x }
  NR % 2 == 1 { want = $0; next }
  {
    got = $0
    nw = split(want, w, "|"); ng = split(got, g, "|")
    if (nw != ng) { printf "FAIL: row shape differs\n  README: %s\n  now:    %s\n", want, got; bad = 1; next }
    for (i = 1; i <= nw; i++) {
      a = w[i]; b = g[i]; gsub(/^ +| +$/, "", a); gsub(/^ +| +$/, "", b)
      if (a ~ /^-?[0-9.]+$/ && b ~ /^-?[0-9.]+$/) {
        if (abs(a - b) > 0.005 * abs(a) + 0.05) { printf "FAIL: %s is now %s in\n  %s\n", a, b, want; bad = 1 }
      } else if (a != b) { printf "FAIL: \"%s\" is now \"%s\" in\n  %s\n", a, b, want; bad = 1 }
    }
  }
  END { exit bad }'; then
  echo "examples/README.md no longer matches the code: regenerate with examples/tables.sh"
  exit 1
fi
echo "examples: $(grep -c '^| ' "$tmp/readme.md") table rows match"
