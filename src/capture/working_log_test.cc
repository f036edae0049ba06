#include "custody/working_log.h"

#include <gtest/gtest.h>
#include <sqlite3.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <fstream>
#include <thread>

#include "common/test_util.h"
#include "custody/env.h"
#include "custody/hash.h"

namespace custody {
namespace {

LineOrigin Origin(const std::string& id, int64_t idx, int64_t ts, const std::string& path = "a.cc") {
  LineOrigin o;
  o.checkpoint_id = id;
  o.checkpoint_index = idx;
  o.agent = "claude-code";
  o.model = "claude-sonnet-4-5";
  o.session_id = "s1";
  o.path = path;
  o.timestamp_unix_nanos = ts;
  o.prompt_summary = "add a function";
  return o;
}

std::unique_ptr<WorkingLog> MemLog() {
  auto log = OpenWorkingLog(":memory:", true);
  EXPECT_OK(log);
  return std::move(log).value();
}

TEST(WorkingLogTest, NormaliseLineStripsAsciiWhitespaceOnly) {
  EXPECT_EQ(NormaliseLine("  \tint x = 1;\r\n"), "int x = 1;");
  EXPECT_EQ(NormaliseLine("a  b"), "a  b");
  EXPECT_EQ(NormaliseLine(" \v\f "), "");
  EXPECT_EQ(NormaliseLine("\xc2\xa0x"), "\xc2\xa0x");  // NBSP is not ASCII whitespace
  EXPECT_EQ(LineHash("  return 0;"), LineHash("return 0;\t"));
  EXPECT_EQ(LineHash("x"), Sha256("x"));
  EXPECT_NE(LineHash("return 0;"), LineHash("return 1;"));
}

TEST(WorkingLogTest, AddThenLookupFindsOriginsAndSkipsBlankLines) {
  auto log = MemLog();
  ASSERT_OK(log->Add(Origin("c1", 3, 100), {"int main() {", "", "   ", "  return 0;", "}"}));
  auto r = log->Lookup({LineHash("return 0;"), LineHash(""), LineHash("never written")});
  ASSERT_OK(r);
  ASSERT_EQ(r->size(), 1u);
  auto& origins = r->at(DigestBytes(LineHash("return 0;")));
  ASSERT_EQ(origins.size(), 1u);
  EXPECT_EQ(origins[0].checkpoint_id, "c1");
  EXPECT_EQ(origins[0].checkpoint_index, 3);
  EXPECT_EQ(origins[0].agent, "claude-code");
  EXPECT_EQ(origins[0].model, "claude-sonnet-4-5");
  EXPECT_EQ(origins[0].session_id, "s1");
  EXPECT_EQ(origins[0].path, "a.cc");
  EXPECT_EQ(origins[0].timestamp_unix_nanos, 100);
  EXPECT_EQ(origins[0].prompt_summary, "add a function");
  EXPECT_EQ(*log->CountCheckpoints(), 1);
}

TEST(WorkingLogTest, LookupOrdersNewestFirstThenByIndex) {
  auto log = MemLog();
  ASSERT_OK(log->Add(Origin("old", 1, 100), {"}"}));
  ASSERT_OK(log->Add(Origin("new", 5, 300), {"}"}));
  ASSERT_OK(log->Add(Origin("same-time-low", 2, 200), {"}"}));
  ASSERT_OK(log->Add(Origin("same-time-high", 4, 200), {"}"}));
  auto r = log->Lookup({LineHash("}")});
  ASSERT_OK(r);
  auto& o = r->at(DigestBytes(LineHash("}")));
  ASSERT_EQ(o.size(), 4u);
  EXPECT_EQ(o[0].checkpoint_id, "new");
  EXPECT_EQ(o[1].checkpoint_id, "same-time-high");
  EXPECT_EQ(o[2].checkpoint_id, "same-time-low");
  EXPECT_EQ(o[3].checkpoint_id, "old");
  EXPECT_EQ(*log->CountCheckpoints(), 4);
}

TEST(WorkingLogTest, RepeatedAddIsIdempotentAndKeepsPaths) {
  auto log = MemLog();
  ASSERT_OK(log->Add(Origin("c1", 1, 100, "a.cc"), {"x;", "x;"}));
  ASSERT_OK(log->Add(Origin("c1", 1, 100, "a.cc"), {"x;"}));
  ASSERT_OK(log->Add(Origin("c1", 1, 100, "b.cc"), {"x;"}));  // MultiEdit over two files
  auto r = log->Lookup({LineHash("x;"), LineHash("x;")});
  ASSERT_OK(r);
  auto& o = r->at(DigestBytes(LineHash("x;")));
  ASSERT_EQ(o.size(), 2u);
  EXPECT_EQ(o[0].path, "a.cc");
  EXPECT_EQ(o[1].path, "b.cc");
  EXPECT_EQ(*log->CountCheckpoints(), 1);
}

TEST(WorkingLogTest, PromptSummaryIsCutTo120BytesOnACharacterBoundary) {
  auto log = MemLog();
  LineOrigin o = Origin("c1", 1, 1);
  o.prompt_summary = std::string(119, 'a') + "\xc3\xa9" + "tail";  // é straddles byte 120
  ASSERT_OK(log->Add(o, {"y"}));
  auto r = log->Lookup({LineHash("y")});
  ASSERT_OK(r);
  EXPECT_EQ(r->at(DigestBytes(LineHash("y")))[0].prompt_summary, std::string(119, 'a'));
}

TEST(WorkingLogTest, AddWithoutCheckpointIdIsRejected) {
  auto log = MemLog();
  Status s = log->Add(Origin("", 1, 1), {"z"});
  EXPECT_EQ(s.code(), Code::kInvalidArgument);
}

TEST(WorkingLogTest, MissingFileIsNotFoundWithoutCreate) {
  testing::ScopedTempDir dir;
  auto r = OpenWorkingLog(dir.path() + "/worklog.db", false);
  EXPECT_EQ(r.status().code(), Code::kNotFound);
}

TEST(WorkingLogTest, ReopenKeepsRows) {
  testing::ScopedTempDir dir;
  std::string path = dir.path() + "/worklog.db";
  {
    auto log = OpenWorkingLog(path, true);
    ASSERT_OK(log);
    ASSERT_OK((*log)->Add(Origin("c1", 1, 1), {"kept"}));
  }
  auto log = OpenWorkingLog(path, false);
  ASSERT_OK(log);
  auto r = (*log)->Lookup({LineHash("kept")});
  ASSERT_OK(r);
  EXPECT_EQ(r->size(), 1u);
}

TEST(WorkingLogTest, CorruptFileIsReportedNotRecreated) {
  testing::ScopedTempDir dir;
  std::string path = dir.path() + "/worklog.db";
  std::string garbage(4096, 'G');
  {
    std::ofstream f(path, std::ios::binary);
    f << garbage;
  }
  for (bool create : {false, true}) {
    auto r = OpenWorkingLog(path, create);
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.status().code(), Code::kCorruption) << r.status().ToString();
    EXPECT_NE(r.status().ToString().find(path), std::string::npos);
  }
  std::ifstream f(path, std::ios::binary);
  std::string after((std::istreambuf_iterator<char>(f)), {});
  EXPECT_EQ(after, garbage);
}

TEST(WorkingLogTest, ForeignSqliteDatabaseIsCorruption) {
  testing::ScopedTempDir dir;
  std::string path = dir.path() + "/worklog.db";
  sqlite3* db = nullptr;
  ASSERT_EQ(sqlite3_open(path.c_str(), &db), SQLITE_OK);
  ASSERT_EQ(sqlite3_exec(db, "CREATE TABLE t(x)", nullptr, nullptr, nullptr), SQLITE_OK);
  sqlite3_close(db);
  auto r = OpenWorkingLog(path, false);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), Code::kCorruption) << r.status().ToString();
  EXPECT_NE(r.status().ToString().find("not a custody working log"), std::string::npos);
}

// Many threads, each with its own connection, write at once: every row lands.
TEST(WorkingLogTest, ConcurrentThreadsLoseNothing) {
  testing::ScopedTempDir dir;
  std::string path = dir.path() + "/worklog.db";
  { ASSERT_OK(OpenWorkingLog(path, true)); }
  constexpr int kThreads = 8, kPerThread = 20;
  std::vector<std::thread> threads;
  std::vector<Status> results(kThreads);
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      auto log = OpenWorkingLog(path, true);
      if (!log.ok()) {
        results[t] = log.status();
        return;
      }
      for (int i = 0; i < kPerThread; ++i) {
        std::string id = "t" + std::to_string(t) + "-" + std::to_string(i);
        Status s = (*log)->Add(Origin(id, t * 1000 + i, i), {"line " + id, "shared;"});
        if (!s.ok()) {
          results[t] = s;
          return;
        }
      }
    });
  }
  for (auto& th : threads) th.join();
  for (auto& s : results) ASSERT_OK(s);
  auto log = OpenWorkingLog(path, false);
  ASSERT_OK(log);
  EXPECT_EQ(*(*log)->CountCheckpoints(), kThreads * kPerThread);
  auto r = (*log)->Lookup({LineHash("shared;"), LineHash("line t7-19")});
  ASSERT_OK(r);
  EXPECT_EQ(r->at(DigestBytes(LineHash("shared;"))).size(), size_t{kThreads * kPerThread});
  EXPECT_EQ(r->at(DigestBytes(LineHash("line t7-19"))).size(), 1u);
}

// Separate processes (what parallel hooks are), none sharing a connection or
// anything in memory, write at once: every row lands.
TEST(WorkingLogTest, ConcurrentProcessesLoseNothing) {
  testing::ScopedTempDir dir;
  std::string path = dir.path() + "/worklog.db";
  std::string gaps = dir.path() + "/gaps.jsonl";
  constexpr int kProcs = 8, kPerProc = 25;
  std::vector<pid_t> pids;
  for (int p = 0; p < kProcs; ++p) {
    pid_t pid = fork();
    ASSERT_GE(pid, 0);
    if (pid == 0) {
      // Every child also races to create the file and schema.
      auto log = OpenWorkingLog(path, true);
      if (!log.ok()) {  // say why: the parent sees only the exit code
        std::fprintf(stderr, "child %d: %s\n", p, log.status().ToString().c_str());
        _exit(10);
      }
      for (int i = 0; i < kPerProc; ++i) {
        std::string id = "p" + std::to_string(p) + "-" + std::to_string(i);
        if (!(*log)->Add(Origin(id, p * 1000 + i, i), {"line " + id, "shared;"}).ok()) _exit(11);
        Gap g;
        g.time_unix_nanos = i;
        g.source = "hook:test:" + id;
        g.reason = std::string(300, 'r');  // long enough that torn writes would show
        if (!AppendGap(Env::Default(), gaps, g).ok()) _exit(12);
      }
      _exit(0);
    }
    pids.push_back(pid);
  }
  for (pid_t pid : pids) {
    int status = 0;
    ASSERT_EQ(waitpid(pid, &status, 0), pid);
    ASSERT_TRUE(WIFEXITED(status));
    EXPECT_EQ(WEXITSTATUS(status), 0);
  }
  auto log = OpenWorkingLog(path, false);
  ASSERT_OK(log);
  EXPECT_EQ(*(*log)->CountCheckpoints(), kProcs * kPerProc);
  auto r = (*log)->Lookup({LineHash("shared;")});
  ASSERT_OK(r);
  EXPECT_EQ(r->at(DigestBytes(LineHash("shared;"))).size(), size_t{kProcs * kPerProc});
  auto g = ReadGaps(Env::Default(), gaps);
  ASSERT_OK(g);
  ASSERT_EQ(g->size(), size_t{kProcs * kPerProc});
  for (auto& gap : *g) EXPECT_NE(gap.source, "gaps-file") << gap.reason;
  auto mode = Env::Default()->FileMode(gaps);
  ASSERT_OK(mode);
  EXPECT_EQ(*mode, 0600u);
}

TEST(GapsTest, AppendAndReadRoundTripOnMemEnv) {
  auto env = NewMemEnv();
  std::string path = "/repo/.git/custody/gaps.jsonl";
  ASSERT_OK(env->CreateDirs("/repo/.git/custody"));
  auto none = ReadGaps(env.get(), path);
  ASSERT_OK(none);
  EXPECT_TRUE(none->empty());
  Gap a{1, "hook:claude-code:PostToolUse", "", "src/a.cc", "payload is not JSON\nat byte 3"};
  Gap b{2, "git:post-commit", "0123abcd", "", "ledger unavailable"};
  ASSERT_OK(AppendGap(env.get(), path, a));
  ASSERT_OK(AppendGap(env.get(), path, b));
  auto g = ReadGaps(env.get(), path);
  ASSERT_OK(g);
  ASSERT_EQ(g->size(), 2u);
  EXPECT_EQ((*g)[0].time_unix_nanos, 1);
  EXPECT_EQ((*g)[0].source, "hook:claude-code:PostToolUse");
  EXPECT_EQ((*g)[0].path, "src/a.cc");
  EXPECT_EQ((*g)[0].reason, "payload is not JSON at byte 3");  // one line
  EXPECT_EQ((*g)[1].commit, "0123abcd");
  EXPECT_EQ(*env->FileMode(path), 0600u);
}

TEST(GapsTest, BadLinesBecomeGapsNamingTheLine) {
  auto env = NewMemEnv();
  std::string path = "/d/g.jsonl";
  ASSERT_OK(env->CreateDirs("/d"));
  ASSERT_OK(env->WriteFileAtomic(
      path, "{\"time\":1,\"source\":\"s\",\"reason\":\"r\"}\nnot json\n{\"source\":5,\"reason\":\"r\"}\n"
            "\n{\"time\":2,\"source\":\"s2\",\"reason\":\"r2\"}\n{\"source\":\"cut"));
  auto g = ReadGaps(env.get(), path);
  ASSERT_OK(g);
  ASSERT_EQ(g->size(), 5u);
  EXPECT_EQ((*g)[0].source, "s");
  EXPECT_EQ((*g)[1].source, "gaps-file");
  EXPECT_NE((*g)[1].reason.find("/d/g.jsonl:2"), std::string::npos);
  EXPECT_EQ((*g)[2].source, "gaps-file");
  EXPECT_NE((*g)[2].reason.find("/d/g.jsonl:3"), std::string::npos);
  EXPECT_EQ((*g)[3].source, "s2");
  EXPECT_EQ((*g)[4].source, "gaps-file");
  EXPECT_NE((*g)[4].reason.find("/d/g.jsonl:6"), std::string::npos);
}

TEST(GapsTest, InvalidUtf8IsKeptNotThrown) {
  auto env = NewMemEnv();
  Gap a{1, "hook:cursor:afterFileEdit", "", "bad\xff\xfe.txt", "x"};
  ASSERT_OK(env->CreateDirs("/d"));
  ASSERT_OK(AppendGap(env.get(), "/d/g.jsonl", a));
  auto g = ReadGaps(env.get(), "/d/g.jsonl");
  ASSERT_OK(g);
  ASSERT_EQ(g->size(), 1u);
  EXPECT_EQ((*g)[0].source, "hook:cursor:afterFileEdit");
}

}  // namespace
}  // namespace custody
