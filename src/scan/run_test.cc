// Tests of the scan modes against real files and git repositories under a
// ScopedTempDir (the adapter-test exception of STYLE.md rule 26).
#include <sys/wait.h>

#include <gtest/gtest.h>

#include <cstdio>
#include <filesystem>
#include <fstream>

#include "common/test_util.h"
#include "custody/scan_run.h"
#include "scan/test_rules.h"

namespace custody {
namespace {

constexpr char kKey[] = "tk_live_u8jzPde0IgxLd6GncfBAepfJBd0Kh8oO";
constexpr char kKey2[] = "tk_live_OL8dKLzdocJ2isAjIhKtJ0RlgLKOmxgJ";

std::string Git(const std::string& dir, const std::string& args) {
  std::string cmd = "env -u GIT_DIR -u GIT_WORK_TREE -u GIT_INDEX_FILE git -C '" + dir +
                    "' -c commit.gpgsign=false -c user.name=T -c user.email=t@e.invalid " + args +
                    " 2>/dev/null";
  std::string out;
  FILE* p = popen(cmd.c_str(), "r");
  if (p == nullptr) return out;
  char buf[4096];
  size_t n;
  while ((n = fread(buf, 1, sizeof buf, p)) > 0) out.append(buf, n);
  int st = pclose(p);
  EXPECT_TRUE(WIFEXITED(st) && WEXITSTATUS(st) == 0) << "git " << args;
  while (!out.empty() && out.back() == '\n') out.pop_back();
  return out;
}

void Write(const std::string& path, const std::string& data) {
  std::filesystem::create_directories(std::filesystem::path(path).parent_path());
  std::ofstream(path, std::ios::binary) << data;
}

class ScanRunTest : public ::testing::Test {
 protected:
  void SetUp() override {
    root_ = std::filesystem::canonical(tmp_.path()).string();
    auto sc = Scanner::Compile(testing::TestRules(), {});
    ASSERT_TRUE(sc.ok());
    scanner_ = std::move(*sc);
  }
  testing::ScopedTempDir tmp_;
  std::string root_;
  std::unique_ptr<Scanner> scanner_;
};

TEST_F(ScanRunTest, TreeHonoursGitignoreAndSkipsBinaries) {
  Git(root_, "init -q -b main");
  Write(root_ + "/.gitignore", "build/\n*.log\n");
  Write(root_ + "/src/app.py", std::string("k = '") + kKey + "'\n");
  Write(root_ + "/build/out.py", std::string("k = '") + kKey + "'\n");
  Write(root_ + "/debug.log", std::string("k = '") + kKey + "'\n");
  Write(root_ + "/blob.bin", std::string("\0\0", 2) + kKey);
  Write(root_ + "/vendor/lib.py", std::string("k = '") + kKey2 + "'\n");
  ScanRunOptions o;
  o.threads = 2;
  o.ignore_patterns = {"vendor/"};
  auto r = ScanTree(*scanner_, root_, {root_}, o);
  ASSERT_OK(r);
  ASSERT_EQ(r->findings.size(), 1u);
  EXPECT_EQ(r->findings[0].path, "src/app.py");
  EXPECT_EQ(r->skipped_binary, 1u);
  EXPECT_GE(r->skipped_ignored, 3u);
  // A file named explicitly is scanned even when ignored.
  auto one = ScanTree(*scanner_, root_, {root_ + "/debug.log"}, o);
  ASSERT_OK(one);
  EXPECT_EQ(one->findings.size(), 1u);
  EXPECT_EQ(ScanTree(*scanner_, root_, {root_ + "/nope"}, o).status().code(), Code::kNotFound);
}

TEST_F(ScanRunTest, TreeSkipsLargeFilesWithANote) {
  Write(root_ + "/big.txt", std::string(2000, 'a') + kKey);
  ScanRunOptions o;
  o.max_file_size = 1000;
  auto r = ScanTree(*scanner_, root_, {root_}, o);
  ASSERT_OK(r);
  EXPECT_TRUE(r->findings.empty());
  EXPECT_EQ(r->skipped_large, 1u);
  ASSERT_EQ(r->notes.size(), 1u);
  EXPECT_NE(r->notes[0].find("big.txt"), std::string::npos);
}

TEST_F(ScanRunTest, DiffAndHistoryTieFindingsToCommits) {
  Git(root_, "init -q -b main");
  Write(root_ + "/a.py", "x = 1\n");
  Git(root_, "add a.py");
  Git(root_, "commit -q -m one");
  std::string c1 = Git(root_, "rev-parse HEAD");
  Write(root_ + "/a.py", std::string("x = 1\nk = '") + kKey + "'\n");
  Git(root_, "commit -q -am two");
  std::string c2 = Git(root_, "rev-parse HEAD");
  Write(root_ + "/a.py", std::string("x = 2\nk = '") + kKey + "'\n");  // key line unchanged
  Write(root_ + "/b/c.py", "verify=False\n");
  Git(root_, "add -A");
  Git(root_, "commit -q -m three");
  std::string c3 = Git(root_, "rev-parse HEAD");
  Git(root_, "checkout -q -b side " + c1);
  Write(root_ + "/side.py", std::string("k = '") + kKey2 + "'\n");
  Git(root_, "add side.py");
  Git(root_, "commit -q -m side");
  std::string cs = Git(root_, "rev-parse HEAD");
  Git(root_, "checkout -q main");

  auto repo = Repo::Discover(root_);
  ASSERT_OK(repo);
  ScanRunOptions o;
  o.threads = 2;
  auto d = ScanDiff(*scanner_, **repo, c1 + ".." + c3, o);
  ASSERT_OK(d);
  ASSERT_EQ(d->findings.size(), 2u);
  EXPECT_EQ(d->findings[0].path, "a.py");
  EXPECT_EQ(d->findings[0].commit, c2);
  EXPECT_EQ(d->findings[0].line, 2u);
  EXPECT_EQ(d->findings[1].path, "b/c.py");
  EXPECT_EQ(d->findings[1].commit, c3);
  auto only3 = ScanDiff(*scanner_, **repo, c2 + ".." + c3, o);
  ASSERT_OK(only3);
  EXPECT_EQ(only3->findings.size(), 1u);  // the key line was not added by c3

  auto h = ScanHistory(*scanner_, root_, o);
  ASSERT_OK(h);
  // a.py's key lives in two blobs (c2's and c3's versions): both reported,
  // each tied to the commit that introduced that blob.
  std::map<std::string, std::string> by;
  for (const auto& f : h->findings) by[f.path + "@" + f.commit.substr(0, 8)] = f.rule_id;
  EXPECT_EQ(h->findings.size(), 4u);
  EXPECT_TRUE(by.count("a.py@" + c2.substr(0, 8)));
  EXPECT_TRUE(by.count("a.py@" + c3.substr(0, 8)));
  EXPECT_TRUE(by.count("b/c.py@" + c3.substr(0, 8)));
  EXPECT_TRUE(by.count("side.py@" + cs.substr(0, 8)));
  EXPECT_EQ(ScanDiff(*scanner_, **repo, "nope..HEAD", o).status().code(), Code::kNotFound);
}

TEST(IgnoreMatcherTest, GitignoreSubset) {
  IgnoreMatcher m({"*.min.js", "build/", "/top.txt", "docs/**/*.md", "!keep.min.js", "# comment"});
  EXPECT_TRUE(m.Ignored("a/b/x.min.js"));
  EXPECT_FALSE(m.Ignored("a/keep.min.js"));
  EXPECT_TRUE(m.Ignored("build/x.py"));
  EXPECT_TRUE(m.Ignored("src/build/x.py"));
  EXPECT_FALSE(m.Ignored("build"));  // a file named build is not the directory
  EXPECT_TRUE(m.Ignored("top.txt"));
  EXPECT_FALSE(m.Ignored("sub/top.txt"));
  EXPECT_TRUE(m.Ignored("docs/a/b.md"));
  EXPECT_FALSE(m.Ignored("src/app.py"));
}

}  // namespace
}  // namespace custody
