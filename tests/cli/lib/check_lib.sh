# tests/cli/lib/check_lib.sh - helpers of the `ampsim check` tests
# (tests/cli/check_*.sh). Sourced after lib.sh; this folder is not globbed.
#
# The tests work on copies of reference circuits (netlists/reference/NAME.xml
# and its design designs/NAME.xml) in their private folder, never on the
# committed files, except for a read-only check.

CHECK_REPO=$(cd "$AMPSIM_TEST_DIR/.." && pwd)
CHECK_REF="$CHECK_REPO/netlists/reference"

# copy_reference NAME DIR: DIR/NAME.xml (the baseline) and DIR/designs/NAME.xml.
copy_reference() {
  mkdir -p "$2/designs" &&
    cp "$CHECK_REF/$1.xml" "$2/" &&
    cp "$CHECK_REF/designs/$1.xml" "$2/designs/"
}

# set_stage_param DESIGN NAME VALUE: give the design's <stage ref="..."/> a
# <param> (the design must have a bodiless <stage .../>).
set_stage_param() {
  sed -i "s|<stage \(ref=\"[^\"]*\"\)/>|<stage \1><param name=\"$2\" value=\"$3\"/></stage>|" "$1" &&
    grep -q "<param name=\"$2\" value=\"$3\"/>" "$1"
}

# failed_figures: the labels of the rows marked FAIL in the last run's table,
# sorted, one per line. A row is "  LABEL (padded to 28)  baseline  now ...".
failed_figures() {
  grep -E '  FAIL(  |$)' "$CLI_OUT" | cut -c3-30 | sed 's/ *$//' | LC_ALL=C sort
}

# passed_count: the number of rows marked ok.
passed_count() {
  grep -cE '  ok$' "$CLI_OUT"
}

# same_lines EXPECTED_TEXT ACTUAL_TEXT: equal, or both printed.
same_lines() {
  if [ "$1" = "$2" ]; then
    return 0
  fi
  echo "     expected:"
  printf '%s\n' "$1" | sed 's/^/       /'
  echo "     got:"
  printf '%s\n' "$2" | sed 's/^/       /'
  return 1
}

# junit_valid FILE: well-formed (xmllint) and valid against the shared JUnit
# schema ($AMPSIM_SHARED_DIR/schemas/junit.xsd). Where the schema (or
# xmllint) is missing, the validation is skipped with a message, and only
# what can be checked is.
junit_valid() {
  local xsd="${AMPSIM_SHARED_DIR:-}/schemas/junit.xsd"
  if ! command -v xmllint >/dev/null 2>&1; then
    echo "     skipped: JUnit validation of $1 (xmllint not installed; package libxml2-utils)"
    grep -q '<testsuites>' "$1"
    return
  fi
  xmllint --noout "$1" || return 1
  if [ -z "${AMPSIM_SHARED_DIR:-}" ] || [ ! -f "$xsd" ]; then
    echo "     skipped: validation of $1 against junit.xsd (not found at '$xsd'; CI has it)"
    return 0
  fi
  xmllint --noout --schema "$xsd" "$1" 2>&1 | grep -v ' validates$'
  return "${PIPESTATUS[0]}"
}

# junit_value FILE XPATH: the string value of XPATH in FILE (needs xmllint;
# prints nothing without it).
junit_value() {
  command -v xmllint >/dev/null 2>&1 || return 0
  xmllint --xpath "string($2)" "$1" 2>/dev/null
}

# have_xmllint: for checks that need to read XML back.
have_xmllint() {
  command -v xmllint >/dev/null 2>&1
}

# only_files DIR NAME...: DIR holds exactly these entries (no temporary file
# left behind).
only_files() {
  local dir=$1 expected actual
  shift
  expected=$(printf '%s\n' "$@" | LC_ALL=C sort)
  actual=$(cd "$dir" && ls -A | LC_ALL=C sort)
  same_lines "$expected" "$actual"
}
