#include "custody/prompt_vault.h"

#include <gtest/gtest.h>

#include "common/test_util.h"

namespace custody {
namespace {

TEST(PromptVaultTest, FullRoundTripAndDigest) {
  auto s = SealPrompt("add password reset", "full", 7);
  ASSERT_OK(s);
  EXPECT_EQ(s->ref.storage, "full");
  EXPECT_EQ(s->record.ciphertext.find("password"), std::string::npos);
  auto text = OpenPrompt(s->record);
  ASSERT_OK(text);
  EXPECT_EQ(*text, "add password reset");
  EXPECT_OK(CheckPromptDigest(s->record, *text, s->ref.digest_sha256));
  EXPECT_FALSE(CheckPromptDigest(s->record, "other", s->ref.digest_sha256).ok());
}

TEST(PromptVaultTest, DigestOnlyKeepsNoText) {
  auto s = SealPrompt("secret plans", "digest", 7);
  ASSERT_OK(s);
  EXPECT_TRUE(s->record.ciphertext.empty());
  EXPECT_EQ(OpenPrompt(s->record).status().code(), Code::kNotFound);
  EXPECT_OK(CheckPromptDigest(s->record, "secret plans", s->ref.digest_sha256));
}

TEST(PromptVaultTest, TamperedCiphertextFailsAuthentication) {
  auto s = SealPrompt("x", "full", 7);
  ASSERT_OK(s);
  StoredPrompt r = s->record;
  r.ciphertext[0] ^= 1;
  EXPECT_EQ(OpenPrompt(r).status().code(), Code::kCorruption);
  r = s->record;
  r.ref = "0000";  // moved to another record
  EXPECT_EQ(OpenPrompt(r).status().code(), Code::kCorruption);
}

TEST(PromptVaultTest, ErasedKeyCannotOpen) {
  auto s = SealPrompt("x", "full", 7);
  ASSERT_OK(s);
  StoredPrompt r = s->record;
  r.key.clear();
  r.ciphertext.clear();
  EXPECT_EQ(OpenPrompt(r).status().code(), Code::kNotFound);
}

}  // namespace
}  // namespace custody
