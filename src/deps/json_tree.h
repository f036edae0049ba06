// A small JSON reader that remembers the line of every value, for lockfile
// parsers that must report file:line (nlohmann's DOM keeps no positions).
// Strict RFC 8259 (no comments, no trailing commas); nesting is capped so
// hostile input cannot exhaust the stack. Internal to src/deps.
#ifndef CUSTODY_DEPS_JSON_TREE_H_
#define CUSTODY_DEPS_JSON_TREE_H_

#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "custody/status.h"

namespace custody::deps {

struct JsonMember;

struct JsonValue {
  enum class Type : uint8_t { kNull, kBool, kNumber, kString, kArray, kObject };
  Type type = Type::kNull;
  bool boolean = false;
  uint32_t line = 0;   // 1-based line where the value starts
  std::string str;     // kString: decoded text; kNumber: the literal
  std::vector<JsonValue> items;                            // kArray
  std::vector<JsonMember> members;  // kObject, in order

  bool is_object() const { return type == Type::kObject; }
  bool is_array() const { return type == Type::kArray; }
  bool is_string() const { return type == Type::kString; }
  // The first member named `key` of an object, or nullptr.
  const JsonValue* Find(std::string_view key) const;
  // The member's string value, or "" when absent or not a string.
  std::string_view GetString(std::string_view key) const;
  // True when the member is the literal true.
  bool GetBool(std::string_view key) const;
};

// One member of an object (a struct, not std::pair: a pair of an
// incomplete type may not be instantiated).
struct JsonMember {
  std::string first;  // the key
  JsonValue second;
};

// Parses `text`. InvalidArgument "FILE:LINE:COL: problem" on malformed
// input, with `file` as given.
Result<JsonValue> ParseJsonTree(std::string_view text, std::string_view file);

}  // namespace custody::deps

#endif  // CUSTODY_DEPS_JSON_TREE_H_
