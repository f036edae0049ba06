// Status and Result<T>: the error model of the whole library.
//
// Every fallible call returns a [[nodiscard]] Status or Result<T>. The library
// never throws and never prints; a front end prints Status::ToString() once
// and maps Code to an exit status. Messages read "<subject>: <problem> (<hint>)".
//
// Status and Result<T> are plain values: cheap to move, safe to copy, and not
// synchronised (share them across threads only by copy).
#ifndef CUSTODY_STATUS_H_
#define CUSTODY_STATUS_H_

#include <cassert>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <variant>

namespace custody {

// The one small set of error codes (STYLE.md rule 12). Front ends map each to
// an exit code (see docs/formats.md, "Exit codes").
enum class Code {
  kOk = 0,
  kNotFound,
  kInvalidArgument,
  kCorruption,
  kIOError,
  kPermissionDenied,
  kUnavailable,
  kInternal,
};

class [[nodiscard]] Status {
 public:
  // An OK status. Carries no message.
  Status() = default;

  static Status OK() { return Status(); }
  // Each factory builds "<subject>: <detail>", or just <detail> when subject
  // is empty.
  static Status NotFound(std::string_view subject, std::string_view detail) {
    return Status(Code::kNotFound, subject, detail);
  }
  static Status InvalidArgument(std::string_view subject,
                                std::string_view detail) {
    return Status(Code::kInvalidArgument, subject, detail);
  }
  static Status Corruption(std::string_view subject, std::string_view detail) {
    return Status(Code::kCorruption, subject, detail);
  }
  static Status IOError(std::string_view subject, std::string_view detail) {
    return Status(Code::kIOError, subject, detail);
  }
  static Status PermissionDenied(std::string_view subject,
                                 std::string_view detail) {
    return Status(Code::kPermissionDenied, subject, detail);
  }
  static Status Unavailable(std::string_view subject, std::string_view detail) {
    return Status(Code::kUnavailable, subject, detail);
  }
  static Status Internal(std::string_view subject, std::string_view detail) {
    return Status(Code::kInternal, subject, detail);
  }

  bool ok() const { return code_ == Code::kOk; }
  Code code() const { return code_; }
  // The message without the code name; empty for OK.
  const std::string& message() const { return message_; }
  // "OK", or the message (the code is implied by the exit status; front ends
  // print only this).
  std::string ToString() const { return ok() ? "OK" : message_; }

  // Returns a copy whose message is "<prefix>: <message>", keeping the code.
  // Used to add outer context, e.g. the file a parse error came from.
  Status WithPrefix(std::string_view prefix) const {
    if (ok()) return *this;
    Status s = *this;
    s.message_ = std::string(prefix) + ": " + message_;
    return s;
  }

 private:
  Status(Code code, std::string_view subject, std::string_view detail)
      : code_(code) {
    if (!subject.empty()) {
      message_.assign(subject);
      message_ += ": ";
    }
    message_ += detail;
  }

  Code code_ = Code::kOk;
  std::string message_;
};

// Result<T> holds either a T or a non-OK Status (the StatusOr of abseil;
// std::expected is C++23). Accessing value() of an error Result is a
// programmer error and asserts.
template <typename T>
class [[nodiscard]] Result {
 public:
  Result(T value) : v_(std::move(value)) {}  // NOLINT: implicit by design
  Result(Status status) : v_(std::move(status)) {  // NOLINT
    assert(!std::get<Status>(v_).ok() && "Result built from an OK Status");
  }

  bool ok() const { return std::holds_alternative<T>(v_); }
  // OK when a value is held; the error otherwise.
  Status status() const { return ok() ? Status::OK() : std::get<Status>(v_); }

  T& value() & {
    assert(ok());
    return std::get<T>(v_);
  }
  const T& value() const& {
    assert(ok());
    return std::get<T>(v_);
  }
  T&& value() && {
    assert(ok());
    return std::get<T>(std::move(v_));
  }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }
  T& operator*() & { return value(); }
  const T& operator*() const& { return value(); }

 private:
  std::variant<T, Status> v_;
};

}  // namespace custody

#define CUSTODY_CONCAT_INNER_(a, b) a##b
#define CUSTODY_CONCAT_(a, b) CUSTODY_CONCAT_INNER_(a, b)

// Returns the Status of `expr` from the enclosing function when it is not OK.
#define CUSTODY_RETURN_IF_ERROR(expr)               \
  do {                                              \
    ::custody::Status custody_status_ = (expr);     \
    if (!custody_status_.ok()) return custody_status_; \
  } while (0)

// Evaluates `rexpr` (a Result<T>); on error returns its Status, otherwise
// moves the value into `lhs` (which may be a declaration).
#define CUSTODY_ASSIGN_OR_RETURN(lhs, rexpr) \
  CUSTODY_ASSIGN_OR_RETURN_IMPL_(CUSTODY_CONCAT_(custody_result_, __LINE__), lhs, rexpr)
#define CUSTODY_ASSIGN_OR_RETURN_IMPL_(tmp, lhs, rexpr) \
  auto tmp = (rexpr);                                   \
  if (!tmp.ok()) return tmp.status();                   \
  lhs = std::move(tmp).value()

#endif  // CUSTODY_STATUS_H_
