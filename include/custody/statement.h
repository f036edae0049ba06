// in-toto Statement v1: the one payload format of every custody event
// (DESIGN.md "Evidence: one format for everything"; spec:
// in-toto/attestation spec/v1/statement.md and resource_descriptor.md).
//
// A Statement says "these subjects (artifacts, matched purely by digest)
// have this predicate of this predicateType". The structs are plain values;
// the functions are pure and thread-safe. ParseStatement accepts untrusted
// bytes: it never throws, bounds size and nesting, rejects duplicate keys,
// and ignores fields it does not know (the spec's "consumers MUST ignore
// unrecognized fields").
#ifndef CUSTODY_STATEMENT_H_
#define CUSTODY_STATEMENT_H_

#include <map>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>
#include <vector>

#include "custody/status.h"

namespace custody {

// The value of every Statement's "_type".
inline constexpr std::string_view kStatementType = "https://in-toto.io/Statement/v1";

// One artifact. JSON field names are the spec's camelCase ones. At least one
// of uri, digest and content must be set; a Statement's subjects must set
// digest.
struct ResourceDescriptor {
  std::string name;  // "" = absent
  std::string uri;   // "" = absent
  // DigestSet: algorithm ("sha256", "gitCommit", ...) -> lowercase hex.
  // Known algorithms must have their exact length (sha256: 64 hex digits,
  // sha1 and gitCommit/gitTree/gitBlob/gitTag: 40 or, for SHA-256 git, 64;
  // see statement.cc for the full table); unknown ones any non-empty value.
  std::map<std::string, std::string> digest;
  std::string content;            // raw bytes ("content" is their base64); "" = absent
  std::string download_location;  // "downloadLocation"; "" = absent
  std::string media_type;         // "mediaType"; "" = absent
  nlohmann::json annotations;     // null = absent, otherwise an object
};

struct Statement {
  std::vector<ResourceDescriptor> subject;  // at least one
  std::string predicate_type;               // "predicateType", a TypeURI
  nlohmann::json predicate;                 // null = absent, otherwise an object
};

// Compact JSON for `statement`: no whitespace, object keys sorted (so the
// same value always gives the same bytes), "_type" = kStatementType, absent
// fields omitted. Strings that are not valid UTF-8 are written with U+FFFD
// in place of the bad bytes (JSON cannot carry raw bytes). Does not
// validate: ParseStatement(SerializeStatement(s)) fails if `s` breaks the
// rules above.
std::string SerializeStatement(const Statement& statement);

// Parses and validates a Statement. On failure returns InvalidArgument whose
// message starts "statement: " and names the field by path, e.g.
//   statement: subject[2].digest: must be a non-empty object of lowercase
//   algorithm → lowercase hex
//   statement: _type: "https://in-toto.io/Statement/v0.1" is not
//   "https://in-toto.io/Statement/v1"
// Rejected: more than 16 MiB, invalid JSON, duplicate keys, nesting deeper
// than 64, wrong or missing "_type", "subject" missing, not an array or
// empty, a subject without digest, a descriptor with none of
// uri/digest/content, a digest value of the wrong form, "content" not
// base64, "predicateType" missing, empty or not a string, "predicate"
// present but not an object.
Result<Statement> ParseStatement(std::string_view json);

// The JSON object for one descriptor (as inside SerializeStatement); for
// predicates that embed descriptors (e.g. test-result "configuration").
nlohmann::json ResourceDescriptorToJson(const ResourceDescriptor& rd);

// Reads and validates one descriptor from `value`. `where` is the field
// path used in messages (e.g. "predicate.configuration[0]"); errors are
// InvalidArgument "<where>: <problem>" (no "statement: " prefix).
Result<ResourceDescriptor> ResourceDescriptorFromJson(const nlohmann::json& value,
                                                      std::string_view where);

}  // namespace custody

#endif  // CUSTODY_STATEMENT_H_
