#!/bin/bash
# Progress on stderr: a line with the points done, elapsed and remaining time
# when stderr is a terminal; nothing when it is not (every other test checks
# an empty stderr) and nothing with --quiet.
CLI_LIB=$(cd "$(dirname "${BASH_SOURCE[0]}")/lib" && pwd)
# shellcheck source=lib/lib.sh
source "$CLI_LIB/lib.sh"

RL=$AMPSIM_TEST_DIR/stages/rl.cir:rl
if ! command -v script >/dev/null 2>&1; then
  cli_ok "script(1) not installed: terminal progress not checked"
  cli_finish
fi
# script(1) gives the tool a terminal; stdout goes to a file.
script -qc "$(printf '%q ' "$AMPSIM_BIN" compare --stage "$RL" --load 32,300 --figures zout) >out.txt" \
  /dev/null </dev/null >tty.txt 2>&1
verify "terminal: progress with points done, elapsed and remaining time" \
  grep -q 'measuring designs 2/2, [0-9]* s elapsed, about [0-9]* s left' tty.txt
verify "terminal: the table still on stdout" grep -q '^Zout at 1 kHz' out.txt
script -qc "$(printf '%q ' "$AMPSIM_BIN" compare --stage "$RL" --load 32,300 --figures zout --quiet) >out.txt" \
  /dev/null </dev/null >tty.txt 2>&1
verify "terminal, --quiet: no progress" bash -c "! grep -q 'measuring' tty.txt"
expect_success compare --stage "$RL" --load 32,300 --figures zout
cli_finish
