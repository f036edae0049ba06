// The libgit2 implementation of Repo. Every libgit2 error is converted to a
// Status here, once (GitStatus below), and nowhere else.

#include "custody/repo.h"

#include <dlfcn.h>
#include <git2.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <array>
#include <cstring>
#include <set>
#include <unordered_set>
#include <string>
#include <thread>
#include <utility>

#include "custody/env.h"

namespace custody {
namespace {

// unique_ptr deleter for the libgit2 handles used below.
struct GitFree {
  void operator()(git_repository* p) const { git_repository_free(p); }
  void operator()(git_object* p) const { git_object_free(p); }
  void operator()(git_commit* p) const { git_commit_free(p); }
  void operator()(git_tree* p) const { git_tree_free(p); }
  void operator()(git_tree_entry* p) const { git_tree_entry_free(p); }
  void operator()(git_blob* p) const { git_blob_free(p); }
  void operator()(git_reference* p) const { git_reference_free(p); }
  void operator()(git_revwalk* p) const { git_revwalk_free(p); }
  void operator()(git_note* p) const { git_note_free(p); }
  void operator()(git_signature* p) const { git_signature_free(p); }
  void operator()(git_config* p) const { git_config_free(p); }
  void operator()(git_diff* p) const { git_diff_free(p); }
  void operator()(git_blame* p) const { git_blame_free(p); }
  void operator()(git_odb* p) const { git_odb_free(p); }
};
template <typename T>
using Owned = std::unique_ptr<T, GitFree>;

constexpr std::string_view kNotARepoHint =
    "not a git repository (run custody inside a git work tree, or git init "
    "first)";
constexpr int kMaxNoteAttempts = 50;

// Set while git_libgit2_init() runs; see mbedtls_x509_crt_parse_file below.
std::atomic<bool> g_in_libgit2_init{false};
std::atomic<int> g_deferred_ca_loads{0};

// libgit2 keeps a process-wide refcount; initialise it once and never shut
// down (shutting down under live Repo objects would free their caches).
void EnsureLibgit2() {
  static const int kInitCount = [] {
    g_in_libgit2_init = true;
    int n = git_libgit2_init();
    g_in_libgit2_init = false;
    git_error_clear();  // the deferred CA load leaves an error message behind
    // libgit2's object cache defaults to 256 MiB per process and, during a
    // history scan that touches every blob once, only grows: peak RSS was
    // 656 MiB on a 103k-blob repository, 173 MiB with a 16 MiB cache at the
    // same CPU time (docs/PERFORMANCE.md "Scanner"). Nothing custody does
    // re-reads objects enough to need more than this.
    git_libgit2_opts(GIT_OPT_SET_CACHE_MAX_SIZE, static_cast<ssize_t>(32) << 20);
    // Trees over 4 KiB are not cached by default, and the notes tree of a
    // repository with a note per commit is one big tree (60 KiB for 1,000
    // notes) that every note read walks: without this, gate spent 30 % of
    // its time inflating it again per commit (docs/PERFORMANCE.md, "Gate").
    git_libgit2_opts(GIT_OPT_SET_CACHE_OBJECT_LIMIT, GIT_OBJECT_TREE, static_cast<size_t>(1) << 20);
    return n;
  }();
  (void)kInitCount;
}

// Converts a failed libgit2 call: the return code picks the Status code,
// git_error_last() supplies the text. Call it right after the failing call,
// before any other libgit2 call can overwrite the thread's last error.
Status GitStatus(int rc, std::string_view subject) {
  const git_error* e = git_error_last();
  std::string text = (e != nullptr && e->message != nullptr)
                         ? std::string(e->message)
                         : "libgit2 error " + std::to_string(rc);
  switch (rc) {
    case GIT_ENOTFOUND:
      return Status::NotFound(subject, text);
    case GIT_EEXISTS:
    case GIT_EAMBIGUOUS:
    case GIT_EBAREREPO:
    case GIT_EUNBORNBRANCH:
    case GIT_EINVALIDSPEC:
    case GIT_EPEEL:
    case GIT_EINVALID:
    case GIT_EDIRECTORY:
      return Status::InvalidArgument(subject, text);
    case GIT_ELOCKED:
    case GIT_EMODIFIED:
      return Status::Unavailable(subject, text + " (another git process is writing; retry)");
    case GIT_EOWNER:
      return Status::PermissionDenied(subject, text + " (see git config safe.directory)");
    case GIT_EMISMATCH:
      return Status::Corruption(subject, text);
    default:
      break;
  }
  if (e != nullptr && e->klass == GIT_ERROR_NOMEMORY) {
    return Status::Internal(subject, text);
  }
  return Status::IOError(subject, text);
}

std::string OidHex(const git_oid* oid) {
  char buf[GIT_OID_HEXSZ + 1];
  git_oid_tostr(buf, sizeof(buf), oid);
  return buf;
}

// libgit2 returns directories with a trailing '/'; custody never does.
std::string StripTrailingSlash(const char* path) {
  std::string s = path != nullptr ? path : "";
  while (s.size() > 1 && s.back() == '/') s.pop_back();
  return s;
}

// Parses a full 40-hex commit id (AppendNoteLines & co. take ids, not
// revspecs, so a typo can never silently annotate another commit).
Status ParseCommitId(const std::string& commit, git_oid* oid) {
  bool hex =
      commit.size() == GIT_OID_HEXSZ && std::all_of(commit.begin(), commit.end(), [](char c) {
        return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
      });
  if (!hex || git_oid_fromstr(oid, commit.c_str()) != 0) {
    return Status::InvalidArgument(commit, "not a full commit id (expected 40 hex digits)");
  }
  return Status::OK();
}

std::vector<std::string> SplitNonEmptyLines(std::string_view text) {
  std::vector<std::string> lines;
  size_t start = 0;
  while (start <= text.size()) {
    size_t end = text.find('\n', start);
    if (end == std::string_view::npos) end = text.size();
    if (end > start) lines.emplace_back(text.substr(start, end - start));
    start = end + 1;
  }
  return lines;
}

// A POSIX-extended / PCRE regex matching exactly `value` (libgit2 selects
// multivar entries by regex; both of its backends treat a backslash before
// punctuation as a literal).
std::string ExactValueRegex(std::string_view value) {
  std::string re = "^";
  for (char c : value) {
    if (std::string_view(".[]{}()\\*+?^$|").find(c) != std::string_view::npos) {
      re += '\\';
    }
    re += c;
  }
  re += '$';
  return re;
}

int CollectConfigValue(const git_config_entry* entry, void* payload) {
  static_cast<std::vector<std::string>*>(payload)->emplace_back(
      entry->value != nullptr ? entry->value : "");
  return 0;
}

int CollectNotedCommit(const git_oid* /*blob_id*/, const git_oid* annotated, void* payload) {
  static_cast<std::vector<std::string>*>(payload)->push_back(OidHex(annotated));
  return 0;
}

class LibGit2Repo final : public Repo {
 public:
  explicit LibGit2Repo(Owned<git_repository> repo) : repo_(std::move(repo)) {}

  std::string workdir() const override {
    return StripTrailingSlash(git_repository_workdir(repo_.get()));
  }
  std::string git_dir() const override {
    return StripTrailingSlash(git_repository_path(repo_.get()));
  }
  std::string common_dir() const override {
    return StripTrailingSlash(git_repository_commondir(repo_.get()));
  }
  bool is_bare() const override { return git_repository_is_bare(repo_.get()); }

  Result<std::string> ResolveCommit(std::string_view rev) override {
    git_oid oid;
    CUSTODY_RETURN_IF_ERROR(ResolveCommitOid(rev, &oid));
    return OidHex(&oid);
  }

  Result<std::optional<std::string>> HeadCommit() override {
    git_reference* raw = nullptr;
    int rc = git_repository_head(&raw, repo_.get());
    if (rc == GIT_EUNBORNBRANCH) return std::optional<std::string>();
    if (rc < 0) return GitStatus(rc, "HEAD");
    Owned<git_reference> head(raw);
    git_object* obj = nullptr;
    rc = git_reference_peel(&obj, head.get(), GIT_OBJECT_COMMIT);
    if (rc < 0) return GitStatus(rc, "HEAD");
    Owned<git_object> commit(obj);
    return std::optional<std::string>(OidHex(git_object_id(commit.get())));
  }

  Result<std::vector<std::string>> RevList(std::string_view range) override {
    std::string r(range);
    if (r.find("...") != std::string::npos) {
      return Status::InvalidArgument(r, "symmetric ranges are not supported (use A..B)");
    }
    git_revwalk* raw = nullptr;
    int rc = git_revwalk_new(&raw, repo_.get());
    if (rc < 0) return GitStatus(rc, r);
    Owned<git_revwalk> walk(raw);
    // Topological order guarantees parents before children even when commit
    // dates are equal or skewed; time breaks ties the way git does.
    rc = git_revwalk_sorting(walk.get(), GIT_SORT_TOPOLOGICAL | GIT_SORT_TIME | GIT_SORT_REVERSE);
    if (rc < 0) return GitStatus(rc, r);

    // Resolve each side ourselves (rather than git_revwalk_push_range) so an
    // unknown side reports "REV: unknown revision" like ResolveCommit.
    size_t dots = r.find("..");
    git_oid tip;
    if (dots == std::string::npos) {
      CUSTODY_RETURN_IF_ERROR(ResolveCommitOid(r, &tip));
    } else {
      std::string from = r.substr(0, dots);
      std::string to = r.substr(dots + 2);
      git_oid hidden;
      CUSTODY_RETURN_IF_ERROR(ResolveCommitOid(from.empty() ? "HEAD" : from, &hidden));
      CUSTODY_RETURN_IF_ERROR(ResolveCommitOid(to.empty() ? "HEAD" : to, &tip));
      rc = git_revwalk_hide(walk.get(), &hidden);
      if (rc < 0) return GitStatus(rc, r);
    }
    rc = git_revwalk_push(walk.get(), &tip);
    if (rc < 0) return GitStatus(rc, r);

    std::vector<std::string> commits;
    git_oid oid;
    while ((rc = git_revwalk_next(&oid, walk.get())) == 0) {
      commits.push_back(OidHex(&oid));
    }
    if (rc != GIT_ITEROVER) return GitStatus(rc, r);
    return commits;
  }

  // ---- Scanning support ---------------------------------------------------

  Status ForEachAddedLines(std::string_view range,
                           const std::function<Status(const AddedLines&)>& fn) override {
    CUSTODY_ASSIGN_OR_RETURN(std::vector<std::string> commits, RevList(range));
    for (const std::string& id : commits) {
      git_oid oid;
      CUSTODY_RETURN_IF_ERROR(ParseCommitId(id, &oid));
      git_commit* raw = nullptr;
      int rc = git_commit_lookup(&raw, repo_.get(), &oid);
      if (rc < 0) return GitStatus(rc, id);
      Owned<git_commit> commit(raw);
      // Merges add nothing of their own that their parents' commits did not
      // (like `git log -p`, which shows no patch for them).
      if (git_commit_parentcount(commit.get()) > 1) continue;
      git_tree* raw_tree = nullptr;
      rc = git_commit_tree(&raw_tree, commit.get());
      if (rc < 0) return GitStatus(rc, id);
      Owned<git_tree> tree(raw_tree);
      Owned<git_tree> parent_tree;
      if (git_commit_parentcount(commit.get()) == 1) {
        git_commit* raw_parent = nullptr;
        rc = git_commit_parent(&raw_parent, commit.get(), 0);
        if (rc < 0) return GitStatus(rc, id);
        Owned<git_commit> parent(raw_parent);
        git_tree* raw_ptree = nullptr;
        rc = git_commit_tree(&raw_ptree, parent.get());
        if (rc < 0) return GitStatus(rc, id);
        parent_tree.reset(raw_ptree);
      }
      git_diff_options opts;
      git_diff_options_init(&opts, GIT_DIFF_OPTIONS_VERSION);
      opts.context_lines = 0;
      opts.interhunk_lines = 0;
      git_diff* raw_diff = nullptr;
      rc = git_diff_tree_to_tree(&raw_diff, repo_.get(), parent_tree.get(), tree.get(), &opts);
      if (rc < 0) return GitStatus(rc, id);
      Owned<git_diff> diff(raw_diff);
      struct Payload {
        const std::function<Status(const AddedLines&)>* fn;
        AddedLines cur;
        Status status;
        Status Flush() {
          if (cur.lines.empty()) return Status::OK();
          Status st = (*fn)(cur);
          cur.text.clear();
          cur.lines.clear();
          return st;
        }
      } payload{&fn, {}, Status::OK()};
      payload.cur.commit = id;
      auto on_file = [](const git_diff_delta* delta, float, void* p) -> int {
        auto* pl = static_cast<Payload*>(p);
        pl->status = pl->Flush();
        if (!pl->status.ok()) return -1;
        pl->cur.path = delta->new_file.path != nullptr ? delta->new_file.path : "";
        return 0;
      };
      auto on_line = [](const git_diff_delta*, const git_diff_hunk*, const git_diff_line* line,
                        void* p) -> int {
        if (line->origin != GIT_DIFF_LINE_ADDITION || line->new_lineno <= 0) return 0;
        auto* pl = static_cast<Payload*>(p);
        pl->cur.text.append(line->content, line->content_len);
        if (pl->cur.text.empty() || pl->cur.text.back() != '\n') pl->cur.text.push_back('\n');
        pl->cur.lines.push_back(static_cast<uint32_t>(line->new_lineno));
        return 0;
      };
      rc = git_diff_foreach(diff.get(), on_file, nullptr, nullptr, on_line, &payload);
      if (!payload.status.ok()) return payload.status;
      if (rc < 0) return GitStatus(rc, id);
      CUSTODY_RETURN_IF_ERROR(payload.Flush());
    }
    return Status::OK();
  }

  Status ForEachNewBlob(const std::function<Status(const BlobIntro&)>& fn) override {
    git_revwalk* raw = nullptr;
    int rc = git_revwalk_new(&raw, repo_.get());
    if (rc < 0) return GitStatus(rc, "history");
    Owned<git_revwalk> walk(raw);
    rc = git_revwalk_sorting(walk.get(), GIT_SORT_TOPOLOGICAL | GIT_SORT_TIME | GIT_SORT_REVERSE);
    if (rc < 0) return GitStatus(rc, "history");
    rc = git_revwalk_push_glob(walk.get(), "refs/*");
    if (rc < 0 && rc != GIT_ENOTFOUND) return GitStatus(rc, "refs");
    rc = git_revwalk_push_head(walk.get());
    if (rc < 0 && rc != GIT_ENOTFOUND && rc != GIT_EUNBORNBRANCH) return GitStatus(rc, "HEAD");
    struct OidHash {
      size_t operator()(const std::array<unsigned char, GIT_OID_RAWSZ>& a) const {
        size_t h;
        std::memcpy(&h, a.data(), sizeof h);
        return h;
      }
    };
    std::unordered_set<std::array<unsigned char, GIT_OID_RAWSZ>, OidHash> seen;
    git_oid oid;
    std::string path;
    while ((rc = git_revwalk_next(&oid, walk.get())) == 0) {
      std::string id = OidHex(&oid);
      git_commit* raw_commit = nullptr;
      rc = git_commit_lookup(&raw_commit, repo_.get(), &oid);
      if (rc < 0) return GitStatus(rc, id);
      Owned<git_commit> commit(raw_commit);
      git_tree* raw_tree = nullptr;
      rc = git_commit_tree(&raw_tree, commit.get());
      if (rc < 0) return GitStatus(rc, id);
      Owned<git_tree> tree(raw_tree);
      Owned<git_tree> parent_tree;
      if (git_commit_parentcount(commit.get()) > 0) {
        git_commit* raw_parent = nullptr;
        rc = git_commit_parent(&raw_parent, commit.get(), 0);
        if (rc < 0) return GitStatus(rc, id);
        Owned<git_commit> parent(raw_parent);
        git_tree* raw_ptree = nullptr;
        rc = git_commit_tree(&raw_ptree, parent.get());
        if (rc < 0) return GitStatus(rc, id);
        parent_tree.reset(raw_ptree);
      }
      path.clear();
      CUSTODY_RETURN_IF_ERROR(WalkNewBlobs(parent_tree.get(), tree.get(), &path, id, &seen, fn));
    }
    if (rc != GIT_ITEROVER) return GitStatus(rc, "history");
    return Status::OK();
  }

  template <typename Set>
  Status WalkNewBlobs(git_tree* old_tree, git_tree* tree, std::string* prefix, const std::string& commit,
                      Set* seen, const std::function<Status(const BlobIntro&)>& fn) {
    size_t n = git_tree_entrycount(tree);
    size_t base = prefix->size();
    for (size_t i = 0; i < n; ++i) {
      const git_tree_entry* e = git_tree_entry_byindex(tree, i);
      const char* name = git_tree_entry_name(e);
      const git_oid* eid = git_tree_entry_id(e);
      const git_tree_entry* old =
          old_tree != nullptr ? git_tree_entry_byname(old_tree, name) : nullptr;
      if (old != nullptr && git_oid_equal(git_tree_entry_id(old), eid)) continue;
      prefix->resize(base);
      if (!prefix->empty()) prefix->push_back('/');
      prefix->append(name);
      git_object_t type = git_tree_entry_type(e);
      if (type == GIT_OBJECT_TREE) {
        git_tree* raw_sub = nullptr;
        int rc = git_tree_lookup(&raw_sub, repo_.get(), eid);
        if (rc < 0) return GitStatus(rc, commit + ":" + *prefix);
        Owned<git_tree> sub(raw_sub);
        Owned<git_tree> old_sub;
        if (old != nullptr && git_tree_entry_type(old) == GIT_OBJECT_TREE) {
          git_tree* raw_old = nullptr;
          rc = git_tree_lookup(&raw_old, repo_.get(), git_tree_entry_id(old));
          if (rc < 0) return GitStatus(rc, commit + ":" + *prefix);
          old_sub.reset(raw_old);
        }
        CUSTODY_RETURN_IF_ERROR(WalkNewBlobs(old_sub.get(), sub.get(), prefix, commit, seen, fn));
      } else if (type == GIT_OBJECT_BLOB && git_tree_entry_filemode(e) != GIT_FILEMODE_LINK) {
        std::array<unsigned char, GIT_OID_RAWSZ> key;
        std::memcpy(key.data(), eid->id, GIT_OID_RAWSZ);
        if (!seen->insert(key).second) continue;
        CUSTODY_RETURN_IF_ERROR(fn(BlobIntro{OidHex(eid), *prefix, commit}));
      }
    }
    prefix->resize(base);
    return Status::OK();
  }

  Status ReadBlob(std::string_view blob_id, uint64_t max_size, std::string* out,
                  bool* too_large) override {
    std::string id(blob_id);
    git_oid oid;
    if (id.size() != GIT_OID_HEXSZ || git_oid_fromstr(&oid, id.c_str()) != 0) {
      return Status::InvalidArgument(id, "not a full blob id");
    }
    out->clear();
    *too_large = false;
    if (!odb_) {
      git_odb* raw_odb = nullptr;
      int rc = git_repository_odb(&raw_odb, repo_.get());
      if (rc < 0) return GitStatus(rc, "object database");
      odb_.reset(raw_odb);
    }
    size_t len = 0;
    git_object_t type;
    int rc = git_odb_read_header(&len, &type, odb_.get(), &oid);
    if (rc < 0) return GitStatus(rc, id);
    if (len > max_size) {
      *too_large = true;
      return Status::OK();
    }
    git_blob* raw = nullptr;
    rc = git_blob_lookup(&raw, repo_.get(), &oid);
    if (rc < 0) return GitStatus(rc, id);
    Owned<git_blob> blob(raw);
    out->assign(static_cast<const char*>(git_blob_rawcontent(blob.get())),
                static_cast<size_t>(git_blob_rawsize(blob.get())));
    return Status::OK();
  }

  Result<bool> IsIgnored(std::string_view rel_path) override {
    int ignored = 0;
    std::string p(rel_path);
    int rc = git_ignore_path_is_ignored(&ignored, repo_.get(), p.c_str());
    if (rc < 0) return GitStatus(rc, p);
    return ignored != 0;
  }

  Result<std::string> ReadBlobAtCommit(std::string_view rev, std::string_view path) override {
    std::string subject = std::string(rev) + ":" + std::string(path);
    git_oid oid;
    CUSTODY_RETURN_IF_ERROR(ResolveCommitOid(rev, &oid));
    git_commit* raw_commit = nullptr;
    int rc = git_commit_lookup(&raw_commit, repo_.get(), &oid);
    if (rc < 0) return GitStatus(rc, subject);
    Owned<git_commit> commit(raw_commit);
    git_tree* raw_tree = nullptr;
    rc = git_commit_tree(&raw_tree, commit.get());
    if (rc < 0) return GitStatus(rc, subject);
    Owned<git_tree> tree(raw_tree);
    git_tree_entry* raw_entry = nullptr;
    rc = git_tree_entry_bypath(&raw_entry, tree.get(), std::string(path).c_str());
    if (rc == GIT_ENOTFOUND) return Status::NotFound(subject, "no such file");
    if (rc < 0) return GitStatus(rc, subject);
    Owned<git_tree_entry> entry(raw_entry);
    if (git_tree_entry_type(entry.get()) != GIT_OBJECT_BLOB) {
      return Status::InvalidArgument(subject, "not a file");
    }
    git_blob* raw_blob = nullptr;
    rc = git_blob_lookup(&raw_blob, repo_.get(), git_tree_entry_id(entry.get()));
    if (rc < 0) return GitStatus(rc, subject);
    Owned<git_blob> blob(raw_blob);
    return std::string(static_cast<const char*>(git_blob_rawcontent(blob.get())),
                       static_cast<size_t>(git_blob_rawsize(blob.get())));
  }

  Status AppendNoteLines(std::string_view notes_ref, const std::string& commit,
                         const std::vector<std::string>& lines,
                         const GitIdentity& author) override {
    for (size_t i = 0; i < lines.size(); ++i) {
      if (lines[i].empty() || lines[i].find('\n') != std::string::npos) {
        return Status::InvalidArgument(
            "note line " + std::to_string(i + 1),
            "empty or contains a newline (notes hold one JSON record per line)");
      }
    }
    git_oid target;
    CUSTODY_RETURN_IF_ERROR(ParseCommitId(commit, &target));
    git_object* raw_obj = nullptr;
    int rc = git_object_lookup(&raw_obj, repo_.get(), &target, GIT_OBJECT_COMMIT);
    if (rc == GIT_ENOTFOUND) {
      return Status::NotFound(commit, "no such commit in this repository");
    }
    if (rc < 0) return GitStatus(rc, commit);
    git_object_free(raw_obj);
    if (lines.empty()) return Status::OK();

    git_signature* raw_sig = nullptr;
    rc = git_signature_now(&raw_sig, author.name.c_str(), author.email.c_str());
    if (rc < 0) return GitStatus(rc, author.name + " <" + author.email + ">");
    Owned<git_signature> sig(raw_sig);

    Env* env = Env::Default();
    std::string lock_dir = JoinPath(common_dir(), "custody");
    CUSTODY_RETURN_IF_ERROR(env->CreateDirs(lock_dir));
    CUSTODY_ASSIGN_OR_RETURN(std::unique_ptr<FileLock> lock,
                             env->LockFile(JoinPath(lock_dir, "notes.lock")));

    std::string ref(notes_ref);
    bool locked = false;
    for (int attempt = 0; attempt < kMaxNoteAttempts; ++attempt) {
      bool retry = false;
      locked = false;
      CUSTODY_RETURN_IF_ERROR(AppendOnce(ref, target, lines, sig.get(), &retry, &locked));
      if (!retry) return Status::OK();
      // The lock excludes other custody writers, so only a foreign writer
      // (plain `git notes`) can move the ref; back off briefly and re-read.
      std::this_thread::sleep_for(std::chrono::milliseconds(1 + attempt));
    }
    if (locked) {
      // git's own lock file outlived every retry: another git is running,
      // or one crashed and left it behind.
      return Status::Unavailable(JoinPath(common_dir(), ref + ".lock"),
                                 "exists: another git process is running, or one crashed "
                                 "(remove the file if none is running)");
    }
    return Status::Unavailable(ref, "kept changing while appending a note (retry)");
  }

  Result<std::vector<std::string>> ReadNoteLines(std::string_view notes_ref,
                                                 const std::string& commit) override {
    git_oid target;
    CUSTODY_RETURN_IF_ERROR(ParseCommitId(commit, &target));
    std::string ref(notes_ref);
    git_note* raw = nullptr;
    int rc = git_note_read(&raw, repo_.get(), ref.c_str(), &target);
    if (rc == GIT_ENOTFOUND) return std::vector<std::string>();
    if (rc < 0) return GitStatus(rc, ref);
    Owned<git_note> note(raw);
    const char* message = git_note_message(note.get());
    return SplitNonEmptyLines(message != nullptr ? message : "");
  }

  Result<std::vector<std::string>> ListNotedCommits(std::string_view notes_ref) override {
    std::string ref(notes_ref);
    std::vector<std::string> commits;
    int rc = git_note_foreach(repo_.get(), ref.c_str(), CollectNotedCommit, &commits);
    if (rc == GIT_ENOTFOUND) return std::vector<std::string>();
    if (rc < 0) return GitStatus(rc, ref);
    std::sort(commits.begin(), commits.end());
    return commits;
  }

  Result<CommitInfo> GetCommit(const std::string& commit) override {
    git_oid oid;
    CUSTODY_RETURN_IF_ERROR(ParseCommitId(commit, &oid));
    CUSTODY_ASSIGN_OR_RETURN(Owned<git_commit> c, LookupCommit(oid, commit));
    CommitInfo info;
    info.id = OidHex(git_commit_id(c.get()));
    unsigned n = git_commit_parentcount(c.get());
    for (unsigned i = 0; i < n; ++i) info.parents.push_back(OidHex(git_commit_parent_id(c.get(), i)));
    const git_signature* a = git_commit_author(c.get());
    const git_signature* m = git_commit_committer(c.get());
    if (a != nullptr) {
      info.author = {a->name ? a->name : "", a->email ? a->email : ""};
      info.author_time = static_cast<int64_t>(a->when.time);
    }
    if (m != nullptr) {
      info.committer = {m->name ? m->name : "", m->email ? m->email : ""};
      info.commit_time = static_cast<int64_t>(m->when.time);
    }
    const char* msg = git_commit_message_raw(c.get());
    info.message = msg != nullptr ? msg : "";
    info.tree = OidHex(git_commit_tree_id(c.get()));
    return info;
  }

  Result<std::vector<FileDiff>> DiffCommit(const std::string& commit,
                                           const std::string& base) override {
    git_oid oid;
    CUSTODY_RETURN_IF_ERROR(ParseCommitId(commit, &oid));
    CUSTODY_ASSIGN_OR_RETURN(Owned<git_commit> c, LookupCommit(oid, commit));
    Owned<git_commit> b;
    if (!base.empty()) {
      git_oid boid;
      CUSTODY_RETURN_IF_ERROR(ParseCommitId(base, &boid));
      CUSTODY_ASSIGN_OR_RETURN(b, LookupCommit(boid, base));
    } else if (git_commit_parentcount(c.get()) > 0) {
      git_commit* raw = nullptr;
      int rc = git_commit_parent(&raw, c.get(), 0);
      if (rc < 0) return GitStatus(rc, commit + "^");
      b.reset(raw);
    }
    git_tree* raw_new = nullptr;
    int rc = git_commit_tree(&raw_new, c.get());
    if (rc < 0) return GitStatus(rc, commit);
    Owned<git_tree> new_tree(raw_new);
    Owned<git_tree> old_tree;
    if (b != nullptr) {
      git_tree* raw_old = nullptr;
      rc = git_commit_tree(&raw_old, b.get());
      if (rc < 0) return GitStatus(rc, base);
      old_tree.reset(raw_old);
    }
    // The changed blobs, from our own walk of the two trees rather than
    // git_diff_tree_to_tree + git_diff_foreach: libgit2 looks up each
    // file's diff attributes by path, which reads the whole index (and
    // .gitattributes) first. On a 100,000-file repository that was 89 % of
    // the post-commit hook's instructions (docs/PERFORMANCE.md). Blobs are
    // then diffed as plain buffers, so binary detection is by content only
    // (git's default for files without a `diff` attribute).
    std::vector<BlobChange> changes;
    CUSTODY_RETURN_IF_ERROR(TreeChanges(old_tree.get(), new_tree.get(), "", &changes));
    PairExactRenames(&changes);

    std::vector<FileDiff> files;
    auto file_cb = [](const git_diff_delta* d, float, void* payload) -> int {
      auto* out = static_cast<std::vector<FileDiff>*>(payload);
      FileDiff f;
      f.path = d->new_file.path != nullptr ? d->new_file.path : "";
      f.old_path = d->old_file.path != nullptr ? d->old_file.path : f.path;
      f.binary = (d->flags & GIT_DIFF_FLAG_BINARY) != 0;
      f.deleted = d->status == GIT_DELTA_DELETED;
      out->push_back(std::move(f));
      return 0;
    };
    auto binary_cb = [](const git_diff_delta*, const git_diff_binary*, void* payload) -> int {
      auto* out = static_cast<std::vector<FileDiff>*>(payload);
      if (!out->empty()) out->back().binary = true;
      return 0;
    };
    auto hunk_cb = [](const git_diff_delta*, const git_diff_hunk* h, void* payload) -> int {
      auto* out = static_cast<std::vector<FileDiff>*>(payload);
      if (out->empty()) return 0;
      DiffHunk hunk;
      hunk.old_start = h->old_start;
      hunk.old_lines = h->old_lines;
      hunk.new_start = h->new_start;
      hunk.new_lines = h->new_lines;
      out->back().hunks.push_back(std::move(hunk));
      return 0;
    };
    auto line_cb = [](const git_diff_delta*, const git_diff_hunk*, const git_diff_line* l,
                      void* payload) -> int {
      auto* out = static_cast<std::vector<FileDiff>*>(payload);
      if (out->empty() || out->back().hunks.empty()) return 0;
      DiffHunk& hunk = out->back().hunks.back();
      std::string text(l->content, l->content_len);
      while (!text.empty() && (text.back() == '\n' || text.back() == '\r')) text.pop_back();
      if (l->origin == GIT_DIFF_LINE_ADDITION) {
        hunk.added.push_back({l->new_lineno, std::move(text)});
      } else if (l->origin == GIT_DIFF_LINE_DELETION) {
        hunk.removed.push_back({l->old_lineno, std::move(text)});
      }
      return 0;
    };
    git_diff_options opts = GIT_DIFF_OPTIONS_INIT;
    opts.context_lines = 0;
    opts.interhunk_lines = 0;
    for (const BlobChange& ch : changes) {
      const std::string& path = ch.has_new ? ch.new_path : ch.old_path;
      const std::string& old_path = ch.has_old ? ch.old_path : path;
      if (ch.has_old && ch.has_new && git_oid_equal(&ch.old_id, &ch.new_id)) {
        // An exact rename: no lines change.
        FileDiff f;
        f.path = path;
        f.old_path = old_path;
        files.push_back(std::move(f));
        continue;
      }
      Owned<git_blob> old_blob, new_blob;
      if (ch.has_old) {
        CUSTODY_ASSIGN_OR_RETURN(old_blob, LookupBlob(ch.old_id, ch.old_path));
      }
      if (ch.has_new) {
        CUSTODY_ASSIGN_OR_RETURN(new_blob, LookupBlob(ch.new_id, ch.new_path));
      }
      size_t before = files.size();
      // Buffers rather than git_diff_blobs: with a blob libgit2 still opens
      // the repository's index (for attributes), as costly as before.
      auto data = [](const Owned<git_blob>& b) {
        return b != nullptr ? static_cast<const char*>(git_blob_rawcontent(b.get())) : nullptr;
      };
      auto size = [](const Owned<git_blob>& b) {
        return b != nullptr ? static_cast<size_t>(git_blob_rawsize(b.get())) : size_t{0};
      };
      rc = git_diff_buffers(data(old_blob), size(old_blob), nullptr, data(new_blob),
                            size(new_blob), nullptr, &opts, file_cb, binary_cb, hunk_cb,
                            line_cb, &files);
      if (rc < 0) return GitStatus(rc, path);
      if (files.size() == before) continue;  // identical content (a mode change)
      files.back().path = path;
      files.back().old_path = old_path;
      files.back().deleted = !ch.has_new;
    }
    return files;
  }

  Result<std::vector<BlameLine>> Blame(const std::string& path,
                                       const std::optional<std::string>& buffer) override {
    git_blame_options opts = GIT_BLAME_OPTIONS_INIT;
    git_blame* raw = nullptr;
    int rc = git_blame_file(&raw, repo_.get(), path.c_str(), &opts);
    Owned<git_blame> blame;
    if (rc == GIT_ENOTFOUND && buffer) {
      // A file HEAD does not have yet: every line is uncommitted.
      std::vector<BlameLine> out(static_cast<size_t>(CountLines(*buffer)));
      return out;
    }
    if (rc == GIT_ENOTFOUND) return Status::NotFound(path, "not in HEAD (is it committed?)");
    if (rc < 0) return GitStatus(rc, path);
    blame.reset(raw);
    if (buffer) {
      git_blame* raw_buf = nullptr;
      rc = git_blame_buffer(&raw_buf, blame.get(), buffer->data(), buffer->size());
      if (rc < 0) return GitStatus(rc, path);
      blame.reset(raw_buf);
    }
    std::vector<BlameLine> out;
    uint32_t n = git_blame_get_hunk_count(blame.get());
    for (uint32_t i = 0; i < n; ++i) {
      const git_blame_hunk* h = git_blame_get_hunk_byindex(blame.get(), i);
      if (h == nullptr) continue;
      bool committed = !git_oid_is_zero(&h->final_commit_id);
      std::string id = committed ? OidHex(&h->final_commit_id) : "";
      std::string orig = h->orig_path != nullptr ? h->orig_path : path;
      for (size_t k = 0; k < h->lines_in_hunk; ++k) {
        BlameLine l;
        l.commit = id;
        if (committed) {
          l.orig_path = orig;
          l.orig_line = static_cast<int>(h->orig_start_line_number + k);
        }
        out.push_back(std::move(l));
      }
    }
    return out;
  }

  Result<std::optional<std::string>> ReadNote(std::string_view notes_ref,
                                              const std::string& commit) override {
    git_oid target;
    CUSTODY_RETURN_IF_ERROR(ParseCommitId(commit, &target));
    std::string ref(notes_ref);
    git_note* raw = nullptr;
    int rc = git_note_read(&raw, repo_.get(), ref.c_str(), &target);
    if (rc == GIT_ENOTFOUND) return std::optional<std::string>();
    if (rc < 0) return GitStatus(rc, ref);
    Owned<git_note> note(raw);
    const char* message = git_note_message(note.get());
    return std::optional<std::string>(message != nullptr ? message : "");
  }

  Status WriteNote(std::string_view notes_ref, const std::string& commit, const std::string& text,
                   const GitIdentity& author) override {
    git_oid target;
    CUSTODY_RETURN_IF_ERROR(ParseCommitId(commit, &target));
    CUSTODY_RETURN_IF_ERROR(LookupCommit(target, commit).status());
    git_signature* raw_sig = nullptr;
    int rc = git_signature_now(&raw_sig, author.name.c_str(), author.email.c_str());
    if (rc < 0) return GitStatus(rc, author.name + " <" + author.email + ">");
    Owned<git_signature> sig(raw_sig);
    Env* env = Env::Default();
    std::string lock_dir = JoinPath(common_dir(), "custody");
    CUSTODY_RETURN_IF_ERROR(env->CreateDirs(lock_dir));
    CUSTODY_ASSIGN_OR_RETURN(std::unique_ptr<FileLock> lock,
                             env->LockFile(JoinPath(lock_dir, "notes.lock")));
    std::string ref(notes_ref);
    for (int attempt = 0; attempt < kMaxNoteAttempts; ++attempt) {
      bool retry = false, locked = false;
      CUSTODY_RETURN_IF_ERROR(
          UpdateNoteOnce(ref, target, sig.get(), &retry, &locked,
                         [&](std::string* message) {
                           if (*message == text) return false;
                           *message = text;
                           return true;
                         }));
      if (!retry) return Status::OK();
      std::this_thread::sleep_for(std::chrono::milliseconds(1 + attempt));
    }
    return Status::Unavailable(ref, "kept changing while writing a note (retry)");
  }

  Result<GitIdentity> DefaultIdentity() override {
    GitIdentity id{"custody", "custody@localhost"};
    CUSTODY_ASSIGN_OR_RETURN(std::optional<std::string> name, GetConfig("user.name"));
    CUSTODY_ASSIGN_OR_RETURN(std::optional<std::string> email, GetConfig("user.email"));
    if (name && !name->empty()) id.name = *name;
    if (email && !email->empty()) id.email = *email;
    return id;
  }

  Status SetConfig(std::string_view key, std::string_view value) override {
    std::string k(key);
    CUSTODY_ASSIGN_OR_RETURN(Owned<git_config> local, OpenConfig(k, /*local=*/true));
    int rc = git_config_set_string(local.get(), k.c_str(), std::string(value).c_str());
    if (rc < 0) return GitStatus(rc, k);
    return Status::OK();
  }

  Result<std::optional<std::string>> GetConfig(std::string_view key) override {
    std::string k(key);
    CUSTODY_ASSIGN_OR_RETURN(Owned<git_config> cfg, OpenConfig(k, /*local=*/false));
    git_buf buf = GIT_BUF_INIT;
    int rc = git_config_get_string_buf(&buf, cfg.get(), k.c_str());
    if (rc == GIT_ENOTFOUND) return std::optional<std::string>();
    if (rc < 0) return GitStatus(rc, k);
    std::string value(buf.ptr, buf.size);
    git_buf_dispose(&buf);
    return std::optional<std::string>(std::move(value));
  }

  Result<std::vector<std::string>> GetConfigMultivar(std::string_view key) override {
    std::string k(key);
    CUSTODY_ASSIGN_OR_RETURN(Owned<git_config> cfg, OpenConfig(k, /*local=*/false));
    return Multivar(cfg.get(), k);
  }

  Status AddConfigMultivar(std::string_view key, std::string_view value) override {
    std::string k(key);
    std::string v(value);
    constexpr std::string_view kPrefix = "remote.", kSuffix = ".fetch";
    if (k.size() > kPrefix.size() + kSuffix.size() && k.starts_with(kPrefix) &&
        k.ends_with(kSuffix)) {
      std::string remote = k.substr(kPrefix.size(), k.size() - kPrefix.size() - kSuffix.size());
      CUSTODY_ASSIGN_OR_RETURN(std::optional<std::string> url,
                               GetConfig("remote." + remote + ".url"));
      if (!url) {
        return Status::NotFound(k, "no remote " + remote + " (add the remote first)");
      }
    }
    CUSTODY_ASSIGN_OR_RETURN(Owned<git_config> local, OpenConfig(k, /*local=*/true));
    CUSTODY_ASSIGN_OR_RETURN(std::vector<std::string> values, Multivar(local.get(), k));
    if (std::find(values.begin(), values.end(), v) != values.end()) {
      return Status::OK();
    }
    // libgit2 replaces the values matching the regex and appends when none
    // does; the exact-value regex matches none here (checked just above).
    // libgit2 1.5 leaks ~20 KB of PCRE2 match data per entry a regex fails to
    // match (fixed upstream in libgit2 PR #6382), so both multivar writers
    // call libgit2 only when something actually changes.
    int rc = git_config_set_multivar(local.get(), k.c_str(), ExactValueRegex(v).c_str(), v.c_str());
    if (rc < 0) return GitStatus(rc, k);
    return Status::OK();
  }

  Status UnsetConfigValue(std::string_view key, std::string_view value) override {
    std::string k(key);
    CUSTODY_ASSIGN_OR_RETURN(Owned<git_config> local, OpenConfig(k, /*local=*/true));
    CUSTODY_ASSIGN_OR_RETURN(std::vector<std::string> values, Multivar(local.get(), k));
    if (std::find(values.begin(), values.end(), value) == values.end()) {
      return Status::OK();
    }
    int rc = git_config_delete_multivar(local.get(), k.c_str(), ExactValueRegex(value).c_str());
    if (rc == GIT_ENOTFOUND) return Status::OK();
    if (rc < 0) return GitStatus(rc, k);
    return Status::OK();
  }

 private:
  Status ResolveCommitOid(std::string_view rev, git_oid* out) {
    std::string r(rev);
    if (r.empty()) return Status::InvalidArgument("revision", "empty");
    git_object* raw = nullptr;
    int rc = git_revparse_single(&raw, repo_.get(), r.c_str());
    if (rc == GIT_ENOTFOUND || rc == GIT_EINVALIDSPEC || rc == GIT_EUNBORNBRANCH) {
      return Status::NotFound(r, "unknown revision");
    }
    if (rc == GIT_EAMBIGUOUS) {
      return Status::InvalidArgument(r, "ambiguous revision (use more hex digits)");
    }
    if (rc < 0) return GitStatus(rc, r);
    Owned<git_object> obj(raw);
    git_object* peeled = nullptr;
    rc = git_object_peel(&peeled, obj.get(), GIT_OBJECT_COMMIT);
    if (rc < 0) return Status::InvalidArgument(r, "not a commit");
    git_oid_cpy(out, git_object_id(peeled));
    git_object_free(peeled);
    return Status::OK();
  }

  Result<Owned<git_blob>> LookupBlob(const git_oid& oid, const std::string& subject) {
    git_blob* raw = nullptr;
    int rc = git_blob_lookup(&raw, repo_.get(), &oid);
    if (rc < 0) return GitStatus(rc, subject);
    return Owned<git_blob>(raw);
  }

  Result<Owned<git_tree>> LookupTree(const git_oid& oid, const std::string& subject) {
    git_tree* raw = nullptr;
    int rc = git_tree_lookup(&raw, repo_.get(), &oid);
    if (rc < 0) return GitStatus(rc, subject);
    return Owned<git_tree>(raw);
  }

  // One side of a changed path: a blob (file or symlink) that exists in the
  // old tree, the new tree, or both with different ids.
  struct BlobChange {
    std::string old_path, new_path;
    git_oid old_id{}, new_id{};
    bool has_old = false, has_new = false;
  };

  // Appends to `out` every blob that differs between `old_tree` and
  // `new_tree` (either may be null: the empty tree), with paths under
  // `prefix`. Subtrees with equal ids are skipped without being read, so the
  // cost follows the size of the change, not of the repository. Submodules
  // are skipped. A path that is a file on one side and a directory on the
  // other is a deletion plus additions, as in git.
  Status TreeChanges(const git_tree* old_tree, const git_tree* new_tree,
                     const std::string& prefix, std::vector<BlobChange>* out) {
    size_t n_old = old_tree != nullptr ? git_tree_entrycount(old_tree) : 0;
    size_t n_new = new_tree != nullptr ? git_tree_entrycount(new_tree) : 0;
    size_t i = 0, j = 0;
    while (i < n_old || j < n_new) {
      const git_tree_entry* a = i < n_old ? git_tree_entry_byindex(old_tree, i) : nullptr;
      const git_tree_entry* b = j < n_new ? git_tree_entry_byindex(new_tree, j) : nullptr;
      int cmp = a == nullptr ? 1 : b == nullptr ? -1 : CompareTreeEntries(a, b);
      if (cmp < 0) {
        CUSTODY_RETURN_IF_ERROR(EntrySide(a, prefix, true, out));
        ++i;
      } else if (cmp > 0) {
        CUSTODY_RETURN_IF_ERROR(EntrySide(b, prefix, false, out));
        ++j;
      } else {
        ++i, ++j;
        if (git_oid_equal(git_tree_entry_id(a), git_tree_entry_id(b))) continue;
        std::string path = prefix + git_tree_entry_name(b);
        git_object_t ta = git_tree_entry_type(a), tb = git_tree_entry_type(b);
        if (ta == GIT_OBJECT_TREE && tb == GIT_OBJECT_TREE) {
          CUSTODY_ASSIGN_OR_RETURN(Owned<git_tree> sa, LookupTree(*git_tree_entry_id(a), path));
          CUSTODY_ASSIGN_OR_RETURN(Owned<git_tree> sb, LookupTree(*git_tree_entry_id(b), path));
          CUSTODY_RETURN_IF_ERROR(TreeChanges(sa.get(), sb.get(), path + "/", out));
        } else if (ta == GIT_OBJECT_BLOB && tb == GIT_OBJECT_BLOB) {
          BlobChange ch;
          ch.old_path = ch.new_path = path;
          git_oid_cpy(&ch.old_id, git_tree_entry_id(a));
          git_oid_cpy(&ch.new_id, git_tree_entry_id(b));
          ch.has_old = ch.has_new = true;
          out->push_back(std::move(ch));
        } else {
          // A blob replaced by a submodule or the reverse.
          CUSTODY_RETURN_IF_ERROR(EntrySide(a, prefix, true, out));
          CUSTODY_RETURN_IF_ERROR(EntrySide(b, prefix, false, out));
        }
      }
    }
    return Status::OK();
  }

  // An entry present on one side only: a blob, or every blob under a tree.
  Status EntrySide(const git_tree_entry* e, const std::string& prefix, bool old_side,
                   std::vector<BlobChange>* out) {
    std::string path = prefix + git_tree_entry_name(e);
    git_object_t type = git_tree_entry_type(e);
    if (type == GIT_OBJECT_TREE) {
      CUSTODY_ASSIGN_OR_RETURN(Owned<git_tree> sub, LookupTree(*git_tree_entry_id(e), path));
      return old_side ? TreeChanges(sub.get(), nullptr, path + "/", out)
                      : TreeChanges(nullptr, sub.get(), path + "/", out);
    }
    if (type != GIT_OBJECT_BLOB) return Status::OK();  // submodule
    BlobChange ch;
    if (old_side) {
      ch.old_path = std::move(path);
      git_oid_cpy(&ch.old_id, git_tree_entry_id(e));
      ch.has_old = true;
    } else {
      ch.new_path = std::move(path);
      git_oid_cpy(&ch.new_id, git_tree_entry_id(e));
      ch.has_new = true;
    }
    out->push_back(std::move(ch));
    return Status::OK();
  }

  // git's tree order: names compare bytewise as if a tree's name ended in
  // '/', so "a.c" < "a/" < "a0". Both trees are sorted this way, which is
  // what lets TreeChanges merge them in one pass.
  static int CompareTreeEntries(const git_tree_entry* a, const git_tree_entry* b) {
    std::string_view na = git_tree_entry_name(a), nb = git_tree_entry_name(b);
    size_t n = std::min(na.size(), nb.size());
    int c = std::memcmp(na.data(), nb.data(), n);
    if (c != 0) return c;
    auto next = [n](std::string_view name, const git_tree_entry* e) -> int {
      if (name.size() > n) return static_cast<unsigned char>(name[n]);
      return git_tree_entry_type(e) == GIT_OBJECT_TREE ? '/' : 0;
    };
    return next(na, a) - next(nb, b);
  }

  // Turns a deleted and an added blob with the same id into one rename (as
  // git_diff_find_similar with GIT_DIFF_FIND_EXACT_MATCH_ONLY does), then
  // sorts the changes by path so the order never depends on the walk.
  static void PairExactRenames(std::vector<BlobChange>* changes) {
    std::vector<BlobChange>& c = *changes;
    std::vector<size_t> deleted;
    for (size_t k = 0; k < c.size(); ++k) {
      if (c[k].has_old && !c[k].has_new) deleted.push_back(k);
    }
    if (!deleted.empty()) {
      std::sort(deleted.begin(), deleted.end(), [&c](size_t x, size_t y) {
        int r = git_oid_cmp(&c[x].old_id, &c[y].old_id);
        return r != 0 ? r < 0 : c[x].old_path < c[y].old_path;
      });
      std::vector<bool> used(c.size(), false);
      for (size_t k = 0; k < c.size(); ++k) {
        if (c[k].has_old || !c[k].has_new) continue;
        // The first unused deleted blob with this id (binary search by id).
        size_t lo = 0, hi = deleted.size();
        while (lo < hi) {
          size_t mid = (lo + hi) / 2;
          if (git_oid_cmp(&c[deleted[mid]].old_id, &c[k].new_id) < 0) {
            lo = mid + 1;
          } else {
            hi = mid;
          }
        }
        for (; lo < deleted.size() && git_oid_equal(&c[deleted[lo]].old_id, &c[k].new_id); ++lo) {
          size_t d = deleted[lo];
          if (used[d]) continue;
          used[d] = true;
          c[k].old_path = c[d].old_path;
          c[k].old_id = c[d].old_id;
          c[k].has_old = true;
          break;
        }
      }
      size_t w = 0;
      for (size_t k = 0; k < c.size(); ++k) {
        if (used[k]) continue;
        if (w != k) c[w] = std::move(c[k]);  // a self-move would empty the strings
        ++w;
      }
      c.resize(w);
    }
    std::sort(c.begin(), c.end(), [](const BlobChange& x, const BlobChange& y) {
      const std::string& px = x.has_new ? x.new_path : x.old_path;
      const std::string& py = y.has_new ? y.new_path : y.old_path;
      return px < py;
    });
  }

  Result<Owned<git_commit>> LookupCommit(const git_oid& oid, const std::string& subject) {
    git_commit* raw = nullptr;
    int rc = git_commit_lookup(&raw, repo_.get(), &oid);
    if (rc == GIT_ENOTFOUND) return Status::NotFound(subject, "no such commit in this repository");
    if (rc < 0) return GitStatus(rc, subject);
    return Owned<git_commit>(raw);
  }

  static int CountLines(const std::string& text) {
    int n = static_cast<int>(std::count(text.begin(), text.end(), '\n'));
    if (!text.empty() && text.back() != '\n') ++n;
    return n;
  }

  // One read-modify-write of the note. Sets *retry when the notes ref moved
  // between our read and our compare-and-swap, and *locked when git's own
  // ref lock file was in the way.
  Status AppendOnce(const std::string& ref, const git_oid& target,
                    const std::vector<std::string>& lines, const git_signature* sig, bool* retry,
                    bool* locked) {
    return UpdateNoteOnce(ref, target, sig, retry, locked, [&](std::string* message) {
      std::vector<std::string> present = SplitNonEmptyLines(*message);
      std::set<std::string_view> seen(present.begin(), present.end());
      size_t old_size = message->size();
      for (const std::string& line : lines) {
        if (!seen.insert(line).second) continue;
        if (!message->empty() && message->back() != '\n') *message += '\n';
        *message += line;
        *message += '\n';
      }
      return message->size() != old_size;
    });
  }

  // Reads the note of `target` (empty when none), lets `edit` change it
  // (edit returns false when nothing changed: no commit is made) and
  // publishes the result with a compare-and-swap on the ref.
  template <typename Edit>
  Status UpdateNoteOnce(const std::string& ref, const git_oid& target, const git_signature* sig,
                        bool* retry, bool* locked, Edit&& edit) {
    *retry = false;
    git_reference* raw_ref = nullptr;
    int rc = git_reference_lookup(&raw_ref, repo_.get(), ref.c_str());
    if (rc < 0 && rc != GIT_ENOTFOUND) return GitStatus(rc, ref);
    Owned<git_reference> notes_ref(raw_ref);

    Owned<git_commit> parent;
    git_oid parent_id;
    if (notes_ref != nullptr) {
      const git_oid* id = git_reference_target(notes_ref.get());
      if (id == nullptr) {
        return Status::InvalidArgument(ref, "is a symbolic ref (expected a notes commit)");
      }
      git_oid_cpy(&parent_id, id);
      git_commit* raw_commit = nullptr;
      rc = git_commit_lookup(&raw_commit, repo_.get(), &parent_id);
      if (rc < 0) return GitStatus(rc, ref);
      parent.reset(raw_commit);
    }

    std::string message;
    if (parent != nullptr) {
      git_note* raw_note = nullptr;
      rc = git_note_commit_read(&raw_note, repo_.get(), parent.get(), &target);
      if (rc < 0 && rc != GIT_ENOTFOUND) return GitStatus(rc, ref);
      Owned<git_note> note(raw_note);
      if (note != nullptr && git_note_message(note.get()) != nullptr) {
        message = git_note_message(note.get());
      }
    }
    if (!edit(&message)) return Status::OK();  // nothing new

    git_oid new_commit;
    // Build the notes commit without touching the ref (git_note_create offers
    // no compare-and-swap), then publish it with one, so that a writer that
    // slipped in between is detected and retried instead of overwritten.
    rc = git_note_commit_create(&new_commit, nullptr, repo_.get(), parent.get(), sig, sig, &target,
                                message.c_str(), /*allow_note_overwrite=*/1);
    if (rc < 0) return GitStatus(rc, ref);

    git_reference* raw_updated = nullptr;
    constexpr const char* kLog = "notes: custody append";
    if (parent != nullptr) {
      rc = git_reference_create_matching(&raw_updated, repo_.get(), ref.c_str(), &new_commit,
                                         /*force=*/1, &parent_id, kLog);
    } else {
      rc = git_reference_create(&raw_updated, repo_.get(), ref.c_str(), &new_commit,
                                /*force=*/0, kLog);
    }
    git_reference_free(raw_updated);
    if (rc == GIT_EMODIFIED || rc == GIT_EEXISTS || rc == GIT_ELOCKED) {
      *retry = true;
      *locked = rc == GIT_ELOCKED;
      return Status::OK();
    }
    if (rc < 0) return GitStatus(rc, ref);
    return Status::OK();
  }

  // The effective config, or (local) its repository-level file only.
  Result<Owned<git_config>> OpenConfig(const std::string& subject, bool local) {
    git_config* raw = nullptr;
    int rc = git_repository_config(&raw, repo_.get());
    if (rc < 0) return GitStatus(rc, subject);
    Owned<git_config> cfg(raw);
    if (!local) return cfg;
    git_config* raw_local = nullptr;
    rc = git_config_open_level(&raw_local, cfg.get(), GIT_CONFIG_LEVEL_LOCAL);
    if (rc < 0) return GitStatus(rc, subject);
    return Owned<git_config>(raw_local);
  }

  Result<std::vector<std::string>> Multivar(git_config* cfg, const std::string& key) {
    std::vector<std::string> values;
    int rc =
        git_config_get_multivar_foreach(cfg, key.c_str(), nullptr, CollectConfigValue, &values);
    if (rc < 0 && rc != GIT_ENOTFOUND) return GitStatus(rc, key);
    return values;
  }

  Result<std::string> CreateStagedCommit(const std::string& index_path) override {
    if (git_repository_is_bare(repo_.get())) {
      return Status::InvalidArgument("index", "a bare repository has no staged changes");
    }
    git_index* raw_index = nullptr;
    int rc = 0;
    std::string path = index_path;
    if (!path.empty() && path[0] != '/') path = workdir() + "/" + path;
    if (path.empty()) {
      rc = git_repository_index(&raw_index, repo_.get());
    } else {
      rc = git_index_open(&raw_index, path.c_str());
    }
    if (rc < 0) return GitStatus(rc, path.empty() ? std::string("index") : path);
    std::unique_ptr<git_index, void (*)(git_index*)> index(raw_index, git_index_free);
    // Other processes (git add) may have changed the index since libgit2
    // cached it.
    rc = git_index_read(index.get(), /*force=*/0);
    if (rc < 0) return GitStatus(rc, "index");
    if (git_index_has_conflicts(index.get())) {
      return Status::InvalidArgument("index", "has unresolved merge conflicts");
    }
    git_oid tree_oid;
    // An index opened from a path belongs to no repository: write its tree
    // into this one.
    rc = path.empty() ? git_index_write_tree(&tree_oid, index.get())
                      : git_index_write_tree_to(&tree_oid, index.get(), repo_.get());
    if (rc < 0) return GitStatus(rc, "index");
    git_tree* raw_tree = nullptr;
    rc = git_tree_lookup(&raw_tree, repo_.get(), &tree_oid);
    if (rc < 0) return GitStatus(rc, "index tree");
    Owned<git_tree> tree(raw_tree);
    CUSTODY_ASSIGN_OR_RETURN(std::optional<std::string> head, HeadCommit());
    Owned<git_commit> parent;
    if (head) {
      git_oid poid;
      CUSTODY_RETURN_IF_ERROR(ParseCommitId(*head, &poid));
      CUSTODY_ASSIGN_OR_RETURN(parent, LookupCommit(poid, *head));
    }
    CUSTODY_ASSIGN_OR_RETURN(GitIdentity id, DefaultIdentity());
    git_signature* raw_sig = nullptr;
    rc = git_signature_now(&raw_sig, id.name.c_str(), id.email.c_str());
    if (rc < 0) return GitStatus(rc, "signature");
    Owned<git_signature> sig(raw_sig);
    const git_commit* parents[1] = {parent.get()};
    git_oid commit_oid;
    rc = git_commit_create(&commit_oid, repo_.get(), /*update_ref=*/nullptr, sig.get(), sig.get(),
                           nullptr, "custody: staged changes (not a real commit)\n", tree.get(),
                           parent ? 1 : 0, parent ? parents : nullptr);
    if (rc < 0) return GitStatus(rc, "staged commit");
    return OidHex(&commit_oid);
  }

  Result<bool> IsAncestor(const std::string& ancestor, const std::string& commit) override {
    git_oid a, c;
    CUSTODY_RETURN_IF_ERROR(ParseCommitId(ancestor, &a));
    CUSTODY_RETURN_IF_ERROR(ParseCommitId(commit, &c));
    if (git_oid_equal(&a, &c)) return true;
    int rc = git_graph_descendant_of(repo_.get(), &c, &a);
    if (rc < 0) return GitStatus(rc, commit);
    return rc == 1;
  }

  Result<std::optional<std::string>> HeadBranch() override {
    if (git_repository_head_detached(repo_.get()) == 1) return std::optional<std::string>();
    git_reference* raw = nullptr;
    int rc = git_repository_head(&raw, repo_.get());
    if (rc == GIT_EUNBORNBRANCH || rc == GIT_ENOTFOUND) return std::optional<std::string>();
    if (rc < 0) return GitStatus(rc, "HEAD");
    Owned<git_reference> head(raw);
    if (!git_reference_is_branch(head.get())) return std::optional<std::string>();
    return std::optional<std::string>(git_reference_shorthand(head.get()));
  }

  Owned<git_repository> repo_;
  Owned<git_odb> odb_;  // opened on first ReadBlob
};

}  // namespace

Status Repo::ForEachAddedLines(std::string_view range,
                               const std::function<Status(const AddedLines&)>&) {
  return Status::Unavailable(std::string(range), "this repository does not support diff walking");
}
Status Repo::ForEachNewBlob(const std::function<Status(const BlobIntro&)>&) {
  return Status::Unavailable("history", "this repository does not support history walking");
}
Status Repo::ReadBlob(std::string_view blob_id, uint64_t, std::string*, bool*) {
  return Status::Unavailable(std::string(blob_id), "this repository does not support blob reads");
}
Result<std::string> Repo::CreateStagedCommit(const std::string&) {
  return Status::Unavailable("index", "this repository does not support staged commits");
}
Result<bool> Repo::IsAncestor(const std::string& ancestor, const std::string&) {
  return Status::Unavailable(ancestor, "this repository does not support ancestry queries");
}
Result<std::optional<std::string>> Repo::HeadBranch() {
  return Status::Unavailable("HEAD", "this repository does not support branch queries");
}
Result<bool> Repo::IsIgnored(std::string_view rel_path) {
  return Status::Unavailable(std::string(rel_path), "this repository does not support ignore rules");
}

Result<std::unique_ptr<Repo>> Repo::Discover(const std::string& start_path) {
  EnsureLibgit2();
  if (start_path.empty()) return Status::InvalidArgument("start path", "empty");
  git_repository* raw = nullptr;
  // Flags 0: search upwards from start_path, stop at file-system boundaries
  // (git's default), and ignore GIT_DIR so the start path alone decides.
  int rc = git_repository_open_ext(&raw, start_path.c_str(), 0, nullptr);
  if (rc == GIT_ENOTFOUND) return Status::NotFound(start_path, kNotARepoHint);
  if (rc < 0) return GitStatus(rc, start_path);
  return std::unique_ptr<Repo>(new LibGit2Repo(Owned<git_repository>(raw)));
}

}  // namespace custody

// Debian's libgit2 is built with mbedTLS, whose global init parses the whole
// system CA bundle (~56M instructions, two thirds of a `custody record` or an
// agent hook run, measured with callgrind) although custody never uses
// libgit2's HTTPS transport: fetches and pushes go through the git CLI.
// libgit2 resolves this function through the dynamic symbol table, so this
// definition in custody is the one it calls. During git_libgit2_init() it
// reports a load error (libgit2 then starts with no CA certificates, so any
// HTTPS use through libgit2 would fail verification: closed, not open); at
// every other time, e.g. git_libgit2_opts(GIT_OPT_SET_SSL_CERT_LOCATIONS),
// it forwards to mbedTLS unchanged. Builds of libgit2 on OpenSSL never call
// it.
extern "C" int mbedtls_x509_crt_parse_file(void* chain, const char* path) {
  constexpr int kMbedtlsFileIoError = -0x2900;  // MBEDTLS_ERR_X509_FILE_IO_ERROR
  if (custody::g_in_libgit2_init.load()) {
    custody::g_deferred_ca_loads.fetch_add(1);
    return kMbedtlsFileIoError;
  }
  using ParseFile = int (*)(void*, const char*);
  static const ParseFile real =
      reinterpret_cast<ParseFile>(dlsym(RTLD_NEXT, "mbedtls_x509_crt_parse_file"));
  return real != nullptr ? real(chain, path) : kMbedtlsFileIoError;
}

namespace custody {
int DeferredCaBundleLoadsForTest() { return g_deferred_ca_loads.load(); }
}  // namespace custody
