// libFuzzer target for the signed-note and checkpoint parsers, which read
// untrusted text from logs, witnesses and users.
//
// Beyond "no crash, no sanitizer report", every input checks these
// properties and traps on a violation:
//   - an accepted checkpoint re-serialises to exactly the input bytes (the
//     parser admits one spelling per note) and its text is checkpoint.Body();
//   - re-parsing the re-serialised note gives the same values;
//   - verification with a fixed key returns OK or PermissionDenied only;
//   - ParseSignedNote accepts everything ParseSignedCheckpoint accepts, with
//     the same text and signatures.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "custody/checkpoint.h"
#include "custody/ed25519.h"
#include "custody/encoding.h"

namespace {

const custody::PublicKey& FixedKey() {
  // RFC 8032 TEST 1; the seed corpus holds notes signed with it.
  static const custody::PublicKey* key = [] {
    auto seed =
        custody::HexDecode("9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60");
    auto priv = custody::PrivateKey::FromSeed(*seed);
    if (!priv.ok()) __builtin_trap();
    return new custody::PublicKey(priv->public_key());
  }();
  return *key;
}

void Check(bool ok) {
  if (!ok) __builtin_trap();
}

bool SameSignatures(const std::vector<custody::NoteSignature>& a,
                    const std::vector<custody::NoteSignature>& b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i) {
    if (a[i].name != b[i].name || a[i].key_id != b[i].key_id || a[i].signature != b[i].signature) {
      return false;
    }
  }
  return true;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view input(reinterpret_cast<const char*>(data), size);

  custody::Result<custody::SignedNote> note = custody::ParseSignedNote(input);
  custody::Result<custody::SignedCheckpoint> cp = custody::ParseSignedCheckpoint(input);
  (void)custody::ParseVerifierKey(input);
  if (!cp.ok()) return 0;

  Check(note.ok());
  Check(note->text == cp->text);
  Check(SameSignatures(note->signatures, cp->signatures));
  Check(cp->text == cp->checkpoint.Body());

  const std::string again = custody::FormatSignedNote(cp->text, cp->signatures);
  Check(again == input);
  custody::Result<custody::SignedCheckpoint> reparsed = custody::ParseSignedCheckpoint(again);
  Check(reparsed.ok());
  Check(reparsed->checkpoint.origin == cp->checkpoint.origin);
  Check(reparsed->checkpoint.size == cp->checkpoint.size);
  Check(reparsed->checkpoint.root == cp->checkpoint.root);
  Check(reparsed->checkpoint.extensions == cp->checkpoint.extensions);
  Check(SameSignatures(reparsed->signatures, cp->signatures));

  const custody::PublicKey& key = FixedKey();
  for (std::string_view name : {std::string_view("example.com/custody-test-log"),
                                std::string_view(cp->checkpoint.origin)}) {
    custody::Status s = custody::VerifyCheckpoint(*cp, name, key);
    Check(s.ok() || s.code() == custody::Code::kPermissionDenied);
  }
  return 0;
}
