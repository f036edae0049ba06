#!/usr/bin/env bash
# custody policy end to end: init writes and adopts the policy (idempotently),
# `policy check` validates with FILE:LINE:COL errors, `policy explain` shows
# risk, constraints, checks and approvals per path, `policy adopt` records a
# signed change event that `verify` accepts and `log`/`show` display.
. "$(dirname "$0")/lib.sh" "$@"

R="$WORK/repo"
make_repo "$R"
P="$R/.custody/policy.toml"

# --- init adopts the policy it writes, once ----------------------------------
expect_exit 0 custody -C "$R" init --key-name tester
expect_match "$OUT" '^adopted  policy sha256:[0-9a-f]{12} \(ledger entry #0\)' "init output"
expect_eq "$(entry_count "$R")" 1 "entries after init"
expect_exit 0 custody -C "$R" init --key-name tester
expect_match "$OUT" '^kept     policy sha256:' "second init output"
expect_eq "$(entry_count "$R")" 1 "entries after a second init"

# --- check -----------------------------------------------------------------
expect_exit 0 custody -C "$R" policy check
expect_contains "$OUT" "valid"
expect_contains "$OUT" "sha256       $(sha256sum "$P" | cut -d' ' -f1)"

cat >>"$P" <<'TOML'

[[risk.paths]]
glob = "src/auth/**"
level = "critical"

[[risk.paths]]
glob = "src/**"
level = "hihg"

[[constraint]]
name = "payments"
paths = ["src/pay/**"]
forbid_ai = true
checks = { secrets = "review" }
severity = 3
TOML
line_of() { grep -n -- "$1" "$P" | head -1 | cut -d: -f1; }
expect_exit 1 custody -C "$R" policy check
expect_contains "$ERR" "$P:$(line_of 'level = "hihg"'):9: risk.paths[1].level: \"hihg\" is not allowed (allowed: low, medium, high, critical; did you mean \"high\"?)"
expect_contains "$ERR" "$P:$(line_of 'checks = { secrets'):22: constraint \"payments\".checks.secrets:"
expect_contains "$ERR" "constraints can only make checks stricter"
expect_contains "$ERR" "$P:$(line_of '^severity'):1: constraint[0]: unknown key \"severity\""
expect_contains "$ERR" "          ^"  # the caret under the bad value
expect_contains "$ERR" "$P: 3 errors"
expect_exit 1 custody -C "$R" policy check --json
expect_contains "$OUT" '"valid": false'
# Everything else that reads the policy refuses it too, naming the place.
expect_exit 3 custody -C "$R" record --agent a --model m --file a.txt
expect_one_error_line
expect_contains "$ERR" "$P:$(line_of 'level = "hihg"'):9:"
expect_contains "$ERR" "and 2 more errors"
expect_exit 3 custody -C "$R" policy adopt
expect_eq "$(entry_count "$R")" 1 "entries after refused adoptions"

# Fixed.
sed -i 's/"hihg"/"high"/; s/checks = { secrets = "review" }/checks = { dependencies = "block" }/; /^severity/d' "$P"
expect_exit 0 custody -C "$R" policy check
expect_contains "$OUT" "constraints  1 (payments)"
expect_contains "$OUT" "2 path rules"
# A file outside any repository can be checked too.
cp "$P" "$WORK/copy.toml"
expect_exit 0 custody -C "$WORK" policy check "$WORK/copy.toml"

# --- explain -----------------------------------------------------------------
expect_exit 0 custody -C "$R" policy explain src/auth/login.py src/pay/card.py README.md
expect_match "$OUT" '^  risk +critical +\(rule "src/auth/\*\*", .*policy.toml:[0-9]+\)'
expect_match "$OUT" '^  constraints +payments$'
expect_match "$OUT" '^  forbid_ai +yes: agents may not write it \(payments\)'
expect_match "$OUT" '^    dependencies +block +\(raised by payments\)'
expect_match "$OUT" '^  approvals +2 by reviewer +\(risk level critical\)'
expect_match "$OUT" '^  risk +medium +\(\[risk\] default\)'
mkdir -p "$R/src"
expect_exit 0 custody -C "$R/src" policy explain --json pay/card.py
expect_contains "$OUT" '"path":"src/pay/card.py"'
expect_contains "$OUT" '"risk":"high"'
expect_contains "$OUT" '"forbidAi":true'
expect_exit 3 custody -C "$R" policy explain ../outside
expect_one_error_line

# --- adopt: a signed change event ---------------------------------------------
OLD=$(sql "$(ledger_db "$R")" "select json_extract(cast(envelope as text), '\$.payload') from entries where idx=0" | base64 -d | python3 -c 'import json,sys; print(json.load(sys.stdin)["predicate"]["policy"]["digest"]["sha256"])')
NEW=$(sha256sum "$P" | cut -d' ' -f1)
expect_exit 0 custody -C "$R" policy adopt
is_hex64 "$OUT" || fail "adopt prints the entry id, got '$OUT'"
ID=$OUT
expect_contains "$ERR" "adopted policy ${NEW:0:12} (replaces ${OLD:0:12}) as ledger entry #1"
expect_exit 0 custody -C "$R" policy adopt
expect_contains "$ERR" "already adopted (ledger entry #1)"
expect_eq "$(entry_count "$R")" 2 "entries after adopting twice"

expect_exit 0 custody -C "$R" verify
expect_contains "$OUT" "verified: 2 entries"
expect_exit 0 custody -C "$R" log
expect_match "$OUT" "^#0 +[0-9a-f]{12} +policy +.* adopt policy sha256:${OLD:0:12} +\.custody/policy\.toml"
expect_match "$OUT" "^#1 +${ID:0:12} +policy +.* change policy sha256:${NEW:0:12} +\.custody/policy\.toml"
expect_exit 0 custody -C "$R" log --kind policy --json
expect_contains "$OUT" '"kind":"policy"'
expect_exit 0 custody -C "$R" show "$ID" --json
python3 - "$OUT" "$P" "$NEW" "$OLD" <<'PY'
import json, sys
j = json.loads(sys.argv[1])
p = j["statement"]["predicate"]
assert j["signature"] == "verified", j["signature"]
assert j["statement"]["predicateType"] == "https://custody.dev/attestation/policy/v0.1"
assert p["action"] == "change", p
assert p["policy"]["digest"]["sha256"] == sys.argv[3]
assert p["previous"]["digest"]["sha256"] == sys.argv[4]
assert p["policy"]["content"] == open(sys.argv[2]).read(), "content differs from the file"
assert p["adoptedBy"] == "tester"
assert p["refersTo"] == [p["previous"]["entry"]]
PY
# Generation checkpoints name the adopted digest as their constraint file.
expect_exit 0 custody -C "$R" -q record --agent a --model m --file a.txt
expect_exit 0 custody -C "$R" show '#2' --json
expect_contains "$OUT" "$NEW"

# --- the forbid_ai of a named constraint reaches the agent hooks ---------------
mkdir -p "$R/src/pay"
run sh -c 'printf "%s" "$1" | "$2" -C "$3" hook claude' _ \
  '{"session_id":"s","cwd":"'"$R"'","hook_event_name":"PreToolUse","tool_name":"Write","tool_use_id":"t1","tool_input":{"file_path":"'"$R"'/src/pay/card.py","content":"x\n"}}' \
  "$CUSTODY_BIN" "$R"
expect_contains "$OUT$ERR" "src/pay/**" "hook refusal"

# --- help ----------------------------------------------------------------------
expect_exit 0 custody policy --help
expect_contains "$OUT" "check"
expect_contains "$OUT" "explain"
expect_contains "$OUT" "adopt"
for sub in check explain adopt; do
  expect_exit 0 custody policy "$sub" --help
done
expect_exit 2 custody policy frob
finish_checks
