#include <gtest/gtest.h>

#include "custody/scan.h"
#include "scan/scan_internal.h"

namespace custody {
namespace {

TEST(ScanFiltersTest, ShannonEntropy) {
  EXPECT_DOUBLE_EQ(ShannonEntropy(""), 0);
  EXPECT_DOUBLE_EQ(ShannonEntropy("aaaa"), 0);
  EXPECT_DOUBLE_EQ(ShannonEntropy("ab"), 1);
  EXPECT_DOUBLE_EQ(ShannonEntropy("abcd"), 2);
  EXPECT_GT(ShannonEntropy("u8jzPde0IgxLd6GncfBAepfJBd0Kh8oO"), 4.0);
}

TEST(ScanFiltersTest, PlaceholdersAreRecognised) {
  for (const char* p : {"AKIAIOSFODNN7EXAMPLE", "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
                        "xxxxxxxxxxxxxxxxxxxx", "your-api-key", "<token>", "${API_TOKEN}",
                        "{{ secret }}", "os.environ['KEY']", "process.env.KEY", "YOUR_API_KEY",
                        "sk-1234567890abcdef", "changeme123", "abababababab", "$TOKEN",
                        "REPLACE_ME_WITH_KEY", "dummy-token-value"}) {
    EXPECT_TRUE(LooksLikePlaceholder(p)) << p;
  }
  for (const char* real : {"u8jzPde0IgxLd6GncfBAepfJBd0Kh8oO", "AKIAEDN581U33XTPLPFT",
                           "HF4vUCsMehGAkWvj7FAc", "ghp_Xb7LqP2m9ZkRt4VwYc8NsD3fJh6GaQ1eUo5T"}) {
    EXPECT_FALSE(LooksLikePlaceholder(real)) << real;
  }
}

TEST(ScanFiltersTest, InlineAllowMarkers) {
  EXPECT_TRUE(HasInlineAllow("key = 'x'  # custody:allow"));
  EXPECT_TRUE(HasInlineAllow("key = 'x'  // gitleaks:allow"));
  EXPECT_TRUE(HasInlineAllow("key = 'x'  # nosec"));
  EXPECT_TRUE(HasInlineAllow("key = 'x'  # NOSEC B105"));
  EXPECT_TRUE(HasInlineAllow("key = 'x'  # pragma: allowlist secret"));
  EXPECT_FALSE(HasInlineAllow("key = 'x'  # allow"));
}

TEST(ScanFiltersTest, RedactionNeverShowsTheSecret) {
  std::string secret = "tk_live_u8jzPde0IgxLd6GncfBAepfJBd0Kh8oO";
  std::string r = RedactSecret(secret);
  EXPECT_EQ(r, "tk_l…(40 chars)");
  EXPECT_EQ(RedactSecret("short"), "…(5 chars)");
}

TEST(ScanFiltersTest, BinarySniffing) {
  EXPECT_FALSE(LooksBinary("plain text\n"));
  EXPECT_TRUE(LooksBinary(std::string("ab\0cd", 5)));
  std::string late(9000, 'a');
  late[8500] = '\0';
  EXPECT_FALSE(LooksBinary(late));  // git's test looks at 8000 bytes only
}

TEST(ScanFiltersTest, EgressHosts) {
  using scan_internal::HostAllowed;
  using scan_internal::HostOf;
  EXPECT_EQ(HostOf("https://User:pw@API.Example.com:8443/x?y"), "api.example.com");
  EXPECT_EQ(HostOf("//cdn.test/a"), "cdn.test");
  std::vector<std::string> allow = {"example.com", "*.internal.test"};
  EXPECT_TRUE(HostAllowed("https://example.com/a", allow));
  EXPECT_TRUE(HostAllowed("https://api.example.com/a", allow));
  EXPECT_TRUE(HostAllowed("http://x.internal.test", allow));
  EXPECT_FALSE(HostAllowed("https://badexample.com/a", allow));
  EXPECT_FALSE(HostAllowed("https://example.com.evil.test/a", allow));
  EXPECT_FALSE(HostAllowed("", allow));
}

TEST(ScanFiltersTest, CodeEvidenceIsBounded) {
  std::string long_match(500, 'a');
  std::string e = scan_internal::CodeEvidence(long_match);
  EXPECT_LE(e.size(), 84u);
  EXPECT_EQ(scan_internal::CodeEvidence("a\tb\x01"), "a b ");
}

}  // namespace
}  // namespace custody
