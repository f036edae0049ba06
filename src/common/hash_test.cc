#include "custody/hash.h"

#include <gtest/gtest.h>

#include "custody/encoding.h"

namespace custody {
namespace {

// FIPS 180-2 examples.
TEST(HashTest, Sha256KnownAnswers) {
  EXPECT_EQ(Sha256Hex(""), "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  EXPECT_EQ(Sha256Hex("abc"), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
}

TEST(HashTest, StreamingMatchesOneShot) {
  Sha256Hasher h;
  h.Update("ab");
  h.Update("c");
  EXPECT_EQ(DigestHex(h.Finish()), Sha256Hex("abc"));
  h.Update("");  // reusable after Finish
  EXPECT_EQ(DigestHex(h.Finish()), Sha256Hex(""));
}

// RFC 4231 test case 2.
TEST(HashTest, HmacRfc4231) {
  EXPECT_EQ(DigestHex(HmacSha256("Jefe", "what do ya want for nothing?")),
            "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");
}

TEST(HashTest, Fnv1a64KnownValues) {
  EXPECT_EQ(Fnv1a64(""), 1469598103934665603ull);  // the offset basis
  EXPECT_EQ(Fnv1a64("a"), (1469598103934665603ull ^ 'a') * 1099511628211ull);
  EXPECT_EQ(Fnv1a64("Lodash", true), Fnv1a64("lodash"));
  EXPECT_NE(Fnv1a64("Lodash"), Fnv1a64("lodash"));
}

}  // namespace
}  // namespace custody
