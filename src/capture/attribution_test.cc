// Attribution over real git repositories (ScopedTempDir) with an in-memory
// working log populated through WorkingLog::Add.
#include "custody/attribution.h"

#include <gtest/gtest.h>
#include <sys/wait.h>

#include <cstdio>
#include <filesystem>
#include <fstream>

#include "common/test_util.h"

namespace custody {
namespace {

using ::custody::testing::ScopedTempDir;

std::string Git(const std::string& dir, const std::string& args) {
  std::string cmd = "env -u GIT_DIR -u GIT_WORK_TREE -u GIT_INDEX_FILE git -C '" + dir +
                    "' -c commit.gpgsign=false " + args + " 2>/dev/null";
  std::string out;
  FILE* pipe = popen(cmd.c_str(), "r");
  if (pipe == nullptr) return out;
  char buf[4096];
  size_t n;
  while ((n = fread(buf, 1, sizeof buf, pipe)) > 0) out.append(buf, n);
  int status = pclose(pipe);
  EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0) << "git " << args;
  if (!out.empty() && out.back() == '\n') out.pop_back();
  return out;
}

class AttributionTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::canonical(tmp_.path()).string() + "/r";
    std::filesystem::create_directories(dir_);
    Git(dir_, "init -q -b main");
    Git(dir_, "config user.name Tester");
    Git(dir_, "config user.email t@example.com");
    auto log = OpenWorkingLog(":memory:", true);
    ASSERT_OK(log);
    log_ = std::move(*log);
    auto repo = Repo::Discover(dir_);
    ASSERT_OK(repo);
    repo_ = std::move(*repo);
  }

  void Write(const std::string& name, const std::string& text) {
    std::ofstream(dir_ + "/" + name, std::ios::binary) << text;
  }
  std::string Commit(const std::string& msg, const std::string& extra = "") {
    Git(dir_, "add -A");
    Git(dir_, extra + " commit -q -m '" + msg + "'");
    return Git(dir_, "rev-parse HEAD");
  }
  void AgentWrote(const std::string& ckpt, const std::string& path,
                  const std::vector<std::string>& lines, int64_t ts = 1) {
    LineOrigin o;
    o.checkpoint_id = ckpt;
    o.checkpoint_index = 1;
    o.agent = "claude-code";
    o.model = "claude-sonnet-4-5";
    o.path = path;
    o.timestamp_unix_nanos = ts;
    ASSERT_OK(log_->Add(o, lines));
  }
  Attribution Attribute(const std::string& commit, const OriginMap* carried = nullptr,
                        const OriginMap* edited = nullptr) {
    AttributeOptions opt;
    opt.log = log_.get();
    opt.carried = carried;
    opt.carried_edited = edited;
    opt.now_unix_nanos = 5;
    auto a = ComputeAttribution(*repo_, commit, opt);
    EXPECT_OK(a);
    return a.ok() ? *a : Attribution();
  }
  std::string KindAt(const Attribution& a, const std::string& path, int line) {
    const AttributedRange* r = a.Find(path, line);
    return r == nullptr ? "-" : std::string(LineKindName(r->kind));
  }

  ScopedTempDir tmp_;
  std::string dir_;
  std::unique_ptr<WorkingLog> log_;
  std::unique_ptr<Repo> repo_;
};

const std::string kA(64, 'a');
const std::string kB(64, 'b');

TEST_F(AttributionTest, AiHumanEditedAndBlank) {
  AgentWrote(kA, "f.py",
             {"def add(a, b):", "    total = a + b", "    return total", "", "def sub(a, b):",
              "    return a - b"});
  // The human edits line 2 before committing and appends a line of their own.
  Write("f.py",
        "def add(a, b):\n    total = a + b + 0  # safe\n    return total\n\n"
        "def sub(a, b):\n    return a - b\nprint('human')\n");
  std::string c = Commit("first");
  Attribution a = Attribute(c);
  EXPECT_EQ(KindAt(a, "f.py", 1), "ai");
  EXPECT_EQ(KindAt(a, "f.py", 2), "ai-edited");
  EXPECT_EQ(KindAt(a, "f.py", 3), "ai");
  EXPECT_EQ(KindAt(a, "f.py", 5), "ai");
  EXPECT_EQ(KindAt(a, "f.py", 6), "ai");
  EXPECT_EQ(KindAt(a, "f.py", 7), "human");
  LineCounts t = a.Totals();
  EXPECT_EQ(t.ai, 4);
  EXPECT_EQ(t.ai_edited, 1);
  EXPECT_EQ(t.human, 1);
  EXPECT_EQ(t.blank, 1);
  ASSERT_EQ(a.checkpoints.size(), 1u);
  EXPECT_EQ(a.checkpoints.at(kA).counts.ai, 4);
  EXPECT_EQ(a.Find("f.py", 1)->checkpoint, kA);
}

TEST_F(AttributionTest, EditOfCommittedAiLineBySimilarity) {
  AgentWrote(kA, "g.c", {"int limit = compute_limit(config, 10);", "int other = 2;"});
  Write("g.c", "int limit = compute_limit(config, 10);\nint other = 2;\n");
  Commit("ai");
  Write("g.c", "int limit = compute_limit(config, 20);\nint unrelated_value = 99;\n");
  std::string c = Commit("edit");
  Attribution a = Attribute(c);
  EXPECT_EQ(KindAt(a, "g.c", 1), "ai-edited");
  EXPECT_EQ(a.Find("g.c", 1)->checkpoint, kA);
  EXPECT_EQ(KindAt(a, "g.c", 2), "human");
}

TEST_F(AttributionTest, TrivialLinesNeedAiNeighbours) {
  AgentWrote(kA, "h.js", {"function f() {", "  return 1;", "}"});
  Write("h.js", "function f() {\n  return 1;\n}\n");
  Commit("ai");
  // A human function elsewhere in the file: its "}" matches a hash the
  // agent wrote, but nothing distinctive around it is AI.
  Write("h.js", "function f() {\n  return 1;\n}\nfunction g() {\n  return 2;\n}\n");
  std::string c = Commit("human");
  Attribution a = Attribute(c);
  EXPECT_EQ(KindAt(a, "h.js", 4), "human");
  EXPECT_EQ(KindAt(a, "h.js", 6), "human");
  EXPECT_EQ(a.Totals().ai, 0);
}

TEST_F(AttributionTest, LaterCheckpointsDoNotClaimEarlierCommits) {
  Write("k.txt", "a distinctive human sentence\n");
  std::string c = Commit("human");
  // Written "by an agent" long after the commit.
  AgentWrote(kA, "k.txt", {"a distinctive human sentence"}, 4'000'000'000'000'000'000);
  Attribution a = Attribute(c);
  EXPECT_EQ(KindAt(a, "k.txt", 1), "human");
}

TEST_F(AttributionTest, TrailersMarkUnverifiedAgent) {
  Write("x.txt", "one\ntwo\n");
  std::string c = Commit("feat\n\nCo-Authored-By: Claude <noreply@anthropic.com>");
  Attribution a = Attribute(c);
  ASSERT_TRUE(a.unverified.has_value());
  EXPECT_EQ(a.unverified->name, "claude-code");
  EXPECT_EQ(a.Totals().ai_unverified, 2);
  EXPECT_EQ(KindAt(a, "x.txt", 1), "ai-unverified");
}

TEST_F(AttributionTest, DetectsKnownAgents) {
  CommitInfo c;
  c.author = {"Jane (aider)", "jane@example.com"};
  EXPECT_EQ(DetectAgentFromCommit(c)->name, "aider");
  c.author = {"Jane", "jane@example.com"};
  c.message = "x\n\nCo-authored-by: aider (openai/gpt-4o) <aider@aider.chat>\n";
  EXPECT_EQ(DetectAgentFromCommit(c)->name, "aider");
  c.message = "x\n\nCo-authored-by: Copilot <175728472+Copilot@users.noreply.github.com>\n";
  EXPECT_EQ(DetectAgentFromCommit(c)->name, "github-copilot");
  c.message = "x\n\n🤖 Generated with [Claude Code](https://claude.com/claude-code)\n";
  EXPECT_EQ(DetectAgentFromCommit(c)->name, "claude-code");
  c.message = "x\n\nCo-authored-by: Codex <codex@openai.com>\n";
  EXPECT_EQ(DetectAgentFromCommit(c)->name, "codex");
  c.message = "x\n\nCo-authored-by: Bob <bob@example.com>\n";
  EXPECT_FALSE(DetectAgentFromCommit(c).has_value());
}

TEST_F(AttributionTest, StatementRoundTripAndCarryOver) {
  AgentWrote(kA, "f.txt", {"alpha line one", "beta line two"});
  AgentWrote(kB, "f.txt", {"gamma line three"});
  Write("f.txt", "alpha line one\nbeta line two\n\ngamma line three\nhuman\n");
  std::string c = Commit("c");
  Attribution a = Attribute(c);
  auto back = AttributionFromStatement(MakeAttributionStatement(a));
  ASSERT_OK(back);
  EXPECT_EQ(AttributionContentDigest(*back), AttributionContentDigest(a));
  EXPECT_EQ(back->checkpoints.size(), 2u);

  // Without any working log, the attribution of the old commit carries the
  // AI lines to a commit that has the same lines (e.g. after a squash).
  OriginMap ai, edited;
  ASSERT_OK(AddOriginsFromAttribution(*repo_, *back, &ai, &edited));
  Git(dir_, "checkout -q --orphan other");
  std::string c2 = Commit("again");
  AttributeOptions opt;
  opt.carried = &ai;
  opt.carried_edited = &edited;
  auto again = ComputeAttribution(*repo_, c2, opt);
  ASSERT_OK(again);
  EXPECT_EQ(again->Totals().ai, 3);
  EXPECT_EQ(again->Find("f.txt", 4)->checkpoint, kB);
  EXPECT_EQ(KindAt(*again, "f.txt", 5), "human");
}

TEST_F(AttributionTest, ParserRejectsBadRanges) {
  Statement st;
  st.predicate_type = std::string(kAttributionPredicateType);
  ResourceDescriptor rd;
  rd.digest["gitCommit"] = std::string(40, '1');
  st.subject.push_back(rd);
  st.predicate = nlohmann::json::parse(
      R"({"files":[{"path":"a","ranges":[{"start":5,"end":3,"kind":"ai"}]}]})");
  auto r = AttributionFromStatement(st);
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.status().message().find("predicate.files[0].ranges[0]"), std::string::npos);
  st.predicate = nlohmann::json::parse(R"({"files":[{"path":"a","ranges":[{"start":1,"end":3,"kind":"robot"}]}]})");
  EXPECT_FALSE(AttributionFromStatement(st).ok());
}

TEST(TokenSimilarityTest, Values) {
  EXPECT_DOUBLE_EQ(TokenSimilarity("a = b + c;", "a = b + c;"), 1.0);
  EXPECT_DOUBLE_EQ(TokenSimilarity("", "x"), 0.0);
  EXPECT_GE(TokenSimilarity("int limit = f(config, 10);", "int limit = f(config, 20);"), 0.5);
  EXPECT_LT(TokenSimilarity("return total;", "print('hello world')"), 0.5);
  EXPECT_TRUE(IsTrivialLine("  });"));
  EXPECT_FALSE(IsTrivialLine("x});"));
}

}  // namespace
}  // namespace custody
