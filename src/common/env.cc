#include "custody/env.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <condition_variable>
#include <cstdlib>
#include <cstring>
#include <map>
#include <mutex>
#include <random>
#include <set>

namespace custody {
namespace {

Status ErrnoStatus(const std::string& path, int err) {
  std::string msg = std::strerror(err);
  switch (err) {
    case ENOENT:
      return Status::NotFound(path, "no such file or directory");
    case EACCES:
    case EPERM:
      return Status::PermissionDenied(path, msg);
    case ENOSPC:
      return Status::IOError(path, "no space left on device");
    default:
      return Status::IOError(path, msg);
  }
}

class PosixFileLock : public FileLock {
 public:
  explicit PosixFileLock(int fd) : fd_(fd) {}
  ~PosixFileLock() override {
    flock(fd_, LOCK_UN);
    close(fd_);
  }

 private:
  int fd_;
};

class PosixEnv : public Env {
 public:
  Result<std::string> ReadFile(const std::string& path) override {
    int fd = open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) return ErrnoStatus(path, errno);
    struct stat st;
    if (fstat(fd, &st) == 0 && S_ISDIR(st.st_mode)) {
      close(fd);
      return Status::InvalidArgument(path, "is a directory");
    }
    std::string out;
    if (st.st_size > 0) out.reserve(static_cast<size_t>(st.st_size));
    char buf[1 << 16];
    for (;;) {
      ssize_t n = read(fd, buf, sizeof buf);
      if (n < 0) {
        if (errno == EINTR) continue;
        int err = errno;
        close(fd);
        return ErrnoStatus(path, err);
      }
      if (n == 0) break;
      out.append(buf, static_cast<size_t>(n));
    }
    close(fd);
    return out;
  }

  Status WriteFileAtomic(const std::string& path, std::string_view data, uint32_t mode) override {
    thread_local std::mt19937_64 rng(std::random_device{}());
    std::string tmp = path + ".tmp." + std::to_string(getpid()) + "." + std::to_string(rng());
    int fd = open(tmp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, mode);
    if (fd < 0) return ErrnoStatus(tmp, errno);
    // open() applies the umask; set the exact mode before any byte lands.
    if (fchmod(fd, mode) != 0) {
      int err = errno;
      close(fd);
      unlink(tmp.c_str());
      return ErrnoStatus(tmp, err);
    }
    size_t off = 0;
    while (off < data.size()) {
      ssize_t n = write(fd, data.data() + off, data.size() - off);
      if (n < 0) {
        if (errno == EINTR) continue;
        int err = errno;
        close(fd);
        unlink(tmp.c_str());
        return ErrnoStatus(path, err);
      }
      off += static_cast<size_t>(n);
    }
    if (fsync(fd) != 0 || close(fd) != 0) {
      int err = errno;
      unlink(tmp.c_str());
      return ErrnoStatus(path, err);
    }
    if (rename(tmp.c_str(), path.c_str()) != 0) {
      int err = errno;
      unlink(tmp.c_str());
      return ErrnoStatus(path, err);
    }
    // Make the rename itself durable.
    std::string dir = DirName(path);
    int dfd = open(dir.empty() ? "." : dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (dfd >= 0) {
      fsync(dfd);
      close(dfd);
    }
    return Status::OK();
  }

  bool FileExists(const std::string& path) override { return access(path.c_str(), F_OK) == 0; }

  Status CreateDirs(const std::string& path, uint32_t mode) override {
    if (path.empty()) return Status::OK();
    struct stat st;
    if (stat(path.c_str(), &st) == 0) {
      if (S_ISDIR(st.st_mode)) return Status::OK();
      return Status::InvalidArgument(path, "exists and is not a directory");
    }
    std::string parent = DirName(path);
    if (!parent.empty() && parent != path) CUSTODY_RETURN_IF_ERROR(CreateDirs(parent, mode));
    if (mkdir(path.c_str(), mode) != 0 && errno != EEXIST) return ErrnoStatus(path, errno);
    return Status::OK();
  }

  Result<std::vector<std::string>> ListDir(const std::string& path) override {
    DIR* d = opendir(path.c_str());
    if (d == nullptr) return ErrnoStatus(path, errno);
    std::vector<std::string> names;
    while (struct dirent* e = readdir(d)) {
      std::string n = e->d_name;
      if (n != "." && n != "..") names.push_back(std::move(n));
    }
    closedir(d);
    std::sort(names.begin(), names.end());
    return names;
  }

  Status RemoveFile(const std::string& path) override {
    if (unlink(path.c_str()) != 0) return ErrnoStatus(path, errno);
    return Status::OK();
  }

  Result<uint32_t> FileMode(const std::string& path) override {
    struct stat st;
    if (stat(path.c_str(), &st) != 0) return ErrnoStatus(path, errno);
    return static_cast<uint32_t>(st.st_mode & 07777);
  }

  Result<std::unique_ptr<FileLock>> LockFile(const std::string& path) override {
    int fd = open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
    if (fd < 0) return ErrnoStatus(path, errno);
    while (flock(fd, LOCK_EX) != 0) {
      if (errno == EINTR) continue;
      int err = errno;
      close(fd);
      return ErrnoStatus(path, err);
    }
    return std::unique_ptr<FileLock>(new PosixFileLock(fd));
  }

  int64_t NowUnixNanos() override {
    return std::chrono::duration_cast<std::chrono::nanoseconds>(
               std::chrono::system_clock::now().time_since_epoch())
        .count();
  }

  std::optional<std::string> GetEnvVar(const std::string& name) override {
    const char* v = std::getenv(name.c_str());
    if (v == nullptr) return std::nullopt;
    return std::string(v);
  }
};

class MemEnvImpl : public MemEnv {
 public:
  explicit MemEnvImpl(int64_t now) : now_(now) {}

  Result<std::string> ReadFile(const std::string& path) override {
    std::lock_guard<std::mutex> l(mu_);
    auto it = files_.find(path);
    if (it == files_.end()) return Status::NotFound(path, "no such file or directory");
    return it->second.data;
  }
  Status WriteFileAtomic(const std::string& path, std::string_view data, uint32_t mode) override {
    std::lock_guard<std::mutex> l(mu_);
    std::string dir = DirName(path);
    if (!dir.empty() && dirs_.count(dir) == 0) {
      return Status::NotFound(dir, "no such file or directory");
    }
    files_[path] = File{std::string(data), mode};
    return Status::OK();
  }
  bool FileExists(const std::string& path) override {
    std::lock_guard<std::mutex> l(mu_);
    return files_.count(path) > 0 || dirs_.count(path) > 0;
  }
  Status CreateDirs(const std::string& path, uint32_t mode) override {
    std::lock_guard<std::mutex> l(mu_);
    if (files_.count(path)) return Status::InvalidArgument(path, "exists and is not a directory");
    for (std::string p = path; !p.empty() && p != "/"; p = DirName(p)) dirs_.insert(p);
    return Status::OK();
  }
  Result<std::vector<std::string>> ListDir(const std::string& path) override {
    std::lock_guard<std::mutex> l(mu_);
    if (dirs_.count(path) == 0) return Status::NotFound(path, "no such file or directory");
    std::set<std::string> names;
    auto child = [&](const std::string& p) {
      if (DirName(p) == path) names.insert(p.substr(path.size() + 1));
    };
    for (auto& [p, f] : files_) child(p);
    for (auto& d : dirs_) child(d);
    return std::vector<std::string>(names.begin(), names.end());
  }
  Status RemoveFile(const std::string& path) override {
    std::lock_guard<std::mutex> l(mu_);
    if (files_.erase(path) == 0) return Status::NotFound(path, "no such file or directory");
    return Status::OK();
  }
  Result<uint32_t> FileMode(const std::string& path) override {
    std::lock_guard<std::mutex> l(mu_);
    auto it = files_.find(path);
    if (it == files_.end()) {
      if (dirs_.count(path)) return 0755u;
      return Status::NotFound(path, "no such file or directory");
    }
    return it->second.mode;
  }
  Result<std::unique_ptr<FileLock>> LockFile(const std::string& path) override {
    std::unique_lock<std::mutex> l(mu_);
    cv_.wait(l, [&] { return locked_.count(path) == 0; });
    locked_.insert(path);
    return std::unique_ptr<FileLock>(new MemLock(this, path));
  }
  int64_t NowUnixNanos() override {
    std::lock_guard<std::mutex> l(mu_);
    return now_;
  }
  std::optional<std::string> GetEnvVar(const std::string& name) override {
    std::lock_guard<std::mutex> l(mu_);
    auto it = vars_.find(name);
    if (it == vars_.end()) return std::nullopt;
    return it->second;
  }
  void AdvanceClock(int64_t nanos) override {
    std::lock_guard<std::mutex> l(mu_);
    now_ += nanos;
  }
  void SetEnvVar(const std::string& name, std::optional<std::string> value) override {
    std::lock_guard<std::mutex> l(mu_);
    if (value) {
      vars_[name] = *value;
    } else {
      vars_.erase(name);
    }
  }

 private:
  struct File {
    std::string data;
    uint32_t mode;
  };
  class MemLock : public FileLock {
   public:
    MemLock(MemEnvImpl* env, std::string path) : env_(env), path_(std::move(path)) {}
    ~MemLock() override {
      std::lock_guard<std::mutex> l(env_->mu_);
      env_->locked_.erase(path_);
      env_->cv_.notify_all();
    }

   private:
    MemEnvImpl* env_;
    std::string path_;
  };

  std::mutex mu_;
  std::condition_variable cv_;
  std::map<std::string, File> files_;   // GUARDED_BY(mu_)
  std::set<std::string> dirs_;          // GUARDED_BY(mu_)
  std::set<std::string> locked_;        // GUARDED_BY(mu_)
  std::map<std::string, std::string> vars_;  // GUARDED_BY(mu_)
  int64_t now_;                         // GUARDED_BY(mu_)
};

}  // namespace

Env* Env::Default() {
  static PosixEnv* env = new PosixEnv();  // never destroyed: usable during exit
  return env;
}

std::unique_ptr<MemEnv> NewMemEnv(int64_t start_unix_nanos) {
  return std::make_unique<MemEnvImpl>(start_unix_nanos);
}

std::string JoinPath(std::string_view a, std::string_view b) {
  if (a.empty()) return std::string(b);
  if (b.empty()) return std::string(a);
  std::string out(a);
  while (!out.empty() && out.back() == '/') out.pop_back();
  size_t i = 0;
  while (i < b.size() && b[i] == '/') ++i;
  out += '/';
  out.append(b.substr(i));
  return out;
}

std::string DirName(std::string_view path) {
  while (path.size() > 1 && path.back() == '/') path.remove_suffix(1);
  size_t slash = path.rfind('/');
  if (slash == std::string_view::npos) return "";
  if (slash == 0) return "/";
  return std::string(path.substr(0, slash));
}

}  // namespace custody
