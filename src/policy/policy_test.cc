#include "custody/policy.h"

#include <gtest/gtest.h>

#include "common/test_util.h"

namespace custody {
namespace {

TEST(PolicyTest, TemplateParses) {
  auto p = ParsePolicy(PolicyTemplate("demo"), ".custody/policy.toml");
  ASSERT_OK(p);
  EXPECT_EQ(p->project_name, "demo");
  EXPECT_EQ(p->prompt_storage, "digest");
  EXPECT_EQ(p->sha256.size(), 64u);
}

TEST(PolicyTest, NotTomlNamesFileLineAndColumn) {
  auto p = ParsePolicy("[project]\nname = \"x\"\nthis is not toml\n", "p.toml");
  ASSERT_FALSE(p.ok());
  EXPECT_EQ(p.status().code(), Code::kInvalidArgument);
  EXPECT_EQ(p.status().message().rfind("p.toml:3:", 0), 0u) << p.status().message();
}

TEST(PolicyTest, BadPromptStorageIsRejected) {
  auto p = ParsePolicy("[prompts]\nstorage = \"everything\"\n", "p.toml");
  ASSERT_FALSE(p.ok());
  EXPECT_EQ(p.status().message().rfind("p.toml:2:", 0), 0u) << p.status().message();
  auto q = ParsePolicy("[prompts]\nstorage = \"full\"\n", "p.toml");
  ASSERT_OK(q);
  EXPECT_EQ(q->prompt_storage, "full");
}

TEST(PolicyTest, MissingFileIsNotFound) {
  auto env = NewMemEnv();
  EXPECT_EQ(LoadPolicy(*env, "/x/policy.toml").status().code(), Code::kNotFound);
}

TEST(PolicyTest, EgressAllowDomainsAndScanIgnorePaths) {
  auto p = ParsePolicy("[egress]\nallow_domains = [\"api.example.com\", \"internal.test\"]\n"
                       "[scan]\nignore_paths = [\"vendor/\"]\n",
                       "policy.toml");
  ASSERT_OK(p);
  EXPECT_EQ(p->egress_allow_domains, (std::vector<std::string>{"api.example.com", "internal.test"}));
  EXPECT_EQ(p->scan_ignore_paths, (std::vector<std::string>{"vendor/"}));
  auto bad = ParsePolicy("[egress]\nallow_domains = [1]\n", "policy.toml");
  ASSERT_FALSE(bad.ok());
  EXPECT_NE(bad.status().message().find("policy.toml:2:"), std::string::npos) << bad.status().message();
}

}  // namespace
}  // namespace custody
