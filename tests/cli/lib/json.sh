# shellcheck shell=bash
# tests/cli/lib/json.sh - reading ampsim's JSON in the command-line tests,
# with nothing but POSIX awk (mawk, gawk, busybox), so that the checks run on
# a bare Debian machine without jq or python3. Source it after lib.sh.
#
# json_flat FILE prints one line per leaf of the document:
#     PATH<TAB>VALUE
# PATH joins object keys and array indices with dots (thd.0.freq_hz,
# noise.band_hz.1); VALUE is the JSON token exactly as written (strings keep
# their quotes: "se"; numbers their digits; true, false, null; an empty
# container is {} or []). Lines come in document order. The parser is strict
# (RFC 8259: no NaN/Infinity, no trailing commas, no leading zeros, exactly one
# document and nothing after it; also no key twice in one object); on an error
# it prints "json: ..." on stderr and returns 1.
#
# The query helpers read the flattened document named by JSON_FLAT (set it, or
# call json_use FILE), print what they found when a check fails, and return
# non-zero, for use with verify() (below) or check().

JSON_FLAT=""

json_flat() {
  awk '
    BEGIN { text = ""; failed = 0
      STR = "^\"([^\"\\\\\n\r\t]|\\\\[\"\\\\/bfnrt]|\\\\u[0-9a-fA-F][0-9a-fA-F][0-9a-fA-F][0-9a-fA-F])*\""
      NUM = "^-?(0|[1-9][0-9]*)(\\.[0-9]+)?([eE][-+]?[0-9]+)?"
    }
    { text = text $0 "\n" }
    function fail(msg) {
      if (!failed)
        printf "json: %s at character %d\n", msg, total - length(rest) + 1 > "/dev/stderr"
      failed = 1
    }
    function ws() { if (match(rest, /^[ \t\r\n]+/)) rest = substr(rest, RLENGTH + 1) }
    function emit(path, v) { print path "\t" v }
    function sub_path(path, key) { return path == "" ? key : (path "." key) }
    function value(path, depth,    c, n, key, after) {
      ws()
      if (failed) return
      if (depth > 64) { fail("nested too deeply"); return }
      c = substr(rest, 1, 1)
      if (c == "{" || c == "[") {
        rest = substr(rest, 2)
        ws()
        if (substr(rest, 1, 1) == (c == "{" ? "}" : "]")) {
          rest = substr(rest, 2)
          emit(path, c == "{" ? "{}" : "[]")
          return
        }
        for (n = 0; ; n++) {
          if (c == "{") {
            ws()
            if (!match(rest, STR)) { fail("expected a key string"); return }
            key = substr(rest, 2, RLENGTH - 2)
            rest = substr(rest, RLENGTH + 1)
            ws()
            if (substr(rest, 1, 1) != ":") { fail("expected :"); return }
            rest = substr(rest, 2)
            if ((sub_path(path, key)) in seen) { fail("duplicate key " key); return }
            seen[sub_path(path, key)] = 1
            value(sub_path(path, key), depth + 1)
          } else {
            value(sub_path(path, n), depth + 1)
          }
          if (failed) return
          ws()
          after = substr(rest, 1, 1)
          rest = substr(rest, 2)
          if (after == (c == "{" ? "}" : "]")) return
          if (after != ",") { fail("expected , or " (c == "{" ? "}" : "]")); return }
        }
      }
      if (match(rest, STR) || match(rest, NUM) ||
          match(rest, /^(true|false|null)/)) {
        emit(path, substr(rest, 1, RLENGTH))
        rest = substr(rest, RLENGTH + 1)
        if (match(rest, /^[A-Za-z0-9_.+-]/)) fail("bad token")
        return
      }
      fail(rest == "" ? "unexpected end of text" : "unexpected character")
    }
    END {
      rest = text
      total = length(text)
      value("", 0)
      ws()
      if (!failed && rest != "") fail("text after the document")
      exit failed
    }
  ' "$1"
}

# json_use FILE [NAME]: flatten FILE and make it the current document. The
# flattened text goes to $CLI_TMP/.NAME.flat (NAME defaults to FILE's base
# name), outside any folder a test watches; JSON_FLAT names it. Returns 1 (and
# prints why) if FILE is not one valid JSON document.
json_use() {
  local name=${2:-${1##*/}}
  JSON_FLAT="${CLI_TMP:-${TMPDIR:-/tmp}}/.$name.flat"
  json_flat "$1" >"$JSON_FLAT"
}

# jval PATH: the raw value at PATH (a leaf); status 1 if there is none.
jval() {
  awk -F '\t' -v p="$1" '$1 == p { print $2; found = 1 } END { exit !found }' "$JSON_FLAT"
}

# jhas PATH...: every PATH is present (a leaf, or a container with members).
jhas() {
  local p missing=0
  for p in "$@"; do
    if ! awk -F '\t' -v p="$p" '$1 == p || index($1, p ".") == 1 { f = 1 } END { exit !f }' \
      "$JSON_FLAT"; then
      echo "     missing: $p"
      missing=1
    fi
  done
  return $missing
}

# jnum PATH CONDITION: the value at PATH is a number and the awk CONDITION on
# v holds (e.g. 'v > 9.49 && v < 9.59').
jnum() {
  local v
  v=$(jval "$1") || { echo "     $1: missing"; return 1; }
  if ! awk -v v="$v" 'BEGIN { exit !(v ~ /^-?[0-9]/ && ('"$2"')) }'; then
    echo "     $1 = $v; expected: $2"
    return 1
  fi
}

# jis PATH TOKEN: the raw value at PATH is exactly TOKEN ('"se"', true, null).
jis() {
  local v
  v=$(jval "$1") || { echo "     $1: missing"; return 1; }
  [ "$v" = "$2" ] || { echo "     $1 = $v; expected $2"; return 1; }
}

# jlen PATH: the number of members of the array or object at PATH (0 if it is
# empty or missing).
jlen() {
  awk -F '\t' -v p="$1." '
    index($1, p) == 1 { k = substr($1, length(p) + 1); sub(/\..*/, "", k)
                        if (!(k in seen)) { seen[k] = 1; n++ } }
    END { print n + 0 }' "$JSON_FLAT"
}

# jcol ARRAY FIELD: the value of FIELD of every element of ARRAY, one a line,
# in order (thd freq_hz -> thd.0.freq_hz, thd.1.freq_hz, ...). With FIELD "",
# the elements themselves.
jcol() {
  awk -F '\t' -v a="$1" -v f="$2" '
    index($1, a ".") == 1 {
      k = substr($1, length(a) + 2)
      if (f == "" ? k ~ /^[0-9]+$/ : (k ~ /^[0-9]+\./ && substr(k, index(k, ".") + 1) == f))
        print $2
    }' "$JSON_FLAT"
}

# json_same A B [IGNORED_PATH...]: the flattened documents A and B (files of
# json_flat output) are equal apart from the IGNORED paths; prints the first
# differences otherwise.
json_same() {
  local a=$1 b=$2 p
  shift 2
  local pattern='^$'
  for p in "$@"; do
    pattern+="|^$(printf '%s' "$p" | sed 's/[.[\*^$]/\\&/g')"$'\t'
  done
  if ! diff <(grep -Ev "$pattern" "$a") <(grep -Ev "$pattern" "$b") >"$a.diff"; then
    echo "     differences (< ${a##*/}, > ${b##*/}):"
    head -n 10 "$a.diff" | sed 's/^/     /'
    return 1
  fi
}

# verify DESCRIPTION COMMAND...: lib.sh's check(), but what COMMAND prints
# (the helpers above explain a failure) comes after the ok/FAIL line it
# belongs to. COMMAND runs in this shell, so json_use still sets JSON_FLAT.
verify() {
  local description=$1 status log="${CLI_TMP:-${TMPDIR:-/tmp}}/.verify.log"
  shift
  "$@" >"$log" 2>&1
  status=$?
  if [ $status -eq 0 ]; then
    cli_ok "$description"
  else
    cli_fail "$description"
  fi
  sed 's/^ */     /' "$log"
  return $status
}
