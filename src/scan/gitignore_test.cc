// Tests of the ignore matcher: wildmatch cases, then generated trees with
// many tricky patterns checked against real `git check-ignore --no-index -v`
// in a temporary repository (the adapter-test exception of STYLE.md rule 26).
#include "scan/gitignore.h"

#include <sys/wait.h>

#include <gtest/gtest.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <random>
#include <set>

#include "common/test_util.h"

namespace custody {
namespace {

namespace fs = std::filesystem;

TEST(WildMatchTest, GitSemantics) {
  struct Case {
    const char* pattern;
    const char* text;
    bool plain;     // flags 0
    bool pathname;  // kWildPathname
  } cases[] = {
      {"foo", "foo", true, true},
      {"foo", "bar", false, false},
      {"???", "foo", true, true},
      {"??", "foo", false, false},
      {"*", "foo", true, true},
      {"f*", "foo", true, true},
      {"*f", "foo", false, false},
      {"*foo*", "foo", true, true},
      {"*ob*a*r*", "foobar", true, true},
      {"*ab", "aaaaaaabababab", true, true},
      {"foo\\*", "foo*", true, true},
      {"foo\\*bar", "foobar", false, false},
      {"f\\\\oo", "f\\oo", true, true},
      {"*[al]?", "ball", true, true},
      {"[ten]", "ten", false, false},
      {"**[!te]", "ten", true, true},
      {"**[!ten]", "ten", false, false},
      {"t[a-g]n", "ten", true, true},
      {"t[!a-g]n", "ten", false, false},
      {"t[!a-g]n", "ton", true, true},
      {"t[^a-g]n", "ton", true, true},
      {"a[]]b", "a]b", true, true},
      {"a[]-]b", "a-b", true, true},
      {"a[]-]b", "a]b", true, true},
      {"a[]-]b", "aab", false, false},
      {"a[]a-]b", "aab", true, true},
      {"]", "]", true, true},
      {"foo*bar", "foo/baz/bar", true, false},
      {"foo/*/bar", "foo/baz/bar", true, true},
      {"foo/*/bar", "foo/b/a/z/bar", true, false},
      {"foo/**/bar", "foo/b/a/z/bar", true, true},
      {"foo/**/bar", "foo/bar", false, true},
      {"**/foo", "foo", false, true},
      {"**/foo", "a/b/foo", true, true},
      {"**/foo", "a/bfoo", false, false},
      {"foo/**", "foo/a/b", true, true},
      {"foo/**", "foo", false, false},
      {"foo?bar", "foo/bar", true, false},
      {"foo[/]bar", "foo/bar", true, false},
      {"*.c", "a/b.c", true, false},
      {"[[:alpha:]][[:digit:]][[:upper:]]", "a1B", true, true},
      {"[[:digit:][:upper:][:space:]]", "a", false, false},
      {"[[:digit:][:upper:][:space:]]", " ", true, true},
      {"[[:xdigit:]]", "f", true, true},
      {"[[:nope:]]", "n", false, false},
      {"[a-", "a", false, false},
      {"\\", "\\", false, false},
      {"a**b", "a/x/b", true, false},
      {"**/*.md", "docs/a/b.md", true, true},
  };
  for (const auto& c : cases) {
    EXPECT_EQ(WildMatch(c.pattern, c.text, 0), c.plain) << c.pattern << " ~ " << c.text;
    EXPECT_EQ(WildMatch(c.pattern, c.text, kWildPathname), c.pathname)
        << c.pattern << " ~ " << c.text << " (pathname)";
  }
  EXPECT_TRUE(WildMatch("FOO*", "foobar", kWildCasefold));
  EXPECT_FALSE(WildMatch("FOO*", "foobar", 0));
  EXPECT_TRUE(WildMatch("[A-Z]x", "ax", kWildCasefold));
}

TEST(WildMatchTest, PathologicalPatternsStayFast) {
  // Each would take exponential time without the abort rules.
  std::string text(60, 'a');
  std::string stars;
  for (int i = 0; i < 30; ++i) stars += "*a";
  EXPECT_FALSE(WildMatch(stars + "b", text, 0));
  EXPECT_FALSE(WildMatch(stars + "b", text, kWildPathname));
  std::string chain = "a";
  std::string deep = "a";
  for (int i = 0; i < 40; ++i) {
    chain += "/**/a";
    deep += "/a";
  }
  EXPECT_FALSE(WildMatch(chain + "/b", deep, kWildPathname));
  EXPECT_TRUE(WildMatch(chain, deep + "/a", kWildPathname));
}

TEST(GitignoreListTest, ParsesLikeGit) {
  std::string text =
      "\xEF\xBB\xBF# comment\n"
      "\n"
      "*.log\n"
      "!keep.log\n"
      "build/\n"
      "/top\n"
      "doc/*.txt\r\n"
      "trail   \n"
      "space\\ \n"
      "\\#hash\n"
      "\\!bang\n";
  GitignoreList l = GitignoreList::Parse(text, "", ".gitignore");
  ASSERT_EQ(l.patterns().size(), 9u);
  const auto& p = l.patterns();
  EXPECT_EQ(p[0].glob, "*.log");
  EXPECT_EQ(p[0].line, 3u);
  EXPECT_TRUE(p[1].negate);
  EXPECT_EQ(p[1].glob, "keep.log");
  EXPECT_TRUE(p[2].dir_only);
  EXPECT_TRUE(p[2].basename);
  EXPECT_EQ(p[3].glob, "top");
  EXPECT_FALSE(p[3].basename);
  EXPECT_EQ(p[4].glob, "doc/*.txt");
  EXPECT_EQ(p[5].glob, "trail");
  EXPECT_EQ(p[6].glob, "space\\ ");
  EXPECT_EQ(p[7].glob, "\\#hash");
  EXPECT_EQ(p[8].glob, "\\!bang");
  EXPECT_FALSE(p[8].negate);

  EXPECT_TRUE(l.Match("a/b/x.log", false, 0) == &p[0]);
  EXPECT_TRUE(l.Match("x/keep.log", false, 0) == &p[1]);
  EXPECT_EQ(l.Match("build", false, 0), nullptr);
  EXPECT_TRUE(l.Match("src/build", true, 0) == &p[2]);
  EXPECT_TRUE(l.Match("top", false, 0) == &p[3]);
  EXPECT_EQ(l.Match("a/top", false, 0), nullptr);
  EXPECT_TRUE(l.Match("doc/a.txt", false, 0) == &p[4]);
  EXPECT_EQ(l.Match("doc/a/b.txt", false, 0), nullptr);
  EXPECT_TRUE(l.Match("space ", false, 0) == &p[6]);
  EXPECT_TRUE(l.Match("#hash", false, 0) == &p[7]);
  EXPECT_TRUE(l.Match("!bang", false, 0) == &p[8]);

  // Patterns of a subdirectory's file are relative to it.
  GitignoreList sub = GitignoreList::Parse("/x\na/*.c\n", "src/", "src/.gitignore");
  EXPECT_NE(sub.Match("src/x", false, 0), nullptr);
  EXPECT_EQ(sub.Match("x", false, 0), nullptr);
  EXPECT_EQ(sub.Match("src/y/x", false, 0), nullptr);
  EXPECT_NE(sub.Match("src/a/b.c", false, 0), nullptr);
  EXPECT_EQ(sub.Match("other/a/b.c", false, 0), nullptr);
}

TEST(IgnoreTreeTest, DeeperLevelsWin) {
  IgnoreTree t;
  t.AddGlobal(GitignoreList::Parse("*.tmp\n", "", "global"));
  int root = t.AddLevel(IgnoreTree::kNoLevel, GitignoreList::Parse("*.log\n", "", ".gitignore"));
  int sub = t.AddLevel(root, GitignoreList::Parse("!keep.log\n", "a/", "a/.gitignore"));
  EXPECT_EQ(t.AddLevel(sub, GitignoreList()), sub);
  EXPECT_TRUE(t.Check(root, "x.log", false).ignored());
  EXPECT_TRUE(t.Check(sub, "a/x.log", false).ignored());
  EXPECT_FALSE(t.Check(sub, "a/keep.log", false).ignored());
  EXPECT_NE(t.Check(sub, "a/keep.log", false).pattern, nullptr);  // matched, negated
  EXPECT_TRUE(t.Check(root, "keep.log", false).ignored());
  EXPECT_TRUE(t.Check(sub, "a/b.tmp", false).ignored());
  EXPECT_EQ(t.Check(sub, "a/b.txt", false).pattern, nullptr);
}

// ---- Against git ------------------------------------------------------------

// Runs `git` in `dir` with a fixed, isolated configuration (HOME and
// XDG_CONFIG_HOME are `dir`'s parent), `input` on stdin; returns stdout.
std::string RunGit(const std::string& dir, const std::string& args, const std::string& input = "") {
  std::string in_file = dir + "/../git-stdin";
  std::ofstream(in_file, std::ios::binary) << input;
  std::string cmd = "cd '" + dir + "' && env -u GIT_DIR -u GIT_WORK_TREE -u GIT_INDEX_FILE HOME='" +
                    dir + "/..' XDG_CONFIG_HOME='" + dir + "/../xdg' GIT_CONFIG_NOSYSTEM=1 git " +
                    args + " < '" + in_file + "' 2>/dev/null";
  std::string out;
  FILE* p = popen(cmd.c_str(), "r");
  if (p == nullptr) return out;
  char buf[4096];
  size_t n;
  while ((n = fread(buf, 1, sizeof buf, p)) > 0) out.append(buf, n);
  pclose(p);
  return out;
}

bool HaveGit() {
  FILE* p = popen("git --version 2>/dev/null", "r");
  if (p == nullptr) return false;
  char buf[64] = {};
  size_t n = fread(buf, 1, sizeof buf - 1, p);
  pclose(p);
  return n > 0 && std::string(buf).rfind("git version", 0) == 0;
}

void WriteFile(const std::string& path, const std::string& data) {
  fs::create_directories(fs::path(path).parent_path());
  std::ofstream(path, std::ios::binary) << data;
}

// Names that trip up matchers: glob characters, spaces (trailing too),
// leading '#' and '!', backslashes, case, dots, UTF-8.
const std::vector<std::string> kNames = {
    "a",       "b",      "ab",         "abc",      "foo",     "bar",  "build", "doc",
    "deep",    "x",      "Foo",        "BUILD",    "foo.txt", "bar.log", "keep.log", "a.c",
    "a.h",     "b.o",    "x y",        "trail ",   "#hash",   "!bang", "[x]",  "q?",
    "back\\slash", "caf\xC3\xA9", ".hidden", "keep", "a-b",  "a]b",  "1file", "UPPER",
    "a*b",     "z.pdf",  "node_modules", "sp ace ", "tab\tx", "out",  "Makefile", "m.md"};

// Pattern lines, each one of gitignore(5)'s cases or a corner of them.
const std::vector<std::string> kPatterns = {
    "*.log", "!keep.log", "/build", "build/", "BUILD", "doc/*.txt", "doc/**/*.pdf", "**/foo",
    "**/foo/bar", "a/**/b", "a/**", "foo/", "!foo/", "\\#hash", "\\!bang", "#hash", "!bang",
    "trail\\ ", "trail ", "x y", "[abc]*", "[!a]b", "[a-c]?", "*.[ch]", "?", "??*",
    "[[:upper:]]*", "[[:digit:]]*", "deep/**/x", "*/*", "/*.txt", "**", "foo/**/", "ab\\c",
    "foo.txt   ", "# just a comment", "", "   ", "!", "/", "\\", "a[", "[z-a]", "[[:foo:]]",
    "[]]b", "***/a", "a/***", "**a", "a**", "*/", ".hidden/", "!/build/keep", "!*.h",
    "back\\\\slash", "caf\xC3\xA9", "q\\?", "a\\*b", "*", "!x", "**/deep", "deep/",
    "/a/b", "b/", "!b/", "sp ace\\ ", "sp ace  ", "tab\tx", "*.o", "!b.o", "out/**",
    "!out/keep", "node_modules/", "doc", "!doc/", "**/*.md", "[a-z][a-z]", "[[:lower:]]",
    "\\[x]", "[[]x]", "Makefile", "*e", "x/", "/x", "deep/**", "a/b/", "*/b", "!*/b",
    "[!-]*", "[a\\]]b", "**/b/**", "a/**/**/b", "/**/x"};

// One trial: a random tree with random .gitignore files (plus
// info/exclude and core.excludesFile), each path compared with git.
void CompareWithGit(uint32_t seed, bool casefold, std::string* failures) {
  testing::ScopedTempDir tmp;
  std::string top = fs::canonical(tmp.path()).string();
  std::string root = top + "/repo";
  fs::create_directories(root);
  RunGit(root, "init -q");
  if (casefold) RunGit(root, "config core.ignorecase true");
  std::mt19937 rng(seed);
  auto pick = [&](const std::vector<std::string>& v) { return v[rng() % v.size()]; };

  // The tree: directories up to 4 deep, files in each.
  std::set<std::string> dirs{""}, files;
  for (int i = 0; i < 40; ++i) {
    std::string d;
    int depth = 1 + static_cast<int>(rng() % 4);
    for (int k = 0; k < depth; ++k) {
      std::string n = pick(kNames);
      std::string cand = d.empty() ? n : d + "/" + n;
      if (files.count(cand)) break;
      d = cand;
      dirs.insert(d);
    }
  }
  for (const auto& d : std::vector<std::string>(dirs.begin(), dirs.end())) {
    int n = 1 + static_cast<int>(rng() % 5);
    for (int k = 0; k < n; ++k) {
      std::string f = d.empty() ? pick(kNames) : d + "/" + pick(kNames);
      if (dirs.count(f)) continue;
      files.insert(f);
    }
  }
  for (const auto& d : dirs) fs::create_directories(root + "/" + d);
  for (const auto& f : files) WriteFile(root + "/" + f, "x\n");

  // Ignore files: a few patterns each; some with CRLF, a BOM, no final newline.
  auto make_ignore = [&]() {
    std::string text = rng() % 5 == 0 ? "\xEF\xBB\xBF" : "";
    int n = 1 + static_cast<int>(rng() % 6);
    for (int k = 0; k < n; ++k) text += pick(kPatterns) + (rng() % 6 == 0 ? "\r\n" : "\n");
    if (rng() % 4 == 0 && !text.empty()) text.pop_back();
    return text;
  };
  std::map<std::string, std::string> ignores;  // dir -> .gitignore text
  for (const auto& d : dirs) {
    if (rng() % 3 == 0) continue;
    ignores[d] = make_ignore();
    WriteFile(root + "/" + (d.empty() ? "" : d + "/") + ".gitignore", ignores[d]);
  }
  std::string exclude = make_ignore(), global = make_ignore();
  WriteFile(root + "/.git/info/exclude", exclude);
  WriteFile(top + "/global-ignore", global);

  IgnoreTree tree(casefold ? kWildCasefold : 0);
  tree.AddGlobal(GitignoreList::Parse(global, "", top + "/global-ignore"));
  tree.AddGlobal(GitignoreList::Parse(exclude, "", ".git/info/exclude"));
  std::map<std::string, int> level_of;  // dir -> level of its .gitignore
  auto level = [&](const std::string& d, int parent) {
    auto it = level_of.find(d);
    if (it != level_of.end()) return it->second;
    auto ig = ignores.find(d);
    int l = ig == ignores.end()
                ? parent
                : tree.AddLevel(parent, GitignoreList::Parse(ig->second, d.empty() ? "" : d + "/",
                                                             d.empty() ? ".gitignore"
                                                                       : d + "/.gitignore"));
    level_of[d] = l;
    return l;
  };
  // What the walk decides: the first ignored leading directory, else the path.
  auto verdict = [&](const std::string& path, bool is_dir) {
    int l = level("", IgnoreTree::kNoLevel);
    for (size_t i = path.find('/'); i != std::string::npos; i = path.find('/', i + 1)) {
      std::string d = path.substr(0, i);
      IgnoreTree::Verdict v = tree.Check(l, d, true);
      if (v.ignored()) return v;
      l = level(d, l);
    }
    return tree.Check(l, path, is_dir);
  };

  std::vector<std::pair<std::string, bool>> paths;
  for (const auto& d : dirs) {
    if (!d.empty()) paths.emplace_back(d, true);
  }
  for (const auto& f : files) paths.emplace_back(f, false);
  std::string input;
  for (const auto& [p, _] : paths) input += p + '\0';
  std::string out = RunGit(root,
                           "-c core.excludesFile='" + top +
                               "/global-ignore' check-ignore --no-index -v -n -z --stdin",
                           input);
  // Records of four NUL-terminated fields: source, line, pattern, path.
  std::vector<std::string> fields;
  for (size_t i = 0, j; i < out.size(); i = j + 1) {
    j = out.find('\0', i);
    if (j == std::string::npos) j = out.size();
    fields.push_back(out.substr(i, j - i));
  }
  if (fields.size() != paths.size() * 4) {
    *failures += "seed " + std::to_string(seed) + ": git gave " + std::to_string(fields.size()) +
                 " fields for " + std::to_string(paths.size()) + " paths\n";
    return;
  }
  std::map<std::string, bool> is_dir(paths.begin(), paths.end());
  for (size_t r = 0; r < paths.size(); ++r) {
    const std::string& source = fields[4 * r];
    const std::string& line = fields[4 * r + 1];
    const std::string& pattern = fields[4 * r + 2];
    const std::string& path = fields[4 * r + 3];
    bool git_ignored = !pattern.empty() && pattern[0] != '!';
    IgnoreTree::Verdict v = verdict(path, is_dir[path]);
    std::string ours = v.pattern == nullptr
                           ? ":"
                           : v.list->source() + ":" + std::to_string(v.pattern->line);
    std::string theirs = source + ":" + line;
    if (v.ignored() != git_ignored || ours != theirs) {
      std::string rules;
      for (const auto& [d, text] : ignores) rules += "  [" + d + "/.gitignore] " + text + "\n";
      *failures += "seed " + std::to_string(seed) + (casefold ? " casefold" : "") + ": '" + path +
                   "' git: " + theirs + " '" + pattern + "' " + (git_ignored ? "ignored" : "kept") +
                   "; ours: " + ours + " " + (v.ignored() ? "ignored" : "kept") + "\n" + rules +
                   "  [exclude] " + exclude + "\n  [global] " + global + "\n";
      return;  // one report per trial is enough to debug
    }
  }
}

// Trials per run: 16, or CUSTODY_GITIGNORE_TRIALS for a longer search.
uint32_t Trials(uint32_t dflt) {
  const char* v = std::getenv("CUSTODY_GITIGNORE_TRIALS");
  return v != nullptr && std::atoi(v) > 0 ? static_cast<uint32_t>(std::atoi(v)) : dflt;
}

TEST(GitignoreVsGitTest, GeneratedTreesMatchCheckIgnore) {
  if (!HaveGit()) GTEST_SKIP() << "no git";
  std::string failures;
  for (uint32_t seed = 1; seed <= Trials(16); ++seed) CompareWithGit(seed, false, &failures);
  EXPECT_EQ(failures, "");
}

TEST(GitignoreVsGitTest, CasefoldMatchesCheckIgnore) {
  if (!HaveGit()) GTEST_SKIP() << "no git";
  std::string failures;
  for (uint32_t seed = 1001; seed <= 1000 + Trials(6); ++seed) CompareWithGit(seed, true, &failures);
  EXPECT_EQ(failures, "");
}

}  // namespace
}  // namespace custody
