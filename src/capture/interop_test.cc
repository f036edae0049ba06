// git-ai notes and Agent Trace records: export, parse, round trips, and
// rejection of malformed input.
#include "custody/interop.h"

#include <gtest/gtest.h>

#include "common/test_util.h"

namespace custody {
namespace {

Attribution Sample() {
  Attribution a;
  a.commit = std::string(40, 'c');
  a.method = "post-commit";
  a.timestamp_unix_nanos = 1'700'000'000'000'000'000;
  CheckpointRef c;
  c.id = std::string(64, 'a');
  c.agent = "claude-code";
  c.model = "claude-sonnet-4-5";
  c.session_id = "sess-1";
  a.checkpoints[c.id] = c;
  FileAttribution f;
  f.path = "src/main.rs";
  f.ranges = {{1, 10, LineKind::kAi, c.id},
              {11, 11, LineKind::kAiEdited, c.id},
              {12, 14, LineKind::kHuman, ""},
              {20, 25, LineKind::kAi, c.id}};
  f.counts.ai = 16;
  f.counts.ai_edited = 1;
  f.counts.human = 3;
  a.files.push_back(f);
  return a;
}

TEST(GitAiTest, ExportMatchesTheStandardLayout) {
  std::string note = ExportGitAiNote(Sample(), "Dev <dev@example.com>");
  EXPECT_EQ(note.rfind("src/main.rs\n  s_", 0), 0u) << note;
  EXPECT_NE(note.find("::t_aaaaaaaaaaaaaa 1-10,11,20-25\n"), std::string::npos) << note;
  EXPECT_NE(note.find("  h_"), std::string::npos);
  EXPECT_NE(note.find(" 12-14\n---\n"), std::string::npos) << note;
  EXPECT_NE(note.find("\"schema_version\": \"authorship/3.0.0\""), std::string::npos);
  EXPECT_NE(note.find("\"tool\": \"claude\""), std::string::npos);
  EXPECT_NE(note.find("\"base_commit_sha\": \"" + std::string(40, 'c') + "\""), std::string::npos);
}

TEST(GitAiTest, RoundTrip) {
  std::string note = ExportGitAiNote(Sample(), "Dev <dev@example.com>");
  auto a = ParseGitAiNote(note, std::string(40, 'c'));
  ASSERT_OK(a);
  ASSERT_EQ(a->files.size(), 1u);
  EXPECT_EQ(a->files[0].counts.ai, 17);
  EXPECT_EQ(a->files[0].counts.human, 3);
  ASSERT_EQ(a->checkpoints.size(), 1u);
  EXPECT_EQ(a->checkpoints.begin()->second.agent, "claude-code");
  EXPECT_EQ(a->checkpoints.begin()->second.model, "claude-sonnet-4-5");
  EXPECT_EQ(a->checkpoints.begin()->second.session_id, "sess-1");
  EXPECT_EQ(ExportGitAiNote(*a, "Dev <dev@example.com>"), note);
}

TEST(GitAiTest, ReadsTheSpecExample) {
  const char* note = R"(src/main.rs
  s_c9883b05a2487d::t_9f8e7d6c5b4a32 1-10,15-20
  s_c9883b05a2487d::t_a1b2c3d4e5f678 25,30-35
  h_31dce776f88375 42-50
src/lib.rs
  abcd1234abcd1234 1-50
---
{"schema_version":"authorship/3.0.0","git_ai_version":"1.4.5","base_commit_sha":"x",
 "prompts":{"abcd1234abcd1234":{"agent_id":{"tool":"cursor","id":"p","model":"gpt-4"}}},
 "humans":{"h_31dce776f88375":{"author":"Developer <dev@example.com>"}},
 "sessions":{"s_c9883b05a2487d":{"agent_id":{"tool":"claude","id":"conv","model":"m1"}}}}
)";
  auto a = ParseGitAiNote(note, std::string(40, '1'));
  ASSERT_OK(a);
  EXPECT_EQ(a->Totals().ai, 16 + 7 + 50);
  EXPECT_EQ(a->Totals().human, 9);
  EXPECT_EQ(a->checkpoints.at("git-ai:abcd1234abcd1234").model, "gpt-4");
  EXPECT_EQ(a->checkpoints.at("git-ai:s_c9883b05a2487d::t_9f8e7d6c5b4a32").agent, "claude-code");
}

TEST(GitAiTest, RejectsMalformedNotes) {
  for (const char* bad : {"  s_x 1-2\n---\n{}", "a.rs\n  zz 1\n---\n{}",
                          "a.rs\n  abcd1234abcd1234 5-2\n---\n{\"schema_version\":\"authorship/3.0.0\"}",
                          "a.rs\n  abcd1234abcd1234 1\n",
                          "a.rs\n  abcd1234abcd1234 1\n---\n{\"schema_version\":\"authorship/2.0.0\"}",
                          "a.rs\n  abcd1234abcd1234 1-5\n  abcd1234abcd1234 3\n---\n"
                          "{\"schema_version\":\"authorship/3.0.0\"}"}) {
    auto a = ParseGitAiNote(bad, std::string(40, '1'));
    EXPECT_FALSE(a.ok()) << bad;
    if (!a.ok()) {
      EXPECT_EQ(a.status().message().rfind("git-ai note: ", 0), 0u);
    }
  }
}

TEST(AgentTraceTest, ExportParsesAndImportsBack) {
  Attribution s = Sample();
  std::string rec = ExportAgentTrace(s);
  EXPECT_EQ(rec, ExportAgentTrace(s)) << "deterministic";
  auto r = ParseAgentTrace(rec);
  ASSERT_OK(r);
  EXPECT_EQ(r->version, "0.1.0");
  EXPECT_EQ(r->revision, s.commit);
  ASSERT_EQ(r->files.size(), 1u);
  EXPECT_EQ(r->files[0].conversations.size(), 3u);  // ai, mixed, human
  EXPECT_EQ(r->files[0].conversations[0].model_id, "anthropic/claude-sonnet-4-5");
  auto a = AttributionFromAgentTrace(*r);
  ASSERT_OK(a);
  EXPECT_EQ(a->Totals().ai, 16);
  EXPECT_EQ(a->Totals().ai_edited, 1);
  EXPECT_EQ(a->Totals().human, 3);
  EXPECT_EQ(a->Find("src/main.rs", 11)->kind, LineKind::kAiEdited);
}

TEST(AgentTraceTest, RejectsBadRecords) {
  EXPECT_FALSE(ParseAgentTrace("not json").ok());
  EXPECT_FALSE(ParseAgentTrace("[]").ok());
  auto r = ParseAgentTrace(
      R"({"version":"0.1.0","id":"6ef2299e-a67f-432b-aa80-3d2fb4d28999","timestamp":"2026-01-01T00:00:00Z",
          "files":[{"path":"a","conversations":[{"contributor":{"type":"robot"},"ranges":[]}]}]})");
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.status().message().find("files[0].conversations[0].contributor.type"), std::string::npos);
  r = ParseAgentTrace(
      R"({"version":"0.1.0","id":"nope","timestamp":"2026-01-01T00:00:00Z","files":[]})");
  EXPECT_FALSE(r.ok());
}

}  // namespace
}  // namespace custody
