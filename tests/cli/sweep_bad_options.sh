#!/bin/bash
# Bad sweep and merge options: one line "ampsim: ..." and exit 2, before any
# simulation, and no results file.
CLI_LIB=$(cd "$(dirname "${BASH_SOURCE[0]}")/lib" && pwd)
# shellcheck source=lib/lib.sh
source "$CLI_LIB/lib.sh"

B=(sweep --stage opamp-buffer -q)
expect_error "ampsim: -o RESULTS.jsonl is required (see 'ampsim sweep --help')" "${B[@]}"
expect_error "ampsim: --stage or a design file is required (see 'ampsim sweep --help')" \
  sweep -o x.jsonl
expect_error "ampsim: --mc: '-1' must be at least 0" "${B[@]}" -o x.jsonl --mc -1
expect_error "ampsim: --tol: tolerances need Monte Carlo samples (--mc N)" \
  "${B[@]}" -o x.jsonl --tol R=1%
expect_error "ampsim: --tol: tolerances: R: 'lots' is not a tolerance (e.g. 1%, 0.01, or volts for vos)" \
  "${B[@]}" -o x.jsonl --mc 2 --tol R=lots
expect_error "ampsim: --tol: tolerances: vos is an offset in volts (e.g. vos=1m), not a %" \
  "${B[@]}" -o x.jsonl --mc 2 --tol vos=1%
expect_error "ampsim: --param: gain: empty value in the list" "${B[@]}" -o x.jsonl --param gain=1,,2
expect_error "ampsim: --param: gain: 'x' is not a number" "${B[@]}" -o x.jsonl --param gain=2,x
expect_error "ampsim: --topology: 'quad' is not se, btl, se-split or active-ground" \
  "${B[@]}" -o x.jsonl --topology se,quad
expect_error "ampsim: --load: range '1:2:3:cubic': the fourth field is lin or log" \
  "${B[@]}" -o x.jsonl --load 1:2:3:cubic
expect_error "ampsim: --supply: range '1:2' is not A:B:N or A:B:N:log" \
  "${B[@]}" -o x.jsonl --supply 1:2
expect_error "ampsim: --load: -5 ohm is out of range (1m <= load <= 1e9)" \
  "${B[@]}" -o x.jsonl --load -5,32
expect_error "ampsim: --seed: '-3' is not a whole number from 0 to 2^53" "${B[@]}" -o x.jsonl --seed -3
expect_error "ampsim: --tol-dist: 'normal' is not gauss or uniform" \
  "${B[@]}" -o x.jsonl --tol-dist normal
expect_error "ampsim: --figures: stability is not available with Monte Carlo (its loop probe uses the nominal stage); leave it out" \
  "${B[@]}" -o x.jsonl --mc 2 --figures stability
expect_error "ampsim: --plot: 'x.pdf' must end in .png or .svg" "${B[@]}" -o x.jsonl --plot x.pdf
expect_error_containing "has no parameter 'foo'" "${B[@]}" -o x.jsonl --param foo=2,3
check "no results file after any of these" test ! -e x.jsonl
expect_error "ampsim: merge: name the shard files (see 'ampsim merge --help')" merge -o x.jsonl
expect_error "ampsim: -o RESULTS.jsonl is required (see 'ampsim merge --help')" merge a.jsonl

cli_finish
