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

}  // namespace
}  // namespace custody
