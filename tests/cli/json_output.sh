#!/bin/bash
# --json PATH is written only by a run that succeeds: a bad command line, a
# bad stage or an unwritable path leave no file and keep an existing one as it
# was. --json - keeps stdout free of anything else, even on failure.
source "$(dirname "${BASH_SOURCE[0]}")/lib/lib.sh"

S=(--stage "$CLI_TMP/absent.cir:amp")

# Bad options: no file appears, wherever --json stands.
expect_error "ampsim: --load: '3x' is not a number" measure "${S[@]}" --json out.json --load 3x
check "bad option: no out.json" test ! -e out.json
expect_error "ampsim: --vout: '0' must be greater than 0 Vrms" measure --vout 0 --json out.json "${S[@]}"
check "bad option after --json: no out.json" test ! -e out.json

# An existing file is left exactly as it was.
printf 'previous results\n' >old.json
expect_error "ampsim: --freq: 'x' is not a number" measure "${S[@]}" --json old.json --freq x
check "bad option: old.json unchanged" test "$(cat old.json)" = "previous results"
expect_error_containing measure "${S[@]}" --json old.json -- absent.cir
check "missing stage: old.json unchanged" test "$(cat old.json)" = "previous results"
check "no temporary files left" test \
  "$(find . -mindepth 1 -maxdepth 1 ! -name '.std*' -printf '%f ' | sort)" = "old.json "

# An output path that cannot be written fails before any simulation.
expect_error "ampsim: --json: $CLI_TMP/no-such-dir/out.json: No such file or directory" \
  measure "${S[@]}" --json "$CLI_TMP/no-such-dir/out.json"
mkdir adir
expect_error "ampsim: --json: adir: Is a directory" measure "${S[@]}" --json adir
check "adir is still an empty folder" test -d adir -a -z "$(ls -A adir)"

# --json - : on failure, nothing at all on stdout.
expect_error "ampsim: --load: '3x' is not a number" measure "${S[@]}" --json - --load 3x
expect_error_containing measure "${S[@]}" --json - -- absent.cir

cli_finish
