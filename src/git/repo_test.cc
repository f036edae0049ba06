// Tests of the libgit2 Repo against real repositories in temporary
// directories, cross-checked with the real git command line.
#include "custody/repo.h"

#include <dlfcn.h>
#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <map>
#include <set>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "common/test_util.h"

namespace custody {
int DeferredCaBundleLoadsForTest();  // src/git/repo.cc
namespace {

using ::custody::testing::ScopedTempDir;

constexpr std::string_view kNotesRef = "refs/notes/custody";

std::string ShellQuote(const std::string& s) {
  std::string q = "'";
  for (char c : s) {
    if (c == '\'') {
      q += "'\\''";
    } else {
      q += c;
    }
  }
  return q + "'";
}

struct GitRun {
  int exit_code = -1;
  std::string out;
};

// Runs `git -C dir ARGS` (ARGS is shell syntax) and captures stdout. The
// GIT_* variables a hook may export are dropped so the test always talks to
// `dir`.
GitRun RunGit(const std::string& dir, const std::string& args) {
  std::string cmd =
      "env -u GIT_DIR -u GIT_WORK_TREE -u GIT_INDEX_FILE -u GIT_COMMON_DIR "
      "git -C " +
      ShellQuote(dir) + " -c commit.gpgsign=false " + args + " 2>/dev/null";
  GitRun run;
  FILE* pipe = popen(cmd.c_str(), "r");
  if (pipe == nullptr) return run;
  char buf[4096];
  size_t n;
  while ((n = fread(buf, 1, sizeof(buf), pipe)) > 0) run.out.append(buf, n);
  int status = pclose(pipe);
  run.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  return run;
}

// Runs git, expects success, returns stdout without its final newline.
std::string Git(const std::string& dir, const std::string& args) {
  GitRun run = RunGit(dir, args);
  EXPECT_EQ(run.exit_code, 0) << "git " << args;
  if (!run.out.empty() && run.out.back() == '\n') run.out.pop_back();
  return run.out;
}

void WriteFile(const std::string& path, const std::string& data) {
  std::ofstream(path, std::ios::binary) << data;
}

class RepoTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_FALSE(tmp_.path().empty());
    root_ = std::filesystem::canonical(tmp_.path()).string();
    work_ = root_ + "/work";
  }

  void InitRepo(const std::string& dir) {
    std::filesystem::create_directories(dir);
    Git(dir, "init -q -b main");
    Git(dir, "config user.name Tester");
    Git(dir, "config user.email tester@example.com");
  }

  // Commits a change to f.txt and returns the new HEAD id.
  std::string Commit(const std::string& dir, const std::string& message) {
    WriteFile(dir + "/f.txt", message + "\n");
    Git(dir, "add f.txt");
    Git(dir, "commit -q -m " + ShellQuote(message));
    return Git(dir, "rev-parse HEAD");
  }

  std::unique_ptr<Repo> Open(const std::string& path) {
    Result<std::unique_ptr<Repo>> repo = Repo::Discover(path);
    EXPECT_OK(repo);
    return repo.ok() ? std::move(repo).value() : nullptr;
  }

  ScopedTempDir tmp_;
  std::string root_;
  std::string work_;
};

const GitIdentity kAuthor{"Note Writer", "notes@example.com"};

TEST_F(RepoTest, DiscoverFromSubdirectory) {
  InitRepo(work_);
  std::filesystem::create_directories(work_ + "/a/b");
  std::unique_ptr<Repo> repo = Open(work_ + "/a/b");
  ASSERT_NE(repo, nullptr);
  EXPECT_EQ(repo->workdir(), work_);
  EXPECT_EQ(repo->git_dir(), work_ + "/.git");
  EXPECT_EQ(repo->common_dir(), work_ + "/.git");
  EXPECT_FALSE(repo->is_bare());
}

TEST_F(RepoTest, LibgitInitSkipsTheCaBundleOnMbedtlsBuilds) {
  InitRepo(work_);
  ASSERT_NE(Open(work_), nullptr);  // initialises libgit2 if nothing did yet
  // With libgit2 on mbedTLS (Debian's build) the CA bundle load at init was
  // turned away exactly once; on other TLS backends it is never attempted.
  const bool mbedtls = dlsym(RTLD_DEFAULT, "mbedtls_ssl_conf_ca_chain") != nullptr;
  EXPECT_EQ(DeferredCaBundleLoadsForTest(), mbedtls ? 1 : 0);
}

TEST_F(RepoTest, DiscoverOutsideRepositoryIsNotFound) {
  std::string plain = root_ + "/plain";
  std::filesystem::create_directories(plain);
  Result<std::unique_ptr<Repo>> repo = Repo::Discover(plain);
  ASSERT_FALSE(repo.ok());
  EXPECT_EQ(repo.status().code(), Code::kNotFound);
  EXPECT_EQ(repo.status().message(),
            plain +
                ": not a git repository (run custody inside a git work tree, "
                "or git init first)");

  Result<std::unique_ptr<Repo>> missing = Repo::Discover(root_ + "/does/not/exist");
  EXPECT_EQ(missing.status().code(), Code::kNotFound);
}

TEST_F(RepoTest, DiscoverBareRepository) {
  std::string bare = root_ + "/bare.git";
  std::filesystem::create_directories(bare);
  Git(bare, "init -q --bare");
  std::unique_ptr<Repo> repo = Open(bare);
  ASSERT_NE(repo, nullptr);
  EXPECT_TRUE(repo->is_bare());
  EXPECT_EQ(repo->workdir(), "");
  EXPECT_EQ(repo->git_dir(), bare);
  EXPECT_EQ(repo->common_dir(), bare);
}

TEST_F(RepoTest, WorktreeSharesCommonDirAndNotes) {
  InitRepo(work_);
  std::string c1 = Commit(work_, "one");
  Git(work_, "worktree add -q " + ShellQuote(root_ + "/wt") + " -b side");
  std::filesystem::create_directories(root_ + "/wt/sub");

  std::unique_ptr<Repo> wt = Open(root_ + "/wt/sub");
  ASSERT_NE(wt, nullptr);
  EXPECT_EQ(wt->workdir(), root_ + "/wt");
  EXPECT_EQ(wt->git_dir(), work_ + "/.git/worktrees/wt");
  EXPECT_EQ(wt->common_dir(), work_ + "/.git");
  EXPECT_NE(wt->git_dir(), wt->common_dir());

  // A note written from the worktree is seen from the main work tree, and
  // its lock lives in the shared dir.
  ASSERT_OK(wt->AppendNoteLines(kNotesRef, c1, {"from-worktree"}, kAuthor));
  EXPECT_TRUE(std::filesystem::exists(work_ + "/.git/custody/notes.lock"));
  std::unique_ptr<Repo> main_repo = Open(work_);
  ASSERT_NE(main_repo, nullptr);
  Result<std::vector<std::string>> lines = main_repo->ReadNoteLines(kNotesRef, c1);
  ASSERT_OK(lines);
  EXPECT_EQ(*lines, std::vector<std::string>{"from-worktree"});
}

TEST_F(RepoTest, ResolveCommitAcceptsRevspecs) {
  InitRepo(work_);
  std::string c1 = Commit(work_, "one");
  std::string c2 = Commit(work_, "two");
  Git(work_, "tag -a v1 -m v1 " + c1);
  std::unique_ptr<Repo> repo = Open(work_);
  ASSERT_NE(repo, nullptr);

  struct Case {
    std::string rev;
    std::string want;
  };
  for (const Case& c : std::vector<Case>{{"HEAD", c2},
                                         {"HEAD~1", c1},
                                         {c1.substr(0, 7), c1},
                                         {c2, c2},
                                         {"main", c2},
                                         {"v1", c1}}) {
    Result<std::string> got = repo->ResolveCommit(c.rev);
    ASSERT_OK(got) << c.rev;
    EXPECT_EQ(*got, c.want) << c.rev;
  }
}

TEST_F(RepoTest, ResolveCommitErrors) {
  InitRepo(work_);
  Commit(work_, "one");
  std::unique_ptr<Repo> repo = Open(work_);
  ASSERT_NE(repo, nullptr);

  Result<std::string> unknown = repo->ResolveCommit("nope");
  EXPECT_EQ(unknown.status().code(), Code::kNotFound);
  EXPECT_EQ(unknown.status().message(), "nope: unknown revision");
  EXPECT_EQ(repo->ResolveCommit("HEAD~5").status().code(), Code::kNotFound);
  EXPECT_EQ(repo->ResolveCommit("HEAD^{tree}").status().code(), Code::kInvalidArgument);
}

TEST_F(RepoTest, HeadCommitOnUnbornBranchIsNullopt) {
  InitRepo(work_);
  std::unique_ptr<Repo> repo = Open(work_);
  ASSERT_NE(repo, nullptr);
  Result<std::optional<std::string>> head = repo->HeadCommit();
  ASSERT_OK(head);
  EXPECT_FALSE(head->has_value());
  EXPECT_EQ(repo->ResolveCommit("HEAD").status().code(), Code::kNotFound);

  std::string c1 = Commit(work_, "one");
  head = repo->HeadCommit();
  ASSERT_OK(head);
  EXPECT_EQ(head->value_or(""), c1);
}

TEST_F(RepoTest, RevListIsOldestFirst) {
  InitRepo(work_);
  std::vector<std::string> c;
  for (int i = 0; i < 5; ++i) c.push_back(Commit(work_, "c" + std::to_string(i)));
  std::unique_ptr<Repo> repo = Open(work_);
  ASSERT_NE(repo, nullptr);

  Result<std::vector<std::string>> range = repo->RevList(c[1] + "..HEAD");
  ASSERT_OK(range);
  EXPECT_EQ(*range, (std::vector<std::string>{c[2], c[3], c[4]}));
  std::string from_git = Git(work_, "rev-list --reverse " + c[1] + "..HEAD");
  EXPECT_EQ(from_git, c[2] + "\n" + c[3] + "\n" + c[4]);

  Result<std::vector<std::string>> all = repo->RevList(c[2]);
  ASSERT_OK(all);
  EXPECT_EQ(*all, (std::vector<std::string>{c[0], c[1], c[2]}));

  Result<std::vector<std::string>> open_end = repo->RevList(c[3] + "..");
  ASSERT_OK(open_end);
  EXPECT_EQ(*open_end, std::vector<std::string>{c[4]});

  Result<std::vector<std::string>> empty = repo->RevList("HEAD..HEAD");
  ASSERT_OK(empty);
  EXPECT_TRUE(empty->empty());

  EXPECT_EQ(repo->RevList("nope..HEAD").status().message(), "nope: unknown revision");
  EXPECT_EQ(repo->RevList(c[0] + "...HEAD").status().code(), Code::kInvalidArgument);
}

TEST_F(RepoTest, ReadBlobAtCommit) {
  InitRepo(work_);
  std::filesystem::create_directories(work_ + "/dir");
  WriteFile(work_ + "/dir/x.txt", std::string("a\0b\n", 4));
  Git(work_, "add dir/x.txt");
  std::string c1 = Commit(work_, "one");
  std::unique_ptr<Repo> repo = Open(work_);
  ASSERT_NE(repo, nullptr);

  Result<std::string> blob = repo->ReadBlobAtCommit(c1, "dir/x.txt");
  ASSERT_OK(blob);
  EXPECT_EQ(*blob, std::string("a\0b\n", 4));
  Result<std::string> f = repo->ReadBlobAtCommit("HEAD", "f.txt");
  ASSERT_OK(f);
  EXPECT_EQ(*f, "one\n");

  Result<std::string> missing = repo->ReadBlobAtCommit("HEAD", "nope.txt");
  EXPECT_EQ(missing.status().code(), Code::kNotFound);
  EXPECT_EQ(missing.status().message(), "HEAD:nope.txt: no such file");
  EXPECT_EQ(repo->ReadBlobAtCommit("HEAD", "dir").status().code(), Code::kInvalidArgument);
}

// DiffCommit walks the trees itself (no index, no attributes): check it
// against what git reports for the same commits, on the cases a tree walk
// can get wrong: git's tree order ("a.c" < "a/" < "a0"), a file that
// becomes a directory, exact renames, deletions, binaries, mode-only
// changes and untouched subtrees.
TEST_F(RepoTest, DiffCommitMatchesGit) {
  InitRepo(work_);
  namespace fs = std::filesystem;
  for (const char* d : {"a", "dir/sub", "dir/untouched", "other"}) {
    fs::create_directories(work_ + "/" + d);
  }
  WriteFile(work_ + "/a.c", "one\ntwo\nthree\n");
  WriteFile(work_ + "/a/b.txt", "b1\n");
  WriteFile(work_ + "/a0", "zero\n");
  WriteFile(work_ + "/dir/sub/deep.txt", "d1\nd2\n");
  for (int i = 0; i < 20; ++i) {
    WriteFile(work_ + "/dir/untouched/u" + std::to_string(i), "u\n");
  }
  WriteFile(work_ + "/x", "x was a file\n");
  WriteFile(work_ + "/moved.txt", "moved content\nline 2\n");
  WriteFile(work_ + "/gone.txt", "gone 1\ngone 2\n");
  WriteFile(work_ + "/bin.dat", std::string("\0\1\2old", 6));
  WriteFile(work_ + "/script.sh", "echo hi\n");
  Git(work_, "add -A");
  Git(work_, "commit -q -m base");
  std::string c1 = Git(work_, "rev-parse HEAD");

  WriteFile(work_ + "/a.c", "one\nnew A\ntwo\nthree\nnew B\n");
  WriteFile(work_ + "/a/b.txt", "b2\n");
  WriteFile(work_ + "/a0", "zero\nzero 2\n");
  WriteFile(work_ + "/dir/sub/deep.txt", "d1\n");
  fs::remove(work_ + "/x");
  fs::create_directories(work_ + "/x");
  WriteFile(work_ + "/x/inner.txt", "inner\n");
  fs::rename(work_ + "/moved.txt", work_ + "/other/moved.txt");
  fs::remove(work_ + "/gone.txt");
  WriteFile(work_ + "/bin.dat", std::string("\0\1\2new", 6));
  fs::permissions(work_ + "/script.sh", fs::perms::owner_exec, fs::perm_options::add);
  WriteFile(work_ + "/new.txt", "fresh\n");
  Git(work_, "add -A");
  Git(work_, "commit -q -m change");
  std::string c2 = Git(work_, "rev-parse HEAD");

  std::unique_ptr<Repo> repo = Open(work_);
  ASSERT_NE(repo, nullptr);
  Result<std::vector<FileDiff>> diff = repo->DiffCommit(c2, "");
  ASSERT_OK(diff);

  // path -> "old_path|deleted|binary|+added lines (n:text)|-removed lines"
  std::map<std::string, std::string> got;
  for (const FileDiff& f : *diff) {
    std::string added, removed;
    for (const DiffHunk& h : f.hunks) {
      for (const auto& l : h.added) added += std::to_string(l.line) + ":" + l.text + ",";
      for (const auto& l : h.removed) removed += std::to_string(l.line) + ":" + l.text + ",";
    }
    EXPECT_EQ(got.count(f.path), 0u) << f.path << " reported twice";
    got[f.path] = f.old_path + "|" + (f.deleted ? "D" : "") + "|" + (f.binary ? "B" : "") +
                  "|+" + added + "|-" + removed;
  }
  std::map<std::string, std::string> want = {
      {"a.c", "a.c|||+2:new A,5:new B,|-"},
      {"a/b.txt", "a/b.txt|||+1:b2,|-1:b1,"},
      {"a0", "a0|||+2:zero 2,|-"},
      {"bin.dat", "bin.dat||B|+|-"},
      {"dir/sub/deep.txt", "dir/sub/deep.txt|||+|-2:d2,"},
      {"gone.txt", "gone.txt|D||+|-1:gone 1,2:gone 2,"},
      {"new.txt", "new.txt|||+1:fresh,|-"},
      {"other/moved.txt", "moved.txt|||+|-"},
      {"x", "x|D||+|-1:x was a file,"},
      {"x/inner.txt", "x/inner.txt|||+1:inner,|-"},
  };
  EXPECT_EQ(got, want);

  // The same paths as git's own view of the change (exact renames only;
  // git lists the mode-only change of script.sh, which has no lines).
  std::string names = Git(work_, "diff --name-only -M100% " + c1 + " " + c2);
  std::set<std::string> git_paths;
  std::istringstream lines(names);
  for (std::string line; std::getline(lines, line);) git_paths.insert(line);
  git_paths.erase("script.sh");
  std::set<std::string> ours;
  for (const auto& [path, _] : got) ours.insert(path);
  EXPECT_EQ(ours, git_paths);

  // A root commit adds every line; a base given explicitly is used as is.
  Result<std::vector<FileDiff>> root = repo->DiffCommit(c1, "");
  ASSERT_OK(root);
  EXPECT_EQ(root->size(), 29u);  // every file, the binary one without lines
  Result<std::vector<FileDiff>> same = repo->DiffCommit(c2, c2);
  ASSERT_OK(same);
  EXPECT_TRUE(same->empty());
}

TEST_F(RepoTest, NotesAppendReadAndIdempotent) {
  InitRepo(work_);
  std::string c1 = Commit(work_, "one");
  std::string c2 = Commit(work_, "two");
  std::unique_ptr<Repo> repo = Open(work_);
  ASSERT_NE(repo, nullptr);

  // No ref yet: empty, not an error.
  Result<std::vector<std::string>> none = repo->ReadNoteLines(kNotesRef, c1);
  ASSERT_OK(none);
  EXPECT_TRUE(none->empty());
  Result<std::vector<std::string>> noted = repo->ListNotedCommits(kNotesRef);
  ASSERT_OK(noted);
  EXPECT_TRUE(noted->empty());

  ASSERT_OK(repo->AppendNoteLines(kNotesRef, c1, {R"({"a":1})", R"({"b":2})"}, kAuthor));
  ASSERT_OK(repo->AppendNoteLines(kNotesRef, c1, {R"({"c":3})", R"({"c":3})"}, kAuthor));
  std::string ref_before = Git(work_, "rev-parse refs/notes/custody");
  // Re-appending present lines changes nothing, not even the ref.
  ASSERT_OK(repo->AppendNoteLines(kNotesRef, c1, {R"({"b":2})", R"({"a":1})"}, kAuthor));
  EXPECT_EQ(Git(work_, "rev-parse refs/notes/custody"), ref_before);

  Result<std::vector<std::string>> lines = repo->ReadNoteLines(kNotesRef, c1);
  ASSERT_OK(lines);
  EXPECT_EQ(*lines, (std::vector<std::string>{R"({"a":1})", R"({"b":2})", R"({"c":3})"}));
  EXPECT_TRUE(repo->ReadNoteLines(kNotesRef, c2)->empty());

  ASSERT_OK(repo->AppendNoteLines(kNotesRef, c2, {"x"}, kAuthor));
  noted = repo->ListNotedCommits(kNotesRef);
  ASSERT_OK(noted);
  std::vector<std::string> want = {c1, c2};
  std::sort(want.begin(), want.end());
  EXPECT_EQ(*noted, want);
  // Another notes ref is independent.
  EXPECT_TRUE(repo->ListNotedCommits("refs/notes/other")->empty());
}

TEST_F(RepoTest, NotesAreReadableByGit) {
  InitRepo(work_);
  std::string c1 = Commit(work_, "one");
  std::unique_ptr<Repo> repo = Open(work_);
  ASSERT_NE(repo, nullptr);
  ASSERT_OK(repo->AppendNoteLines(kNotesRef, c1, {R"({"a":1})"}, kAuthor));
  ASSERT_OK(repo->AppendNoteLines(kNotesRef, c1, {R"({"b":"x y"})"}, kAuthor));

  GitRun show = RunGit(work_, "notes --ref=custody show " + c1);
  EXPECT_EQ(show.exit_code, 0);
  EXPECT_EQ(show.out, "{\"a\":1}\n{\"b\":\"x y\"}\n");
  // The notes history is a chain of two commits by the given author.
  EXPECT_EQ(Git(work_, "rev-list --count refs/notes/custody"), "2");
  EXPECT_EQ(Git(work_, "log -1 --format=%an/%ae/%cn refs/notes/custody"),
            "Note Writer/notes@example.com/Note Writer");
}

TEST_F(RepoTest, AppendKeepsNoteWrittenByGit) {
  InitRepo(work_);
  std::string c1 = Commit(work_, "one");
  Git(work_, "notes --ref=custody add -m from-git " + c1);
  std::unique_ptr<Repo> repo = Open(work_);
  ASSERT_NE(repo, nullptr);
  ASSERT_OK(repo->AppendNoteLines(kNotesRef, c1, {"from-custody", "from-git"}, kAuthor));
  Result<std::vector<std::string>> lines = repo->ReadNoteLines(kNotesRef, c1);
  ASSERT_OK(lines);
  EXPECT_EQ(*lines, (std::vector<std::string>{"from-git", "from-custody"}));
  EXPECT_EQ(Git(work_, "rev-list --count refs/notes/custody"), "2");
}

TEST_F(RepoTest, AppendNoteRejectsBadInput) {
  InitRepo(work_);
  std::string c1 = Commit(work_, "one");
  std::unique_ptr<Repo> repo = Open(work_);
  ASSERT_NE(repo, nullptr);

  Status s = repo->AppendNoteLines(kNotesRef, c1, {"ok", "two\nlines"}, kAuthor);
  EXPECT_EQ(s.code(), Code::kInvalidArgument);
  EXPECT_NE(s.message().find("note line 2"), std::string::npos) << s.ToString();
  EXPECT_EQ(repo->AppendNoteLines(kNotesRef, c1, {""}, kAuthor).code(), Code::kInvalidArgument);
  EXPECT_EQ(repo->AppendNoteLines(kNotesRef, "HEAD", {"x"}, kAuthor).code(),
            Code::kInvalidArgument);
  EXPECT_EQ(repo->AppendNoteLines(kNotesRef, std::string(40, 'a'), {"x"}, kAuthor).code(),
            Code::kNotFound);
  // Nothing was written by the rejected calls.
  EXPECT_NE(RunGit(work_, "rev-parse --verify -q refs/notes/custody").exit_code, 0);
  EXPECT_TRUE(repo->ReadNoteLines(kNotesRef, c1)->empty());
}

TEST_F(RepoTest, NotesRewriteRefCarriesNoteThroughAmend) {
  InitRepo(work_);
  std::string c1 = Commit(work_, "one");
  std::unique_ptr<Repo> repo = Open(work_);
  ASSERT_NE(repo, nullptr);
  ASSERT_OK(repo->AddConfigMultivar("notes.rewriteRef", kNotesRef));
  ASSERT_OK(repo->AppendNoteLines(kNotesRef, c1, {"rec1", "rec2"}, kAuthor));

  Git(work_, "commit -q --amend -m amended");
  Result<std::optional<std::string>> head = repo->HeadCommit();
  ASSERT_OK(head);
  ASSERT_TRUE(head->has_value());
  ASSERT_NE(**head, c1);
  Result<std::vector<std::string>> lines = repo->ReadNoteLines(kNotesRef, **head);
  ASSERT_OK(lines);
  EXPECT_EQ(*lines, (std::vector<std::string>{"rec1", "rec2"}));
}

std::string WorkerLine(int worker, int i) {
  return R"({"worker":)" + std::to_string(worker) + R"(,"i":)" + std::to_string(i) + "}";
}

constexpr int kWorkers = 8;
constexpr int kLinesPerWorker = 20;

void ExpectAllWorkerLines(Repo* repo, const std::string& commit) {
  Result<std::vector<std::string>> lines = repo->ReadNoteLines(kNotesRef, commit);
  ASSERT_OK(lines);
  EXPECT_EQ(lines->size(), static_cast<size_t>(kWorkers * kLinesPerWorker));
  for (int w = 0; w < kWorkers; ++w) {
    for (int i = 0; i < kLinesPerWorker; ++i) {
      EXPECT_EQ(std::count(lines->begin(), lines->end(), WorkerLine(w, i)), 1) << WorkerLine(w, i);
    }
  }
}

TEST_F(RepoTest, ConcurrentAppendsFromThreads) {
  InitRepo(work_);
  std::string c1 = Commit(work_, "one");
  std::vector<Status> results(kWorkers);
  std::vector<std::thread> threads;
  for (int w = 0; w < kWorkers; ++w) {
    threads.emplace_back([&, w] {
      Result<std::unique_ptr<Repo>> repo = Repo::Discover(work_);  // one per thread
      if (!repo.ok()) {
        results[w] = repo.status();
        return;
      }
      for (int i = 0; i < kLinesPerWorker; ++i) {
        Status s = (*repo)->AppendNoteLines(kNotesRef, c1, {WorkerLine(w, i)}, kAuthor);
        if (!s.ok()) {
          results[w] = s;
          return;
        }
      }
    });
  }
  for (std::thread& t : threads) t.join();
  for (const Status& s : results) EXPECT_OK(s);

  std::unique_ptr<Repo> repo = Open(work_);
  ASSERT_NE(repo, nullptr);
  ExpectAllWorkerLines(repo.get(), c1);
  EXPECT_EQ(Git(work_, "rev-list --count refs/notes/custody"),
            std::to_string(kWorkers * kLinesPerWorker));
}

TEST_F(RepoTest, ConcurrentAppendsFromProcesses) {
  InitRepo(work_);
  std::string c1 = Commit(work_, "one");
  std::vector<pid_t> children;
  for (int w = 0; w < kWorkers; ++w) {
    pid_t pid = fork();
    ASSERT_GE(pid, 0);
    if (pid == 0) {
      // Child: no gtest macros; report through the exit code only.
      Result<std::unique_ptr<Repo>> repo = Repo::Discover(work_);
      if (!repo.ok()) _exit(2);
      for (int i = 0; i < kLinesPerWorker; ++i) {
        if (!(*repo)->AppendNoteLines(kNotesRef, c1, {WorkerLine(w, i)}, kAuthor).ok()) {
          _exit(1);
        }
      }
      _exit(0);
    }
    children.push_back(pid);
  }
  for (pid_t pid : children) {
    int status = 0;
    ASSERT_EQ(waitpid(pid, &status, 0), pid);
    EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0) << "status " << status;
  }

  std::unique_ptr<Repo> repo = Open(work_);
  ASSERT_NE(repo, nullptr);
  ExpectAllWorkerLines(repo.get(), c1);
  EXPECT_EQ(Git(work_, "rev-list --count refs/notes/custody"),
            std::to_string(kWorkers * kLinesPerWorker));
  EXPECT_EQ(RunGit(work_, "fsck --no-progress").exit_code, 0);
}

TEST_F(RepoTest, ConfigSetAndGet) {
  InitRepo(work_);
  std::unique_ptr<Repo> repo = Open(work_);
  ASSERT_NE(repo, nullptr);

  Result<std::optional<std::string>> unset = repo->GetConfig("custody.test");
  ASSERT_OK(unset);
  EXPECT_FALSE(unset->has_value());
  ASSERT_OK(repo->SetConfig("custody.test", "one"));
  ASSERT_OK(repo->SetConfig("custody.test", "two"));
  Result<std::optional<std::string>> value = repo->GetConfig("custody.test");
  ASSERT_OK(value);
  EXPECT_EQ(value->value_or(""), "two");
  EXPECT_EQ(Git(work_, "config --local --get-all custody.test"), "two");
  EXPECT_EQ(repo->SetConfig("no-dot", "x").code(), Code::kInvalidArgument);
}

TEST_F(RepoTest, AddConfigMultivarAddsOnce) {
  InitRepo(work_);
  std::unique_ptr<Repo> repo = Open(work_);
  ASSERT_NE(repo, nullptr);
  ASSERT_OK(repo->AddConfigMultivar("notes.rewriteRef", "refs/notes/commits"));
  ASSERT_OK(repo->AddConfigMultivar("notes.rewriteRef", kNotesRef));
  ASSERT_OK(repo->AddConfigMultivar("notes.rewriteRef", kNotesRef));
  EXPECT_EQ(Git(work_, "config --local --get-all notes.rewriteRef"),
            "refs/notes/commits\nrefs/notes/custody");
  Result<std::vector<std::string>> values = repo->GetConfigMultivar("notes.rewriteref");
  ASSERT_OK(values);
  EXPECT_EQ(*values, (std::vector<std::string>{"refs/notes/commits", "refs/notes/custody"}));
}

TEST_F(RepoTest, RemoteFetchRefspecNeedsRemote) {
  InitRepo(work_);
  std::unique_ptr<Repo> repo = Open(work_);
  ASSERT_NE(repo, nullptr);
  const std::string kRefspec = "+refs/notes/custody:refs/notes/custody";

  Status s = repo->AddConfigMultivar("remote.origin.fetch", kRefspec);
  EXPECT_EQ(s.code(), Code::kNotFound);
  EXPECT_EQ(s.message(), "remote.origin.fetch: no remote origin (add the remote first)");
  EXPECT_NE(RunGit(work_, "config --get-all remote.origin.fetch").exit_code, 0);

  Git(work_, "remote add origin https://example.com/r.git");
  ASSERT_OK(repo->AddConfigMultivar("remote.origin.fetch", kRefspec));
  ASSERT_OK(repo->AddConfigMultivar("remote.origin.fetch", kRefspec));
  EXPECT_EQ(Git(work_, "config --get-all remote.origin.fetch"),
            "+refs/heads/*:refs/remotes/origin/*\n" + kRefspec);
}

TEST_F(RepoTest, UnsetConfigValueRemovesOnlyThatValue) {
  InitRepo(work_);
  Git(work_, "remote add origin https://example.com/r.git");
  std::unique_ptr<Repo> repo = Open(work_);
  ASSERT_NE(repo, nullptr);
  // Regex metacharacters in values ('+', '*', '.') are matched literally.
  const std::string kNotes = "+refs/notes/*:refs/notes/*";
  ASSERT_OK(repo->AddConfigMultivar("remote.origin.fetch", kNotes));
  ASSERT_OK(repo->UnsetConfigValue("remote.origin.fetch", "+refs/notes/x:refs/notes/x"));
  ASSERT_OK(repo->UnsetConfigValue("remote.origin.fetch", kNotes));
  ASSERT_OK(repo->UnsetConfigValue("remote.origin.fetch", kNotes));  // already gone
  ASSERT_OK(repo->UnsetConfigValue("custody.never-set", "x"));
  EXPECT_EQ(Git(work_, "config --get-all remote.origin.fetch"),
            "+refs/heads/*:refs/remotes/origin/*");
}

TEST_F(RepoTest, DefaultIdentityFromConfigWithFallback) {
  InitRepo(work_);
  std::unique_ptr<Repo> repo = Open(work_);
  ASSERT_NE(repo, nullptr);
  Result<GitIdentity> id = repo->DefaultIdentity();
  ASSERT_OK(id);
  EXPECT_EQ(id->name, "Tester");
  EXPECT_EQ(id->email, "tester@example.com");

  // Empty local values hide any global identity, so the fallback applies.
  ASSERT_OK(repo->SetConfig("user.name", ""));
  ASSERT_OK(repo->SetConfig("user.email", ""));
  id = repo->DefaultIdentity();
  ASSERT_OK(id);
  EXPECT_EQ(id->name, "custody");
  EXPECT_EQ(id->email, "custody@localhost");
}

}  // namespace
}  // namespace custody
