// Env: every file-system, clock and environment-variable effect of the
// library goes through this interface, so unit tests run on NewMemEnv() with
// a fake clock and touch no disk (the leveldb Env pattern).
//
// Env::Default() returns a process-wide POSIX Env that the caller does not
// own and that lives until exit. NewMemEnv() returns an owned in-memory Env.
// Both are thread-safe. EnvWrapper forwards every call to a target Env that
// must outlive it; subclasses override single calls to inject faults.
#ifndef CUSTODY_ENV_H_
#define CUSTODY_ENV_H_

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "custody/status.h"

namespace custody {

// A held advisory lock; released when destroyed.
class FileLock {
 public:
  virtual ~FileLock() = default;
};

class Env {
 public:
  virtual ~Env() = default;

  // The process-wide POSIX environment. Never null; not owned by the caller.
  static Env* Default();

  // Reads the whole file. NotFound if it does not exist, PermissionDenied if
  // it cannot be read, IOError otherwise; messages name the path.
  virtual Result<std::string> ReadFile(const std::string& path) = 0;
  // Replaces `path` atomically with `data` (temporary file, fsync, rename):
  // a crash leaves either the old or the new content. `mode` is applied to
  // the new file before it becomes visible (0600 keeps a key private from
  // its first byte).
  virtual Status WriteFileAtomic(const std::string& path, std::string_view data,
                                 uint32_t mode = 0644) = 0;
  virtual bool FileExists(const std::string& path) = 0;
  // Creates `path` and its missing parents (like mkdir -p) with `mode`.
  virtual Status CreateDirs(const std::string& path, uint32_t mode = 0755) = 0;
  // Names (not paths) of the entries of a directory, sorted.
  virtual Result<std::vector<std::string>> ListDir(const std::string& path) = 0;
  virtual Status RemoveFile(const std::string& path) = 0;
  // Permission bits of `path` (e.g. 0600).
  virtual Result<uint32_t> FileMode(const std::string& path) = 0;
  // Takes an exclusive advisory lock on `path` (created if missing), waiting
  // until it is free. Works across processes for the POSIX Env.
  virtual Result<std::unique_ptr<FileLock>> LockFile(const std::string& path) = 0;

  // Wall-clock time, nanoseconds since the Unix epoch (UTC).
  virtual int64_t NowUnixNanos() = 0;
  // The value of an environment variable, or nullopt when unset.
  virtual std::optional<std::string> GetEnvVar(const std::string& name) = 0;
};

// A new in-memory Env. Files live in a map; the clock starts at
// `start_unix_nanos` and only moves when AdvanceClock() is called on the
// returned object (see MemEnv below), so tests are deterministic.
class MemEnv : public Env {
 public:
  virtual void AdvanceClock(int64_t nanos) = 0;
  virtual void SetEnvVar(const std::string& name,
                         std::optional<std::string> value) = 0;
};
std::unique_ptr<MemEnv> NewMemEnv(int64_t start_unix_nanos = 1'700'000'000'000'000'000);

// Forwards everything to `target`, which must outlive the wrapper.
class EnvWrapper : public Env {
 public:
  explicit EnvWrapper(Env* target) : target_(target) {}
  Env* target() const { return target_; }

  Result<std::string> ReadFile(const std::string& p) override { return target_->ReadFile(p); }
  Status WriteFileAtomic(const std::string& p, std::string_view d, uint32_t m = 0644) override {
    return target_->WriteFileAtomic(p, d, m);
  }
  bool FileExists(const std::string& p) override { return target_->FileExists(p); }
  Status CreateDirs(const std::string& p, uint32_t m = 0755) override { return target_->CreateDirs(p, m); }
  Result<std::vector<std::string>> ListDir(const std::string& p) override { return target_->ListDir(p); }
  Status RemoveFile(const std::string& p) override { return target_->RemoveFile(p); }
  Result<uint32_t> FileMode(const std::string& p) override { return target_->FileMode(p); }
  Result<std::unique_ptr<FileLock>> LockFile(const std::string& p) override { return target_->LockFile(p); }
  int64_t NowUnixNanos() override { return target_->NowUnixNanos(); }
  std::optional<std::string> GetEnvVar(const std::string& n) override { return target_->GetEnvVar(n); }

 private:
  Env* target_;
};

// Joins two path pieces with exactly one '/'.
std::string JoinPath(std::string_view a, std::string_view b);
// The directory part of `path` ("" when there is none).
std::string DirName(std::string_view path);

}  // namespace custody

#endif  // CUSTODY_ENV_H_
