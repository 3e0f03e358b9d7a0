#!/bin/bash
# A headphone model as the load, end to end: the bundled stage into the
# bundled 300 ohm dynamic driver (netlists/loads/dynamic300.cir: 300.8 ohm at
# 1 kHz). The report gives the model's impedance at 1 kHz and the response
# deviation that the stage's output impedance causes in it.
CLI_LIB=$(cd "$(dirname "${BASH_SOURCE[0]}")/lib" && pwd)
# shellcheck source=lib/lib.sh
source "$CLI_LIB/lib.sh"
# shellcheck source=lib/json.sh
source "$CLI_LIB/json.sh"

expect_success measure --stage opamp-buffer --load dynamic300 --figures zout,power --json -
cp "$CLI_OUT" model.json
verify "one JSON document" json_use model.json
verify "load.name is dynamic300" jis load.name '"dynamic300"'
verify "load.z_1k_ohms about 300.8 ohm" jnum load.z_1k_ohms 'v > 300.7 && v < 300.9'
verify "load_ohms is the model's |Z| at 1 kHz" jnum load_ohms 'v > 300.7 && v < 300.9'
verify "response_deviation_db has max and min" jhas response_deviation_db.max response_deviation_db.min
verify "response deviation is a number, and small (a low-Zout stage)" \
  jnum response_deviation_db.min 'v <= 0 && v > -0.1'
verify "power is measured" jhas power.vout_rms_1pct

cli_finish
