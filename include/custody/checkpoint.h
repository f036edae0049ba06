// C2SP signed notes (c2sp.org/signed-note) and transparency-log checkpoints
// (c2sp.org/tlog-checkpoint), signed with Ed25519 note keys.
//
// A checkpoint note looks like this (the signature line starts with an em
// dash, U+2014, and a space):
//
//   example.com/log        <- origin
//   20852163               <- tree size, decimal
//   CsUYapGG...2jxq2I=     <- base64 of the RFC 9162 root hash
//                          <- blank line
//   — example.com/log Az3grlgt...MTOAYQ8=
//
// The signed bytes are the note *text*: every line up to and including the
// newline before the blank line. A signature is base64(4-byte big-endian
// key ID || 64-byte Ed25519 signature), so notes written here verify with Go's
// golang.org/x/mod/sumdb/note and every other C2SP implementation, and vice
// versa.
//
// Parsing is strict (one canonical spelling per checkpoint) and bounded
// (kMaxNoteSize bytes, kMaxNoteSignatures signatures), so it is safe on
// untrusted input. All functions are pure and thread-safe; the structs are
// plain values.
#ifndef CUSTODY_CHECKPOINT_H_
#define CUSTODY_CHECKPOINT_H_

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "custody/ed25519.h"
#include "custody/merkle.h"
#include "custody/status.h"

namespace custody {

// Largest note, in bytes, that the parsers accept.
inline constexpr size_t kMaxNoteSize = size_t{1} << 20;
// Most signature lines a note may carry (C2SP requires accepting >= 16).
inline constexpr size_t kMaxNoteSignatures = 100;
// The C2SP signature type byte of Ed25519 note keys.
inline constexpr uint8_t kNoteKeyTypeEd25519 = 0x01;

// The signed head of a log at one size.
struct Checkpoint {
  std::string origin;                   // non-empty, one line
  uint64_t size = 0;                    // number of leaves
  merkle::Hash root{};                  // MTH of the first `size` leaves
  std::vector<std::string> extensions;  // optional non-empty lines, opaque

  // The note text: "origin\nsize\nbase64(root)\n" followed by each extension
  // line and a newline. These are exactly the bytes a log signs.
  std::string Body() const;
};

// One signature line of a note. `signature` holds the bytes after the key ID
// (64 bytes for Ed25519; other key types may differ).
struct NoteSignature {
  std::string name;
  uint32_t key_id = 0;
  std::string signature;
};

// A key that can check note signatures: the key name, its 32-bit key ID and
// the Ed25519 public key.
struct NoteVerifier {
  std::string name;
  uint32_t key_id = 0;
  PublicKey key;
};

// The C2SP key ID of an Ed25519 note key: the first four bytes, big-endian,
// of SHA-256(key_name || 0x0A || 0x01 || raw_pubkey).
uint32_t NoteKeyId(std::string_view key_name, std::string_view raw_pubkey);

// The verifier key string "<name>+<8 hex digits of key ID>+<base64(0x01 ||
// 32-byte public key)>", e.g.
// "PeterNeumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW".
std::string VerifierKey(std::string_view key_name, const PublicKey& key);

// Parses a verifier key string as VerifierKey writes it. InvalidArgument if
// the name is invalid (empty, or containing '+' or a Unicode space), the key
// ID is not 8 hex digits, the key is not canonical base64 of 0x01 followed by
// a valid 32-byte Ed25519 key, or the key ID does not match name and key.
Result<NoteVerifier> ParseVerifierKey(std::string_view vkey);

// --- Signed notes (any text) ------------------------------------------------

// A parsed note: the signed text (ending in a newline, not including the
// blank separator line) and its signature lines in order.
struct SignedNote {
  std::string text;
  std::vector<NoteSignature> signatures;
};

// Signs `text` with `key` under `key_name` and returns the complete note:
// text, blank line, "— <key_name> base64(key ID || signature)\n".
// InvalidArgument if text is empty, does not end in a newline, is not UTF-8,
// contains a control character other than newline, or the note would exceed
// kMaxNoteSize; or if key_name is invalid (see ParseVerifierKey).
Result<std::string> SignNote(std::string_view text, std::string_view key_name,
                             const PrivateKey& key);

// Parses a signed note per C2SP: the text is separated from the signatures by
// the last blank line. InvalidArgument with "note:LINE: problem" (1-based
// lines) on any deviation: not UTF-8, control characters (including '\r'),
// no blank line, no or malformed signature lines (bad name, non-canonical
// base64, fewer than 5 bytes), more than kMaxNoteSignatures, or more than
// kMaxNoteSize bytes.
Result<SignedNote> ParseSignedNote(std::string_view note);

// OK if some signature line carries verifier's name and key ID and every such
// line verifies over `text`. Lines of other keys are ignored (C2SP: verifiers
// MUST ignore unknown keys). PermissionDenied, saying which, if no line
// matches the key or a matching line does not verify (C2SP: a failing
// signature from a known key rejects the note).
Status VerifyNote(std::string_view text, const std::vector<NoteSignature>& signatures,
                  const NoteVerifier& verifier);

// Re-serialises a note: text, blank line, one line per signature. For any
// note that ParseSignedNote accepted this returns the original bytes.
std::string FormatSignedNote(std::string_view text, const std::vector<NoteSignature>& signatures);

// --- Checkpoints -------------------------------------------------------------

// Signs checkpoint.Body() and returns the signed note (see SignNote).
// InvalidArgument if the origin is empty or any origin/extension line is
// empty, not UTF-8 or holds a control character (such as a newline), or if
// key_name is invalid.
Result<std::string> SignCheckpoint(const Checkpoint& checkpoint, std::string_view key_name,
                                   const PrivateKey& key);

// A parsed checkpoint note. `text` is the signed note text exactly as
// received; for any result of ParseSignedCheckpoint it equals
// checkpoint.Body().
struct SignedCheckpoint {
  Checkpoint checkpoint;
  std::string text;
  std::vector<NoteSignature> signatures;
};

// Parses a signed checkpoint strictly: a valid signed note (see
// ParseSignedNote) whose text has at least three lines, none empty (so exactly
// one blank line separates text and signatures): a non-empty origin; the size
// in decimal without leading zeros ("0" for the empty tree) that fits in 64
// bits; the root as padded standard base64 of exactly 32 bytes; then any
// extension lines. InvalidArgument with "checkpoint:LINE: problem" otherwise.
// Signatures are not checked here; call VerifyCheckpoint.
Result<SignedCheckpoint> ParseSignedCheckpoint(std::string_view note);

// Verifies `signed_checkpoint` against the Ed25519 key `key` named `key_name`
// (see VerifyNote for the rules and errors). The signed bytes are
// signed_checkpoint.checkpoint.Body(), so an OK result vouches for exactly
// the fields the caller reads. Checking that the origin is the expected log
// is the caller's business.
Status VerifyCheckpoint(const SignedCheckpoint& signed_checkpoint, std::string_view key_name,
                        const PublicKey& key);

}  // namespace custody

#endif  // CUSTODY_CHECKPOINT_H_
