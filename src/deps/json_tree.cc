#include "deps/json_tree.h"

#include <cstring>

namespace custody::deps {
namespace {

constexpr int kMaxDepth = 200;

class Parser {
 public:
  Parser(std::string_view text, std::string_view file) : s_(text), file_(file) {}

  Result<JsonValue> Run() {
    JsonValue root;
    SkipSpace();
    if (!Value(&root, 0)) return Error();
    SkipSpace();
    if (p_ != s_.size()) {
      Fail("unexpected text after the JSON value");
      return Error();
    }
    return root;
  }

 private:
  Status Error() const {
    return Status::InvalidArgument(
        std::string(file_) + ":" + std::to_string(err_line_) + ":" + std::to_string(err_col_),
        err_);
  }
  bool Fail(const char* what) {
    if (err_.empty()) {
      err_ = what;
      err_line_ = line_;
      err_col_ = static_cast<uint32_t>(p_ - line_start_ + 1);
    }
    return false;
  }
  void SkipSpace() {
    while (p_ < s_.size()) {
      char c = s_[p_];
      if (c == '\n') {
        ++line_;
        line_start_ = ++p_;
      } else if (c == ' ' || c == '\t' || c == '\r') {
        ++p_;
      } else {
        break;
      }
    }
  }
  bool Literal(const char* word) {
    size_t n = std::strlen(word);
    if (s_.substr(p_, n) != word) return Fail("invalid literal");
    p_ += n;
    return true;
  }

  bool Value(JsonValue* v, int depth) {
    if (p_ >= s_.size()) return Fail("unexpected end of input");
    v->line = line_;
    char c = s_[p_];
    switch (c) {
      case '{': return Object(v, depth);
      case '[': return Array(v, depth);
      case '"': v->type = JsonValue::Type::kString; return String(&v->str);
      case 't': v->type = JsonValue::Type::kBool; v->boolean = true; return Literal("true");
      case 'f': v->type = JsonValue::Type::kBool; return Literal("false");
      case 'n': return Literal("null");
      default:
        if (c == '-' || (c >= '0' && c <= '9')) return Number(v);
        return Fail("expected a JSON value");
    }
  }

  bool Number(JsonValue* v) {
    size_t start = p_;
    if (s_[p_] == '-') ++p_;
    auto digits = [&] {
      size_t b = p_;
      while (p_ < s_.size() && s_[p_] >= '0' && s_[p_] <= '9') ++p_;
      return p_ > b;
    };
    if (p_ < s_.size() && s_[p_] == '0') {
      ++p_;
    } else if (!digits()) {
      return Fail("invalid number");
    }
    if (p_ < s_.size() && s_[p_] == '.') {
      ++p_;
      if (!digits()) return Fail("invalid number");
    }
    if (p_ < s_.size() && (s_[p_] == 'e' || s_[p_] == 'E')) {
      ++p_;
      if (p_ < s_.size() && (s_[p_] == '+' || s_[p_] == '-')) ++p_;
      if (!digits()) return Fail("invalid number");
    }
    v->type = JsonValue::Type::kNumber;
    v->str.assign(s_.substr(start, p_ - start));
    return true;
  }

  static int Hex(char c) {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
  }
  bool Hex4(uint32_t* out) {
    if (p_ + 4 > s_.size()) return Fail("truncated \\u escape");
    uint32_t v = 0;
    for (int i = 0; i < 4; ++i) {
      int h = Hex(s_[p_ + i]);
      if (h < 0) return Fail("invalid \\u escape");
      v = v * 16 + static_cast<uint32_t>(h);
    }
    p_ += 4;
    *out = v;
    return true;
  }
  static void Utf8(uint32_t cp, std::string* out) {
    if (cp < 0x80) {
      out->push_back(static_cast<char>(cp));
    } else if (cp < 0x800) {
      out->push_back(static_cast<char>(0xC0 | (cp >> 6)));
      out->push_back(static_cast<char>(0x80 | (cp & 0x3F)));
    } else if (cp < 0x10000) {
      out->push_back(static_cast<char>(0xE0 | (cp >> 12)));
      out->push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
      out->push_back(static_cast<char>(0x80 | (cp & 0x3F)));
    } else {
      out->push_back(static_cast<char>(0xF0 | (cp >> 18)));
      out->push_back(static_cast<char>(0x80 | ((cp >> 12) & 0x3F)));
      out->push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
      out->push_back(static_cast<char>(0x80 | (cp & 0x3F)));
    }
  }

  bool String(std::string* out) {
    ++p_;  // opening quote
    // Fast path: copy runs without escapes in one go.
    while (true) {
      size_t run = p_;
      while (p_ < s_.size() && s_[p_] != '"' && s_[p_] != '\\' &&
             static_cast<unsigned char>(s_[p_]) >= 0x20) {
        ++p_;
      }
      out->append(s_.data() + run, p_ - run);
      if (p_ >= s_.size()) return Fail("unterminated string");
      char c = s_[p_];
      if (c == '"') {
        ++p_;
        return true;
      }
      if (c != '\\') return Fail("control character in string");
      ++p_;
      if (p_ >= s_.size()) return Fail("unterminated string");
      char e = s_[p_++];
      switch (e) {
        case '"': out->push_back('"'); break;
        case '\\': out->push_back('\\'); break;
        case '/': out->push_back('/'); break;
        case 'b': out->push_back('\b'); break;
        case 'f': out->push_back('\f'); break;
        case 'n': out->push_back('\n'); break;
        case 'r': out->push_back('\r'); break;
        case 't': out->push_back('\t'); break;
        case 'u': {
          uint32_t cp;
          if (!Hex4(&cp)) return false;
          if (cp >= 0xD800 && cp <= 0xDBFF) {
            uint32_t lo;
            if (s_.substr(p_, 2) != "\\u") return Fail("unpaired surrogate");
            p_ += 2;
            if (!Hex4(&lo)) return false;
            if (lo < 0xDC00 || lo > 0xDFFF) return Fail("unpaired surrogate");
            cp = 0x10000 + ((cp - 0xD800) << 10) + (lo - 0xDC00);
          } else if (cp >= 0xDC00 && cp <= 0xDFFF) {
            return Fail("unpaired surrogate");
          }
          Utf8(cp, out);
          break;
        }
        default:
          --p_;
          return Fail("invalid escape in string");
      }
    }
  }

  bool Array(JsonValue* v, int depth) {
    if (depth >= kMaxDepth) return Fail("nesting too deep");
    v->type = JsonValue::Type::kArray;
    ++p_;
    SkipSpace();
    if (p_ < s_.size() && s_[p_] == ']') {
      ++p_;
      return true;
    }
    while (true) {
      SkipSpace();
      v->items.emplace_back();
      if (!Value(&v->items.back(), depth + 1)) return false;
      SkipSpace();
      if (p_ >= s_.size()) return Fail("unterminated array");
      if (s_[p_] == ',') {
        ++p_;
        continue;
      }
      if (s_[p_] == ']') {
        ++p_;
        return true;
      }
      return Fail("expected ',' or ']'");
    }
  }

  bool Object(JsonValue* v, int depth) {
    if (depth >= kMaxDepth) return Fail("nesting too deep");
    v->type = JsonValue::Type::kObject;
    ++p_;
    SkipSpace();
    if (p_ < s_.size() && s_[p_] == '}') {
      ++p_;
      return true;
    }
    while (true) {
      SkipSpace();
      if (p_ >= s_.size() || s_[p_] != '"') return Fail("expected a string key");
      v->members.emplace_back();
      auto& m = v->members.back();
      uint32_t key_line = line_;
      if (!String(&m.first)) return false;
      SkipSpace();
      if (p_ >= s_.size() || s_[p_] != ':') return Fail("expected ':'");
      ++p_;
      SkipSpace();
      if (!Value(&m.second, depth + 1)) return false;
      // A member is reported where its key is.
      m.second.line = key_line;
      SkipSpace();
      if (p_ >= s_.size()) return Fail("unterminated object");
      if (s_[p_] == ',') {
        ++p_;
        continue;
      }
      if (s_[p_] == '}') {
        ++p_;
        return true;
      }
      return Fail("expected ',' or '}'");
    }
  }

  std::string_view s_;
  std::string_view file_;
  size_t p_ = 0;
  uint32_t line_ = 1;
  size_t line_start_ = 0;
  std::string err_;
  uint32_t err_line_ = 0, err_col_ = 0;
};

}  // namespace

const JsonValue* JsonValue::Find(std::string_view key) const {
  if (type != Type::kObject) return nullptr;
  for (const auto& [k, v] : members) {
    if (k == key) return &v;
  }
  return nullptr;
}

std::string_view JsonValue::GetString(std::string_view key) const {
  const JsonValue* v = Find(key);
  return v != nullptr && v->is_string() ? std::string_view(v->str) : std::string_view();
}

bool JsonValue::GetBool(std::string_view key) const {
  const JsonValue* v = Find(key);
  return v != nullptr && v->type == Type::kBool && v->boolean;
}

Result<JsonValue> ParseJsonTree(std::string_view text, std::string_view file) {
  // A UTF-8 byte order mark is tolerated (Windows editors write one).
  if (text.substr(0, 3) == "\xEF\xBB\xBF") text.remove_prefix(3);
  return Parser(text, file).Run();
}

}  // namespace custody::deps
