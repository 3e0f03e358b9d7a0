#!/bin/bash
# An interrupted ampsim check --update (real simulations): the process is
# killed with SIGKILL while it simulates, and the old baseline is left byte
# for byte, with no temporary file beside it. Twice: one baseline (measured
# in the ampsim process itself, -j 1) and two at once (each measured in a
# child process, -j 2). Then an uninterrupted --update does write.
CLI_LIB=$(cd "$(dirname "${BASH_SOURCE[0]}")/lib" && pwd)
# shellcheck source=lib/lib.sh
source "$CLI_LIB/lib.sh"
# shellcheck source=lib/check_lib.sh
source "$CLI_LIB/check_lib.sh"

# BTL is the slowest to simulate: the widest window to be killed in.
A=opamp-buffer-btl-32
B=discrete-ab-btl-32
copy_reference "$A" ref
copy_reference "$B" ref
# The changed circuits would give new figures: an update that got through
# would change the files.
set_stage_param ref/designs/$A.xml en 8n
set_stage_param ref/designs/$B.xml gain 4
cp ref/$A.xml old-a.xml
cp ref/$B.xml old-b.xml

# The processes whose parent is $1.
children_of() {
  ps -o pid= --ppid "$1" 2>/dev/null
}

# interrupted DESCRIPTION ARGS...: start `ampsim ARGS` in a session of its
# own, wait until it has started simulating (it has worker processes), kill
# it with SIGKILL, then end what is left of its session (its simulation
# workers). Sets KILLED=1 when the kill hit a simulating process.
interrupted() {
  local description=$1 pid i
  shift
  KILLED=0
  setsid "$AMPSIM_BIN" "$@" </dev/null >run.out 2>run.err &
  pid=$!
  for i in $(seq 1 600); do
    if [ -n "$(children_of "$pid")" ]; then
      break
    fi
    kill -0 "$pid" 2>/dev/null || break
    sleep 0.05
  done
  # Into the simulation proper, not its first instant.
  sleep 0.3
  if kill -0 "$pid" 2>/dev/null && [ -n "$(children_of "$pid")" ]; then
    KILLED=1
  fi
  kill -KILL "$pid" 2>/dev/null
  wait "$pid" 2>/dev/null
  # The workers, children of children: all of the session we started.
  kill -KILL -- "-$pid" 2>/dev/null
  for i in $(seq 1 100); do
    kill -0 -- "-$pid" 2>/dev/null || break
    sleep 0.05
  done
  check "$description: killed while simulating" test "$KILLED" = 1
}

interrupted "one baseline, -j 1" check --update -j 1 ref/$A.xml
check "-j 1: the old baseline is intact" cmp -s ref/$A.xml old-a.xml
check "-j 1: no temporary file" only_files ref "$A.xml" "$B.xml" designs
check "-j 1: nothing was printed before the kill" test ! -s run.out

interrupted "two baselines, -j 2" check --update -j 2 ref/$A.xml ref/$B.xml
check "-j 2: the old baselines are intact" \
  bash -c "cmp -s ref/$A.xml old-a.xml && cmp -s ref/$B.xml old-b.xml"
check "-j 2: no temporary file" only_files ref "$A.xml" "$B.xml" designs

# --- not interrupted: the update is written ------------------------------------------
expect_success check --update -q ref/$A.xml ref/$B.xml
check "uninterrupted: both baselines changed" \
  bash -c "! cmp -s ref/$A.xml old-a.xml && ! cmp -s ref/$B.xml old-b.xml"
check "uninterrupted: no temporary file" only_files ref "$A.xml" "$B.xml" designs
expect_success check -q ref/$A.xml ref/$B.xml

cli_finish
