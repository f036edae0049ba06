#include "custody/capture.h"

#include <gtest/gtest.h>

#include "common/test_util.h"
#include "custody/policy.h"

namespace custody {
namespace {

using Lines = std::vector<std::string>;

// Payload shapes as Claude Code documents them (hooks reference).
TEST(ClaudePayloadTest, SessionStartCarriesModelAndPermissionMode) {
  auto ev = ParseClaudePayload(R"({"session_id":"abc123","transcript_path":"/t.jsonl",
    "cwd":"/repo","permission_mode":"default","hook_event_name":"SessionStart",
    "source":"startup","model":"claude-sonnet-4-5-20250929","future_field":{"x":1}})", "");
  ASSERT_OK(ev);
  EXPECT_EQ(ev->kind, HookKind::kSessionStart);
  EXPECT_EQ(ev->agent, "claude-code");
  EXPECT_EQ(ev->session_id, "abc123");
  EXPECT_EQ(ev->cwd, "/repo");
  EXPECT_EQ(ev->model, "claude-sonnet-4-5-20250929");
  EXPECT_EQ(ev->permission_mode, "default");
}

TEST(ClaudePayloadTest, UserPromptSubmit) {
  auto ev = ParseClaudePayload(R"({"session_id":"s","hook_event_name":"UserPromptSubmit",
    "prompt":"Write a function to calculate the factorial"})", "");
  ASSERT_OK(ev);
  EXPECT_EQ(ev->kind, HookKind::kPrompt);
  EXPECT_EQ(ev->prompt, "Write a function to calculate the factorial");
  EXPECT_FALSE(ParseClaudePayload(R"({"hook_event_name":"UserPromptSubmit"})", "").ok());
}

TEST(ClaudePayloadTest, WriteEditMultiEdit) {
  auto w = ParseClaudePayload(R"({"session_id":"s","hook_event_name":"PostToolUse",
    "tool_name":"Write","tool_input":{"file_path":"/repo/a.py","content":"x = 1\n\ny = 2\n"},
    "tool_response":{"filePath":"/repo/a.py","success":true},"tool_use_id":"toolu_01"})", "");
  ASSERT_OK(w);
  EXPECT_EQ(w->kind, HookKind::kPostTool);
  EXPECT_TRUE(w->write_tool);
  ASSERT_EQ(w->writes.size(), 1u);
  EXPECT_EQ(w->writes[0].path, "/repo/a.py");
  EXPECT_EQ(w->writes[0].lines, (Lines{"x = 1", "", "y = 2"}));
  EXPECT_EQ(w->tool_use_id, "toolu_01");

  auto e = ParseClaudePayload(R"({"hook_event_name":"PreToolUse","tool_name":"Edit",
    "tool_input":{"file_path":"b.cc","old_string":"old","new_string":"a\nb"}})", "");
  ASSERT_OK(e);
  EXPECT_EQ(e->kind, HookKind::kPreTool);
  EXPECT_EQ(e->writes[0].lines, (Lines{"a", "b"}));

  auto m = ParseClaudePayload(R"({"hook_event_name":"PostToolUse","tool_name":"MultiEdit",
    "tool_input":{"file_path":"c.cc","edits":[{"old_string":"1","new_string":"one"},
    {"old_string":"2","new_string":"two\nthree"}]}})", "");
  ASSERT_OK(m);
  EXPECT_EQ(m->writes[0].lines, (Lines{"one", "two", "three"}));
}

TEST(ClaudePayloadTest, BashCarriesCommand) {
  auto b = ParseClaudePayload(R"({"hook_event_name":"PreToolUse","tool_name":"Bash",
    "tool_input":{"command":"echo hi > out.txt","description":"write"}})", "");
  ASSERT_OK(b);
  EXPECT_EQ(b->shell_command, "echo hi > out.txt");
  EXPECT_TRUE(b->writes.empty());
}

TEST(ClaudePayloadTest, BadPayloadsAreErrorsWithoutPayloadText) {
  for (std::string_view bad : {"", "not json at all SECRETWORD", "[1,2]", "{\"a\":", "null",
                               R"({"hook_event_name":"PreToolUse"})",
                               R"({"hook_event_name":"PostToolUse","tool_name":5})"}) {
    auto r = ParseClaudePayload(bad, "");
    ASSERT_FALSE(r.ok()) << bad;
    EXPECT_EQ(r.status().ToString().find("SECRETWORD"), std::string::npos);
  }
  EXPECT_FALSE(ParseClaudePayload("{}", "").ok());  // no event anywhere
  auto hinted = ParseClaudePayload("{}", "Stop");
  ASSERT_OK(hinted);
  EXPECT_EQ(hinted->kind, HookKind::kStop);
}

TEST(CursorPayloadTest, Version1Events) {
  auto p = ParseCursorPayload(R"({"conversation_id":"c1","generation_id":"g1",
    "hook_event_name":"beforeSubmitPrompt","workspace_roots":["/repo"],"prompt":"hi",
    "attachments":[]})", "");
  ASSERT_OK(p);
  EXPECT_EQ(p->kind, HookKind::kPrompt);
  EXPECT_EQ(p->session_id, "c1");
  EXPECT_EQ(p->cwd, "/repo");

  auto s = ParseCursorPayload(R"({"conversation_id":"c1","hook_event_name":"beforeShellExecution",
    "command":"sed -i s/a/b/ src/x.c","cwd":"/repo"})", "");
  ASSERT_OK(s);
  EXPECT_EQ(s->kind, HookKind::kPreTool);
  EXPECT_EQ(s->shell_command, "sed -i s/a/b/ src/x.c");

  auto f = ParseCursorPayload(R"({"conversation_id":"c1","hook_event_name":"afterFileEdit",
    "file_path":"/repo/src/x.c","edits":[{"old_string":"a","new_string":"int b;\nint c;"}]})",
                              "");
  ASSERT_OK(f);
  EXPECT_EQ(f->kind, HookKind::kPostTool);
  ASSERT_EQ(f->writes.size(), 1u);
  EXPECT_EQ(f->writes[0].lines, (Lines{"int b;", "int c;"}));

  auto m = ParseCursorPayload(R"({"hook_event_name":"beforeMCPExecution","tool_name":"write_file",
    "tool_input":"{\"path\":\"/repo/m.txt\",\"content\":\"z\"}"})", "");
  ASSERT_OK(m);
  ASSERT_EQ(m->writes.size(), 1u);
  EXPECT_EQ(m->writes[0].path, "/repo/m.txt");

  auto r = ParseCursorPayload(R"({"hook_event_name":"beforeReadFile","file_path":"/repo/a"})", "");
  ASSERT_OK(r);
  EXPECT_TRUE(r->writes.empty());
  auto st = ParseCursorPayload(R"({"hook_event_name":"stop","status":"completed"})", "");
  ASSERT_OK(st);
  EXPECT_EQ(st->kind, HookKind::kStop);
  EXPECT_FALSE(ParseCursorPayload(R"({"hook_event_name":"afterFileEdit"})", "").ok());
}

TEST(CodexPayloadTest, ApplyPatchAndShell) {
  auto p = ParseCodexPayload(R"({"session_id":"s","cwd":"/repo","hook_event_name":"PostToolUse",
    "model":"gpt-5-codex","tool_name":"apply_patch","tool_use_id":"call_1","tool_input":{"command":
    "*** Begin Patch\n*** Add File: new.py\n+print(1)\n+print(2)\n*** Update File: old.py\n@@\n-a\n+b\n c\n*** Delete File: gone.py\n*** End Patch\n"}})",
                             "");
  ASSERT_OK(p);
  EXPECT_EQ(p->agent, "codex");
  EXPECT_EQ(p->model, "gpt-5-codex");
  ASSERT_EQ(p->writes.size(), 3u);
  EXPECT_EQ(p->writes[0].path, "new.py");
  EXPECT_EQ(p->writes[0].lines, (Lines{"print(1)", "print(2)"}));
  EXPECT_EQ(p->writes[1].path, "old.py");
  EXPECT_EQ(p->writes[1].lines, (Lines{"b"}));
  EXPECT_TRUE(p->writes[2].deletes);

  auto b = ParseCodexPayload(R"({"hook_event_name":"PreToolUse","tool_name":"Bash",
    "tool_input":{"command":["bash","-lc","echo x >> log.txt"]}})", "");
  ASSERT_OK(b);
  EXPECT_EQ(b->shell_command, "bash -lc echo x >> log.txt");
}

TEST(GeminiPayloadTest, ToolsPromptAndModel) {
  auto w = ParseGeminiPayload(R"({"session_id":"g","cwd":"/repo","hook_event_name":"AfterTool",
    "timestamp":"2026-01-01T00:00:00Z","tool_name":"write_file",
    "tool_input":{"file_path":"src/a.ts","content":"export const a = 1;\n"},
    "tool_response":{"llmContent":"ok"}})", "");
  ASSERT_OK(w);
  EXPECT_EQ(w->agent, "gemini-cli");
  EXPECT_EQ(w->kind, HookKind::kPostTool);
  EXPECT_EQ(w->writes[0].lines, (Lines{"export const a = 1;"}));
  auto r = ParseGeminiPayload(R"({"hook_event_name":"BeforeTool","tool_name":"replace",
    "tool_input":{"file_path":"a","old_string":"x","new_string":"y"}})", "");
  ASSERT_OK(r);
  EXPECT_EQ(r->kind, HookKind::kPreTool);
  EXPECT_EQ(r->writes[0].lines, (Lines{"y"}));
  auto a = ParseGeminiPayload(R"({"hook_event_name":"BeforeAgent","prompt":"do it"})", "");
  ASSERT_OK(a);
  EXPECT_EQ(a->prompt, "do it");
  auto m = ParseGeminiPayload(R"({"hook_event_name":"BeforeModel",
    "llm_request":{"model":"gemini-2.5-pro","messages":[]}})", "");
  ASSERT_OK(m);
  EXPECT_EQ(m->kind, HookKind::kModel);
  EXPECT_EQ(m->model, "gemini-2.5-pro");
}

TEST(ShellWriteTargetsTest, FindsRedirectionsTeeSedCp) {
  using V = std::vector<std::string>;
  EXPECT_EQ(ShellWriteTargets("echo hi > a.txt"), (V{"a.txt"}));
  EXPECT_EQ(ShellWriteTargets("echo hi>>a.txt 2>err.log"), (V{"a.txt", "err.log"}));
  EXPECT_EQ(ShellWriteTargets("make 2>&1 | tee -a build.log out2"), (V{"build.log", "out2"}));
  EXPECT_EQ(ShellWriteTargets("sed -i 's/a b/c/' x.c y.c && cat z"), (V{"x.c", "y.c"}));
  EXPECT_EQ(ShellWriteTargets("sed 's/a/b/' x.c > y.c"), (V{"y.c"}));
  EXPECT_EQ(ShellWriteTargets("cat > \"my file.py\" <<'EOF'\nprint(1)\nEOF"),
            (V{"my file.py"}));
  EXPECT_EQ(ShellWriteTargets("cp a b dest/"), (V{"dest/"}));
  EXPECT_EQ(ShellWriteTargets("ls > /dev/null; echo &>all.log"), (V{"all.log"}));
  EXPECT_TRUE(ShellWriteTargets("grep -r foo src | wc -l").empty());
  EXPECT_TRUE(ShellWriteTargets("echo '>' not-a-file").empty());
}

TEST(GlobMatchTest, DoubleStarAndSegments) {
  EXPECT_TRUE(GlobMatch("src/auth/**", "src/auth/login.cc"));
  EXPECT_TRUE(GlobMatch("src/auth/**", "src/auth/a/b/c.cc"));
  EXPECT_FALSE(GlobMatch("src/auth/**", "src/authz/x.cc"));
  EXPECT_TRUE(GlobMatch("src/auth/", "src/auth/x"));
  EXPECT_TRUE(GlobMatch("**/*.pem", "a/b/key.pem"));
  EXPECT_TRUE(GlobMatch("**/*.pem", "key.pem"));
  EXPECT_FALSE(GlobMatch("*.pem", "a/key.pem"));
  EXPECT_TRUE(GlobMatch("src/*/secret?.[ch]", "src/x/secret1.h"));
  EXPECT_FALSE(GlobMatch("src/*/secret?.[ch]", "src/x/y/secret1.h"));
  EXPECT_TRUE(GlobMatch("./docs/**", "docs/a.md"));
  EXPECT_FALSE(GlobMatch("**/**/**/**/**/**/**/**/x", std::string(200, 'a') + "/y"));
}

TEST(RedactorTest, ReplacesCommonSecretShapes) {
  auto r = NewBuiltinRedactor();
  // Built at run time so no token-shaped literal sits in the source.
  std::string gh = "ghp_" + std::string(36, 'A');
  std::string aws = "AKIA" + std::string(16, 'Q');
  std::string sk = "sk-" + std::string(24, 'x');
  std::string slack = "xoxb-" + std::string(12, '1');
  std::string jwt = "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.abcdefghijk";
  std::string pem = "-----BEGIN RSA PRIVATE KEY-----\nMIIB\n-----END RSA PRIVATE KEY-----";
  std::string in = "use " + gh + " and " + aws + " or " + sk + " / " + slack + " jwt " + jwt +
                   "\n" + pem + "\npassword=hunter22 and DB_TOKEN: \"abc def\" ok";
  std::string out = r->Redact(in);
  for (const auto& s : {gh, aws, sk, slack, jwt, std::string("MIIB"), std::string("hunter22"),
                        std::string("abc def")}) {
    EXPECT_EQ(out.find(s), std::string::npos) << s << " in " << out;
  }
  for (const char* k : {"[REDACTED:github-token]", "[REDACTED:aws-access-key-id]",
                        "[REDACTED:api-key]", "[REDACTED:slack-token]", "[REDACTED:jwt]",
                        "[REDACTED:private-key]", "password=[REDACTED:password]"}) {
    EXPECT_NE(out.find(k), std::string::npos) << k << " missing in " << out;
  }
  EXPECT_EQ(r->Redact("fix the login bug in src/auth/session_manager_impl.cc please"),
            "fix the login bug in src/auth/session_manager_impl.cc please");
  EXPECT_NE(r->Redact("key Zx8Qm2Lp9Rt4Vb7Nc1Kd6Hf3Jg5Ws0Ye8Ua2 here").find("high-entropy"),
            std::string::npos);
  std::string huge = "sk-" + std::string(1 << 20, 'a');  // long runs must not recurse
  EXPECT_EQ(r->Redact(huge), "[REDACTED:api-key]");
}

TEST(PolicyForbidAiTest, ParsesGlobsAndRejectsBadTypes) {
  auto p = ParsePolicy("[constraints]\nforbid_ai = [\"src/auth/**\", \"**/*.pem\"]\n"
                       "[prompts]\nstorage = \"redacted\"\n",
                       "policy.toml");
  ASSERT_OK(p);
  EXPECT_EQ(p->forbid_ai, (std::vector<std::string>{"src/auth/**", "**/*.pem"}));
  EXPECT_EQ(p->prompt_storage, "redacted");
  auto bad = ParsePolicy("[constraints]\nforbid_ai = \"src\"\n", "policy.toml");
  ASSERT_FALSE(bad.ok());
  EXPECT_NE(bad.status().ToString().find("policy.toml:2:"), std::string::npos);
  EXPECT_FALSE(ParsePolicy("[constraints]\nforbid_ai = [1]\n", "p").ok());
}

}  // namespace
}  // namespace custody
