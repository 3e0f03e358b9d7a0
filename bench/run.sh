#!/usr/bin/env bash
# bench/run.sh - ampsim's benchmark (issue 6), one command:
#
#   bash bench/run.sh            the full benchmark (about 10 min on 2 cores)
#   bash bench/run.sh --quick    one stage, SE only, 1 run, shorter loops
#   bash bench/run.sh --keep     also keep the work folder (decks, JSON,
#                                callgrind files) and print where it is
#
# Installs what is missing (ngspice, valgrind, jq, through scripts/deps.sh),
# builds ampsim (RelWithDebInfo) if needed, then measures and prints, all in
# this one run:
#   1. the wall time of the default `ampsim measure` (every figure) on the
#      bundled stages, SE and BTL, 32 ohm, with -j default and -j 1 (median
#      of 3 runs each), and whether -j 1 gives the same results;
#   2. the ngspice -b route (bench/route.sh): the same figures from
#      hand-written decks run with `ngspice -b`, at equal accuracy; the ratio
#      route time / ampsim time;
#   3. the share of instructions inside libngspice (valgrind callgrind over
#      the parent and every forked worker of one `ampsim measure`);
#   4. resident memory over 1000 measurements, and over 1000 load+tran runs
#      of one engine (bench/rss_loop.c);
#   5. -j 2 against -j 1 on a 20-point THD-vs-power curve (bench/curve_time.c).
# Every figure is a ratio or a comparison measured in this same run; the
# summary puts each beside the target of issue 6. See bench/README.md.
#
# Environment: AMPSIM_BENCH_BUILD_DIR (default: build/ of this checkout).
set -euo pipefail

usage() { sed -n '2,8p' "$0" | sed 's/^# \{0,1\}//'; }
quick=0
keep=0
for arg in "$@"; do
  case $arg in
  --quick) quick=1 ;;
  --keep) keep=1 ;;
  -h | --help) usage; exit 0 ;;
  *) echo "bench/run.sh: unknown argument '$arg'" >&2; usage >&2; exit 2 ;;
  esac
done

root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
build=${AMPSIM_BENCH_BUILD_DIR:-$root/build}
export LC_ALL=C

if [ $quick -eq 1 ]; then
  stages=(opamp-buffer)
  topologies=(se)
  runs=1
  rss_n=100
else
  stages=(opamp-buffer discrete-ab diamond-buffer)
  topologies=(se btl)
  runs=3
  rss_n=1000
fi
curve_points=20

work=$(mktemp -d /tmp/ampsim-bench.XXXXXX)
if [ $keep -eq 1 ]; then
  trap 'echo "work folder kept: $work"' EXIT
else
  trap 'rm -rf "$work"' EXIT
fi
mkdir -p "$work/json" "$work/decks" "$work/cg"

now() { date +%s.%N; }
# Arithmetic in awk (always there on Debian).
fmt() { awk -v v="$2" "BEGIN { printf \"$1\", v }"; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (b > 0) printf "%.2f", a / b; else print "n/a" }'; }
median() { sort -g | awk '{ v[NR] = $1 } END { if (NR % 2) print v[(NR + 1) / 2]; else print (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }
loadavg() { cut -d' ' -f1-3 /proc/loadavg; }
section() { echo; echo "== $*"; }

# ---- dependencies and build ---------------------------------------------------
AMPSIM_DEPS_EXTRA="ngspice valgrind jq" bash scripts/deps.sh
cache_type=$(sed -n 's/^CMAKE_BUILD_TYPE:STRING=//p' "$build/CMakeCache.txt" 2>/dev/null || true)
cache_san=$(sed -n 's/^AMPSIM_SANITIZE:STRING=//p' "$build/CMakeCache.txt" 2>/dev/null || true)
if [ "$cache_type" != RelWithDebInfo ] || [ -n "$cache_san" ]; then
  echo "bench: configuring $build (RelWithDebInfo, no sanitizers; was '${cache_type:-none}')"
  cmake -S . -B "$build" -DCMAKE_BUILD_TYPE=RelWithDebInfo -DAMPSIM_SANITIZE= >"$work/configure.log" 2>&1 ||
    { cat "$work/configure.log"; exit 1; }
fi
if ! cmake --build "$build" -j"$(nproc)" --target ampsim ampsim_cli >"$work/build.log" 2>&1; then
  tail -30 "$work/build.log"
  echo "bench: the build failed" >&2
  exit 1
fi
ampsim=$build/src/ampsim
mkdir -p "$build/bench"
requires=$(sed -n 's/^Requires.private: *//p' "$build/ampsim.pc")
libs_private=$(sed -n 's/^Libs.private: *//p' "$build/ampsim.pc")
for prog in rss_loop curve_time; do
  # shellcheck disable=SC2046,SC2086
  cc -std=c11 -O2 -g -Wall -Wextra -Iinclude "bench/$prog.c" "$build/src/libampsim.a" \
    $(pkg-config --libs $requires) $libs_private -o "$build/bench/$prog"
done

# ---- the machine ----------------------------------------------------------------
commit=$(git -C "$root" rev-parse --short HEAD 2>/dev/null || echo "unknown")
if [ -n "$(git --no-optional-locks -C "$root" status --porcelain --untracked-files=no 2>/dev/null)" ]; then
  commit="$commit + uncommitted changes"
fi
cpu=$(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -1)
mem=$(awk '/^MemTotal/ { printf "%.0f GiB", $2 / 1048576 }' /proc/meminfo)
echo "ampsim benchmark $( [ $quick -eq 1 ] && echo "(--quick)" ) $(date -u '+%Y-%m-%d %H:%M UTC')"
echo "machine  $(nproc) cores, $cpu, $mem, $(uname -sr)"
echo "ngspice  $(ngspice --version 2>/dev/null | sed -n 's/.*\(ngspice-[0-9.]*\).*/\1/p' | head -1)" \
  "(command line), libngspice0 $(dpkg-query -W -f='${Version}' libngspice0 2>/dev/null)"
echo "ampsim   $commit, $(sed -n 's/^CMAKE_BUILD_TYPE:STRING=//p' "$build/CMakeCache.txt") build, $build"
echo "load     $(loadavg) (1/5/15 min) at the start"
busy_warning() {
  if awk -v l="$(cut -d' ' -f1 /proc/loadavg)" -v n="$(nproc)" 'BEGIN { exit !(l > 0.5 * n) }'; then
    echo "WARNING: the machine is busy (load $(cut -d' ' -f1 /proc/loadavg) on $(nproc) cores): wall" \
      "times, wall ratios and the -j speed-up are not representative; rerun when it is idle"
  fi
}
load_start=$(loadavg)
busy_start=$(busy_warning)
[ -z "$busy_start" ] || echo "$busy_start"

declare -A T0 T1 C0 C1 IDENT ROUTE_T ROUTE_K ROUTE_C

# ---- 1 and 2. ampsim measure, and the ngspice -b route --------------------------
# For each stage and topology, each repetition runs ampsim -j 0, ampsim -j 1
# and the route one after the other, so that a change in the machine's load
# hits all three alike; each time reported is the median over the repetitions.
time_measure() { # stage topology jobs json -> "wall cpu" (cpu: user + system, workers included)
  local rc=0 TIMEFORMAT='%3R %3U %3S'
  { time "$ampsim" measure --stage "$1" --topology "$2" -j "$3" --json "$4" >/dev/null \
    2>"$work/err.txt"; } 2>"$work/time.txt" || rc=$?
  if [ $rc -ne 0 ]; then
    echo "bench: ampsim measure --stage $1 --topology $2 -j $3 failed: $(cat "$work/err.txt")" >&2
    exit 1
  fi
  awk '{ printf "%s %.3f\n", $1, $2 + $3 }' "$work/time.txt"
}
rget() { sed -n "s/^$2=//p" "$1"; }
echo
echo "measuring: ${stages[*]} x ${topologies[*]}, $runs repetition(s) of ampsim -j 0, ampsim -j 1, route"
for stage in "${stages[@]}"; do
  for topo in "${topologies[@]}"; do
    key=$stage-$topo
    : >"$work/t0-$key.txt"
    : >"$work/t1-$key.txt"
    : >"$work/route-times-$key.txt"
    for ((r = 0; r < runs; r++)); do
      if command -v hyperfine >/dev/null 2>&1; then
        for j in 0 1; do
          hyperfine -N --runs 1 --export-json "$work/hf.json" \
            "$ampsim measure --stage $stage --topology $topo -j $j --json $work/json/$key-j$j.json" \
            >"$work/hf.log" 2>&1 || { cat "$work/hf.log"; echo "bench: hyperfine failed" >&2; exit 1; }
          jq -r '.results[0] | "\(.median) \(.user + .system)"' "$work/hf.json" >>"$work/t$j-$key.txt"
        done
      else
        time_measure "$stage" "$topo" 0 "$work/json/$key-j0.json" >>"$work/t0-$key.txt"
        time_measure "$stage" "$topo" 1 "$work/json/$key-j1.json" >>"$work/t1-$key.txt"
      fi
      out=$work/route-$key.txt
      bash bench/route.sh "$ampsim" "$stage" "$topo" "$work/json/$key-j0.json" "$work/decks/$key" >"$out"
      echo "$(rget "$out" time_ngspice_s) $(rget "$out" time_known_tmax_s) $(rget "$out" cpu_ngspice_s)" \
        >>"$work/route-times-$key.txt"
    done
    T0[$key]=$(cut -d' ' -f1 "$work/t0-$key.txt" | median)
    T1[$key]=$(cut -d' ' -f1 "$work/t1-$key.txt" | median)
    C0[$key]=$(cut -d' ' -f2 "$work/t0-$key.txt" | median)
    C1[$key]=$(cut -d' ' -f2 "$work/t1-$key.txt" | median)
    ROUTE_T[$key]=$(cut -d' ' -f1 "$work/route-times-$key.txt" | median)
    ROUTE_K[$key]=$(cut -d' ' -f2 "$work/route-times-$key.txt" | median)
    ROUTE_C[$key]=$(cut -d' ' -f3 "$work/route-times-$key.txt" | median)
    if cmp -s <(jq -S 'del(.elapsed_s)' "$work/json/$key-j0.json") \
      <(jq -S 'del(.elapsed_s)' "$work/json/$key-j1.json"); then
      IDENT[$key]=yes
    else
      IDENT[$key]=NO
    fi
  done
done

section "1. ampsim measure, every figure, 32 ohm: median of $runs run(s) (-j 0 = one worker per core)"
echo "wall time, and CPU time (user + system of ampsim and its workers)"
printf "%-15s %-4s %10s %10s %10s %10s  %s\n" stage topo "-j 0 (s)" "-j 1 (s)" "-j 0 cpu" "-j 1 cpu" "-j 1 results = -j 0"
for stage in "${stages[@]}"; do
  for topo in "${topologies[@]}"; do
    key=$stage-$topo
    printf "%-15s %-4s %10.3f %10.3f %10.3f %10.3f  %s\n" "$stage" "$topo" "${T0[$key]}" "${T1[$key]}" \
      "${C0[$key]}" "${C1[$key]}" "${IDENT[$key]}"
  done
done

section "2. the ngspice -b route at equal accuracy (bench/route.sh; one process per run)"
echo "route = sum of the wall times of its ngspice -b runs (tmax search included); known tmax ="
echo "the same with only the final THD run; ratio = route / ampsim -j 0 wall; cpu ratio = CPU times"
printf "%-15s %-4s %5s %8s %8s %8s %8s %7s %7s %7s\n" stage topo runs "tmax" "route" "known" "ampsim" ratio ratio "cpu"
printf "%-15s %-4s %5s %8s %8s %8s %8s %7s %7s %7s\n" "" "" "" "found" "(s)" "tmax (s)" "-j 0 (s)" "" "known" ratio
: >"$work/agreement.txt"
: >"$work/parts.txt"
for stage in "${stages[@]}"; do
  for topo in "${topologies[@]}"; do
    key=$stage-$topo
    out=$work/route-$key.txt
    get() { rget "$out" "$1"; }
    # Equal accuracy: THD within 0.1 dB, the levels within 0.5 %; the
    # small-signal figures agree to rounding.
    awk -v k="$key" -v thd="$(get dev_thd_db)" -v m="$(get route_thd_matched)" \
      -v l1="$(get dev_vout_1pct_pct)" -v l01="$(get dev_vout_01pct_pct)" \
      -v g="$(get dev_gain_db)" -v n="$(get dev_noise_db)" -v na="$(get dev_noise_a_db)" \
      -v z="$(get dev_zout_pct)" -v x="$(get dev_crosstalk_db)" -v xn="$(get dev_crosstalk_null_mismatch)" \
      -v br="$(get route_level_bracketed)" -v r1="$(get route_vout_rms_1pct)" -v r01="$(get route_vout_rms_01pct)" \
      -v a1="$(jq -r .power.vout_rms_1pct "$work/json/$key-j0.json")" \
      -v a01="$(jq -r .power.vout_rms_01pct "$work/json/$key-j0.json")" 'BEGIN {
        s = sprintf("  %-19s THD %.3f dB", k, thd); if (!m) s = s " (NOT matched)"
        worst = g; if (n > worst) worst = n; if (na > worst) worst = na; if (x > worst) worst = x
        s = s sprintf(", gain/noise/crosstalk <= %.2g dB, Zout <= %.2g %%", worst, z)
        if (xn > 0) s = s sprintf(" (%d crosstalk points null in one only)", xn)
        s = s sprintf(", 1 %% level %.2f %%, 0.1 %% level %.2f %%", l1, l01)
        if (l1 > 0.5 || l01 > 0.5)
          s = s sprintf(" DIFFER: ampsim %.3f / %.3f Vrms, route %.3f / %.3f Vrms", a1, a01, r1, r01)
        if (!br) s = s " (route: not bracketed)"
        print s }' >>"$work/agreement.txt"
    printf "  %-15s %-4s %6.2f / %6.2f (%s runs) / %6.2f (%s runs)\n" "$stage" "$topo" \
      "$(awk -v a="$(get time_ac_s)" -v b="$(get time_zout_s)" -v c="$(get time_noise_s)" 'BEGIN { print a + b + c }')" \
      "$(get time_thd_search_s)" "$(get route_thd_runs)" "$(get time_level_s)" "$(get route_level_runs)" >>"$work/parts.txt"
    printf "%-15s %-4s %5s %8s %8.2f %8.2f %8.3f %7s %7s %7s\n" "$stage" "$topo" "$(get route_runs)" \
      "$(fmt %.3g "$(get route_thd_tmax_s)")" "${ROUTE_T[$key]}" "${ROUTE_K[$key]}" "${T0[$key]}" \
      "$(ratio "${ROUTE_T[$key]}" "${T0[$key]}")" "$(ratio "${ROUTE_K[$key]}" "${T0[$key]}")" \
      "$(ratio "${ROUTE_C[$key]}" "${C0[$key]}")"
  done
done
echo "agreement |route - ampsim| (equal accuracy: THD < 0.1 dB, levels < 0.5 %):"
cat "$work/agreement.txt"
echo "route time by part, last repetition (s): ac+zout+noise / THD tmax search / level search"
cat "$work/parts.txt"
echo "load     $(loadavg)"

# ---- 3. instructions inside libngspice -------------------------------------------
cg_stage=opamp-buffer
section "3. instructions inside libngspice: callgrind, ampsim measure --stage $cg_stage (SE, every figure, -j 0)"
t0=$(now)
valgrind --tool=callgrind --trace-children=yes --callgrind-out-file="$work/cg/callgrind.out.%p" \
  "$ampsim" measure --stage "$cg_stage" --json "$work/cg/result.json" >/dev/null 2>"$work/cg/valgrind.log" ||
  { tail -20 "$work/cg/valgrind.log"; echo "bench: the callgrind run failed" >&2; exit 1; }
t1=$(now)
# Per process: the total (PROGRAM TOTALS), the inclusive cost of the calls
# into libngspice's API (ngSpice_Command: analyses and commands, ngSpice_Circ:
# parsing, ngSpice_Init, ngGet_Vec_Info...: these never call each other, so
# their inclusive costs add up), and the exclusive (self) cost per object.
: >"$work/cg/sums.txt"
for f in "$work"/cg/callgrind.out.*; do
  callgrind_annotate --auto=no --inclusive=yes --threshold=100 "$f" |
    awk '/PROGRAM TOTALS/ { c = $1; gsub(",", "", c); print "total", c }
         /^ *[0-9,]+ +\(/ && /libngspice/ && /:(ngSpice_|ngGet_)/ {
           c = $1; gsub(",", "", c); fn = $0; sub(/.*:/, "", fn); sub(/ .*/, "", fn); sub(/'"'"'.*/, "", fn)
           print "api:" fn, c }' >>"$work/cg/sums.txt"
  callgrind_annotate --auto=no --inclusive=no --threshold=100 "$f" |
    awk '/^ *[0-9,]+ +\(/ && /\[/ { c = $1; gsub(",", "", c); o = $NF; gsub(/[][]/, "", o)
           n = split(o, p, "/"); o = p[n]; sub(/\.so.*/, ".so", o); print "self:" o, c }' >>"$work/cg/sums.txt"
done
nproc_cg=$(find "$work/cg" -name 'callgrind.out.*' | wc -l)
# agg PREFIX: the sums per key of lines "PREFIXkey value", largest first.
agg() { awk -v p="$1" 'index($1, p) == 1 { s[substr($1, length(p) + 1)] += $2 }
  END { for (k in s) printf "%s %.0f\n", k, s[k] }' "$work/cg/sums.txt" | sort -k2,2 -g -r; }
cg_total=$(awk '$1 == "total" { s += $2 } END { printf "%.0f", s }' "$work/cg/sums.txt")
cg_api=$(agg api: | awk '{ s += $2 } END { printf "%.0f", s }')
cg_pct=$(awk -v a="$cg_api" -v t="$cg_total" 'BEGIN { printf "%.2f", 100 * a / t }')
echo "processes: $nproc_cg (the parent and its forked workers), $(fmt %.4g "$cg_total") instructions in all"
echo "inside calls into libngspice's API (inclusive):  $(fmt %.1f "$cg_pct") %"
agg api: | awk -v t="$cg_total" '$2 > 0 { printf "  %-26s %6.2f %%\n", $1, 100 * $2 / t }'
echo "outside them (ampsim's own code, FFT, dlopen, fork, pipes): $(awk -v a="$cg_api" -v t="$cg_total" 'BEGIN { printf "%.1f", 100 * (t - a) / t }') %"
echo "exclusive instructions by object (where the CPU actually was):"
agg self: | awk -v t="$cg_total" '100 * $2 / t >= 0.01 { printf "  %-26s %6.2f %%\n", $1, 100 * $2 / t }'
echo "instructions by process (what each worker computed, told by the functions in its profile):"
for f in "$work"/cg/callgrind.out.*; do
  fns=$(grep -o '^c\{0,1\}fn=([0-9]*) [A-Za-z_]*' "$f" | awk '{ print $2 }' | sort -u | tr '\n' ' ')
  # A worker runs run_task; the parent does not. Task functions that the
  # compiler inlined leave no name: such a worker is "another task".
  case " $fns " in
  *" run_task "*)
    case " $fns " in
    *" task_power "* | *" power_refine "* | *" power_eval "*) what="maximum output (level search)" ;;
    *" task_noise "*) what="noise" ;;
    *" task_zout "*) what="output impedance" ;;
    *" task_ac "*) what="gain, DC offset, crosstalk" ;;
    *" task_thd "* | *" tone "* | *" measure_tone "*) what="THD at 1 kHz, 1 Vrms" ;;
    *) what="another task" ;;
    esac ;;
  *) what="the parent (ampsim)" ;;
  esac
  awk -v w="$what" -v t="$cg_total" '/^summary:/ { printf "%.0f  %-32s %10.4g  %6.2f %%\n", $2, w, $2, 100 * $2 / t }' "$f"
done | sort -g -r | sed 's/^[0-9]*  /  /'
echo "(callgrind run: $(fmt %.0f "$(awk -v a="$t0" -v b="$t1" 'BEGIN { print b - a }')") s under valgrind)"
echo "load     $(loadavg)"

# ---- 4. resident memory -----------------------------------------------------------
section "4. resident memory over $rss_n consecutive runs (bench/rss_loop.c, opamp-buffer SE)"
"$build/bench/rss_loop" measure "$rss_n" >"$work/rss_measure.txt"
"$build/bench/rss_loop" engine "$rss_n" >"$work/rss_engine.txt"
rss_m=$(sed -n 's/^rss_kb //p' "$work/rss_measure.txt")
rss_e=$(sed -n 's/^rss_kb //p' "$work/rss_engine.txt")
read -r mb ma mg <<<"$rss_m"
read -r eb ea eg <<<"$rss_e"
printf "ampsim_measure(gain,zout) x %d: %d kB -> %d kB (growth %d kB; %.3f s each)\n" "$rss_n" "$mb" "$ma" "$mg" \
  "$(sed -n 's/^seconds_per_iteration //p' "$work/rss_measure.txt")"
echo "  trace (iteration:kB): $(sed -n 's/^rss_kb_trace //p' "$work/rss_measure.txt")"
printf "one engine, load + tran x %d:     %d kB -> %d kB (growth %d kB; %.4f s each)\n" "$rss_n" "$eb" "$ea" "$eg" \
  "$(sed -n 's/^seconds_per_iteration //p' "$work/rss_engine.txt")"
echo "  trace (iteration:kB): $(sed -n 's/^rss_kb_trace //p' "$work/rss_engine.txt")"
echo "load     $(loadavg)"

# ---- 5. -j 2 vs -j 1 on a curve -----------------------------------------------------
section "5. -j 2 vs -j 1: THD vs power, $curve_points points, opamp-buffer SE (bench/curve_time.c)"
"$build/bench/curve_time" opamp-buffer "$curve_points" 1 >"$work/curve.txt"
sed 's/^/  /' "$work/curve.txt"
speedup=$(sed -n 's/^curve_speedup //p' "$work/curve.txt")
curve_same=$(sed -n 's/^curve_identical //p' "$work/curve.txt")
echo "load     $(loadavg)"

# ---- summary ------------------------------------------------------------------------
section "Summary against the targets of issue 6"
met() { if awk "BEGIN { exit !($1) }"; then echo "met"; else echo "NOT met"; fi; }
se=opamp-buffer-se
btl=opamp-buffer-btl
printf "%-58s %-12s %s\n" "target" "measured" ""
printf "%-58s %-12s %s\n" "opamp-buffer SE, every figure, wall < 1 s" "${T0[$se]} s" "$(met "${T0[$se]} < 1")"
if [ -n "${T0[$btl]:-}" ]; then
  printf "%-58s %-12s %s\n" "opamp-buffer BTL, every figure, wall < 2 s" "${T0[$btl]} s" "$(met "${T0[$btl]} < 2")"
fi
min_ratio=$(for k in "${!ROUTE_T[@]}"; do ratio "${ROUTE_T[$k]}" "${T0[$k]}"; echo; done | sort -g | head -1)
min_ratio_k=$(for k in "${!ROUTE_K[@]}"; do ratio "${ROUTE_K[$k]}" "${T0[$k]}"; echo; done | sort -g | head -1)
printf "%-58s %-12s %s\n" ">= 5x faster than the ngspice -b route (worst stage)" "${min_ratio}x" "$(met "$min_ratio >= 5")"
printf "%-58s %-12s %s\n" "  same, with the route's tmax known beforehand" "${min_ratio_k}x" "$(met "$min_ratio_k >= 5")"
min_ratio_c=$(for k in "${!ROUTE_C[@]}"; do ratio "${ROUTE_C[$k]}" "${C0[$k]}"; echo; done | sort -g | head -1)
printf "%-58s %-12s %s\n" "  same, by CPU time (less sensitive to the machine's load)" "${min_ratio_c}x" "$(met "$min_ratio_c >= 5")"
printf "%-58s %-12s %s\n" ">= 85 % of instructions inside libngspice" "$(fmt %.1f "$cg_pct") %" "$(met "$cg_pct >= 85")"
printf "%-58s %-12s %s\n" "-j 2 >= 1.7x faster than -j 1 (20-point THD-vs-power)" "${speedup}x" "$(met "$speedup >= 1.7")"
printf "%-58s %-12s %s\n" "RSS growth < 1 MB over $rss_n measurements" "$mg kB" "$(met "$mg < 1024")"
printf "%-58s %-12s %s\n" "  same, one engine over $rss_n load+tran runs" "$eg kB" "$(met "$eg < 1024")"
all_ident=yes
for k in "${!IDENT[@]}"; do [ "${IDENT[$k]}" = yes ] || all_ident=no; done
printf "%-58s %-12s %s\n" "results with -j 1 equal those with -j 0 (every stage)" "$all_ident" "$(met "\"$all_ident\" == \"yes\"")"
printf "%-58s %-12s %s\n" "curve with -j 2 equals curve with -j 1" "$([ "$curve_same" = 1 ] && echo yes || echo no)" \
  "$(met "$curve_same == 1")"
echo "load     $(loadavg) at the end (this benchmark's own work included); $(date -u '+%Y-%m-%d %H:%M UTC')"
echo "load     $load_start at the start"
[ -z "$busy_start" ] || echo "$busy_start"
