#include "common/lazy_lib.h"

#include <gtest/gtest.h>

#include <cstring>

namespace custody {
namespace {

TEST(LazyLibTest, MissingLibraryIsUnavailableAndNamed) {
  auto h = OpenSharedLibrary("libcustody-no-such-library.so.7");
  ASSERT_FALSE(h.ok());
  EXPECT_EQ(h.status().code(), Code::kUnavailable);
  EXPECT_NE(h.status().message().find("libcustody-no-such-library.so.7: cannot be loaded"), std::string::npos)
      << h.status().message();
}

TEST(LazyLibTest, FunctionsOfTheDeclaredType) {
  // libc is always there: resolve a function through its declared type.
  auto h = OpenSharedLibrary("libc.so.6");
  ASSERT_TRUE(h.ok()) << h.status().ToString();
  Status st;
  auto len = LibraryFunction<decltype(&::strlen)>(*h, "libc.so.6", "strlen", &st);
  ASSERT_TRUE(st.ok()) << st.ToString();
  ASSERT_NE(len, nullptr);
  EXPECT_EQ(len("custody"), 7u);
  auto none = LibraryFunction<decltype(&::strlen)>(*h, "libc.so.6", "custody_no_such_function", &st);
  EXPECT_EQ(none, nullptr);
  EXPECT_EQ(st.code(), Code::kUnavailable);
  EXPECT_NE(st.message().find("libc.so.6: has no function custody_no_such_function"), std::string::npos)
      << st.message();
  // The first failure is kept: a second missing symbol does not overwrite it.
  (void)LibraryFunction<decltype(&::strlen)>(*h, "libc.so.6", "another_missing", &st);
  EXPECT_NE(st.message().find("custody_no_such_function"), std::string::npos);
}

struct LibcApi {
  decltype(&::strlen) strlen_fn = nullptr;
};

TEST(LazyLibTest, LoadLibraryApiAnswersOnceForEachCallSite) {
  // Static: the answer outlives the test (and --gtest_repeat runs it again).
  static int resolved = 0;
  auto load = [] {
    return LoadLibraryApi<LibcApi>("libc.so.6", [](void* h, LibcApi* a, Status* st) {
      ++resolved;
      a->strlen_fn = LibraryFunction<decltype(a->strlen_fn)>(h, "libc.so.6", "strlen", st);
    });
  };
  auto first = load();
  ASSERT_TRUE(first.ok()) << first.status().ToString();
  EXPECT_EQ((*first)->strlen_fn("abc"), 3u);
  auto again = load();
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(*first, *again);
  EXPECT_EQ(resolved, 1);
  auto missing = [] {
    return LoadLibraryApi<LibcApi>("libcustody-no-such-library.so.7", [](void*, LibcApi*, Status*) {});
  };
  EXPECT_EQ(missing().status().code(), Code::kUnavailable);
  EXPECT_EQ(missing().status().message(), missing().status().message());
}

}  // namespace
}  // namespace custody
