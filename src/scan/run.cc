// The scan modes: working tree, commit range, whole history.
#include <dirent.h>
#include <fcntl.h>
#include <fnmatch.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <chrono>
#include <condition_variable>
#include <cstring>
#include <deque>
#include <filesystem>
#include <fstream>
#include <limits>
#include <mutex>
#include <optional>
#include <thread>
#include <utility>

#include "custody/scan_run.h"
#include "scan/scan_internal.h"
#include "scan/gitignore.h"

namespace custody {
namespace fs = std::filesystem;

namespace {

int ThreadCount(int requested) {
  if (requested > 0) return std::min(requested, 256);
  unsigned n = std::thread::hardware_concurrency();
  return n == 0 ? 1 : static_cast<int>(std::min(n, 256u));
}

// A bounded multi-producer multi-consumer queue: producers block when it is
// full, so memory stays bounded whatever the input size.
template <typename T>
class BoundedQueue {
 public:
  explicit BoundedQueue(size_t cap) : cap_(cap) {}
  // False when the queue was closed (consumers gave up).
  bool Push(T item) {
    std::unique_lock<std::mutex> l(mu_);
    not_full_.wait(l, [&] { return closed_ || q_.size() < cap_; });
    if (closed_) return false;
    q_.push_back(std::move(item));
    not_empty_.notify_one();
    return true;
  }
  std::optional<T> Pop() {
    std::unique_lock<std::mutex> l(mu_);
    not_empty_.wait(l, [&] { return closed_ || done_ || !q_.empty(); });
    if (q_.empty()) return std::nullopt;
    T item = std::move(q_.front());
    q_.pop_front();
    not_full_.notify_one();
    return item;
  }
  // No more items will come (consumers drain what is left).
  void Finish() {
    std::lock_guard<std::mutex> l(mu_);
    done_ = true;
    not_empty_.notify_all();
  }
  // Stop everything now (an error).
  void Close() {
    std::lock_guard<std::mutex> l(mu_);
    closed_ = true;
    q_.clear();
    not_empty_.notify_all();
    not_full_.notify_all();
  }

 private:
  std::mutex mu_;
  std::condition_variable not_full_, not_empty_;
  std::deque<T> q_;
  size_t cap_;
  bool closed_ = false, done_ = false;
};

// State shared by the workers of one run.
struct RunState {
  std::mutex mu;
  ScanReport report;  // GUARDED_BY(mu)
  Status error;       // GUARDED_BY(mu): the first error
  std::atomic<bool> failed{false};
  std::atomic<uint64_t> files{0}, bytes{0}, findings{0};

  void Fail(Status s) {
    std::lock_guard<std::mutex> l(mu);
    if (error.ok()) error = std::move(s);
    failed = true;
  }
  void Note(std::string n) {
    std::lock_guard<std::mutex> l(mu);
    if (report.notes.size() < 1000) report.notes.push_back(std::move(n));
  }
  void Merge(std::vector<Finding>* f, uint64_t binary, uint64_t large) {
    std::lock_guard<std::mutex> l(mu);
    for (auto& x : *f) report.findings.push_back(std::move(x));
    report.skipped_binary += binary;
    report.skipped_large += large;
    f->clear();
  }
};

// Throttled progress reports from whichever thread calls Tick.
class Progress {
 public:
  Progress(const ScanRunOptions& o, RunState* st) : o_(o), st_(st) {}
  void Tick() {
    if (!o_.progress) return;
    // Workers call this per file: the common case (not due yet) reads one
    // atomic and takes no lock, so the threads do not queue on mu_.
    int64_t now = Clock::now().time_since_epoch().count();
    if (now < next_.load(std::memory_order_relaxed)) return;
    std::lock_guard<std::mutex> l(mu_);
    if (now < next_.load(std::memory_order_relaxed)) return;
    next_.store(now + Interval(), std::memory_order_relaxed);
    o_.progress(ScanProgress{st_->files.load(), st_->bytes.load(), st_->findings.load()});
  }

 private:
  using Clock = std::chrono::steady_clock;
  int64_t Interval() const {
    return std::chrono::duration_cast<Clock::duration>(
               std::chrono::milliseconds(o_.progress_interval_ms))
        .count();
  }
  const ScanRunOptions& o_;
  RunState* st_;
  std::mutex mu_;  // serialises the calls of o_.progress
  std::atomic<int64_t> next_{Clock::now().time_since_epoch().count() + Interval()};
};

void SortFindings(std::vector<Finding>* f) {
  std::sort(f->begin(), f->end(), [](const Finding& a, const Finding& b) {
    return std::tie(a.path, a.line, a.column, a.rule_id, a.commit) <
           std::tie(b.path, b.line, b.column, b.rule_id, b.commit);
  });
}

std::string MiB(uint64_t n) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.1f MB", static_cast<double>(n) / 1e6);
  return buf;
}

// A growable byte buffer reused across files: unlike std::string::resize it
// does not zero what read() overwrites anyway.
class ReadBuffer {
 public:
  char* Reserve(size_t n) {
    if (n > cap_) {
      cap_ = std::max(n, cap_ * 2);
      data_ = std::make_unique_for_overwrite<char[]>(cap_);
    }
    return data_.get();
  }
  std::string_view view(size_t n) const { return std::string_view(data_.get(), n); }

 private:
  std::unique_ptr<char[]> data_;
  size_t cap_ = 0;
};

// Reads the regular file `name` (relative to the directory fd `dir`, or a
// path with AT_FDCWD) without following a symlink: open, fstat, read, close.
// `*out` views `buf`. Sets *too_large instead when it is over `max_size`.
// Errors name `dir_path`/`name` (`name` alone when dir_path is "").
Status ReadFileAt(int dir, const std::string& dir_path, const std::string& name, uint64_t max_size,
                  ReadBuffer* buf, std::string_view* out, bool* too_large, uint64_t* size) {
  *too_large = false;
  auto subject = [&] { return dir_path.empty() ? name : dir_path + "/" + name; };
  int fd = ::openat(dir, name.c_str(), O_RDONLY | O_CLOEXEC | O_NOFOLLOW | O_NOCTTY);
  if (fd < 0) return Status::IOError(subject(), std::strerror(errno));
  struct stat st;
  if (::fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
    ::close(fd);
    return Status::IOError(subject(), "not a regular file");
  }
  *size = static_cast<uint64_t>(st.st_size);
  if (*size > max_size) {
    ::close(fd);
    *too_large = true;
    return Status::OK();
  }
  char* data = buf->Reserve(*size);
  size_t got = 0;
  while (got < *size) {
    ssize_t n = ::read(fd, data + got, *size - got);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) {
      int e = errno;
      ::close(fd);
      return Status::IOError(subject(), std::strerror(e));
    }
    if (n == 0) break;  // shrank while we read
    got += static_cast<size_t>(n);
  }
  ::close(fd);
  *out = buf->view(got);
  return Status::OK();
}

// A small file (an ignore file) read whole; false when it cannot be read
// (missing, unreadable, not a regular file, over 100 MiB as git's limit).
bool ReadSmallFile(int dir, const char* name, std::string* out) {
  int fd = ::openat(dir, name, O_RDONLY | O_CLOEXEC | O_NOFOLLOW | O_NOCTTY);
  return fd >= 0 && scan_internal::ReadOpenFile(fd, uint64_t{100} << 20, /*allow_short=*/true, out);
}

// A directory fd the walker hands to the workers with the directory's
// files, so they open each file relative to it. Closed on destruction;
// `held` counts the fds in flight, to keep them bounded.
class HeldFd {
 public:
  HeldFd() = default;
  HeldFd(int fd, std::atomic<int>* held) : fd_(fd), held_(held) {}
  HeldFd(HeldFd&& o) noexcept : fd_(std::exchange(o.fd_, -1)), held_(o.held_) {}
  HeldFd& operator=(HeldFd&& o) noexcept {
    if (this != &o) {
      Reset();
      fd_ = std::exchange(o.fd_, -1);
      held_ = o.held_;
    }
    return *this;
  }
  HeldFd(const HeldFd&) = delete;
  HeldFd& operator=(const HeldFd&) = delete;
  ~HeldFd() { Reset(); }
  int get() const { return fd_; }

 private:
  void Reset() {
    if (fd_ < 0) return;
    ::close(fd_);
    if (held_ != nullptr) held_->fetch_sub(1);
    fd_ = -1;
  }
  int fd_ = -1;
  std::atomic<int>* held_ = nullptr;
};

// Files of one directory for a worker.
struct FileBatch {
  std::string dir;  // absolute path of the directory; "" when names are paths
  HeldFd fd;        // the walker's fd of `dir`, or none (the worker opens it)
  std::vector<std::pair<std::string, std::string>> files;  // (name, relative path)
};

constexpr size_t kBatchFiles = 128;  // files per batch: a unit of load balancing

// How many directory fds may wait in the queue: a quarter of the soft fd
// limit, 16 to 4096. Past that the walker closes its fd and the worker
// reopens the directory by path (two more system calls per directory).
int MaxHeldFds() {
  struct rlimit rl;
  if (::getrlimit(RLIMIT_NOFILE, &rl) != 0 || rl.rlim_cur == RLIM_INFINITY) return 1024;
  return static_cast<int>(std::clamp<rlim_t>(rl.rlim_cur / 4, 16, 4096));
}

// Grows this process's file table to hold `n` descriptors now, before the
// scan starts a thread. Linux grows the table by doubling, and in a process
// of more than one thread each growth waits for an RCU grace period
// (expand_fdtable). The walk holds up to MaxHeldFds() directory descriptors
// (4096 under a 20000 limit), so growing the table as they opened cost six
// grace periods: ~45 ms of a 70 ms walk on a 2-vCPU VM, while one scanning
// thread ran. Best effort: the table never shrinks, and a failure only
// leaves the growth for later.
void ReserveFdTable(int n) {
  struct rlimit rl;
  if (::getrlimit(RLIMIT_NOFILE, &rl) != 0) return;
  if (rl.rlim_cur != RLIM_INFINITY && static_cast<rlim_t>(n) >= rl.rlim_cur) {
    n = static_cast<int>(rl.rlim_cur) - 1;
  }
  int base = ::open("/", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (base < 0) return;
  int fd = ::fcntl(base, F_DUPFD_CLOEXEC, n);
  if (fd >= 0) ::close(fd);
  ::close(base);
}

struct DirEntry {
  std::string name;
  unsigned char type;  // DT_*
};

// Lists the entries of the open directory `fd` but "." and "..", with
// getdents64 into `buf` (reused); errno on failure.
int ListDir(int fd, std::vector<char>* buf, std::vector<DirEntry>* out) {
  out->clear();
  for (;;) {
    ssize_t n = ::getdents64(fd, buf->data(), buf->size());
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return errno;
    if (n == 0) return 0;
    for (ssize_t off = 0; off < n;) {
      auto* d = reinterpret_cast<struct dirent64*>(buf->data() + off);
      off += d->d_reclen;
      const char* nm = d->d_name;
      if (nm[0] == '.' && (nm[1] == 0 || (nm[1] == '.' && nm[2] == 0))) continue;
      out->push_back(DirEntry{nm, d->d_type});
    }
  }
}

std::string RelPath(const fs::path& p, const fs::path& root) {
  std::error_code ec;
  fs::path rel = p.lexically_relative(root);
  std::string s = rel.generic_string();
  if (s.empty() || s.rfind("..", 0) == 0) return p.generic_string();
  if (s.rfind("./", 0) == 0) s.erase(0, 2);
  return s;
}

bool ConfigTrue(const std::optional<std::string>& v) {
  if (!v) return false;
  std::string s = *v;
  for (char& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s == "true" || s == "yes" || s == "on" || s == "1";
}

// The global ignore lists of `repo`, as git reads them: core.excludesFile
// (default $XDG_CONFIG_HOME/git/ignore, else ~/.config/git/ignore), then
// <common dir>/info/exclude (stronger).
void AddRepoExcludes(Repo& repo, IgnoreTree* tree) {
  std::string path;
  auto cfg = repo.GetConfig("core.excludesFile");
  const char* home = std::getenv("HOME");
  if (cfg.ok() && *cfg && !(*cfg)->empty()) {
    path = **cfg;
    if (path.rfind("~/", 0) == 0 && home != nullptr) path = home + path.substr(1);
  } else if (const char* xdg = std::getenv("XDG_CONFIG_HOME"); xdg != nullptr && *xdg != 0) {
    path = std::string(xdg) + "/git/ignore";
  } else if (home != nullptr && *home != 0) {
    path = std::string(home) + "/.config/git/ignore";
  }
  std::string text;
  if (!path.empty() && ReadSmallFile(AT_FDCWD, path.c_str(), &text)) {
    tree->AddGlobal(GitignoreList::Parse(text, "", path));
  }
  std::string exclude = repo.common_dir();
  if (!exclude.empty() && exclude.back() != '/') exclude += '/';
  exclude += "info/exclude";
  if (ReadSmallFile(AT_FDCWD, exclude.c_str(), &text)) {
    tree->AddGlobal(GitignoreList::Parse(text, "", exclude));
  }
}

}  // namespace

IgnoreMatcher::IgnoreMatcher(const std::vector<std::string>& patterns) {
  for (std::string p : patterns) {
    while (!p.empty() && (p.back() == '\r' || p.back() == ' ' || p.back() == '\t')) p.pop_back();
    if (p.empty() || p[0] == '#') continue;
    Pattern r;
    if (p[0] == '!') {
      r.negate = true;
      p.erase(0, 1);
    } else if (p[0] == '\\') {
      p.erase(0, 1);
    }
    if (!p.empty() && p.back() == '/') {
      r.dir_only = true;
      p.pop_back();
    }
    if (p.find('/') != std::string::npos) {
      r.anchored = true;
      if (p[0] == '/') p.erase(0, 1);
    }
    if (p.empty()) continue;
    r.glob = p;
    rules_.push_back(std::move(r));
  }
}

bool IgnoreMatcher::Ignored(std::string_view path, bool is_dir) const {
  if (rules_.empty()) return false;
  std::string p(path);
  // A path is ignored when it or one of its parent directories matches.
  bool ignored = false;
  std::vector<std::pair<std::string, bool>> prefixes;  // (prefix, is_dir)
  for (size_t i = p.find('/'); i != std::string::npos; i = p.find('/', i + 1)) {
    prefixes.emplace_back(p.substr(0, i), true);
  }
  prefixes.emplace_back(p, is_dir);
  for (const auto& [pre, dir] : prefixes) {
    std::string base = pre.substr(pre.rfind('/') == std::string::npos ? 0 : pre.rfind('/') + 1);
    for (const auto& r : rules_) {
      if (r.dir_only && !dir) continue;
      bool m = r.anchored ? fnmatch(r.glob.c_str(), pre.c_str(), FNM_PATHNAME) == 0
                          : fnmatch(r.glob.c_str(), base.c_str(), 0) == 0;
      if (m) ignored = !r.negate;
    }
    if (ignored && dir && &pre != &prefixes.back().first) return true;
  }
  return ignored;
}

std::vector<std::string> ReadCustodyIgnore(const std::string& root) {
  std::vector<std::string> lines;
  std::ifstream in(root + "/.custodyignore");
  std::string line;
  while (in && std::getline(in, line)) {
    if (!line.empty() && line[0] != '#') lines.push_back(line);
  }
  return lines;
}

// The tree mode walks the directories itself (getdents64, d_type; fstatat
// only where the file system gives no type) and reads each directory's
// .gitignore once as it descends, so a file costs open, fstat, read and
// close. Inside a git work tree (and unless use_gitignore is off) it honours
// what git does: every .gitignore, info/exclude and core.excludesFile, with
// core.ignoreCase, and `.git` entries. Outside one, .gitignore files are not
// read (as git, and as ripgrep without --no-require-git): a scanner should
// not skip files on the word of a file no tool would apply there.
// .custodyignore and policy patterns (options.ignore_patterns) apply in both.
Result<ScanReport> ScanTree(const Scanner& scanner, const std::string& root_in,
                            const std::vector<std::string>& paths, const ScanRunOptions& options) {
  std::error_code ec;
  fs::path root = fs::weakly_canonical(fs::absolute(root_in, ec), ec);
  const std::string root_str = root.string();
  std::unique_ptr<IgnoreTree> git;  // null: no git ignore rules
  if (options.use_gitignore) {
    auto r = Repo::Discover(root_str);
    if (r.ok() && !(*r)->is_bare()) {
      // The rules are relative to the work tree's top: used only when the
      // scan's root is that top (as the CLI passes it).
      if (fs::weakly_canonical(fs::path((*r)->workdir()), ec) == root) {
        auto fold = (*r)->GetConfig("core.ignoreCase");
        git = std::make_unique<IgnoreTree>(fold.ok() && ConfigTrue(*fold) ? kWildCasefold : 0);
        AddRepoExcludes(**r, git.get());
      }
    }
  }
  IgnoreMatcher matcher(options.ignore_patterns);
  RunState st;
  st.report.mode = "tree";
  uint64_t skipped_ignored = 0;

  // Check every path first: a missing one fails before any work.
  struct Start {
    std::string given;  // as passed
    fs::path abs;
    bool is_dir;
  };
  std::vector<Start> starts;
  for (const std::string& p0 : paths.empty() ? std::vector<std::string>{"."} : paths) {
    fs::path p = fs::absolute(p0, ec);
    auto status = fs::symlink_status(p, ec);
    if (ec || !fs::exists(status)) return Status::NotFound(p0, "no such file or directory");
    // Symlinks and special files named explicitly are skipped, as in the walk.
    if (!fs::is_regular_file(status) && !fs::is_directory(status)) continue;
    starts.push_back(Start{p0, p, fs::is_directory(status)});
  }

  // Workers take batches while the walk goes on; the calling thread walks
  // and then scans too. Threads start as batches arrive (a one-file scan
  // starts none).
  std::atomic<int> held_fds{0};  // before the queue: its batches' fds refer to it
  const int max_held_fds = MaxHeldFds();
  ReserveFdTable(max_held_fds + 64);
  BoundedQueue<FileBatch> queue(std::numeric_limits<size_t>::max());
  Progress progress(options, &st);
  auto worker = [&]() {
    auto session = scanner.NewSession();
    if (!session.ok()) {
      st.Fail(session.status());
      queue.Close();
      return;
    }
    ReadBuffer buf;
    std::vector<Finding> found;
    uint64_t binary = 0, large = 0;
    while (!st.failed) {
      std::optional<FileBatch> b = queue.Pop();
      if (!b) break;
      int dfd = AT_FDCWD;
      HeldFd own;
      if (!b->dir.empty()) {
        dfd = b->fd.get();
        if (dfd < 0) {
          dfd = ::open(b->dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
          if (dfd < 0) {
            std::string why = std::strerror(errno);
            for (const auto& f : b->files) st.Note(f.second + ": not scanned (" + why + ")");
            continue;
          }
          own = HeldFd(dfd, nullptr);
        }
      }
      for (const auto& [name, rel] : b->files) {
        if (st.failed) break;
        bool too_large = false;
        uint64_t size = 0;
        std::string_view data;
        Status s = ReadFileAt(dfd, b->dir, name, options.max_file_size, &buf, &data, &too_large,
                              &size);
        if (!s.ok()) {
          st.Note(rel + ": not scanned (" + s.message() + ")");
          continue;
        }
        if (too_large) {
          ++large;
          st.Note(rel + ": skipped (" + MiB(size) + " is over the " + MiB(options.max_file_size) +
                  " limit)");
          continue;
        }
        size_t before = found.size();
        auto r = scanner.Scan(**session, data, rel, "", &found);
        if (!r.ok()) {
          st.Note(rel + ": not scanned (" + r.status().message() + ")");
          continue;
        }
        if (!*r) {
          ++binary;
          continue;
        }
        st.files += 1;
        st.bytes += data.size();
        st.findings += found.size() - before;
        progress.Tick();
      }
    }
    st.Merge(&found, binary, large);
  };
  const int n_threads = ThreadCount(options.threads);
  std::vector<std::thread> threads;
  auto push = [&](FileBatch b) {
    if (b.files.empty()) return;
    if (static_cast<int>(threads.size()) + 1 < n_threads) threads.emplace_back(worker);
    queue.Push(std::move(b));
  };

  // The levels of the directories above a start directory, read top down.
  // False when one of them is ignored (then so is everything below).
  auto enter_parents = [&](const std::string& rel_dir, int* level) {
    *level = IgnoreTree::kNoLevel;
    if (rel_dir.empty()) return true;  // the root's own .gitignore is read by the walk
    std::string text;
    if (ReadSmallFile(AT_FDCWD, (root_str + "/.gitignore").c_str(), &text)) {
      *level = git->AddLevel(*level, GitignoreList::Parse(text, "", ".gitignore"));
    }
    for (size_t i = 0;;) {
      size_t slash = rel_dir.find('/', i);
      std::string d = rel_dir.substr(0, slash);
      if (git->Check(*level, d, true).ignored()) return false;
      if (slash == std::string::npos) return true;
      std::string f = root_str + "/" + d + "/.gitignore";
      if (ReadSmallFile(AT_FDCWD, f.c_str(), &text)) {
        *level = git->AddLevel(*level, GitignoreList::Parse(text, d + "/", d + "/.gitignore"));
      }
      i = slash + 1;
    }
  };

  struct Pending {
    std::string abs;  // absolute path, as found (not canonical)
    std::string rel;  // relative to root with a trailing '/', "" at the root,
                      // or an absolute path + '/' outside the root
    int level;        // of the nearest .gitignore above
  };
  std::vector<char> dents(32 << 10);
  std::vector<DirEntry> entries;
  std::string gitignore_text;
  for (const Start& start : starts) {
    if (st.failed) break;
    fs::path cp = fs::weakly_canonical(start.abs, ec);
    if (!start.is_dir) {
      // A file named explicitly is scanned even if ignored.
      FileBatch b;
      b.files.emplace_back(start.abs.string(), RelPath(cp, root));
      push(std::move(b));
      continue;
    }
    std::string rel = RelPath(cp, root);
    bool outside = !rel.empty() && rel[0] == '/';
    if (rel == ".") rel.clear();
    bool use_git = git != nullptr && !outside;
    int level = IgnoreTree::kNoLevel;
    bool all_ignored = use_git && !enter_parents(rel, &level);
    std::vector<Pending> stack;
    stack.push_back(Pending{start.abs.string(), rel.empty() ? "" : rel + "/", level});
    bool top = true;
    while (!stack.empty() && !st.failed) {
      Pending d = std::move(stack.back());
      stack.pop_back();
      int fd = ::open(d.abs.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC | O_NOFOLLOW);
      if (fd < 0) {
        int e = errno;
        // Unreadable directories are skipped quietly, as before.
        if (e != EACCES && e != EPERM) {
          if (top) {
            st.Fail(Status::IOError(start.given, std::strerror(e)));
          } else {
            st.Note(d.rel + ": " + std::strerror(e));
          }
        }
        top = false;
        continue;
      }
      top = false;
      if (int e = ListDir(fd, &dents, &entries); e != 0) {
        st.Note(d.rel + ": " + std::strerror(e));
        ::close(fd);
        continue;
      }
      std::sort(entries.begin(), entries.end(),
                [](const DirEntry& a, const DirEntry& b) { return a.name < b.name; });
      int dlevel = d.level;
      if (use_git && !all_ignored) {
        // Only a regular .gitignore counts (git does not follow a symlink).
        for (const DirEntry& e : entries) {
          if (e.name != ".gitignore" || (e.type != DT_REG && e.type != DT_UNKNOWN)) continue;
          if (ReadSmallFile(fd, ".gitignore", &gitignore_text)) {
            dlevel = git->AddLevel(dlevel, GitignoreList::Parse(gitignore_text, d.rel,
                                                                d.rel + ".gitignore"));
          }
        }
      }
      auto ignored = [&](const std::string& path, bool is_dir) {
        if (all_ignored || matcher.Ignored(path, is_dir)) return true;
        return use_git && git->Check(dlevel, path, is_dir).ignored();
      };
      FileBatch batch;
      size_t first_subdir = stack.size();
      for (DirEntry& e : entries) {
        unsigned char type = e.type;
        if (type == DT_UNKNOWN) {
          struct stat sb;
          if (::fstatat(fd, e.name.c_str(), &sb, AT_SYMLINK_NOFOLLOW) != 0) continue;
          type = S_ISDIR(sb.st_mode) ? DT_DIR : S_ISREG(sb.st_mode) ? DT_REG : DT_LNK;
        }
        if (type == DT_DIR) {
          if (e.name == ".git") continue;
          std::string path = d.rel + e.name;
          if (ignored(path, true)) {
            ++skipped_ignored;
            continue;
          }
          stack.push_back(Pending{d.abs + "/" + e.name, path + "/", dlevel});
          continue;
        }
        if (type != DT_REG) continue;  // symlinks, devices, sockets, fifos
        std::string path = d.rel + e.name;
        // git never looks at a `.git` file (a submodule's or worktree's link).
        if ((use_git && e.name == ".git") || ignored(path, false)) {
          ++skipped_ignored;
          continue;
        }
        if (batch.files.size() == kBatchFiles) {
          batch.dir = d.abs;
          push(std::move(batch));
          batch = FileBatch();
        }
        batch.files.emplace_back(std::move(e.name), std::move(path));
      }
      // Visit subdirectories in name order (the stack pops the last first).
      std::reverse(stack.begin() + static_cast<std::ptrdiff_t>(first_subdir), stack.end());
      batch.dir = d.abs;
      if (!batch.files.empty() && held_fds.load() < max_held_fds) {
        held_fds.fetch_add(1);
        batch.fd = HeldFd(fd, &held_fds);
      } else {
        ::close(fd);
      }
      push(std::move(batch));
    }
  }
  queue.Finish();
  if (!st.failed) worker();
  for (auto& t : threads) t.join();
  if (!st.error.ok()) return st.error;
  st.report.skipped_ignored = skipped_ignored;
  st.report.files_scanned = st.files;
  st.report.bytes_scanned = st.bytes;
  SortFindings(&st.report.findings);
  std::sort(st.report.notes.begin(), st.report.notes.end());
  return std::move(st.report);
}

Result<ScanReport> ScanDiff(const Scanner& scanner, Repo& repo, std::string_view range,
                            const ScanRunOptions& options) {
  IgnoreMatcher matcher(options.ignore_patterns);
  RunState st;
  st.report.mode = "diff";
  BoundedQueue<Repo::AddedLines> queue(64);
  Progress progress(options, &st);
  auto worker = [&]() {
    auto session = scanner.NewSession();
    if (!session.ok()) {
      st.Fail(session.status());
      queue.Close();
      return;
    }
    std::vector<Finding> found;
    uint64_t binary = 0;
    while (auto item = queue.Pop()) {
      size_t before = found.size();
      auto r = scanner.Scan(**session, item->text, item->path, item->commit, &found, &item->lines);
      if (!r.ok()) {
        st.Note(item->commit.substr(0, 12) + ":" + item->path + ": not scanned (" +
                r.status().message() + ")");
        continue;
      }
      if (!*r) {
        ++binary;
        continue;
      }
      st.files += 1;
      st.bytes += item->text.size();
      st.findings += found.size() - before;
      progress.Tick();
    }
    st.Merge(&found, binary, 0);
  };
  int n = ThreadCount(options.threads);
  std::vector<std::thread> threads;
  for (int t = 0; t < n; ++t) threads.emplace_back(worker);
  Status s = repo.ForEachAddedLines(range, [&](const Repo::AddedLines& a) -> Status {
    if (st.failed) return Status::Internal("scan", "stopped");
    if (matcher.Ignored(a.path)) {
      std::lock_guard<std::mutex> l(st.mu);
      ++st.report.skipped_ignored;
      return Status::OK();
    }
    if (a.text.size() > options.max_file_size) {
      st.Note(a.commit.substr(0, 12) + ":" + a.path + ": skipped (" + MiB(a.text.size()) +
              " of added lines is over the limit)");
      std::lock_guard<std::mutex> l(st.mu);
      ++st.report.skipped_large;
      return Status::OK();
    }
    queue.Push(a);
    return Status::OK();
  });
  queue.Finish();
  for (auto& t : threads) t.join();
  if (!st.error.ok()) return st.error;
  if (!s.ok()) return s;
  st.report.files_scanned = st.files;
  st.report.bytes_scanned = st.bytes;
  SortFindings(&st.report.findings);
  return std::move(st.report);
}

Result<ScanReport> ScanHistory(const Scanner& scanner, const std::string& repo_path,
                               const ScanRunOptions& options) {
  CUSTODY_ASSIGN_OR_RETURN(std::unique_ptr<Repo> walker, Repo::Discover(repo_path));
  IgnoreMatcher matcher(options.ignore_patterns);
  RunState st;
  st.report.mode = "history";
  BoundedQueue<Repo::BlobIntro> queue(4096);
  Progress progress(options, &st);
  auto worker = [&]() {
    auto session = scanner.NewSession();
    auto repo = Repo::Discover(repo_path);
    if (!session.ok() || !repo.ok()) {
      st.Fail(!session.ok() ? session.status() : repo.status());
      queue.Close();
      return;
    }
    std::string buf;
    std::vector<Finding> found;
    uint64_t binary = 0, large = 0;
    while (auto item = queue.Pop()) {
      bool too_large = false;
      Status s = (*repo)->ReadBlob(item->blob, options.max_file_size, &buf, &too_large);
      if (!s.ok()) {
        st.Fail(s);
        queue.Close();
        break;
      }
      if (too_large) {
        ++large;
        st.Note(item->commit.substr(0, 12) + ":" + item->path + ": skipped (over the " +
                MiB(options.max_file_size) + " limit)");
        continue;
      }
      size_t before = found.size();
      auto r = scanner.Scan(**session, buf, item->path, item->commit, &found);
      if (!r.ok()) {
        st.Note(item->commit.substr(0, 12) + ":" + item->path + ": not scanned (" +
                r.status().message() + ")");
        continue;
      }
      if (!*r) {
        ++binary;
        continue;
      }
      st.files += 1;
      st.bytes += buf.size();
      st.findings += found.size() - before;
      progress.Tick();
    }
    st.Merge(&found, binary, large);
  };
  int n = ThreadCount(options.threads);
  std::vector<std::thread> threads;
  for (int t = 0; t < n; ++t) threads.emplace_back(worker);
  uint64_t ignored = 0;
  Status s = walker->ForEachNewBlob([&](const Repo::BlobIntro& b) -> Status {
    if (st.failed) return Status::Internal("scan", "stopped");
    if (matcher.Ignored(b.path)) {
      ++ignored;
      return Status::OK();
    }
    queue.Push(b);
    progress.Tick();
    return Status::OK();
  });
  queue.Finish();
  for (auto& t : threads) t.join();
  if (!st.error.ok()) return st.error;
  if (!s.ok()) return s;
  st.report.skipped_ignored = ignored;
  st.report.files_scanned = st.files;
  st.report.bytes_scanned = st.bytes;
  SortFindings(&st.report.findings);
  std::sort(st.report.notes.begin(), st.report.notes.end());
  return std::move(st.report);
}

namespace scan_internal {

bool ReadOpenFile(int fd, uint64_t max_size, bool allow_short, std::string* out) {
  struct stat st;
  if (::fstat(fd, &st) != 0 || !S_ISREG(st.st_mode) || static_cast<uint64_t>(st.st_size) > max_size) {
    ::close(fd);
    return false;
  }
  out->resize(static_cast<size_t>(st.st_size));
  size_t got = 0;
  while (got < out->size()) {
    ssize_t n = ::read(fd, out->data() + got, out->size() - got);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) break;
    got += static_cast<size_t>(n);
  }
  ::close(fd);
  if (got == out->size()) return true;
  if (!allow_short) return false;
  out->resize(got);
  return true;
}

}  // namespace scan_internal
}  // namespace custody
