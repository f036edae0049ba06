// The scan modes: working tree, commit range, whole history.
#include <fcntl.h>
#include <fnmatch.h>
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
#include <mutex>
#include <optional>
#include <thread>

#include "custody/scan_run.h"

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
  Progress(const ScanRunOptions& o, RunState* st) : o_(o), st_(st), last_(Clock::now()) {}
  void Tick() {
    if (!o_.progress) return;
    auto now = Clock::now();
    std::lock_guard<std::mutex> l(mu_);
    if (now - last_ < std::chrono::milliseconds(o_.progress_interval_ms)) return;
    last_ = now;
    o_.progress(ScanProgress{st_->files.load(), st_->bytes.load(), st_->findings.load()});
  }

 private:
  using Clock = std::chrono::steady_clock;
  const ScanRunOptions& o_;
  RunState* st_;
  std::mutex mu_;
  Clock::time_point last_;
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

// Reads a whole file into `buf` (reused across files). False with a note
// when it cannot.
Status ReadWhole(const std::string& path, uint64_t max_size, std::string* buf, bool* too_large,
                 uint64_t* size) {
  *too_large = false;
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
  if (fd < 0) return Status::IOError(path, std::strerror(errno));
  struct stat st;
  if (::fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
    ::close(fd);
    return Status::IOError(path, "not a regular file");
  }
  *size = static_cast<uint64_t>(st.st_size);
  if (*size > max_size) {
    ::close(fd);
    *too_large = true;
    return Status::OK();
  }
  buf->resize(*size);
  size_t got = 0;
  while (got < *size) {
    ssize_t n = ::read(fd, buf->data() + got, *size - got);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) {
      int e = errno;
      ::close(fd);
      return Status::IOError(path, std::strerror(e));
    }
    if (n == 0) break;  // shrank while we read
    got += static_cast<size_t>(n);
  }
  buf->resize(got);
  ::close(fd);
  return Status::OK();
}

std::string RelPath(const fs::path& p, const fs::path& root) {
  std::error_code ec;
  fs::path rel = p.lexically_relative(root);
  std::string s = rel.generic_string();
  if (s.empty() || s.rfind("..", 0) == 0) return p.generic_string();
  if (s.rfind("./", 0) == 0) s.erase(0, 2);
  return s;
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

Result<ScanReport> ScanTree(const Scanner& scanner, const std::string& root_in,
                            const std::vector<std::string>& paths, const ScanRunOptions& options) {
  std::error_code ec;
  fs::path root = fs::weakly_canonical(fs::absolute(root_in, ec), ec);
  std::unique_ptr<Repo> repo;
  if (options.use_gitignore) {
    auto r = Repo::Discover(root.string());
    if (r.ok() && !(*r)->is_bare()) repo = std::move(*r);
  }
  IgnoreMatcher matcher(options.ignore_patterns);
  RunState st;
  st.report.mode = "tree";
  auto ignored = [&](const std::string& rel, bool dir) -> bool {
    if (matcher.Ignored(rel, dir)) return true;
    if (repo) {
      auto r = repo->IsIgnored(dir ? rel + "/" : rel);
      if (r.ok() && *r) return true;
    }
    return false;
  };

  // Enumerate first (cheap: names only), then read and scan in parallel.
  std::vector<std::pair<std::string, std::string>> files;  // (absolute, relative)
  for (const std::string& p0 : paths.empty() ? std::vector<std::string>{"."} : paths) {
    fs::path p = fs::absolute(p0, ec);
    auto status = fs::symlink_status(p, ec);
    if (ec || !fs::exists(status)) return Status::NotFound(p0, "no such file or directory");
    if (fs::is_regular_file(status)) {
      // A file named explicitly is scanned even if ignored.
      files.emplace_back(p.string(), RelPath(fs::weakly_canonical(p, ec), root));
      continue;
    }
    if (!fs::is_directory(status)) continue;
    fs::path cp = fs::weakly_canonical(p, ec);
    fs::recursive_directory_iterator it(p, fs::directory_options::skip_permission_denied, ec), end;
    if (ec) return Status::IOError(p0, ec.message());
    for (; it != end; it.increment(ec)) {
      if (ec) {
        st.Note(p0 + ": " + ec.message());
        ec.clear();
        continue;
      }
      const fs::directory_entry& e = *it;
      std::string rel = RelPath(cp / e.path().lexically_relative(p), root);
      auto s = e.symlink_status(ec);
      if (fs::is_directory(s)) {
        if (e.path().filename() == ".git" || ignored(rel, true)) {
          if (e.path().filename() != ".git") ++st.report.skipped_ignored;
          it.disable_recursion_pending();
        }
        continue;
      }
      if (!fs::is_regular_file(s)) continue;
      if (ignored(rel, false)) {
        ++st.report.skipped_ignored;
        continue;
      }
      files.emplace_back(e.path().string(), std::move(rel));
    }
  }
  repo.reset();

  std::atomic<size_t> next{0};
  Progress progress(options, &st);
  auto worker = [&]() {
    auto session = scanner.NewSession();
    if (!session.ok()) return st.Fail(session.status());
    std::string buf;
    std::vector<Finding> found;
    uint64_t binary = 0, large = 0;
    for (size_t i; !st.failed && (i = next.fetch_add(1)) < files.size();) {
      const auto& [abs, rel] = files[i];
      bool too_large = false;
      uint64_t size = 0;
      Status s = ReadWhole(abs, options.max_file_size, &buf, &too_large, &size);
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
      auto r = scanner.Scan(**session, buf, rel, "", &found);
      if (!r.ok()) {
        st.Note(rel + ": not scanned (" + r.status().message() + ")");
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
  int n = std::min<int>(ThreadCount(options.threads), static_cast<int>(std::max<size_t>(files.size(), 1)));
  std::vector<std::thread> threads;
  for (int t = 1; t < n; ++t) threads.emplace_back(worker);
  worker();
  for (auto& t : threads) t.join();
  if (!st.error.ok()) return st.error;
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

}  // namespace custody
