#include "custody/checkpoint.h"

#include <algorithm>
#include <cstdio>
#include <string>
#include <utility>

#include "custody/encoding.h"
#include "custody/hash.h"

namespace custody {

namespace {

// U+2014 EM DASH and a space: the start of every signature line.
constexpr std::string_view kSigPrefix = "\xE2\x80\x94 ";

// Decodes the UTF-8 code point at s[*pos] and advances *pos. Rejects what
// Go's utf8.DecodeRune rejects: truncated or overlong sequences, surrogates
// and values above U+10FFFF.
bool NextCodePoint(std::string_view s, size_t* pos, uint32_t* cp) {
  const auto b0 = static_cast<uint8_t>(s[*pos]);
  if (b0 < 0x80) {
    *cp = b0;
    ++*pos;
    return true;
  }
  size_t len = 0;
  uint32_t min = 0;
  if ((b0 & 0xE0) == 0xC0) {
    len = 2;
    min = 0x80;
    *cp = b0 & 0x1F;
  } else if ((b0 & 0xF0) == 0xE0) {
    len = 3;
    min = 0x800;
    *cp = b0 & 0x0F;
  } else if ((b0 & 0xF8) == 0xF0) {
    len = 4;
    min = 0x10000;
    *cp = b0 & 0x07;
  } else {
    return false;
  }
  if (s.size() - *pos < len) return false;
  for (size_t i = 1; i < len; ++i) {
    const auto b = static_cast<uint8_t>(s[*pos + i]);
    if ((b & 0xC0) != 0x80) return false;
    *cp = (*cp << 6) | (b & 0x3F);
  }
  if (*cp < min || *cp > 0x10FFFF || (*cp >= 0xD800 && *cp <= 0xDFFF)) return false;
  *pos += len;
  return true;
}

// Go's unicode.IsSpace, which C2SP implementations use for "Unicode spaces".
bool IsUnicodeSpace(uint32_t cp) {
  switch (cp) {
    case '\t':
    case '\n':
    case '\v':
    case '\f':
    case '\r':
    case ' ':
    case 0x85:
    case 0xA0:
    case 0x1680:
    case 0x2028:
    case 0x2029:
    case 0x202F:
    case 0x205F:
    case 0x3000:
      return true;
    default:
      return cp >= 0x2000 && cp <= 0x200A;
  }
}

// Empty when `text` is UTF-8 without control characters; otherwise what is
// wrong with it.
std::string TextProblem(std::string_view text) {
  size_t pos = 0;
  uint32_t cp = 0;
  while (pos < text.size()) {
    if (!NextCodePoint(text, &pos, &cp)) return "invalid UTF-8";
    if (cp == '\r') return "carriage return (CRLF line endings are not allowed)";
    if (cp < 0x20 && cp != '\n') {
      char buf[64];
      std::snprintf(buf, sizeof(buf), "control character U+%04X", static_cast<unsigned>(cp));
      return buf;
    }
  }
  return "";
}

// Empty when `name` is a valid key name (non-empty UTF-8 without '+',
// Unicode spaces or control characters); otherwise the problem.
std::string KeyNameProblem(std::string_view name) {
  if (name.empty()) return "empty key name";
  size_t pos = 0;
  uint32_t cp = 0;
  while (pos < name.size()) {
    if (!NextCodePoint(name, &pos, &cp)) return "key name is not UTF-8";
    if (cp == '+') return "key name contains '+'";
    if (IsUnicodeSpace(cp)) return "key name contains a space";
    if (cp < 0x20) return "key name contains a control character";
  }
  return "";
}

// Decodes padded standard base64 (RFC 4648 §4) and nothing else: Base64Decode
// also takes the URL-safe alphabet and missing padding, which would give one
// signature or root several spellings.
Result<std::string> StrictBase64(std::string_view text) {
  Result<std::string> bytes = Base64Decode(text);
  if (!bytes.ok()) return bytes.status();
  if (Base64Encode(*bytes) != text) {
    return Status::InvalidArgument("base64", "not padded standard base64");
  }
  return bytes;
}

std::string Hex8(uint32_t id) {
  char buf[9];
  std::snprintf(buf, sizeof(buf), "%08x", static_cast<unsigned>(id));
  return buf;
}

uint32_t ReadBigEndian32(std::string_view b) {
  return (uint32_t{static_cast<uint8_t>(b[0])} << 24) |
         (uint32_t{static_cast<uint8_t>(b[1])} << 16) |
         (uint32_t{static_cast<uint8_t>(b[2])} << 8) | uint32_t{static_cast<uint8_t>(b[3])};
}

std::string SignatureLine(const NoteSignature& sig) {
  std::string raw;
  raw.reserve(4 + sig.signature.size());
  for (int shift = 24; shift >= 0; shift -= 8) {
    raw += static_cast<char>((sig.key_id >> shift) & 0xFF);
  }
  raw += sig.signature;
  std::string line(kSigPrefix);
  line += sig.name;
  line += ' ';
  line += Base64Encode(raw);
  line += '\n';
  return line;
}

Status LineError(std::string_view subject, size_t line, std::string_view problem) {
  return Status::InvalidArgument(std::string(subject) + ":" + std::to_string(line), problem);
}

// The note split into lines, with the index of the separating blank line.
struct NoteLines {
  std::vector<std::string_view> lines;  // without their newlines
  size_t blank = 0;                     // index into lines of the separator
};

// Splits a note into lines and finds the separator, which C2SP defines as
// the last blank line. Checks what every note must satisfy (size, UTF-8, no
// control characters, final newline, a non-empty text, 1..kMaxNoteSignatures
// signature lines) and reports "<subject>:LINE: problem".
Result<NoteLines> SplitNote(std::string_view note, std::string_view subject) {
  if (note.size() > kMaxNoteSize) {
    return Status::InvalidArgument(subject, "note is " + std::to_string(note.size()) +
                                                " bytes, more than the limit of " +
                                                std::to_string(kMaxNoteSize));
  }
  if (note.empty()) return LineError(subject, 1, "empty note");
  NoteLines out;
  size_t start = 0;
  while (start < note.size()) {
    size_t end = note.find('\n', start);
    if (end == std::string_view::npos) {
      return LineError(subject, out.lines.size() + 1, "missing final newline");
    }
    std::string_view line = note.substr(start, end - start);
    std::string problem = TextProblem(line);
    if (!problem.empty()) return LineError(subject, out.lines.size() + 1, problem);
    out.lines.push_back(line);
    start = end + 1;
  }
  size_t blank = out.lines.size();
  for (size_t i = out.lines.size(); i-- > 0;) {
    if (out.lines[i].empty()) {
      blank = i;
      break;
    }
  }
  if (blank == out.lines.size()) {
    return LineError(subject, out.lines.size(),
                     "no blank line separating the text from its signatures");
  }
  if (blank == 0) return LineError(subject, 1, "note text is empty");
  if (blank + 1 == out.lines.size()) {
    return LineError(subject, blank + 1, "no signature lines after the blank line");
  }
  if (out.lines.size() - blank - 1 > kMaxNoteSignatures) {
    return LineError(subject, blank + 2 + kMaxNoteSignatures,
                     "more than " + std::to_string(kMaxNoteSignatures) + " signatures");
  }
  out.blank = blank;
  return out;
}

Result<NoteSignature> ParseSignatureLine(std::string_view line, std::string_view subject,
                                         size_t line_no) {
  if (line.substr(0, kSigPrefix.size()) != kSigPrefix) {
    return LineError(subject, line_no,
                     "signature lines must start with an em dash (U+2014) and a space");
  }
  std::string_view rest = line.substr(kSigPrefix.size());
  const size_t space = rest.find(' ');
  if (space == std::string_view::npos) {
    return LineError(subject, line_no, "expected '— <key name> <base64 signature>'");
  }
  NoteSignature sig;
  sig.name = std::string(rest.substr(0, space));
  std::string problem = KeyNameProblem(sig.name);
  if (!problem.empty()) return LineError(subject, line_no, problem);
  std::string_view b64 = rest.substr(space + 1);
  if (b64.find(' ') != std::string_view::npos) {
    return LineError(subject, line_no, "unexpected space after the signature");
  }
  Result<std::string> raw = StrictBase64(b64);
  if (!raw.ok()) {
    return LineError(subject, line_no, "signature: " + raw.status().message());
  }
  if (raw->size() < 5) {
    return LineError(subject, line_no,
                     "signature decodes to " + std::to_string(raw->size()) +
                         " bytes (need a 4-byte key ID and a signature)");
  }
  sig.key_id = ReadBigEndian32(*raw);
  sig.signature = raw->substr(4);
  return sig;
}

// Parses a whole note; `text` and `signatures` of the result are filled.
Result<SignedNote> ParseNote(std::string_view note, std::string_view subject,
                             NoteLines* lines_out) {
  Result<NoteLines> split = SplitNote(note, subject);
  if (!split.ok()) return split.status();
  SignedNote out;
  for (size_t i = split->blank + 1; i < split->lines.size(); ++i) {
    Result<NoteSignature> sig = ParseSignatureLine(split->lines[i], subject, i + 1);
    if (!sig.ok()) return sig.status();
    out.signatures.push_back(std::move(sig).value());
  }
  // The text runs up to and including the newline that ends the line before
  // the blank separator.
  size_t text_len = 0;
  for (size_t i = 0; i < split->blank; ++i) text_len += split->lines[i].size() + 1;
  out.text = std::string(note.substr(0, text_len));
  if (lines_out != nullptr) *lines_out = std::move(split).value();
  return out;
}

Result<uint64_t> ParseTreeSize(std::string_view s) {
  if (s.empty()) return Status::InvalidArgument("", "tree size is empty");
  for (char c : s) {
    if (c < '0' || c > '9') {
      return Status::InvalidArgument("", "tree size is not a decimal number");
    }
  }
  if (s.size() > 1 && s[0] == '0') {
    return Status::InvalidArgument("", "tree size has a leading zero");
  }
  uint64_t v = 0;
  for (char c : s) {
    const uint64_t digit = static_cast<uint64_t>(c - '0');
    if (v > (UINT64_MAX - digit) / 10) {
      return Status::InvalidArgument("", "tree size does not fit in 64 bits");
    }
    v = v * 10 + digit;
  }
  return v;
}

Status VerifyWith(std::string_view subject, std::string_view text,
                  const std::vector<NoteSignature>& signatures, const NoteVerifier& verifier) {
  const std::string key = verifier.name + "+" + Hex8(verifier.key_id);
  bool matched = false;
  for (const NoteSignature& sig : signatures) {
    if (sig.name != verifier.name || sig.key_id != verifier.key_id) continue;
    matched = true;
    if (!verifier.key.Verify(text, sig.signature).ok()) {
      return Status::PermissionDenied(
          subject, "signature by key " + key + " does not verify (tampered or wrong key)");
    }
  }
  if (!matched) {
    std::string seen;
    for (size_t i = 0; i < signatures.size() && i < 5; ++i) {
      if (i > 0) seen += ", ";
      seen += signatures[i].name + "+" + Hex8(signatures[i].key_id);
    }
    if (signatures.size() > 5) seen += ", ...";
    return Status::PermissionDenied(subject, "no signature by key " + key + " (signed by: " +
                                                 (seen.empty() ? "nobody" : seen) + ")");
  }
  return Status::OK();
}

Status CheckLine(std::string_view what, std::string_view line) {
  if (line.empty()) return Status::InvalidArgument("checkpoint", std::string(what) + " is empty");
  if (line.find('\n') != std::string_view::npos) {
    return Status::InvalidArgument("checkpoint", std::string(what) + " contains a newline");
  }
  std::string problem = TextProblem(line);
  if (!problem.empty()) {
    return Status::InvalidArgument("checkpoint", std::string(what) + ": " + problem);
  }
  return Status::OK();
}

}  // namespace

std::string Checkpoint::Body() const {
  std::string body = origin;
  body += '\n';
  body += std::to_string(size);
  body += '\n';
  body += Base64Encode(DigestBytes(root));
  body += '\n';
  for (const std::string& ext : extensions) {
    body += ext;
    body += '\n';
  }
  return body;
}

uint32_t NoteKeyId(std::string_view key_name, std::string_view raw_pubkey) {
  Sha256Hasher hasher;
  hasher.Update(key_name);
  const char sep[2] = {'\n', static_cast<char>(kNoteKeyTypeEd25519)};
  hasher.Update(sep, sizeof(sep));
  hasher.Update(raw_pubkey);
  return ReadBigEndian32(DigestBytes(hasher.Finish()));
}

std::string VerifierKey(std::string_view key_name, const PublicKey& key) {
  std::string typed(1, static_cast<char>(kNoteKeyTypeEd25519));
  typed += key.raw();
  return std::string(key_name) + "+" + Hex8(NoteKeyId(key_name, key.raw())) + "+" +
         Base64Encode(typed);
}

Result<NoteVerifier> ParseVerifierKey(std::string_view vkey) {
  const size_t plus1 = vkey.find('+');
  const size_t plus2 = plus1 == std::string_view::npos ? plus1 : vkey.find('+', plus1 + 1);
  if (plus2 == std::string_view::npos) {
    return Status::InvalidArgument("verifier key", "expected '<name>+<key id>+<base64 key>'");
  }
  NoteVerifier out;
  out.name = std::string(vkey.substr(0, plus1));
  std::string problem = KeyNameProblem(out.name);
  if (!problem.empty()) return Status::InvalidArgument("verifier key", problem);
  std::string_view hex = vkey.substr(plus1 + 1, plus2 - plus1 - 1);
  if (hex.size() != 8) {
    return Status::InvalidArgument("verifier key", "key ID must be 8 hex digits");
  }
  Result<std::string> id = HexDecode(hex);
  if (!id.ok()) {
    return Status::InvalidArgument("verifier key", "key ID must be 8 hex digits");
  }
  out.key_id = ReadBigEndian32(*id);
  Result<std::string> typed = StrictBase64(vkey.substr(plus2 + 1));
  if (!typed.ok()) return typed.status().WithPrefix("verifier key");
  if (typed->empty() || static_cast<uint8_t>((*typed)[0]) != kNoteKeyTypeEd25519) {
    return Status::InvalidArgument("verifier key",
                                   "unsupported key type (only Ed25519, type 0x01)");
  }
  Result<PublicKey> key = PublicKey::FromRaw(std::string_view(*typed).substr(1));
  if (!key.ok()) return key.status().WithPrefix("verifier key");
  if (NoteKeyId(out.name, key->raw()) != out.key_id) {
    return Status::InvalidArgument(
        "verifier key", "key ID " + Hex8(out.key_id) + " does not match the name and key");
  }
  out.key = std::move(key).value();
  return out;
}

Result<std::string> SignNote(std::string_view text, std::string_view key_name,
                             const PrivateKey& key) {
  if (text.empty() || text.back() != '\n') {
    return Status::InvalidArgument("note", "text must be non-empty and end in a newline");
  }
  std::string problem = TextProblem(text);
  if (!problem.empty()) return Status::InvalidArgument("note", "text: " + problem);
  problem = KeyNameProblem(key_name);
  if (!problem.empty()) return Status::InvalidArgument("note", problem);
  Result<std::string> sig = key.Sign(text);
  if (!sig.ok()) return sig.status();
  NoteSignature line{std::string(key_name), NoteKeyId(key_name, key.public_key().raw()),
                     std::move(sig).value()};
  std::string note = FormatSignedNote(text, {line});
  if (note.size() > kMaxNoteSize) {
    return Status::InvalidArgument(
        "note", "signed note would exceed " + std::to_string(kMaxNoteSize) + " bytes");
  }
  return note;
}

Result<SignedNote> ParseSignedNote(std::string_view note) {
  return ParseNote(note, "note", nullptr);
}

Status VerifyNote(std::string_view text, const std::vector<NoteSignature>& signatures,
                  const NoteVerifier& verifier) {
  return VerifyWith("note", text, signatures, verifier);
}

std::string FormatSignedNote(std::string_view text, const std::vector<NoteSignature>& signatures) {
  std::string note(text);
  note += '\n';
  for (const NoteSignature& sig : signatures) note += SignatureLine(sig);
  return note;
}

Result<std::string> SignCheckpoint(const Checkpoint& checkpoint, std::string_view key_name,
                                   const PrivateKey& key) {
  CUSTODY_RETURN_IF_ERROR(CheckLine("origin", checkpoint.origin));
  for (size_t i = 0; i < checkpoint.extensions.size(); ++i) {
    CUSTODY_RETURN_IF_ERROR(
        CheckLine("extension line " + std::to_string(i + 1), checkpoint.extensions[i]));
  }
  return SignNote(checkpoint.Body(), key_name, key);
}

Result<SignedCheckpoint> ParseSignedCheckpoint(std::string_view note) {
  constexpr std::string_view kSubject = "checkpoint";
  NoteLines lines;
  Result<SignedNote> parsed = ParseNote(note, kSubject, &lines);
  if (!parsed.ok()) return parsed.status();
  // The separator is the last blank line; a checkpoint body has none, so any
  // earlier blank line is an error.
  for (size_t i = 0; i < lines.blank; ++i) {
    if (lines.lines[i].empty()) {
      return LineError(kSubject, i + 1,
                       i < 3 ? "blank line where the origin, tree size or root hash belongs"
                             : "blank extension line (only one blank line may precede the "
                               "signatures)");
    }
  }
  if (lines.blank < 3) {
    return LineError(kSubject, lines.blank + 1,
                     "checkpoint body needs origin, tree size and root hash lines");
  }
  SignedCheckpoint out;
  out.checkpoint.origin = std::string(lines.lines[0]);
  Result<uint64_t> size = ParseTreeSize(lines.lines[1]);
  if (!size.ok()) return LineError(kSubject, 2, size.status().message());
  out.checkpoint.size = *size;
  Result<std::string> root = StrictBase64(lines.lines[2]);
  if (!root.ok()) return LineError(kSubject, 3, "root hash: " + root.status().message());
  if (root->size() != out.checkpoint.root.size()) {
    return LineError(kSubject, 3,
                     "root hash is " + std::to_string(root->size()) + " bytes, expected 32");
  }
  std::copy(root->begin(), root->end(), out.checkpoint.root.begin());
  for (size_t i = 3; i < lines.blank; ++i) {
    out.checkpoint.extensions.emplace_back(lines.lines[i]);
  }
  out.text = std::move(parsed->text);
  out.signatures = std::move(parsed->signatures);
  return out;
}

Status VerifyCheckpoint(const SignedCheckpoint& signed_checkpoint, std::string_view key_name,
                        const PublicKey& key) {
  NoteVerifier verifier{std::string(key_name), NoteKeyId(key_name, key.raw()), key};
  return VerifyWith("checkpoint", signed_checkpoint.checkpoint.Body(), signed_checkpoint.signatures,
                    verifier);
}

}  // namespace custody
