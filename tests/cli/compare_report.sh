#!/bin/bash
# ampsim report: one well-formed, self-contained HTML file with every design,
# the table, three embedded SVG plots, the netlists (escaped) and the
# versions of ampsim and ngspice.
CLI_LIB=$(cd "$(dirname "${BASH_SOURCE[0]}")/lib" && pwd)
# shellcheck source=lib/lib.sh
source "$CLI_LIB/lib.sh"

S=$AMPSIM_TEST_DIR/stages
expect_success report --stage "$S/rl.cir:rl,$S/noisy_r.cir:noisy_r" --topology se,btl \
  --figures gain,zout,noise -o report.html
verify "report: written" test -s report.html
if command -v xmllint >/dev/null 2>&1; then
  verify "report: well-formed HTML (xmllint --html)" \
    bash -c 'out=$(xmllint --html --noout report.html 2>&1) && [ -z "$out" ] || { echo "     $out" | head -5; exit 1; }'
else
  cli_ok "report: xmllint not installed, parse check skipped"
fi
for name in "rl se 32 ohm" "rl btl 32 ohm" "noisy_r se 32 ohm" "noisy_r btl 32 ohm"; do
  verify "report: names '$name'" grep -qF "$name" report.html
done
verify "report: ngspice version" grep -q 'ngspice [0-9]' report.html
verify "report: three embedded SVG plots" \
  test "$(grep -o 'src="data:image/svg+xml;base64,' report.html | wc -l)" -ge 3
verify "report: no raw inline <svg>" bash -c "! grep -q '<svg' report.html"
verify "report: the netlists, in <pre>" grep -q '^\.subckt rl in out vp vn gnd' report.html
# The plots decode to SVG documents.
# shellcheck disable=SC2317  # called through verify
plots_decode() {
  grep -o 'base64,[A-Za-z0-9+/=]*' report.html | head -n 1 | cut -d, -f2 |
    base64 -d 2>/dev/null | head -c 5 | grep -q '<?xml'
}
verify "report: a plot decodes to an SVG document" plots_decode

expect_error "ampsim: -o PATH is required (see 'ampsim report --help')" \
  report --stage "$S/rl.cir:rl"
cli_finish
