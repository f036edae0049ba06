// Test helpers shared by the unit tests: Status assertions that print the
// message, and a temporary directory removed on scope exit (only git adapter
// and other real-IO tests may use it; the rest run on NewMemEnv()).
#ifndef CUSTODY_COMMON_TEST_UTIL_H_
#define CUSTODY_COMMON_TEST_UTIL_H_

#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <string>

#include "custody/status.h"

namespace custody::testing {

inline ::testing::AssertionResult IsOk(const Status& s) {
  if (s.ok()) return ::testing::AssertionSuccess();
  return ::testing::AssertionFailure() << s.ToString();
}
template <typename T>
::testing::AssertionResult IsOk(const Result<T>& r) {
  return IsOk(r.status());
}

// A fresh directory under $TMPDIR (or /tmp), removed with its contents when
// the object is destroyed.
class ScopedTempDir {
 public:
  ScopedTempDir() {
    const char* base = std::getenv("TMPDIR");
    std::string tmpl = std::string(base && *base ? base : "/tmp") + "/custody-test-XXXXXX";
    char* made = mkdtemp(tmpl.data());
    if (made != nullptr) path_ = made;
  }
  ~ScopedTempDir() {
    std::error_code ec;
    if (!path_.empty()) std::filesystem::remove_all(path_, ec);
  }
  ScopedTempDir(const ScopedTempDir&) = delete;
  ScopedTempDir& operator=(const ScopedTempDir&) = delete;
  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

}  // namespace custody::testing

#define ASSERT_OK(expr) ASSERT_TRUE(::custody::testing::IsOk(expr))
#define EXPECT_OK(expr) EXPECT_TRUE(::custody::testing::IsOk(expr))

#endif  // CUSTODY_COMMON_TEST_UTIL_H_
