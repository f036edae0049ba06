// Fuzzes the path every untrusted envelope takes: ParseEnvelope, then
// VerifyEnvelope against a fixed keyring, then ParseStatement of the
// payload. Beyond "no crash, no sanitizer report", it checks two
// properties and traps when they fail:
//   - SerializeEnvelope is canonical: serialising a parsed envelope, parsing
//     that and serialising again gives the same bytes;
//   - the same holds for SerializeStatement over a parsed statement.
//
//   build-fuzz/fuzz/envelope_fuzzer fuzz/corpus/envelope -max_total_time=60
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <utility>

#include "custody/dsse.h"
#include "custody/ed25519.h"
#include "custody/encoding.h"
#include "custody/keys.h"
#include "custody/statement.h"

namespace {

using custody::Keyring;

// Trusts the RFC 8032 §7.1 TEST 1 key, which signed the reference envelope
// in the seed corpus.
Keyring MakeKeyring() {
  Keyring ring;
  custody::Result<std::string> raw =
      custody::HexDecode("d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a");
  if (!raw.ok()) __builtin_trap();
  custody::Result<custody::PublicKey> key = custody::PublicKey::FromRaw(*raw);
  if (!key.ok()) __builtin_trap();
  custody::TrustedKey t;
  t.name = "rfc8032-test1";
  t.role = custody::Role::kCi;
  t.key = *key;
  t.created = "2026-01-01T00:00:00Z";
  if (!ring.Add(std::move(t)).ok()) __builtin_trap();
  return ring;
}

const Keyring& FuzzKeyring() {
  static const Keyring ring = MakeKeyring();
  return ring;
}

void CheckStatement(std::string_view payload) {
  custody::Result<custody::Statement> st = custody::ParseStatement(payload);
  if (!st.ok()) return;
  std::string once = custody::SerializeStatement(*st);
  custody::Result<custody::Statement> again = custody::ParseStatement(once);
  if (!again.ok()) __builtin_trap();
  if (custody::SerializeStatement(*again) != once) __builtin_trap();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view input(reinterpret_cast<const char*>(data), size);
  custody::Result<custody::Envelope> env = custody::ParseEnvelope(input);
  if (!env.ok()) {
    // Also feed the raw input to the statement parser: it is the other
    // untrusted JSON reader on this path.
    CheckStatement(input);
    return 0;
  }

  std::string once = custody::SerializeEnvelope(*env);
  custody::Result<custody::Envelope> again = custody::ParseEnvelope(once);
  if (!again.ok()) __builtin_trap();
  if (custody::SerializeEnvelope(*again) != once) __builtin_trap();

  custody::Result<custody::VerifiedEnvelope> verified =
      custody::VerifyEnvelope(*env, FuzzKeyring());
  // A verified result always names at least one trusted signer.
  if (verified.ok() && verified->signers.empty()) __builtin_trap();
  CheckStatement(env->payload);
  return 0;
}
