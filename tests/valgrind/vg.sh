#!/bin/sh
# tests/valgrind/vg.sh PROGRAM ARGS... - run one program under valgrind
# memcheck the way tests/valgrind/run.sh wants it. CTest puts it in front of
# every test executable, and of the tool in the command-line tests, when the
# build was configured with -DAMPSIM_TEST_LAUNCHER=.../vg.sh.
#
# Valgrind's report goes to $AMPSIM_VG_LOG_DIR/vg.PID.log (one file per
# process, forked workers included), never to stderr, so that the command-line
# tests still see exactly what ampsim prints. run.sh sums the logs up; a
# process with an error or a definite leak also exits with status 99, which
# fails its test.
#
# --keep-debuginfo=yes: the engine dlclose()s libngspice, and the leaks it
# leaves behind are reported at exit; without it their frames have no object
# name and the suppressions in ngspice.supp could not match them.
here=$(cd "$(dirname "$0")" && pwd)
logdir=${AMPSIM_VG_LOG_DIR:-${TMPDIR:-/tmp}}
mkdir -p "$logdir"
exec valgrind --tool=memcheck \
  --error-exitcode=99 \
  --leak-check=full --errors-for-leak-kinds=definite --show-leak-kinds=definite \
  --trace-children=yes --keep-debuginfo=yes --num-callers=40 \
  --suppressions="$here/ngspice.supp" \
  --log-file="$logdir/vg.%p.log" \
  "$@"
