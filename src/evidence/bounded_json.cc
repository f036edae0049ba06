#include "evidence/bounded_json.h"

#include <string>
#include <utility>
#include <vector>

namespace custody::internal {
namespace {

using nlohmann::json;

// Builds the DOM like nlohmann's json_sax_dom_parser, but stops (returns
// false, so sax_parse returns without throwing) on the first duplicate key
// or on nesting deeper than kMaxJsonDepth, and remembers why.
class BoundedDomBuilder {
 public:
  explicit BoundedDomBuilder(json* root) : root_(root) {}

  bool null() { return Put(nullptr) != nullptr; }
  bool boolean(bool v) { return Put(v) != nullptr; }
  bool number_integer(json::number_integer_t v) { return Put(v) != nullptr; }
  bool number_unsigned(json::number_unsigned_t v) { return Put(v) != nullptr; }
  bool number_float(json::number_float_t v, const json::string_t& /*text*/) {
    return Put(v) != nullptr;
  }
  bool string(json::string_t& v) { return Put(std::move(v)) != nullptr; }
  bool binary(json::binary_t& v) { return Put(json::binary(std::move(v))) != nullptr; }

  bool start_object(std::size_t /*n*/) { return Open(json::object()); }
  bool start_array(std::size_t /*n*/) { return Open(json::array()); }
  bool end_object() { return Close(); }
  bool end_array() { return Close(); }

  bool key(json::string_t& k) {
    json::object_t& obj = *stack_.back()->get_ptr<json::object_t*>();
    auto [it, inserted] = obj.try_emplace(k, nullptr);
    if (!inserted) {
      error_ = "duplicate key " + QuoteForMessage(k);
      return false;
    }
    slot_ = &it->second;
    return true;
  }

  bool parse_error(std::size_t /*position*/, const std::string& /*last_token*/,
                   const nlohmann::detail::exception& ex) {
    // what() reads "[json.exception.parse_error.101] parse error at line
    // 1, column 2: ..."; the bracketed id means nothing to users.
    std::string what = ex.what();
    size_t close = what.find("] ");
    if (close != std::string::npos) what.erase(0, close + 2);
    // The message quotes the input ("last read: ..."), which is untrusted:
    // keep it printable ASCII so it cannot carry terminal escapes or bidi
    // controls into a user's terminal.
    for (char& c : what) {
      unsigned char u = static_cast<unsigned char>(c);
      if (u < 0x20 || u > 0x7e) c = '?';
    }
    error_ = std::move(what);
    return false;
  }

  const std::string& error() const { return error_; }

 private:
  // Stores `v` where the parser is: the root, the next array element or the
  // slot the last key() made. Returns where it went.
  json* Put(json v) {
    if (stack_.empty()) {
      *root_ = std::move(v);
      return root_;
    }
    json* parent = stack_.back();
    if (parent->is_array()) {
      parent->get_ptr<json::array_t*>()->push_back(std::move(v));
      return &parent->get_ptr<json::array_t*>()->back();
    }
    *slot_ = std::move(v);
    return slot_;
  }

  bool Open(json container) {
    if (stack_.size() >= kMaxJsonDepth) {
      error_ = "nesting deeper than " + std::to_string(kMaxJsonDepth);
      return false;
    }
    // Pointers on the stack stay valid: only the innermost open container
    // grows, and its parents' element storage is not touched meanwhile.
    stack_.push_back(Put(std::move(container)));
    return true;
  }

  bool Close() {
    stack_.pop_back();
    return true;
  }

  json* root_;
  std::vector<json*> stack_;
  json* slot_ = nullptr;
  std::string error_;
};

}  // namespace

Result<nlohmann::json> ParseBoundedJson(std::string_view text, std::string_view subject) {
  if (text.size() > kMaxJsonBytes) {
    return Status::InvalidArgument(
        subject, "larger than 16 MiB (" + std::to_string(text.size()) + " bytes)");
  }
  json root;
  BoundedDomBuilder builder(&root);
  bool ok = json::sax_parse(text.data(), text.data() + text.size(), &builder,
                            json::input_format_t::json, /*strict=*/true,
                            /*ignore_comments=*/false);
  if (!ok) {
    std::string why = builder.error().empty() ? "malformed" : builder.error();
    return Status::InvalidArgument(subject, "invalid JSON: " + why);
  }
  return root;
}

std::string QuoteForMessage(std::string_view s, size_t max) {
  bool cut = s.size() > max;
  std::string quoted = json(std::string(cut ? s.substr(0, max) : s))
                           .dump(-1, ' ', /*ensure_ascii=*/true, json::error_handler_t::replace);
  if (cut) quoted.insert(quoted.size() - 1, "…");
  return quoted;
}

const char* JsonTypeName(const nlohmann::json& v) {
  // type_name() says "number" for all three number kinds, which is what a
  // user wants to read.
  return v.type_name();
}

}  // namespace custody::internal
