#!/bin/bash
# mpirun --oversubscribe -np 3 ampsim sweep gives the same rows as -j 1
# (rank 0 gathers and writes them). Skipped, saying so, only where this
# build has no MPI driver (cmake found no MPI).
CLI_LIB=$(cd "$(dirname "${BASH_SOURCE[0]}")/lib" && pwd)
# shellcheck source=lib/lib.sh
source "$CLI_LIB/lib.sh"

if [ "${AMPSIM_TEST_MPI:-OFF}" != "ON" ]; then
  echo "SKIP: this build has no MPI sweep driver (install libopenmpi-dev openmpi-bin, cmake -DAMPSIM_MPI=ON)"
  exit 0
fi
MPIRUN=${AMPSIM_MPIEXEC:-mpirun}
# Root (CI) needs Open MPI's explicit consent; more ranks than cores need
# --oversubscribe (docs/sweep.md).
export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1
export OMPI_MCA_btl_vader_single_copy_mechanism=none
# Sanitizer builds: Open MPI's runtime leaks from its dlopen()ed components
# (frames of an "<unknown module>" once they are unloaded at MPI_Finalize,
# which no LSan suppression can name). Leak checking is off for the mpirun
# runs only; the same sweep code runs leak-checked in the other sweep tests.
MPI_ENV=(env "ASAN_OPTIONS=${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0")

# shellcheck disable=SC2054  # commas inside arguments
S=(sweep --stage opamp-buffer --topology se,btl --mc 4 --tol R=1%,vos=1m --figures gain)

expect_success "${S[@]}" -q -j 1 -o j1.jsonl
"${MPI_ENV[@]}" "$MPIRUN" --oversubscribe -np 3 "$AMPSIM_BIN" "${S[@]}" -o mpi.jsonl >mpi.out 2>mpi.err
status=$?
check "mpirun -np 3: exit 0" test "$status" = 0
[ "$status" = 0 ] || head -20 mpi.err
check "mpirun -np 3: identical rows to -j 1 (sorted)" diff <(sort j1.jsonl) <(sort mpi.jsonl)
check "mpirun -np 3: one summary (rank 0 only)" test "$(grep -c '^Sweep ' mpi.out)" = 1
check "mpirun -np 3: says it ran on 3 ranks" grep -q 'MPI, 3 ranks' mpi.err

# Resume works under MPI as well: drop rows, resume, same file (sorted).
head -4 mpi.jsonl >mpi-part.jsonl
"${MPI_ENV[@]}" "$MPIRUN" --oversubscribe -np 3 "$AMPSIM_BIN" "${S[@]}" -q --resume -o mpi-part.jsonl \
  >/dev/null 2>&1
check "mpirun --resume: identical rows to -j 1 (sorted)" diff <(sort j1.jsonl) <(sort mpi-part.jsonl)

cli_finish
