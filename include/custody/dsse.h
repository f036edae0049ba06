// DSSE (Dead Simple Signing Envelope) v1: how every custody statement is
// signed (spec: secure-systems-lab/dsse envelope.md and protocol.md).
//
// A signature covers PAE(payloadType, payload), never the JSON envelope, so
// the envelope's own bytes can be re-encoded without breaking signatures.
// Custody still fixes one encoding (SerializeEnvelope) because the ledger
// hashes and stores those exact bytes.
//
// Envelope values hold raw bytes (payload and signatures decoded). All
// functions are pure and thread-safe; ParseEnvelope accepts untrusted bytes
// and never throws. After VerifyEnvelope, use VerifiedEnvelope::payload and
// do not parse the envelope again (DSSE: "never re-parse").
#ifndef CUSTODY_DSSE_H_
#define CUSTODY_DSSE_H_

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "custody/ed25519.h"
#include "custody/keys.h"
#include "custody/status.h"

namespace custody {

// The payloadType of an in-toto Statement. VerifyEnvelope also accepts
// "application/vnd.in-toto.<name>+json" (in-toto spec/v1/envelope.md).
inline constexpr std::string_view kInTotoPayloadType = "application/vnd.in-toto+json";

// The most signatures one envelope may carry. Verification cost grows with
// signatures (and keyid-less ones are tried against every trusted key), so
// an unbounded list would let one hostile envelope pin a server's CPU.
inline constexpr size_t kMaxEnvelopeSignatures = 64;

// The DSSE v1 pre-authentication encoding, the exact bytes that are signed:
// "DSSEv1" SP LEN(type) SP type SP LEN(body) SP body, where LEN is the
// decimal byte length. Pae("http://example.com/HelloWorld", "hello world")
// == "DSSEv1 29 http://example.com/HelloWorld 11 hello world".
std::string Pae(std::string_view payload_type, std::string_view body);

struct Signature {
  std::string keyid;  // a hint only, never trusted; "" = absent
  std::string sig;    // raw signature bytes (64 for Ed25519)
};

struct Envelope {
  std::string payload_type;
  std::string payload;  // raw bytes
  std::vector<Signature> signatures;
};

// An envelope over `payload` with one signature by `key`, whose keyid is
// key.public_key().key_id(). Fails only if signing fails (Internal) or the
// key is empty (InvalidArgument).
Result<Envelope> SignEnvelope(std::string_view payload_type, std::string_view payload,
                              const PrivateKey& key);
// Appends a signature by `key` over `envelope`'s payload (for envelopes that
// need several signers). `envelope` is unchanged on failure.
Status AddSignature(Envelope& envelope, const PrivateKey& key);

// The canonical envelope bytes: compact single-line JSON, keys sorted,
//   {"payload":"<b64>","payloadType":"...","signatures":[{"keyid":"...","sig":"<b64>"}]}
// with standard base64 with padding; "keyid" is omitted when empty.
// Deterministic: equal envelopes give equal bytes.
std::string SerializeEnvelope(const Envelope& envelope);

// Parses an envelope. Base64 may be standard or URL-safe, padded or not.
// Unknown fields are ignored. On failure returns InvalidArgument starting
// "envelope: ", naming the field, e.g. "envelope: signatures[1].sig: not
// base64 (...)". Rejected: more than 16 MiB, invalid JSON, duplicate keys,
// missing or non-string payload/payloadType, payload not base64, missing,
// non-array or empty signatures, more than kMaxEnvelopeSignatures of them,
// a signature without a string "sig", a non-string keyid.
Result<Envelope> ParseEnvelope(std::string_view json);

// True for "application/vnd.in-toto+json" and
// "application/vnd.in-toto.<name>+json" (name: [A-Za-z0-9._-]+).
bool IsInTotoPayloadType(std::string_view payload_type);

// What VerifyEnvelope established.
struct VerifiedEnvelope {
  std::string payload_type;
  std::string payload;  // the verified bytes; parse these
  // Trusted keys with a valid signature, each once, in signature order.
  std::vector<TrustedKey> signers;
  // Keyids of signatures by keys not in the keyring (not counted).
  std::vector<std::string> unknown_keyids;
  // Why other signatures did not count (e.g. "signature by key 21fe31df…
  // does not verify"); empty when every signature counted.
  std::vector<std::string> rejected;
};

// Verifies `envelope` against the trusted keys in `keyring`. Succeeds when
// the payloadType is an in-toto one and at least one signature is a valid
// signature by a key in `keyring` (a signature's keyid picks the key to try;
// a signature without keyid is tried against every key; a keyid not in the
// keyring is reported, not accepted). Errors:
//   InvalidArgument "envelope: payloadType \"text/plain\" is not an in-toto
//     type (want application/vnd.in-toto+json)"
//   PermissionDenied "envelope: signature by key 21fe31df… does not verify"
//   PermissionDenied "envelope: no signature by a trusted key (signed by
//     unknown key 8a3c…)"
//   PermissionDenied "envelope: no trusted keys (the keyring is empty)"
//   InvalidArgument "envelope: has 65 signatures (at most 64)"
// Several reasons are joined with "; ".
Result<VerifiedEnvelope> VerifyEnvelope(const Envelope& envelope, const Keyring& keyring);

}  // namespace custody

#endif  // CUSTODY_DSSE_H_
