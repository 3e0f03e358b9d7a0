#!/usr/bin/env bash
# tests/fuzz/make_corpus.sh - (re)write the seed corpora of the netlist fuzz
# targets in tests/fuzz/corpus/: copies of real stage, part and test netlists,
# and small hostile inputs (control blocks, commands, escapes, loops, NUL and
# bad UTF-8 bytes, long lines, deep continuations). The seeds are committed;
# run this only to change them. Names say what each seed tries.
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
repo=$(cd "$here/../.." && pwd)
scan=$here/corpus/fuzz_netlist_scan
load=$here/corpus/fuzz_netlist_load
rm -rf "$scan" "$load"
mkdir -p "$scan" "$load"

# both NAME: stdin to a seed of both targets.
both() {
  cat >"$scan/$1"
  cp "$scan/$1" "$load/$1"
}

# Real netlists (a few kB each).
for f in "$repo"/netlists/stages/*.cir "$repo"/netlists/opamps/*.lib \
  "$repo"/netlists/loads/dynamic32.cir "$repo"/netlists/loads/iem-ba.cir \
  "$repo"/netlists/cable/cable.cir "$repo"/netlists/supply/supply.cir \
  "$repo"/tests/stages/*.cir; do
  [ -f "$f" ] || continue
  base=real-$(basename "$(dirname "$f")")-$(basename "$f")
  both "$base" <"$f"
done

# Commands and control blocks, in the spellings ngspice accepts.
printf '.subckt amp in out vp vn gnd\nR1 in out 1k\n.ends\n.control\nshell touch /tmp/pwned\n.endc\n' | both control-block
printf '.CONTROL\nset noaskquit\n.ENDC\n' | both control-upper
printf '\t  .controlx\n' | both control-prefix
printf '\f.control\n' | both control-formfeed
printf 'R1 a b 1k\r.control\r\n' | both control-after-lone-cr
printf 'R1 a b \\\\\n.control\n' | both control-shell-continuation
printf '* c\n+ .control\n' | both control-orphan-continuation
printf 'R1 a b 1k\n* between\n\n+ ; .control\n.endc\n' | both control-in-continuation
printf '*#shell rm -rf /\n' | both starhash
printf '*ng_script\necho hi\n' | both ng-script
printf '\xef\xbb\xbf*ng_script\n' | both ng-script-bom
printf '@R1 a b 1k\n' | both at-line
printf '.tran 1u 1m\n.op\n.options reltol=1\n.meas tran x max v(a)\n.print tran v(a)\n.save all\n.four 1k v(a)\n.exec\n.csparam x=1\n' | both analyses
printf '.model src filesource(file="/etc/passwd")\n' | both model-filesource
printf '.model src filesource (input_file = "x")\n' | both model-file-param
printf 'a1 %%v(in) proc\n.model proc d_process(process_file="/bin/sh")\n' | both model-process
printf '.model c d_cosim(simulation="libx.so")\n' | both model-cosim
printf 'd1 a b cider ic.file="state"\n' | both cider-ic-file
printf '.pre_osdi x.osdi\n.osdi y.osdi\n' | both osdi
printf 'R1 a b 1k ; .control\nR2 a b 1k $ .endc\nR3 a b 1k // .exec\n' | both end-of-line-comments
printf '.lib tt\n.endl\n' | both lib-section-definition
printf '.endl\n' | both endl-alone
printf '.inc_x foo\n.libx foo\n.includes foo\n' | both include-prefixes

# Subcircuit headers.
printf '.subckt amp in out vp vn gnd params: g=1 vs=1\nR1 in out 1k\n.ends amp\n' | both subckt-params
printf '.SUBCKT AMP(in out vp vn gnd)\n.ends\n' | both subckt-parens
printf '.subckt outer a b\n.subckt amp in out vp vn gnd\n.ends\n.ends\n.subckt amp x y\n.ends\n' | both subckt-nested
printf '.subckt amp p1 p2 p3 p4 p5 p6 p7 p8 p9 p10 p11 p12 p13 p14 p15 p16 p17 p18 p19 p20\n.ends\n' | both subckt-20-pins
{ printf '.subckt amp '; head -c 300 /dev/zero | tr '\0' 'n'; printf ' out vp vn gnd a = 1\n.ends\n'; } | both subckt-long-pin
printf '.subckt\n.subckt \n.ends\n.ends\n.ends\n' | both subckt-no-name
printf '.subckt amp in\n+ out vp\n\n* c\n+ vn gnd\n.ends\n' | both subckt-continued

# Bytes that are not text.
printf 'R1 a b 1k\0.control\n' | both nul-byte
printf 'R1 a b 1k \xc0\xaf\n' | both utf8-overlong
printf '* \xed\xa0\x80 surrogate\n' | both utf8-surrogate
printf '* \xf5\x80\x80\x80 above U+10FFFF\n' | both utf8-too-large
printf '* truncated \xe2\x82' | both utf8-truncated
printf '* caf\xc3\xa9 \xe2\x82\xac ok\nR\xc3\xa9 a b 1k\n' | both utf8-valid
printf '' | both empty
printf '\n\n\n' | both newlines
printf '+\n' | both plus-alone

# Long lines and deep continuations.
{ printf 'R1 a b '; head -c 6000 /dev/zero | tr '\0' '1'; printf '\n'; } | both long-line
{ printf 'R1 a b 1k\n'; for _ in $(seq 1500); do printf '+ 1\n'; done; } | both deep-continuation
{ printf 'R1 a b 1k \\\\\n'; for _ in $(seq 300); do printf '* c\n\n1 \\\\\n'; done; printf 'x\n'; } | both deep-shell-continuation

# Includes: the fuzz_netlist_load target's folder holds inc.cir, lib.lib
# (sections tt, ff, loop), sub/deep.cir, self.cir (includes itself),
# control.cir (refused), bom.cir, escape.cir (a symlink out) and, outside the
# policy, ../outside/secret.cir.
printf '.include inc.cir\n' >"$load/include-plain"
printf '.inc "inc.cir"\n.incl '"'"'sub/deep.cir'"'"'\n' >"$load/include-quoted"
printf '.include sub/deep.cir\n.include sub/../inc.cir\n' >"$load/include-relative"
printf '.include self.cir\n' >"$load/include-loop"
printf '.include input.cir\n' >"$load/include-itself"
printf '.include control.cir\n' >"$load/include-refused"
printf '.include bom.cir\n' >"$load/include-bom"
printf '.include escape.cir\n' >"$load/include-symlink-escape"
printf '.include ../outside/secret.cir\n' >"$load/include-dotdot"
printf '.include /etc/passwd\n' >"$load/include-absolute"
printf '.include "inc.cir\n' >"$load/include-unterminated"
printf '.include\n' >"$load/include-no-name"
printf '.include /proc/self/environ\n.include /dev/zero\n' >"$load/include-special"
printf '.lib lib.lib tt\n.lib lib.lib ff\n' >"$load/lib-sections"
printf '.lib lib.lib loop\n' >"$load/lib-loop"
printf '.lib lib.lib nosuch\n' >"$load/lib-missing-section"
printf '.lib lib.lib\n' >"$load/lib-no-section"
for _ in $(seq 40); do printf '.include inc.cir\n.lib lib.lib ff\n'; done >"$load/include-repeated"
printf '.incl\n+ inc.cir\n' >"$load/include-continued"
printf '.include inc.cir \\\\\n.control\n' >"$load/include-shell-continuation"

# Expanded text that still has includes is refused by the scanner.
printf '.include inc.cir\n.lib lib.lib tt\n' >"$scan/include-left-in"

# Design files (fuzz_design_load; its folder holds stage.cir with subcircuit
# amp, and ../outside/secret.txt).
design=$here/corpus/fuzz_design_load
rm -rf "$design"
mkdir -p "$design"
hdr='<?xml version="1.0" encoding="UTF-8"?>'
printf '%s\n<ampsim>\n  <design name="buffer">\n    <stage ref="opamp-buffer"/>\n  </design>\n</ampsim>\n' "$hdr" >"$design/minimal.xml"
cat >"$design/full.xml" <<XML
$hdr
<ampsim>
  <design name="user stage, BTL">
    <include file="stage.cir"/>
    <stage file="stage.cir" subckt="amp">
      <param name="g" value="4.7k"/>
      <param name="vs" value="-1e-3"/>
    </stage>
    <topology>btl</topology>
    <supply volts="12" ohms="50m"/>
    <load ref="dynamic32"/>
    <cable ground-ohms="0.1"/>
    <measure figures="thd noise zout">
      <thd freq="20 1k 20k" vout="0.1 1"/>
    </measure>
  </design>
  <design>
    <stage ref="opamp-buffer"/>
    <load ohms="300"/>
  </design>
  <design name="own load">
    <stage ref="opamp-buffer"/>
    <load file="stage.cir" subckt="amp"/>
  </design>
</ampsim>
XML
printf '%s\n<!DOCTYPE ampsim [<!ENTITY x SYSTEM "%s">]>\n<ampsim><design name="&x;"><stage ref="opamp-buffer"/></design></ampsim>\n' "$hdr" '../outside/secret.txt' >"$design/xxe-file.xml"
printf '%s\n<!DOCTYPE ampsim SYSTEM "../outside/secret.txt">\n<ampsim/>\n' "$hdr" >"$design/external-dtd.xml"
printf '%s\n<!DOCTYPE a [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;"><!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;"><!ENTITY d "&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;">]>\n<ampsim><design name="&d;"><stage ref="opamp-buffer"/></design></ampsim>\n' "$hdr" >"$design/billion-laughs.xml"
printf '%s\n<ampsim xmlns:xi="http://www.w3.org/2001/XInclude"><xi:include href="../outside/secret.txt" parse="text"/></ampsim>\n' "$hdr" >"$design/xinclude.xml"
printf '%s\n<ampsim><design><stage file="../outside/secret.txt" subckt="x"/><include file="/etc/passwd"/></design></ampsim>\n' "$hdr" >"$design/paths-outside.xml"
printf '%s\n<ampsim><design><stage ref="opamp-buffer"/><load ohms="0"/><supply volts="1e308"/><measure><thd freq="0 NaN 30k" vout="-1"/></measure></design></ampsim>\n' "$hdr" >"$design/bad-numbers.xml"
printf '%s\n<ampsim><design name="a"><stage ref="x"/></design><design name="a"><stage ref="x"/><stage ref="y"/></design></ampsim>\n' "$hdr" >"$design/duplicates.xml"
printf '%s\n<ampsim><design><stage ref="opamp-buffer"><param name="g" value="1"/><param name="G" value="2"/></stage></design></ampsim>\n' "$hdr" >"$design/param-twice.xml"
printf '<ampsim><design><stage ref="opamp-buffer"/></design>\n' >"$design/unclosed.xml"
printf '<?xml version="1.0" encoding="ISO-8859-1"?>\n<ampsim><design name="caf\xe9"><stage ref="opamp-buffer"/></design></ampsim>\n' >"$design/latin1.xml"
printf '<ampsim><design name="\xc3\x28"><stage ref="opamp-buffer"/></design></ampsim>\n' >"$design/bad-utf8.xml"
printf '<ampsim>\0</ampsim>\n' >"$design/nul.xml"
{ printf '<ampsim>'; for _ in $(seq 2000); do printf '<design>'; done; printf '\n'; } >"$design/deep-nesting.xml"
{ printf '<ampsim><design name="'; head -c 5000 /dev/zero | tr '\0' 'n'; printf '"><stage ref="opamp-buffer"/></design></ampsim>\n'; } >"$design/long-name.xml"
printf '' >"$design/empty.xml"

echo "seeds: $(ls "$scan" | wc -l) scan, $(ls "$load" | wc -l) load, $(ls "$design" | wc -l) design"
