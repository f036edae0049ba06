// Tests of the scan modes against real files and git repositories under a
// ScopedTempDir (the adapter-test exception of STYLE.md rule 26).
#include <sys/wait.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <set>

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

// The paths `git ls-files --others --exclude-standard` lists (what git
// would not ignore), NUL-separated output split.
std::set<std::string> GitUnignored(const std::string& root) {
  std::string out = Git(root, "ls-files -z --others --exclude-standard");
  std::set<std::string> paths;
  for (size_t i = 0, j; i < out.size(); i = j + 1) {
    j = out.find('\0', i);
    if (j == std::string::npos) j = out.size();
    if (j > i) paths.insert(out.substr(i, j - i));
  }
  return paths;
}

std::set<std::string> FindingPaths(const ScanReport& r) {
  std::set<std::string> paths;
  for (const auto& f : r.findings) paths.insert(f.path);
  return paths;
}

TEST_F(ScanRunTest, TreeWalkScansExactlyWhatGitDoesNotIgnore) {
  Git(root_, "init -q -b main");
  std::string key = std::string("k = '") + kKey + "'\n";
  Write(root_ + "/.gitignore", "*.log\n/build/\n!build/keep.py\ndocs/**/*.tmp\n");
  Write(root_ + "/src/.gitignore", "gen/\n!important.log\n/local.py\n");
  Write(root_ + "/src/deep/.gitignore", "*\n!*.py\n!*/\n");
  Write(root_ + "/.git/info/exclude", "secret-notes.txt\n");
  Write(root_ + "/../global-ignore-" + std::to_string(::getpid()), "*.bak\n");
  Git(root_, "config core.excludesFile '" + root_ + "/../global-ignore-" +
                 std::to_string(::getpid()) + "'");
  for (const char* f :
       {"a.py", "b.log", "build/keep.py", "build/x.py", "src/important.log", "src/other.log",
        "src/local.py", "src/sub/local.py", "src/gen/g.py", "src/deep/d.py", "src/deep/d.txt",
        "src/deep/more/e.py", "src/deep/more/e.txt", "docs/a/b.tmp", "docs/a.tmp", "notes.bak",
        "secret-notes.txt", "x/secret-notes.txt", "sp ace/[x]*.py", "sub/.git", "src/.hidden.py"}) {
    Write(root_ + "/" + f, key);
  }
  std::filesystem::create_symlink("a.py", root_ + "/link.py");
  std::set<std::string> want = GitUnignored(root_);
  want.erase("link.py");  // symlinks are not followed
  // .gitignore files are scanned too but hold no key (src/deep's ignores itself).
  EXPECT_TRUE(want.count(".gitignore") && want.count("src/.gitignore") &&
              !want.count("src/deep/.gitignore"));
  want.erase(".gitignore");
  want.erase("src/.gitignore");
  ASSERT_TRUE(want.count("src/important.log") && want.count("src/deep/more/e.py") &&
              !want.count("build/keep.py") && !want.count("src/deep/d.txt"));
  for (int threads : {1, 3}) {
    ScanRunOptions o;
    o.threads = threads;
    auto r = ScanTree(*scanner_, root_, {root_}, o);
    ASSERT_OK(r);
    EXPECT_EQ(FindingPaths(*r), want) << threads << " threads";
    EXPECT_EQ(r->files_scanned, want.size() + 2);  // + two .gitignore files
  }
  // A subdirectory: the .gitignore files above it still apply.
  auto sub = ScanTree(*scanner_, root_, {root_ + "/src"}, ScanRunOptions{});
  ASSERT_OK(sub);
  std::set<std::string> want_src;
  for (const auto& p : want) {
    if (p.rfind("src/", 0) == 0) want_src.insert(p);
  }
  EXPECT_EQ(FindingPaths(*sub), want_src);
  // Below an ignored directory nothing is re-included.
  auto ign = ScanTree(*scanner_, root_, {root_ + "/build"}, ScanRunOptions{});
  ASSERT_OK(ign);
  EXPECT_TRUE(ign->findings.empty());
  EXPECT_EQ(ign->skipped_ignored, 2u);
  // use_gitignore off: only .git is skipped (and symlinks).
  ScanRunOptions all;
  all.use_gitignore = false;
  auto every = ScanTree(*scanner_, root_, {root_}, all);
  ASSERT_OK(every);
  EXPECT_EQ(every->findings.size(), 21u);
  std::filesystem::remove(root_ + "/../global-ignore-" + std::to_string(::getpid()));
}

TEST_F(ScanRunTest, TreeOutsideARepositoryDoesNotReadGitignore) {
  Write(root_ + "/.gitignore", "*.py\n");
  Write(root_ + "/a.py", std::string("k = '") + kKey + "'\n");
  Write(root_ + "/vendor/b.py", std::string("k = '") + kKey + "'\n");
  ScanRunOptions o;
  o.ignore_patterns = {"vendor/"};  // .custodyignore and policy patterns still apply
  auto r = ScanTree(*scanner_, root_, {root_}, o);
  ASSERT_OK(r);
  EXPECT_EQ(FindingPaths(*r), std::set<std::string>{"a.py"});
  EXPECT_EQ(r->skipped_ignored, 1u);
}

TEST_F(ScanRunTest, TreeNotesUnreadableFilesAndKeepsGoing) {
  if (::geteuid() == 0) GTEST_SKIP() << "root reads everything";
  Write(root_ + "/a.py", std::string("k = '") + kKey + "'\n");
  Write(root_ + "/locked.py", std::string("k = '") + kKey + "'\n");
  std::filesystem::permissions(root_ + "/locked.py", std::filesystem::perms::none);
  auto r = ScanTree(*scanner_, root_, {root_}, ScanRunOptions{});
  ASSERT_OK(r);
  EXPECT_EQ(FindingPaths(*r), std::set<std::string>{"a.py"});
  ASSERT_EQ(r->notes.size(), 1u);
  EXPECT_NE(r->notes[0].find("locked.py: not scanned ("), std::string::npos) << r->notes[0];
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
