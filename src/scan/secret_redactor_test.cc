// The scanner-backed prompt redactor: real default rules, real prompts.
#include "custody/secret_redactor.h"

#include <gtest/gtest.h>

#include <string>

#include "common/test_util.h"

namespace custody {
namespace {

// Compiling the secret rules takes seconds; do it once for the suite.
const Redactor& SharedRedactor() {
  static const std::unique_ptr<Redactor> r = [] {
    auto made = NewSecretScannerRedactor("");
    EXPECT_OK(made);
    return made.ok() ? std::move(made).value() : NewBuiltinRedactor();
  }();
  return *r;
}

// Synthetic credentials in real provider formats, assembled at run time so
// no complete token sits in the source.
const std::string kAnthropic = std::string("sk-ant-api03-") +
                               "4R9V2vE7ZagcLq3N9E02nxr7zmZo6EDRPUNGmTuY_T17LFYAN-4L-FldMQpSp" +
                               "rufkruAq_DDaZCxp2bqlhp6mKnYSl45iAA";
const std::string kGithub = std::string("ghp_") + "8vQq2Lr0aXk3Nw5TzY7mB1cD4eF6gH9jK2lP";
const std::string kStripe = std::string("sk_live_") + "51HcKq2LmN8pQ4rS6tU9vW1xY3zA5bC7d";
const std::string kDbPassword = "Tr0ub4dor-and-3";
const std::string kPem = std::string("-----BEGIN ") + "RSA PRIVATE KEY-----\n" +
                         "MIIEowIBAAKCAQEAu1SU1LfVLPHCozMxH2Mo4lgOEePzNm0tRgeLezV6ffAt0gun\n" +
                         "VTLw7onLRnrq0/IzW7yWR7QkrmBL7jTKEn5u+qKhbwKfBstIs+bMY2Zkp18gnTxK\n" +
                         "-----END RSA " + "PRIVATE KEY-----";

TEST(SecretRedactorTest, RemovesEverySecretAndKeepsTheRest) {
  std::string prompt =
      "Wire the client: anthropic.Anthropic(api_key=\"" + kAnthropic + "\")\n" +
      "and push with token " + kGithub + " please.\n" +
      "STRIPE_KEY=" + kStripe + "\n" +
      "DATABASE_URL=postgres://app:" + kDbPassword + "@db.internal:5432/app\n" + kPem +
      "\nThen add tests for the password reset flow.";
  std::string out = SharedRedactor().Redact(prompt);
  for (const std::string& secret : {kAnthropic, kGithub, kStripe, kDbPassword}) {
    EXPECT_EQ(out.find(secret), std::string::npos) << secret.substr(0, 8) << " left in: " << out;
  }
  EXPECT_EQ(out.find("MIIEowIBAAKCAQEA"), std::string::npos) << out;
  EXPECT_NE(out.find("[REDACTED:github-pat]"), std::string::npos) << out;
  EXPECT_NE(out.find("[REDACTED:private-key]"), std::string::npos) << out;
  EXPECT_NE(out.find("Wire the client: anthropic.Anthropic(api_key="), std::string::npos);
  EXPECT_NE(out.find("Then add tests for the password reset flow."), std::string::npos);
  EXPECT_NE(out.find("@db.internal:5432/app"), std::string::npos) << out;
}

TEST(SecretRedactorTest, TextWithoutSecretsIsUnchanged) {
  std::string prompt =
      "Refactor src/reset.py to use bcrypt with a cost of 12 and require passwords of 12+\n"
      "characters. Keep the public API; add a test for the expiry of reset tokens.";
  EXPECT_EQ(SharedRedactor().Redact(prompt), prompt);
  EXPECT_EQ(SharedRedactor().Redact(""), "");
}

TEST(SecretRedactorTest, FindsSecretsTheBuiltinShapesMiss) {
  // A database URL's password has none of the built-in redactor's shapes
  // (sk-, ghp_, AKIA, xox, JWT, PEM, key=value, long high-entropy runs).
  std::string prompt = "connect to postgres://app:" + kDbPassword + "@db.internal/app first";
  EXPECT_NE(NewBuiltinRedactor()->Redact(prompt).find(kDbPassword), std::string::npos)
      << "the built-in redactor now catches it; pick a format it misses";
  std::string out = SharedRedactor().Redact(prompt);
  EXPECT_EQ(out.find(kDbPassword), std::string::npos) << out;
  EXPECT_EQ(out.substr(0, 26), "connect to postgres://app:");
}

TEST(SecretRedactorTest, ManyOccurrencesAreAllRemoved) {
  std::string prompt;
  for (int i = 0; i < 300; ++i) prompt += "token " + kGithub + "\n";
  std::string out = SharedRedactor().Redact(prompt);
  EXPECT_EQ(out.find(kGithub), std::string::npos);
}

}  // namespace
}  // namespace custody
