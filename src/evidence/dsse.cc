#include "custody/dsse.h"

#include <nlohmann/json.hpp>
#include <string>
#include <utility>

#include "custody/encoding.h"
#include "evidence/bounded_json.h"

namespace custody {
namespace {

using internal::JsonTypeName;
using internal::QuoteForMessage;
using nlohmann::json;

constexpr std::string_view kInTotoPrefix = "application/vnd.in-toto.";
constexpr std::string_view kJsonSuffix = "+json";

// A keyid as it appears in messages: its first 8 characters and "…".
// Keyids come from untrusted envelopes, so anything but [0-9A-Za-z] is shown
// as '?' rather than copied into a terminal.
std::string ShortKeyId(std::string_view keyid) {
  std::string out;
  for (char c : keyid.substr(0, 8)) {
    bool plain = (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
    out += plain ? c : '?';
  }
  if (keyid.size() > 8) out += "…";
  return out;
}

std::string TooManySignatures(size_t n) {
  return "has " + std::to_string(n) + " signatures (at most " +
         std::to_string(kMaxEnvelopeSignatures) + ")";
}

Status Invalid(std::string_view where, std::string_view problem) {
  return Status::InvalidArgument(where, problem);
}

// Reads the required string member `key` of `obj`; `where` names it.
Result<std::string> RequiredString(const json& obj, const char* key, const std::string& where) {
  auto it = obj.find(key);
  if (it == obj.end()) return Invalid(where, "missing");
  if (!it->is_string()) {
    return Invalid(where, std::string("must be a string, not ") + JsonTypeName(*it));
  }
  return it->get<std::string>();
}

// Decodes a base64 field (either alphabet, DSSE requires both).
Result<std::string> DecodeField(const std::string& text, const std::string& where) {
  Result<std::string> bytes = Base64Decode(text);
  if (!bytes.ok()) return Invalid(where, "not base64 (" + bytes.status().message() + ")");
  return bytes;
}

Result<Envelope> EnvelopeFromJson(const json& doc) {
  if (!doc.is_object()) {
    return Invalid("", std::string("must be a JSON object, not ") + JsonTypeName(doc));
  }
  Envelope env;
  CUSTODY_ASSIGN_OR_RETURN(std::string payload, RequiredString(doc, "payload", "payload"));
  CUSTODY_ASSIGN_OR_RETURN(env.payload, DecodeField(payload, "payload"));
  CUSTODY_ASSIGN_OR_RETURN(env.payload_type, RequiredString(doc, "payloadType", "payloadType"));

  auto sigs = doc.find("signatures");
  if (sigs == doc.end()) return Invalid("signatures", "missing (want a non-empty array)");
  if (!sigs->is_array()) {
    return Invalid("signatures",
                   std::string("must be a non-empty array, not ") + JsonTypeName(*sigs));
  }
  if (sigs->empty()) return Invalid("signatures", "must be a non-empty array (unsigned envelope)");
  if (sigs->size() > kMaxEnvelopeSignatures) {
    return Invalid("signatures", TooManySignatures(sigs->size()));
  }
  env.signatures.reserve(sigs->size());
  for (size_t i = 0; i < sigs->size(); ++i) {
    const std::string where = "signatures[" + std::to_string(i) + "]";
    const json& s = (*sigs)[i];
    if (!s.is_object()) {
      return Invalid(where, std::string("must be an object, not ") + JsonTypeName(s));
    }
    Signature sig;
    CUSTODY_ASSIGN_OR_RETURN(std::string b64, RequiredString(s, "sig", where + ".sig"));
    CUSTODY_ASSIGN_OR_RETURN(sig.sig, DecodeField(b64, where + ".sig"));
    auto keyid = s.find("keyid");
    if (keyid != s.end()) {
      if (!keyid->is_string()) {
        return Invalid(where + ".keyid",
                       std::string("must be a string, not ") + JsonTypeName(*keyid));
      }
      sig.keyid = keyid->get<std::string>();
    }
    env.signatures.push_back(std::move(sig));
  }
  return env;
}

// Records `key` as a signer unless it already is one (a key signing twice
// still counts once).
void AddSigner(const TrustedKey& key, VerifiedEnvelope* out) {
  for (const TrustedKey& k : out->signers) {
    if (k.key.key_id() == key.key.key_id()) return;
  }
  out->signers.push_back(key);
}

}  // namespace

std::string Pae(std::string_view payload_type, std::string_view body) {
  std::string out;
  out.reserve(payload_type.size() + body.size() + 32);
  out += "DSSEv1 ";
  out += std::to_string(payload_type.size());
  out += ' ';
  out += payload_type;
  out += ' ';
  out += std::to_string(body.size());
  out += ' ';
  out += body;
  return out;
}

Result<Envelope> SignEnvelope(std::string_view payload_type, std::string_view payload,
                              const PrivateKey& key) {
  Envelope env;
  env.payload_type = std::string(payload_type);
  env.payload = std::string(payload);
  CUSTODY_RETURN_IF_ERROR(AddSignature(env, key));
  return env;
}

Status AddSignature(Envelope& envelope, const PrivateKey& key) {
  CUSTODY_ASSIGN_OR_RETURN(std::string sig, key.Sign(Pae(envelope.payload_type, envelope.payload)));
  envelope.signatures.push_back(Signature{key.public_key().key_id(), std::move(sig)});
  return Status::OK();
}

std::string SerializeEnvelope(const Envelope& envelope) {
  // std::map-backed objects make dump() sort keys: payload, payloadType,
  // signatures; keyid, sig. "replace" keeps dump() from throwing on a
  // payloadType or keyid that is not UTF-8.
  json j = json::object();
  j["payload"] = Base64Encode(envelope.payload);
  j["payloadType"] = envelope.payload_type;
  json sigs = json::array();
  for (const Signature& s : envelope.signatures) {
    json o = json::object();
    if (!s.keyid.empty()) o["keyid"] = s.keyid;
    o["sig"] = Base64Encode(s.sig);
    sigs.push_back(std::move(o));
  }
  j["signatures"] = std::move(sigs);
  return j.dump(-1, ' ', false, json::error_handler_t::replace);
}

Result<Envelope> ParseEnvelope(std::string_view text) {
  CUSTODY_ASSIGN_OR_RETURN(json doc, internal::ParseBoundedJson(text, "envelope"));
  Result<Envelope> env = EnvelopeFromJson(doc);
  if (!env.ok()) return env.status().WithPrefix("envelope");
  return env;
}

bool IsInTotoPayloadType(std::string_view t) {
  if (t == kInTotoPayloadType) return true;
  if (t.size() <= kInTotoPrefix.size() + kJsonSuffix.size()) return false;
  if (t.substr(0, kInTotoPrefix.size()) != kInTotoPrefix) return false;
  if (t.substr(t.size() - kJsonSuffix.size()) != kJsonSuffix) return false;
  std::string_view name =
      t.substr(kInTotoPrefix.size(), t.size() - kInTotoPrefix.size() - kJsonSuffix.size());
  for (char c : name) {
    bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
              c == '.' || c == '_' || c == '-';
    if (!ok) return false;
  }
  return true;
}

Result<VerifiedEnvelope> VerifyEnvelope(const Envelope& envelope, const Keyring& keyring) {
  if (!IsInTotoPayloadType(envelope.payload_type)) {
    return Status::InvalidArgument(
        "envelope", "payloadType " + QuoteForMessage(envelope.payload_type) +
                        " is not an in-toto type (want " + std::string(kInTotoPayloadType) + ")");
  }
  if (envelope.signatures.empty()) {
    return Status::PermissionDenied("envelope", "has no signatures");
  }
  if (envelope.signatures.size() > kMaxEnvelopeSignatures) {
    return Status::InvalidArgument("envelope", TooManySignatures(envelope.signatures.size()));
  }
  if (keyring.empty()) {
    return Status::PermissionDenied("envelope", "no trusted keys (the keyring is empty)");
  }

  VerifiedEnvelope out;
  const std::string pae = Pae(envelope.payload_type, envelope.payload);
  for (const Signature& sig : envelope.signatures) {
    if (sig.keyid.empty()) {
      // No hint: any trusted key may have made it (DSSE: the keyid is
      // optional and never a security input).
      bool matched = false;
      for (const TrustedKey& key : keyring) {
        if (key.key.Verify(pae, sig.sig).ok()) {
          AddSigner(key, &out);
          matched = true;
          break;
        }
      }
      if (!matched) {
        out.rejected.push_back("signature without keyid does not verify under any of the " +
                               std::to_string(keyring.size()) + " trusted keys");
      }
      continue;
    }
    const TrustedKey* key = keyring.Find(sig.keyid);
    if (key == nullptr) {
      out.unknown_keyids.push_back(sig.keyid);
      continue;
    }
    Status s = key->key.Verify(pae, sig.sig);
    if (s.ok()) {
      AddSigner(*key, &out);
    } else {
      // Keep the verifier's detail after "does not verify" (e.g. a wrong
      // signature length).
      std::string detail = s.message();
      constexpr std::string_view kPlain = "signature: does not verify";
      detail = detail.rfind(kPlain, 0) == 0 ? detail.substr(kPlain.size()) : " (" + detail + ")";
      out.rejected.push_back("signature by key " + ShortKeyId(sig.keyid) + " does not verify" +
                             detail);
    }
  }

  if (out.signers.empty()) {
    std::string why;
    for (const std::string& r : out.rejected) {
      if (!why.empty()) why += "; ";
      why += r;
    }
    if (!out.unknown_keyids.empty()) {
      if (!why.empty()) why += "; ";
      why += "no signature by a trusted key (signed by unknown key";
      if (out.unknown_keyids.size() > 1) why += "s";
      for (size_t i = 0; i < out.unknown_keyids.size(); ++i) {
        why += (i == 0 ? " " : ", ") + ShortKeyId(out.unknown_keyids[i]);
      }
      why += ")";
    }
    return Status::PermissionDenied("envelope", why);
  }
  out.payload_type = envelope.payload_type;
  out.payload = envelope.payload;
  return out;
}

}  // namespace custody
