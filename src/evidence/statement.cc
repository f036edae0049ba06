#include "custody/statement.h"

#include <array>
#include <string>
#include <utility>

#include "custody/encoding.h"
#include "evidence/bounded_json.h"

namespace custody {
namespace {

using internal::JsonTypeName;
using internal::QuoteForMessage;
using nlohmann::json;

constexpr std::string_view kDigestRule =
    "must be a non-empty object of lowercase algorithm → lowercase hex";

// Hex lengths of the DigestSet algorithms in-toto names (spec/v1/
// digest_set.md). A zero length means variable output (any even length up
// to the maximum): shake*, blake2*.
struct DigestAlgorithm {
  std::string_view name;
  std::array<size_t, 2> lengths;  // 0 in the second slot = only one length
  size_t max_variable = 0;        // > 0 for variable-length algorithms
};
constexpr DigestAlgorithm kDigestAlgorithms[] = {
    {"sha256", {64, 0}},        {"sha224", {56, 0}},      {"sha384", {96, 0}},
    {"sha512", {128, 0}},       {"sha512_224", {56, 0}},  {"sha512_256", {64, 0}},
    {"sha3_224", {56, 0}},      {"sha3_256", {64, 0}},    {"sha3_384", {96, 0}},
    {"sha3_512", {128, 0}},     {"ripemd160", {40, 0}},   {"sm3", {64, 0}},
    {"gost", {64, 128}},        {"sha1", {40, 0}},        {"md5", {32, 0}},
    {"dirHash", {64, 0}},       {"gitCommit", {40, 64}},  {"gitTree", {40, 64}},
    {"gitBlob", {40, 64}},      {"gitTag", {40, 64}},     {"shake128", {0, 0}, 1024},
    {"shake256", {0, 0}, 1024}, {"blake2b", {0, 0}, 128}, {"blake2s", {0, 0}, 64},
};

const DigestAlgorithm* FindAlgorithm(std::string_view name) {
  for (const DigestAlgorithm& a : kDigestAlgorithms) {
    if (a.name == name) return &a;
  }
  return nullptr;
}

bool IsLowerHex(std::string_view s) {
  for (char c : s) {
    if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) return false;
  }
  return true;
}

Status Invalid(std::string_view where, std::string_view problem) {
  return Status::InvalidArgument(where, problem);
}

// Validates one DigestSet value; `where` is e.g. "subject[0].digest.sha256".
Status CheckDigestValue(std::string_view algorithm, const std::string& value,
                        const std::string& where) {
  if (value.empty()) return Invalid(where, "must not be empty");
  const DigestAlgorithm* a = FindAlgorithm(algorithm);
  // Other algorithms are allowed (the spec's "somecoolhash"); their
  // encoding is theirs to document, so only emptiness is checked.
  if (a == nullptr) return Status::OK();
  const std::string got = " (got " + std::to_string(value.size()) + " characters)";
  if (a->max_variable > 0) {
    if (value.size() % 2 != 0 || value.size() > a->max_variable) {
      return Invalid(where, "must be an even number of lowercase hex digits, at most " +
                                std::to_string(a->max_variable) + got);
    }
  } else if (value.size() != a->lengths[0] && value.size() != a->lengths[1]) {
    std::string want = std::to_string(a->lengths[0]);
    if (a->lengths[1] != 0) want += " or " + std::to_string(a->lengths[1]);
    return Invalid(where, "must be " + want + " lowercase hex digits" + got);
  }
  if (!IsLowerHex(value)) return Invalid(where, "must be lowercase hex");
  return Status::OK();
}

// Reads an optional string member; absent leaves *out untouched.
Status OptionalString(const json& obj, const char* key, const std::string& where,
                      std::string* out) {
  auto it = obj.find(key);
  if (it == obj.end()) return Status::OK();
  if (!it->is_string()) {
    return Invalid(where + "." + key, std::string("must be a string, not ") + JsonTypeName(*it));
  }
  *out = it->get_ref<const std::string&>();
  return Status::OK();
}

Result<Statement> StatementFromJson(const json& doc) {
  if (!doc.is_object()) {
    return Invalid("", std::string("must be a JSON object, not ") + JsonTypeName(doc));
  }
  auto type = doc.find("_type");
  if (type == doc.end()) {
    return Invalid("_type", "missing (want \"" + std::string(kStatementType) + "\")");
  }
  if (!type->is_string()) {
    return Invalid("_type", std::string("must be a string, not ") + JsonTypeName(*type));
  }
  if (type->get_ref<const std::string&>() != kStatementType) {
    return Invalid("_type", QuoteForMessage(type->get_ref<const std::string&>()) + " is not \"" +
                                std::string(kStatementType) + "\"");
  }

  Statement st;
  auto subject = doc.find("subject");
  if (subject == doc.end()) return Invalid("subject", "missing (want a non-empty array)");
  if (!subject->is_array()) {
    return Invalid("subject",
                   std::string("must be a non-empty array, not ") + JsonTypeName(*subject));
  }
  if (subject->empty()) return Invalid("subject", "must be a non-empty array");
  st.subject.reserve(subject->size());
  for (size_t i = 0; i < subject->size(); ++i) {
    const std::string where = "subject[" + std::to_string(i) + "]";
    CUSTODY_ASSIGN_OR_RETURN(ResourceDescriptor rd,
                             ResourceDescriptorFromJson((*subject)[i], where));
    // Statement spec: each subject "MUST have digest set"; subjects are
    // matched purely by digest.
    if (rd.digest.empty()) {
      return Invalid(where + ".digest",
                     "missing (a subject must have a digest; " + std::string(kDigestRule) + ")");
    }
    st.subject.push_back(std::move(rd));
  }

  auto ptype = doc.find("predicateType");
  if (ptype == doc.end()) return Invalid("predicateType", "missing (want a TypeURI string)");
  if (!ptype->is_string()) {
    return Invalid("predicateType", std::string("must be a string, not ") + JsonTypeName(*ptype));
  }
  st.predicate_type = ptype->get_ref<const std::string&>();
  if (st.predicate_type.empty()) return Invalid("predicateType", "must not be empty");

  auto pred = doc.find("predicate");
  if (pred != doc.end()) {
    if (!pred->is_object()) {
      return Invalid("predicate", std::string("must be an object, not ") + JsonTypeName(*pred));
    }
    st.predicate = *pred;
  }
  return st;
}

}  // namespace

json ResourceDescriptorToJson(const ResourceDescriptor& rd) {
  json j = json::object();
  if (!rd.name.empty()) j["name"] = rd.name;
  if (!rd.uri.empty()) j["uri"] = rd.uri;
  if (!rd.digest.empty()) j["digest"] = rd.digest;
  if (!rd.content.empty()) j["content"] = Base64Encode(rd.content);
  if (!rd.download_location.empty()) j["downloadLocation"] = rd.download_location;
  if (!rd.media_type.empty()) j["mediaType"] = rd.media_type;
  if (!rd.annotations.is_null()) j["annotations"] = rd.annotations;
  return j;
}

Result<ResourceDescriptor> ResourceDescriptorFromJson(const json& value, std::string_view where_v) {
  const std::string where(where_v);
  if (!value.is_object()) {
    return Invalid(where, std::string("must be an object, not ") + JsonTypeName(value));
  }
  ResourceDescriptor rd;
  CUSTODY_RETURN_IF_ERROR(OptionalString(value, "name", where, &rd.name));
  CUSTODY_RETURN_IF_ERROR(OptionalString(value, "uri", where, &rd.uri));
  CUSTODY_RETURN_IF_ERROR(OptionalString(value, "downloadLocation", where, &rd.download_location));
  CUSTODY_RETURN_IF_ERROR(OptionalString(value, "mediaType", where, &rd.media_type));

  auto digest = value.find("digest");
  if (digest != value.end()) {
    if (!digest->is_object() || digest->empty()) {
      return Invalid(where + ".digest", kDigestRule);
    }
    for (const auto& [algorithm, v] : digest->items()) {
      const std::string field = where + ".digest." + algorithm;
      if (algorithm.empty()) return Invalid(where + ".digest", "algorithm name must not be empty");
      if (!v.is_string()) {
        return Invalid(field, std::string("must be a string, not ") + JsonTypeName(v));
      }
      const std::string& hex = v.get_ref<const std::string&>();
      CUSTODY_RETURN_IF_ERROR(CheckDigestValue(algorithm, hex, field));
      rd.digest.emplace(algorithm, hex);
    }
  }

  auto content = value.find("content");
  if (content != value.end()) {
    if (!content->is_string()) {
      return Invalid(where + ".content",
                     std::string("must be a base64 string, not ") + JsonTypeName(*content));
    }
    Result<std::string> bytes = Base64Decode(content->get_ref<const std::string&>());
    if (!bytes.ok()) {
      return Invalid(where + ".content", "not base64 (" + bytes.status().message() + ")");
    }
    rd.content = std::move(bytes).value();
  }

  auto annotations = value.find("annotations");
  if (annotations != value.end()) {
    if (!annotations->is_object()) {
      return Invalid(where + ".annotations",
                     std::string("must be an object, not ") + JsonTypeName(*annotations));
    }
    rd.annotations = *annotations;
  }

  // "content" may legitimately decode to zero bytes, so presence is judged
  // on the JSON, not on the decoded value.
  if (rd.uri.empty() && rd.digest.empty() && content == value.end()) {
    return Invalid(where, "must set at least one of uri, digest, content");
  }
  return rd;
}

std::string SerializeStatement(const Statement& statement) {
  // nlohmann::json keeps object keys in a std::map, so dump() is sorted and
  // deterministic; "replace" keeps dump() from throwing on invalid UTF-8.
  json j = json::object();
  j["_type"] = kStatementType;
  json subjects = json::array();
  for (const ResourceDescriptor& rd : statement.subject) {
    subjects.push_back(ResourceDescriptorToJson(rd));
  }
  j["subject"] = std::move(subjects);
  j["predicateType"] = statement.predicate_type;
  if (!statement.predicate.is_null()) j["predicate"] = statement.predicate;
  return j.dump(-1, ' ', false, json::error_handler_t::replace);
}

Result<Statement> ParseStatement(std::string_view text) {
  CUSTODY_ASSIGN_OR_RETURN(json doc, internal::ParseBoundedJson(text, "statement"));
  Result<Statement> st = StatementFromJson(doc);
  if (!st.ok()) return st.status().WithPrefix("statement");
  return st;
}

}  // namespace custody
