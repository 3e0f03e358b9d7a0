#!/bin/bash
# Bad command lines: each exits 2 with exactly one line on stderr (the exact
# text below: scripts and people read it) and nothing on stdout. None of them
# gets as far as opening the stage, so the stage file need not exist.
source "$(dirname "${BASH_SOURCE[0]}")/lib/lib.sh"

S=(--stage amp.cir:amp)
SEVENTEEN=1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17
MEASURE_HINT="(see 'ampsim measure --help')"
NETLIST_HINT="(see 'ampsim netlist --help')"

# --- top level ---------------------------------------------------------------
expect_error "ampsim: no command given (see 'ampsim --help')"
expect_error "ampsim: unknown command 'frobnicate' (see 'ampsim --help')" frobnicate
expect_error "ampsim: unknown option '--bogus' (see 'ampsim --help')" --bogus
expect_error "ampsim: unexpected argument 'x' (see 'ampsim --help')" --version x
expect_error "ampsim: help: unknown command 'bogus' (see 'ampsim --help')" help bogus

# --- options and arguments ---------------------------------------------------
expect_error "ampsim: unknown option '--bogus' $MEASURE_HINT" measure "${S[@]}" --bogus
expect_error "ampsim: unknown option '--bogus' $MEASURE_HINT" measure "${S[@]}" --bogus=1
expect_error "ampsim: unknown option '-x' $MEASURE_HINT" measure "${S[@]}" -x
expect_error "ampsim: unknown option '--kind' $MEASURE_HINT" measure "${S[@]}" --kind zout
expect_error "ampsim: unexpected argument 'extra' $MEASURE_HINT" measure "${S[@]}" extra
expect_error "ampsim: unexpected argument 'extra' $MEASURE_HINT" measure "${S[@]}" -- extra
expect_error "ampsim: --stage or a design file is required $MEASURE_HINT" measure
expect_error "ampsim: --stage or a design file is required $MEASURE_HINT" measure --load 32
# A plain argument is a design file only if it ends in .xml; one at a time.
expect_error "ampsim: one design file at a time: 'a.xml' and 'b.xml' $MEASURE_HINT" measure a.xml b.xml
expect_error "ampsim: --stage: missing value" measure --stage
expect_error "ampsim: --help takes no value" measure --help=yes

# --- numbers -----------------------------------------------------------------
# A word is a headphone model's name: opened at once, so an unknown one fails
# before the stage is looked at (the netlist module owns the list of names).
expect_error_containing measure "${S[@]}" --load abc -- "ampsim: --load: unknown load 'abc'"
expect_error_containing measure "${S[@]}" --load=abc -- "ampsim: --load: unknown load 'abc'"
expect_error_containing measure "${S[@]}" --load nothere.cir:hp -- "ampsim: --load: nothere.cir"
expect_error "ampsim: --load: '32ohm' is not a number" measure "${S[@]}" --load 32ohm
expect_error "ampsim: --load: '0x20' is not a number" measure "${S[@]}" --load 0x20
expect_error "ampsim: --load: ' 32' is not a number" measure "${S[@]}" --load " 32"
expect_error "ampsim: --load: '1.5.2' is not a number" measure "${S[@]}" --load 1.5.2
expect_error "ampsim: --load: 'nan' is not a finite number" measure "${S[@]}" --load nan
expect_error "ampsim: --load: 'inf' is not a finite number" measure "${S[@]}" --load inf
expect_error "ampsim: --load: '1e999' is not a finite number" measure "${S[@]}" --load 1e999
expect_error "ampsim: --load: '1M' is ambiguous (write m for milli, meg for mega)" measure "${S[@]}" --load 1M
expect_error "ampsim: --load: '0' must be greater than 0 ohm" measure "${S[@]}" --load 0
expect_error "ampsim: --load: '-32' must be greater than 0 ohm" measure "${S[@]}" --load -32
expect_error "ampsim: --load: missing value" measure "${S[@]}" --load
expect_error "ampsim: --load: missing value" measure "${S[@]}" --load ""
expect_error "ampsim: --load: missing value" measure "${S[@]}" --load= --vout 1
expect_error "ampsim: --load: missing value" measure "${S[@]}" --load --vout 1
expect_error "ampsim: --ground-ohms: '-0.1' must not be negative" measure "${S[@]}" --ground-ohms -0.1
expect_error "ampsim: --ground-ohms: 'x' is not a number" measure "${S[@]}" --ground-ohms x
expect_error "ampsim: --supply: '0' must be greater than 0 V" measure "${S[@]}" --supply 0
expect_error "ampsim: --supply: 'nan' is not a finite number" measure "${S[@]}" --supply nan
expect_error "ampsim: --supply-ohms: '-1m' must not be negative" measure "${S[@]}" --supply-ohms -1m
expect_error "ampsim: --topology: 'foo' is not se, btl, se-split or active-ground" measure "${S[@]}" --topology foo
expect_error "ampsim: --topology: 'SE' is not se, btl, se-split or active-ground" measure "${S[@]}" --topology SE

# --- lists -------------------------------------------------------------------
expect_error "ampsim: --freq: '0' must be greater than 0 Hz" measure "${S[@]}" --freq 0
expect_error "ampsim: --freq: '-1k' must be greater than 0 Hz" measure "${S[@]}" --freq -1k
expect_error "ampsim: --freq: 25000 Hz is above 20 kHz: THD counts harmonics up to 20 kHz, so the tone must lie in the audio band" measure "${S[@]}" --freq 1k,25k
expect_error "ampsim: --freq: empty value in '1k,,2k'" measure "${S[@]}" --freq 1k,,2k
expect_error "ampsim: --freq: empty value in '1k,'" measure "${S[@]}" --freq 1k,
expect_error "ampsim: --freq: 'abc' is not a number" measure "${S[@]}" --freq 1k,abc
expect_error "ampsim: --freq: 'inf' is not a finite number" measure "${S[@]}" --freq inf
expect_error "ampsim: --freq: too many values (at most 16)" measure "${S[@]}" --freq "$SEVENTEEN"
expect_error "ampsim: --vout: '0' must be greater than 0 Vrms" measure "${S[@]}" --vout 0
expect_error "ampsim: --vout: '-1' must be greater than 0 Vrms" measure "${S[@]}" --vout 1,-1
expect_error "ampsim: --vout: 'NaN' is not a finite number" measure "${S[@]}" --vout NaN
expect_error "ampsim: --vout: too many values (at most 16)" measure "${S[@]}" --vout "$SEVENTEEN"
# Range checks of the library (ampsim_measure_check): its wording, one line.
expect_error_containing measure "${S[@]}" --freq 10 -- "--freq" "10 Hz"
expect_error_containing measure "${S[@]}" --vout 2k -- "--vout" "2000"
expect_error "ampsim: --figures: 'foo' is not one of thd, noise, zout, crosstalk, power, gain, stability, imd, clipping, all, every" measure "${S[@]}" --figures thd,foo
expect_error "ampsim: --figures: empty value in 'thd,'" measure "${S[@]}" --figures thd,

# --- jobs and time limit -----------------------------------------------------
expect_error "ampsim: -j: 'x' is not a whole number" measure "${S[@]}" -j x
expect_error "ampsim: -j: 'x' is not a whole number" measure "${S[@]}" -jx
expect_error "ampsim: -j: '-1' must be at least 0" measure "${S[@]}" -j -1
expect_error "ampsim: --jobs: '1.5' is not a whole number" measure "${S[@]}" --jobs 1.5
expect_error "ampsim: --jobs: '100000' must be at most 1024" measure "${S[@]}" --jobs 100000
expect_error "ampsim: -j: missing value" measure "${S[@]}" -j
expect_error "ampsim: --timeout: '-5' must not be negative" measure "${S[@]}" --timeout -5
expect_error "ampsim: --timeout: 'soon' is not a number" measure "${S[@]}" --timeout soon

# --- stage parameters --------------------------------------------------------
expect_error "ampsim: --param: 'gain' is not NAME=VALUE (e.g. gain=5)" measure "${S[@]}" --param gain
expect_error "ampsim: --param: '=5' is not NAME=VALUE (e.g. gain=5)" measure "${S[@]}" --param =5
expect_error "ampsim: --param: 'gain=' is not NAME=VALUE (e.g. gain=5)" measure "${S[@]}" --param gain=
expect_error "ampsim: --param: parameter gain: 'five' is not a number; write e.g. 5, 4.7u or 1k (suffixes f p n u m k meg G T, no unit)" measure "${S[@]}" --param gain=five
expect_error "ampsim: --param: parameter gain: '1M' is ambiguous (write m for milli, meg for mega)" measure "${S[@]}" --param gain=1M
expect_error "ampsim: --param: '2x' is not a parameter name (a letter, then letters, digits or _, at most 32 in all)" measure "${S[@]}" --param 2x=1

# --- netlist -----------------------------------------------------------------
expect_error "ampsim: --stage or a design file is required $NETLIST_HINT" netlist
expect_error "ampsim: --kind: 'foo' is not loaded or zout" netlist "${S[@]}" --kind foo
expect_error "ampsim: unknown option '--vout' $NETLIST_HINT" netlist "${S[@]}" --vout 1
expect_error_containing netlist "${S[@]}" --load abc -- "ampsim: --load: unknown load 'abc'"
expect_error "ampsim: --freq: '0' must be greater than 0 Hz" netlist "${S[@]}" --freq 0
expect_error "ampsim: --vin: '-1' must not be negative" netlist "${S[@]}" --vin -1
expect_error "ampsim: --topology: 'bridge' is not se, btl, se-split or active-ground" netlist "${S[@]}" --topology bridge

cli_finish
