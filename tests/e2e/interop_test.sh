#!/usr/bin/env bash
# Interoperability: envelopes custody signs verify with other tools (OpenSSL
# over the DSSE PAE, and python securesystemslib), tampered ones fail there
# too; and an envelope signed elsewhere (the RFC 8032 TEST 1 key, the
# reference envelope of docs' attestation notes) verifies with OpenSSL and
# with custody, so every tool agrees.
# shellcheck source=tests/e2e/lib.sh
. "$(dirname "$0")/lib.sh" "$@"

command -v openssl >/dev/null || fail "openssl is required"
PY=/usr/bin/python3
[[ -x "$PY" ]] || PY=python3
"$PY" -c 'import securesystemslib.signer' 2>/dev/null ||
  fail "python3 securesystemslib is required (Debian: python3-securesystemslib)"

R="$WORK/repo"
make_custody_repo "$R"
cd "$R"

# json_get FILE PATH: a JSON value via SQLite's JSON functions.
json_get() { sqlite3 :memory: "select json_extract(readfile('$1'), '$2')"; }

# dsse_files ENVELOPE_FILE PREFIX: writes PREFIX.pae (the DSSE v1 PAE of the
# envelope's payload, the bytes that are signed), PREFIX.sig (raw signature)
# and PREFIX.body (the payload).
dsse_files() {
  local type
  type=$(json_get "$1" '$.payloadType')
  json_get "$1" '$.payload' | base64 -d >"$2.body"
  json_get "$1" '$.signatures[0].sig' | base64 -d >"$2.sig"
  { printf 'DSSEv1 %d %s %d ' "${#type}" "$type" "$(stat -c %s "$2.body")"; cat "$2.body"; } >"$2.pae"
  expect_eq "$(stat -c %s "$2.sig")" 64 "Ed25519 signature length"
}

# openssl_verify PUBKEY_PEM PREFIX: OpenSSL's verdict on PREFIX.sig over PREFIX.pae.
openssl_verify() {
  run openssl pkeyutl -verify -pubin -inkey "$1" -rawin -in "$2.pae" -sigfile "$2.sig"
}

# sslib_verify PUB_JSON_FILE ENVELOPE_FILE: verifies the envelope's first
# signature with securesystemslib's SSlibKey over the DSSE PAE (built here,
# independently of custody). Prints OK or REJECTED; exits 0 either way.
sslib_verify() {
  run "$PY" - "$1" "$2" <<'EOF'
import base64, hashlib, json, sys
from securesystemslib.signer import SSlibKey, Signature
from securesystemslib.exceptions import UnverifiedSignatureError

pub = json.load(open(sys.argv[1]))
env = json.load(open(sys.argv[2]))
der = base64.b64decode("".join(l for l in pub["publicKey"].splitlines() if "-----" not in l))
# SPKI of an Ed25519 key: a fixed 12-byte prefix, then the raw 32-byte key.
assert der[:12] == bytes.fromhex("302a300506032b6570032100") and len(der) == 44, der.hex()
raw = der[12:]
keyid = hashlib.sha256(raw).hexdigest()
assert keyid == pub["keyid"], (keyid, pub["keyid"])
sig = env["signatures"][0]
assert sig["keyid"] == keyid, (sig["keyid"], keyid)
key = SSlibKey(keyid, "ed25519", "ed25519", {"public": raw.hex()})
body = base64.b64decode(env["payload"])
ptype = env["payloadType"].encode()
pae = b"DSSEv1 %d %s %d %s" % (len(ptype), ptype, len(body), body)
try:
    key.verify_signature(Signature(keyid, base64.b64decode(sig["sig"]).hex()), pae)
    print("OK")
except UnverifiedSignatureError as e:
    print("REJECTED", e)
EOF
  [[ $RC -eq 0 ]] || { _last_run; fail "the securesystemslib check itself crashed"; }
}

PUB_JSON="$R/.custody/keys/tester.pub"
json_get "$PUB_JSON" '$.publicKey' >"$WORK/tester.pem"
run openssl pkey -pubin -in "$WORK/tester.pem" -noout -text
[[ $RC -eq 0 ]] || { _last_run; fail "the publicKey of tester.pub is not a PEM key OpenSSL reads"; }
expect_contains "$OUT" "ED25519 Public-Key"

# --- custody -> others: a ledger envelope and a git-note envelope.
expect_exit 0 custody -q record --agent claude-code --model m --prompt "add main" --file a.txt
ID_FILE=$OUT
expect_exit 0 custody -q record --agent claude-code --model m --constraint "no network"
ID_HEAD=$OUT
sql "$(ledger_db "$R")" "select writefile('$WORK/ledger.json', envelope) from entries where id='$ID_FILE'" >/dev/null
git notes --ref=custody show HEAD >"$WORK/note.lines"
expect_eq "$(wc -l <"$WORK/note.lines")" 1 "note lines"
head -n 1 "$WORK/note.lines" | tr -d '\n' >"$WORK/note.json"
# The id custody printed is the SHA-256 of the stored envelope bytes.
expect_eq "$(sha256sum "$WORK/ledger.json" | cut -c1-64)" "$ID_FILE" "entry id"
expect_eq "$(sha256sum "$WORK/note.json" | cut -c1-64)" "$ID_HEAD" "id of the noted entry"

for which in ledger note; do
  E="$WORK/$which.json"
  expect_eq "$(json_get "$E" '$.payloadType')" "application/vnd.in-toto+json" "$which payloadType"
  dsse_files "$E" "$WORK/$which"
  expect_eq "$(json_get "$WORK/$which.body" '$._type')" "https://in-toto.io/Statement/v1" "$which statement _type"
  openssl_verify "$WORK/tester.pem" "$WORK/$which"
  [[ $RC -eq 0 ]] || { _last_run; fail "openssl rejects the $which envelope custody signed"; }
  expect_contains "$OUT" "Signature Verified Successfully"
  sslib_verify "$PUB_JSON" "$E"
  expect_eq "$OUT" "OK" "securesystemslib on the $which envelope"

  # Tampered: one payload byte changed (statement-level edit, re-encoded).
  sed 's/claude-code/claude-c0de/' "$WORK/$which.body" >"$WORK/$which.evil.body"
  ! cmp -s "$WORK/$which.body" "$WORK/$which.evil.body" || fail "tampering did not change the $which payload"
  B64=$(base64 -w0 "$WORK/$which.evil.body")
  sqlite3 :memory: "select writefile('$WORK/$which.evil.json',
    json_set(readfile('$E'), '\$.payload', '$B64'))" >/dev/null
  dsse_files "$WORK/$which.evil.json" "$WORK/$which.evil"
  openssl_verify "$WORK/tester.pem" "$WORK/$which.evil"
  [[ $RC -ne 0 ]] || fail "openssl accepts a tampered $which envelope"
  expect_contains "$OUT$ERR" "Signature Verification Failure"
  sslib_verify "$PUB_JSON" "$WORK/$which.evil.json"
  expect_contains "$OUT" "REJECTED" "securesystemslib on the tampered $which envelope"
  # A tampered PAE type (same payload) fails as well: the type is signed too.
  sqlite3 :memory: "select writefile('$WORK/$which.type.json',
    json_set(readfile('$E'), '\$.payloadType', 'application/vnd.in-toto.evil+json'))" >/dev/null
  dsse_files "$WORK/$which.type.json" "$WORK/$which.type"
  openssl_verify "$WORK/tester.pem" "$WORK/$which.type"
  [[ $RC -ne 0 ]] || fail "openssl accepts a $which envelope with a changed payloadType"
  sslib_verify "$PUB_JSON" "$WORK/$which.type.json"
  expect_contains "$OUT" "REJECTED" "securesystemslib on the retyped $which envelope"
done

# --- others -> custody: the reference envelope signed with the RFC 8032 §7.1
# TEST 1 key (public test vector; from the project's attestation notes, (a)).
REF_PUB_HEX=d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a
REF_KEYID=21fe31dfa154a261626bf854046fd2271b7bed4b6abe45aa58877ef47f9721b9
cat >"$WORK/ref.json" <<'EOF'
{
  "payloadType": "application/vnd.in-toto+json",
  "payload": "eyJfdHlwZSI6Imh0dHBzOi8vaW4tdG90by5pby9TdGF0ZW1lbnQvdjEiLCJzdWJqZWN0IjpbeyJuYW1lIjoic3JjL21haW4uY3BwIiwiZGlnZXN0Ijp7InNoYTI1NiI6ImRlYWM2NmNjYjc5ZjZkMzFjMGZhN2QzNThkZTQ4ZTA4M2MxNWMwMmZmNTBlYzFlYmQ0YjY0MzE0YjllNmUxOTYifX1dLCJwcmVkaWNhdGVUeXBlIjoiaHR0cHM6Ly9pbi10b3RvLmlvL2F0dGVzdGF0aW9uL3Rlc3QtcmVzdWx0L3YwLjEiLCJwcmVkaWNhdGUiOnsicmVzdWx0IjoiUEFTU0VEIiwiY29uZmlndXJhdGlvbiI6W3sibmFtZSI6ImN0ZXN0IiwiZGlnZXN0Ijp7InNoYTI1NiI6ImYxZGUyYjUyYWQ2NDZhMzhmOTM1OWUzNmM4YjAyYjJlMjdiYjkwMTUzNzBkOTE3NTAyOWE1NTk1ODkxMzA1YmEifX1dfX0=",
  "signatures": [{"keyid": "21fe31dfa154a261626bf854046fd2271b7bed4b6abe45aa58877ef47f9721b9",
                  "sig": "FQLDcqSe8sfsp8nsU9zRWK8PvWLk0ZuFbw1xWHKwmm7Ux9Xsqe5UOvUn6V5TqvHQCk7Q6vQMyCVcbeI+3Mq2BQ=="}]
}
EOF
# unhex HEX FILE: writes the bytes HEX spells to FILE.
unhex() { sqlite3 :memory: "select writefile('$2', x'$1')" >/dev/null; }
unhex "$REF_PUB_HEX" "$WORK/rfc8032.raw"
expect_eq "$(sha256sum "$WORK/rfc8032.raw" | cut -c1-64)" "$REF_KEYID" "keyid of the RFC 8032 key"
# PEM SubjectPublicKeyInfo of the raw key: fixed Ed25519 prefix + 32 bytes.
unhex "302a300506032b6570032100$REF_PUB_HEX" "$WORK/rfc8032.der"
{
  echo "-----BEGIN PUBLIC KEY-----"
  base64 -w 64 "$WORK/rfc8032.der"
  echo "-----END PUBLIC KEY-----"
} >"$WORK/rfc8032.pem"
run openssl pkey -pubin -in "$WORK/rfc8032.pem" -noout -text_pub
expect_contains "$(tr -d ' :\n' <<<"$OUT")" "$REF_PUB_HEX" "openssl's reading of the PEM"

dsse_files "$WORK/ref.json" "$WORK/ref"
expect_eq "$(stat -c %s "$WORK/ref.body")" 386 "reference payload length"
expect_eq "$(head -c 43 "$WORK/ref.pae")" "DSSEv1 28 application/vnd.in-toto+json 386 " "reference PAE prefix"
openssl_verify "$WORK/rfc8032.pem" "$WORK/ref"
[[ $RC -eq 0 ]] || { _last_run; fail "openssl rejects the reference envelope"; }
expect_contains "$OUT" "Signature Verified Successfully"

# custody trusts the RFC 8032 key through a .pub in the format it writes.
REF_PEM=$(<"$WORK/rfc8032.pem")
sqlite3 :memory: "select writefile('$R/.custody/keys/rfc8032-test1.pub', json_object(
  'name', 'rfc8032-test1', 'role', 'ci', 'keyid', '$REF_KEYID', 'algorithm', 'ed25519',
  'publicKey', '$REF_PEM' || char(10), 'created', '2026-01-01T00:00:00Z'))" >/dev/null
expect_exit 0 custody keys list
expect_match "$OUT" "rfc8032-test1.*ci" "keys list"
expect_contains "$OUT" "$REF_KEYID" "keys list"
sslib_verify "$R/.custody/keys/rfc8032-test1.pub" "$WORK/ref.json"
expect_eq "$OUT" "OK" "securesystemslib on the reference envelope"

# custody checks envelopes travelling in git notes: put the reference
# envelope (one compact line) on a commit and let custody verify it.
echo 'int main() { return 0; }' >src.cpp
git add src.cpp
git commit -q -m "reference subject"
COMPACT=$(sqlite3 :memory: "select json(readfile('$WORK/ref.json'))")
git notes --ref=custody add -m "$COMPACT" HEAD
expect_exit 0 custody verify
expect_contains "$OUT" "2 note envelopes on 2 commits"
# The same note with a tampered payload: custody names it; OpenSSL agrees.
EVIL_B64=$(base64 -d <<<"$(json_get "$WORK/ref.json" '$.payload')" | sed 's/PASSED/FAILED/' | base64 -w0)
sqlite3 :memory: "select writefile('$WORK/ref.evil.json', json_set(json(readfile('$WORK/ref.json')), '\$.payload', '$EVIL_B64'))" >/dev/null
dsse_files "$WORK/ref.evil.json" "$WORK/ref.evil"
openssl_verify "$WORK/rfc8032.pem" "$WORK/ref.evil"
[[ $RC -ne 0 ]] || fail "openssl accepts the tampered reference envelope"
git notes --ref=custody add -f -m "$(<"$WORK/ref.evil.json")" HEAD 2>/dev/null
expect_exit 1 custody verify
expect_match "$OUT" "^FAIL  .*$(git rev-parse --short=12 HEAD) line 1: .*does not verify" "verify output"
