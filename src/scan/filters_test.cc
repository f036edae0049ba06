#include <gtest/gtest.h>
#include <re2/re2.h>

#include <memory>
#include <string>
#include <vector>

#include "custody/scan.h"
#include "scan/scan_internal.h"

namespace custody {
namespace {

// LanguageMask must say exactly what the language path regexes say.
TEST(ScanFiltersTest, LanguageMaskAgreesWithTheRegexes) {
  std::vector<std::string> names = {
      "py",        "pyw",      "js",      "mjs",     "cjs",     "jsx",     "ts",       "tsx",
      "mts",       "cts",      "java",    "go",      "cs",      "rb",      "rake",     "gemspec",
      "php",       "php5",     "php0",    "php9",    "phpx",    "php55",   "phtml",    "c",
      "h",         "cc",       "cpp",     "cxx",     "c++",     "hh",      "hpp",      "hxx",
      "ipp",       "inl",      "sh",      "bash",    "zsh",     "ksh",     "rs",       "kt",
      "kts",       "PY",       "Py",      "C",       "H",       "JS",      "txt",      "",
      "p",         "pyc",      "jss",     "c+",      "java~",   "Gemfile", "Rakefile", "install",
      "configure", "postinst", "preinst", "gemfile", "Makefile"};
  std::vector<std::string> paths;
  for (const auto& n : names) {
    for (const char* form : {"%", "a.%", "dir/a.%", "a.b.%", "dir.x/%", "%.txt", "x%", ".%",
                             "dir/.%", "d/%", "a.%/b", "a.% ", "a.%\n", "d.%/x.%"}) {
      std::string p = form;
      for (size_t i; (i = p.find('%')) != std::string::npos;) p.replace(i, 1, n);
      paths.push_back(p);
    }
  }
  const auto& langs = scan_internal::KnownLanguages();
  std::vector<std::unique_ptr<RE2>> res;
  for (const auto& l : langs) {
    res.push_back(std::make_unique<RE2>(scan_internal::LanguagePathRegex(l)));
    ASSERT_TRUE(res.back()->ok()) << l;
  }
  for (const auto& p : paths) {
    uint32_t want = 0;
    for (size_t k = 0; k < res.size(); ++k) {
      if (RE2::PartialMatch(p, *res[k])) want |= 1u << k;
    }
    EXPECT_EQ(scan_internal::LanguageMask(p), want) << p;
  }
}

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
