// Repo: the library's only door to git (libgit2 behind it).
//
// A Repo is an open git repository: a work tree or a bare repository, found
// the way git finds it (walking up from a start path, following `.git` files
// of linked worktrees and submodules). It answers the few questions custody
// asks of git (revisions, config) and reads and writes custody's git notes,
// the JSON Lines records that travel with the repository on
// `refs/notes/custody` (DESIGN.md, "Ledger").
//
// Repo is an interface (STYLE.md rule 21) so that callers can be tested with
// a fake; Repo::Discover() returns the libgit2-backed implementation.
//
// Ownership and threads: a Repo owns its libgit2 handle and is not copyable.
// A Repo is NOT thread-safe: use one Repo per thread (open another with
// Discover; they may point at the same repository). Different Repo objects,
// in one process or many, may write notes to the same repository at the same
// time: AppendNoteLines serialises them with a lock file and a
// compare-and-swap on the notes ref.
#ifndef CUSTODY_REPO_H_
#define CUSTODY_REPO_H_

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "custody/status.h"

namespace custody {

// Who wrote a notes commit (its author and committer). Git identities, not
// cryptographic signatures: those live in the evidence envelopes.
struct GitIdentity {
  std::string name;
  std::string email;
};

// One commit, as attribution needs it. Times are Unix seconds.
struct CommitInfo {
  std::string id;                    // 40 hex
  std::vector<std::string> parents;  // 40 hex each, in order (first parent first)
  GitIdentity author;
  GitIdentity committer;
  int64_t author_time = 0;
  int64_t commit_time = 0;
  std::string message;  // the full raw message, trailers included
  std::string tree;     // 40 hex id of the commit's tree
};

// One line of a diff: its 1-based number in the new file (added lines) or
// the old file (removed lines), and its text without the line terminator.
struct DiffLine {
  int line = 0;
  std::string text;
};

// One hunk of a file diff, with the lines it adds and removes.
struct DiffHunk {
  int old_start = 0, old_lines = 0, new_start = 0, new_lines = 0;
  std::vector<DiffLine> added;
  std::vector<DiffLine> removed;
};

// The changes to one file between two trees. Binary files carry no hunks.
struct FileDiff {
  std::string path;      // path in the new tree ('/'-separated)
  std::string old_path;  // path in the old tree (differs on renames)
  bool binary = false;
  bool deleted = false;  // the file is gone in the new tree
  std::vector<DiffHunk> hunks;
};

// The origin of one line of a blamed file.
struct BlameLine {
  // The commit that introduced the line (40 hex), or "" when the line is not
  // committed yet (only when a buffer is blamed).
  std::string commit;
  std::string orig_path;  // the file's path in that commit
  int orig_line = 0;      // 1-based line number in that commit's version
};

class Repo {
 public:
  virtual ~Repo() = default;
  Repo(const Repo&) = delete;
  Repo& operator=(const Repo&) = delete;

  // Opens the repository containing `start_path` (a directory inside a work
  // tree or git dir, or the work tree itself), walking up like git does, but
  // not across file systems. Works for worktrees and `.git` files. On failure:
  // NotFound "START_PATH: not a git repository (run custody inside a git work
  // tree, or git init first)"; PermissionDenied when the repository is owned
  // by another user (git's safe.directory rule); other errors as converted
  // from libgit2. GIT_DIR and friends are ignored (git hooks export them, but
  // run in the top of the work tree, so pass the current directory). Initialises
  // libgit2 for the process on first use (it is never shut down).
  static Result<std::unique_ptr<Repo>> Discover(const std::string& start_path);

  // ---- Layout -------------------------------------------------------------

  // The top of the work tree, without a trailing slash; empty when bare.
  virtual std::string workdir() const = 0;
  // This work tree's git dir (e.g. "/r/.git", or "/r/.git/worktrees/w" for a
  // linked worktree), without a trailing slash.
  virtual std::string git_dir() const = 0;
  // The git dir shared by all worktrees (equals git_dir() except in a linked
  // worktree), without a trailing slash. Custody's local ledger lives in
  // "<common_dir>/custody/" so that all worktrees share one ledger.
  virtual std::string common_dir() const = 0;
  virtual bool is_bare() const = 0;

  // ---- Revisions ----------------------------------------------------------

  // The full 40-hex id of the commit `rev` names: any git revspec ("HEAD",
  // "HEAD~2", a short id, a branch or tag; tags are peeled). NotFound
  // "REV: unknown revision" when nothing matches; InvalidArgument when it is
  // ambiguous or names something that is not a commit.
  virtual Result<std::string> ResolveCommit(std::string_view rev) = 0;
  // The commit HEAD points at, or nullopt on an unborn branch (a fresh
  // `git init` with no commits yet).
  virtual Result<std::optional<std::string>> HeadCommit() = 0;
  // The commits in `range`, oldest first, like `git rev-list --reverse`
  // (topological order, ties broken by commit time). `range` is "A..B" (the
  // ancestors of B that are not ancestors of A; an empty side means HEAD) or
  // a single revision (it and all its ancestors). "A...B" is not supported
  // (InvalidArgument). Errors of each side as for ResolveCommit.
  virtual Result<std::vector<std::string>> RevList(std::string_view range) = 0;
  // The content of the file at `path` (relative to the top of the tree, '/'
  // separated) in the tree of commit `rev`. NotFound "REV:PATH: no such file"
  // when absent; InvalidArgument when `path` names a directory or submodule.
  virtual Result<std::string> ReadBlobAtCommit(std::string_view rev, std::string_view path) = 0;

  // ---- Notes (JSON Lines: one record per line) -----------------------------
  //
  // `notes_ref` is a full ref name such as "refs/notes/custody"; `commit` is a
  // full 40-hex commit id (resolve revisions with ResolveCommit first).

  // Appends `lines` to the note of `commit` on `notes_ref`, creating the note
  // (and the ref) when absent, as one new notes commit whose parent is the
  // previous notes commit, so the notes history stays a proper chain that
  // `git notes` and `git push` understand. `author` is both author and
  // committer of that notes commit (see DefaultIdentity()).
  //
  // Idempotent: a line already in the note (or repeated in `lines`) is added
  // once; when nothing is new no commit is made. Safe under concurrency: the
  // read-modify-write runs under the exclusive lock file
  // "<common_dir>/custody/notes.lock" (directory created if needed) and the
  // ref update is a compare-and-swap, retried when another writer (e.g. a
  // plain `git notes` that ignores our lock) moved the ref meanwhile.
  //
  // InvalidArgument when a line is empty or contains '\n', or `commit` is
  // not a full hex id; NotFound when `commit` is not in the repository;
  // Unavailable when the ref kept moving through every retry.
  virtual Status AppendNoteLines(std::string_view notes_ref, const std::string& commit,
                                 const std::vector<std::string>& lines,
                                 const GitIdentity& author) = 0;
  // The non-empty lines of the note of `commit` on `notes_ref`, in order; an
  // empty vector when the commit has no note or the ref does not exist.
  virtual Result<std::vector<std::string>> ReadNoteLines(std::string_view notes_ref,
                                                         const std::string& commit) = 0;
  // The commits (40-hex ids, sorted) that have a note on `notes_ref`; empty
  // when the ref does not exist.
  virtual Result<std::vector<std::string>> ListNotedCommits(std::string_view notes_ref) = 0;
  // The identity for commits custody makes: user.name and user.email from the
  // repository's effective config; each one that is unset or empty falls back
  // to "custody" / "custody@localhost".
  virtual Result<GitIdentity> DefaultIdentity() = 0;

  // ---- History (attribution) ----------------------------------------------

  // The commit `commit` (a full 40-hex id). NotFound when absent.
  virtual Result<CommitInfo> GetCommit(const std::string& commit) = 0;
  // The changes `commit` makes against `base` (a full id), or against its
  // first parent when `base` is empty (a root commit: against the empty
  // tree, so every line is added). No context lines; renames are detected
  // only for exact copies (cheap on huge trees: unchanged subtrees are
  // skipped by id). Files under submodules are skipped.
  virtual Result<std::vector<FileDiff>> DiffCommit(const std::string& commit,
                                                   const std::string& base) = 0;
  // Blames `path` (relative to the top of the work tree) at HEAD with
  // libgit2 (git_blame_file, no copy or move detection). When `buffer` is
  // given, the result describes that text instead (e.g. the work-tree file),
  // and lines changed since HEAD have an empty commit. One BlameLine per
  // line, in order. NotFound when HEAD has no such file and no buffer is
  // given.
  virtual Result<std::vector<BlameLine>> Blame(const std::string& path,
                                               const std::optional<std::string>& buffer) = 0;
  // The whole note of `commit` on `notes_ref` as text, or nullopt when none.
  virtual Result<std::optional<std::string>> ReadNote(std::string_view notes_ref,
                                                      const std::string& commit) = 0;
  // Replaces the note of `commit` on `notes_ref` with `text` (for foreign
  // formats such as git-ai's, where a note is one document, not lines).
  // Serialised with AppendNoteLines' lock; no commit is made when the note
  // already equals `text`.
  virtual Status WriteNote(std::string_view notes_ref, const std::string& commit,
                           const std::string& text, const GitIdentity& author) = 0;

  // ---- Config -------------------------------------------------------------
  //
  // Writes go to the repository's own config file ("<common_dir>/config",
  // shared by all worktrees); reads see the effective config (system, global,
  // local), like `git config`.

  // Sets the single-valued `key` (e.g. "notes.rewriteRef") to `value`,
  // replacing an existing local value. InvalidArgument for a malformed key;
  // IOError when the config file cannot be written.
  virtual Status SetConfig(std::string_view key, std::string_view value) = 0;
  // The value of `key` (the last one, for a multivar), or nullopt when unset.
  virtual Result<std::optional<std::string>> GetConfig(std::string_view key) = 0;
  // All values of the multivar `key` in the effective config, in order.
  virtual Result<std::vector<std::string>> GetConfigMultivar(std::string_view key) = 0;
  // Adds `value` to the multivar `key` in the local config unless the local
  // config already holds exactly that value (so repeated `custody init` runs
  // change nothing). Used for "notes.rewriteRef" and for
  // "remote.<name>.fetch" += "+refs/notes/custody:refs/notes/custody".
  // For a "remote.<name>.fetch" key the remote must exist (have a url):
  // otherwise NotFound "remote.NAME.fetch: no remote NAME (add the remote
  // first)" and nothing is written, because a fetch refspec alone would leave
  // a broken half-configured remote. Callers that configure fetching of notes
  // should therefore skip (or report) repositories without that remote.
  virtual Status AddConfigMultivar(std::string_view key, std::string_view value) = 0;
  // Removes every local value of `key` that equals `value` exactly; OK when
  // there is none.
  virtual Status UnsetConfigValue(std::string_view key, std::string_view value) = 0;

  // ---- Scanning support (the scanner's diff and history modes) -----------
  //
  // Default implementations return Unavailable, so fakes need not provide
  // them.

  // The lines a commit added to one file (diff against its first parent;
  // a root commit adds every line). `text` holds the added lines, each ending
  // in '\n'; `lines[i]` is the line number in the new file of the i-th line.
  struct AddedLines {
    std::string commit;  // 40 hex
    std::string path;    // new path, '/'-separated
    std::string text;
    std::vector<uint32_t> lines;
  };
  // Calls `fn` for every file with added lines in every non-merge commit of
  // `range` (as for RevList), oldest commit first; binary files are skipped
  // (git's own detection). Stops at and returns the first error of `fn`.
  virtual Status ForEachAddedLines(std::string_view range,
                                   const std::function<Status(const AddedLines&)>& fn);

  // A blob seen for the first time in a walk of the whole history.
  struct BlobIntro {
    std::string blob;    // 40 hex
    std::string path;    // where it was first seen
    std::string commit;  // the first commit (parents before children) that has it
  };
  // Walks every commit reachable from any ref or HEAD, parents before
  // children, comparing each commit's tree with its first parent's, and calls
  // `fn` once per distinct blob (symlinks and submodules excluded). Memory is
  // O(distinct blobs + commits) ids, never blob contents.
  virtual Status ForEachNewBlob(const std::function<Status(const BlobIntro&)>& fn);

  // Reads blob `blob_id` (40 hex) into `out`. When its size exceeds
  // `max_size` the content is not read: `out` is cleared and *too_large set.
  virtual Status ReadBlob(std::string_view blob_id, uint64_t max_size, std::string* out,
                          bool* too_large);

  // ---- Governance support (check --staged, gate, deploy) ------------------
  //
  // Default implementations return Unavailable, so fakes need not provide
  // them.

  // The staged state as a commit object: writes the index as a tree and
  // creates a commit of it (parent HEAD, none on an unborn branch) that no
  // ref points at, so the staged change can be diffed, read and attributed
  // like any commit before it exists. git gc removes it later. Returns the
  // commit id (40 hex); its tree id equals that of the commit `git commit`
  // will make from the same index. `index_path`, when not empty, is the
  // index file to read instead of the repository's own (git sets
  // GIT_INDEX_FILE for hooks of `git commit -a` and `git commit PATH`);
  // relative to the work tree. InvalidArgument for a bare repository or an
  // index with conflicts.
  virtual Result<std::string> CreateStagedCommit(const std::string& index_path = "");
  // True when `ancestor` is `commit` or one of its ancestors (both 40 hex).
  virtual Result<bool> IsAncestor(const std::string& ancestor, const std::string& commit);
  // The short name of the branch HEAD points at ("main"), or nullopt when
  // HEAD is detached or unborn.
  virtual Result<std::optional<std::string>> HeadBranch();

  // Whether `rel_path` (relative to the work tree, '/'-separated; a trailing
  // '/' names a directory) is ignored by .gitignore, .git/info/exclude and
  // core.excludesFile, like `git check-ignore`.
  virtual Result<bool> IsIgnored(std::string_view rel_path);

 protected:
  Repo() = default;
};

}  // namespace custody

#endif  // CUSTODY_REPO_H_
