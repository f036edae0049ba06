#include "custody/encoding.h"

#include <gtest/gtest.h>

#include <random>

#include "common/test_util.h"

namespace custody {
namespace {

TEST(EncodingTest, HexRoundTrip) {
  EXPECT_EQ(HexEncode(std::string("\x00\xff\x10", 3)), "00ff10");
  auto d = HexDecode("00FF10");
  ASSERT_OK(d);
  EXPECT_EQ(*d, std::string("\x00\xff\x10", 3));
}

TEST(EncodingTest, HexRejectsBadInput) {
  EXPECT_FALSE(HexDecode("abc").ok());
  auto r = HexDecode("zz");
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.status().message().find("offset 0"), std::string::npos);
}

// RFC 4648 §10 test vectors.
TEST(EncodingTest, Base64Rfc4648Vectors) {
  const std::pair<const char*, const char*> kCases[] = {
      {"", ""},         {"f", "Zg=="},         {"fo", "Zm8="},         {"foo", "Zm9v"},
      {"foob", "Zm9vYg=="}, {"fooba", "Zm9vYmE="}, {"foobar", "Zm9vYmFy"}};
  for (auto& [plain, enc] : kCases) {
    EXPECT_EQ(Base64Encode(plain), enc);
    auto d = Base64Decode(enc);
    ASSERT_OK(d);
    EXPECT_EQ(*d, plain);
  }
}

TEST(EncodingTest, Base64AcceptsUrlSafeAndUnpadded) {
  std::string bytes("\xfb\xff\xbf", 3);
  EXPECT_EQ(Base64Encode(bytes), "+/+/");
  EXPECT_EQ(Base64UrlEncode(bytes), "-_-_");
  auto a = Base64Decode("-_-_");
  ASSERT_OK(a);
  EXPECT_EQ(*a, bytes);
  auto b = Base64Decode("Zm8");
  ASSERT_OK(b);
  EXPECT_EQ(*b, "fo");
}

TEST(EncodingTest, Base64RejectsGarbage) {
  EXPECT_FALSE(Base64Decode("Zm9v!").ok());
  EXPECT_FALSE(Base64Decode("Z").ok());
  EXPECT_FALSE(Base64Decode("Zm9=").ok());      // non-zero trailing bits
  EXPECT_FALSE(Base64Decode("Zg= ").ok());      // whitespace
  EXPECT_FALSE(Base64Decode("Zm8=Zm8=").ok());  // padding in the middle
}

TEST(EncodingTest, Base64RandomRoundTrip) {
  std::mt19937 rng(42);
  for (int len = 0; len < 200; ++len) {
    std::string s(len, '\0');
    for (auto& c : s) c = static_cast<char>(rng());
    auto d = Base64Decode(Base64Encode(s));
    ASSERT_OK(d);
    EXPECT_EQ(*d, s);
    auto u = Base64Decode(Base64UrlEncode(s));
    ASSERT_OK(u);
    EXPECT_EQ(*u, s);
  }
}

TEST(EncodingTest, PercentEncodeKeepsUnreservedAndListed) {
  EXPECT_EQ(PercentEncode("aZ09-._~"), "aZ09-._~");
  EXPECT_EQ(PercentEncode("@types/node"), "%40types%2Fnode");
  EXPECT_EQ(PercentEncode("@types/node", "@/"), "@types/node");
  EXPECT_EQ(PercentEncode("a b+\xff"), "a%20b%2B%FF");
  EXPECT_EQ(PercentEncode(""), "");
}

}  // namespace
}  // namespace custody
