#!/usr/bin/env bash
# tests/fuzz/run.sh [SECONDS] - build the libFuzzer targets and fuzz each one.
#
# Builds in a folder of its own with clang (CC=clang, -DAMPSIM_FUZZ=ON,
# -DAMPSIM_SANITIZE="address;undefined": targets get -fsanitize=fuzzer,
# address,undefined, the library -fsanitize=fuzzer-no-link,address,undefined),
# then runs every target for SECONDS (default 60) with -max_total_time, up to
# one target per core at a time. Each target starts from its seed corpus
# (tests/fuzz/corpus/<target>/) and its regression inputs (regress/<target>/),
# and writes what it finds to a scratch corpus in the build folder, never into
# the source tree. Prints the executions per target; fails if any target
# crashes, leaks, times out on an input or breaks one of its checks, naming
# the input it kept (crash-*, leak-*, timeout-* in the build folder's
# artifacts/<target>/). Turn such an input into a regression test: see
# tests/fuzz/README.md.
#
# Environment: AMPSIM_FUZZ_BUILD_DIR (default: build-fuzz in the source tree),
# AMPSIM_JOBS (parallel targets; default: nproc), AMPSIM_FUZZ_ARGS (more
# libFuzzer options).
set -uo pipefail

seconds=${1:-60}
case $seconds in
  '' | *[!0-9]*)
    echo "usage: tests/fuzz/run.sh [SECONDS]" >&2
    exit 2
    ;;
esac
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
repo=$(cd "$here/../.." && pwd)
build=${AMPSIM_FUZZ_BUILD_DIR:-$repo/build-fuzz}
jobs=${AMPSIM_JOBS:-$(nproc)}

if ! command -v clang >/dev/null 2>&1; then
  echo "fuzz: clang is not installed (bash scripts/deps.sh installs clang and libclang-rt-14-dev)" >&2
  exit 1
fi

CC=clang cmake -S "$repo" -B "$build" -DCMAKE_BUILD_TYPE=RelWithDebInfo \
  -DAMPSIM_FUZZ=ON -DAMPSIM_SANITIZE="address;undefined" -DAMPSIM_BUILD_TESTS=OFF >/dev/null || exit 1
if ! cmake --build "$build" -j"$jobs" >"$build/fuzz-build.log" 2>&1; then
  tail -40 "$build/fuzz-build.log"
  exit 1
fi

targets=()
for exe in "$build"/tests/fuzz/fuzz_*; do
  [ -x "$exe" ] && [ -f "$exe" ] && targets+=("$exe")
done
if [ ${#targets[@]} -eq 0 ]; then
  echo "fuzz: no targets were built" >&2
  exit 1
fi

# fuzz_one EXE: one target for $seconds; its log is $build/logs/NAME.log.
fuzz_one() {
  local exe=$1 name dict=() seeds=()
  name=$(basename "$exe")
  mkdir -p "$build/scratch/$name" "$build/artifacts/$name" "$build/logs"
  for d in "$here/corpus/$name" "$here/regress/$name"; do
    [ -d "$d" ] && seeds+=("$d")
  done
  case $name in
    fuzz_netlist_*) dict=(-dict="$here/netlist.dict") ;;
    fuzz_design_*) [ -f "$here/design.dict" ] && dict=(-dict="$here/design.dict") ;;
  esac
  # -timeout: an input that takes 10 s is a hang (the netlist code is linear
  # time); -rss_limit_mb: ASan's overhead included; -max_len: room for long
  # lines and deep continuations. The first folder gets the new inputs.
  # shellcheck disable=SC2086
  ASAN_OPTIONS=detect_leaks=1:allocator_may_return_null=1 \
    UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
    "$exe" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 -max_len=16384 \
    -print_final_stats=1 -artifact_prefix="$build/artifacts/$name/" "${dict[@]}" \
    ${AMPSIM_FUZZ_ARGS:-} "$build/scratch/$name" "${seeds[@]}" >"$build/logs/$name.log" 2>&1
  echo $? >"$build/logs/$name.status"
}

# fuzz_netlist_load writes every input to a file: on tmpfs it runs about six
# times faster than on a disk (measured: 2500 against 385 inputs/s).
if [ -z "${TMPDIR:-}" ] && [ -d /dev/shm ] && [ -w /dev/shm ]; then
  export TMPDIR=/dev/shm
fi

rm -rf "$build/logs"
start=$(date +%s)
running=0
for exe in "${targets[@]}"; do
  fuzz_one "$exe" &
  running=$((running + 1))
  if [ "$running" -ge "$jobs" ]; then
    wait -n
    running=$((running - 1))
  fi
done
wait

failed=0 total=0
for exe in "${targets[@]}"; do
  name=$(basename "$exe")
  log=$build/logs/$name.log
  status=$(cat "$build/logs/$name.status" 2>/dev/null || echo 1)
  execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -1)
  speed=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$log" | tail -1)
  cov=$(grep -o 'cov: [0-9]*' "$log" | tail -1)
  corpus=$(find "$build/scratch/$name" -type f | wc -l)
  total=$((total + ${execs:-0}))
  if [ "$status" -eq 0 ]; then
    printf 'fuzz ok   %-22s %10s executions (%s/s), %s, %s new corpus inputs\n' \
      "$name" "${execs:-?}" "${speed:-?}" "${cov:-cov: ?}" "$corpus"
  else
    failed=1
    printf 'fuzz FAIL %-22s exit %s after %s executions\n' "$name" "$status" "${execs:-?}"
    grep -E -A40 '^==[0-9]+==ERROR|fuzz check failed|runtime error|ERROR: libFuzzer|SUMMARY' "$log" |
      head -80
    ls -l "$build/artifacts/$name/" 2>/dev/null
  fi
done
echo "fuzz: ${#targets[@]} targets, ${seconds} s each, $total executions in all," \
  "$(($(date +%s) - start)) s"
exit $failed
