#include "custody/env.h"

#include <gtest/gtest.h>

#include "common/test_util.h"

namespace custody {
namespace {

TEST(EnvTest, MemEnvFilesAndModes) {
  auto env = NewMemEnv();
  EXPECT_FALSE(env->WriteFileAtomic("/a/b/f", "x").ok());  // no dir yet
  ASSERT_OK(env->CreateDirs("/a/b"));
  ASSERT_OK(env->WriteFileAtomic("/a/b/f", "hello", 0600));
  auto r = env->ReadFile("/a/b/f");
  ASSERT_OK(r);
  EXPECT_EQ(*r, "hello");
  auto m = env->FileMode("/a/b/f");
  ASSERT_OK(m);
  EXPECT_EQ(*m, 0600u);
  auto ls = env->ListDir("/a");
  ASSERT_OK(ls);
  EXPECT_EQ(*ls, std::vector<std::string>{"b"});
  EXPECT_EQ(env->ReadFile("/nope").status().code(), Code::kNotFound);
}

TEST(EnvTest, MemEnvClockIsFake) {
  auto env = NewMemEnv(100);
  EXPECT_EQ(env->NowUnixNanos(), 100);
  env->AdvanceClock(5);
  EXPECT_EQ(env->NowUnixNanos(), 105);
}

TEST(EnvTest, PathHelpers) {
  EXPECT_EQ(JoinPath("a/", "/b"), "a/b");
  EXPECT_EQ(DirName("/x/y/z"), "/x/y");
  EXPECT_EQ(DirName("z"), "");
  EXPECT_EQ(DirName("/z"), "/");
}

TEST(EnvTest, PosixWriteAtomicKeepsMode) {
  testing::ScopedTempDir dir;
  Env* env = Env::Default();
  std::string p = JoinPath(dir.path(), "k");
  ASSERT_OK(env->WriteFileAtomic(p, "secret", 0600));
  auto m = env->FileMode(p);
  ASSERT_OK(m);
  EXPECT_EQ(*m, 0600u);
  ASSERT_OK(env->WriteFileAtomic(p, "again", 0600));
  EXPECT_EQ(*env->ReadFile(p), "again");
  auto ls = env->ListDir(dir.path());
  ASSERT_OK(ls);
  EXPECT_EQ(ls->size(), 1u);  // no temporary files left behind
}

}  // namespace
}  // namespace custody
