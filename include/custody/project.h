// Project: one custody-enabled git repository, the paths custody keeps there
// and the operations the front ends share (init, record, verify).
//
// Layout (docs/formats.md "Files"):
//   <workdir>/.custody/policy.toml       policy (committed)
//   <workdir>/.custody/keys/NAME.pub     trusted public keys with roles (committed)
//   <git common dir>/custody/ledger.db   the ledger (SQLite, WAL), shared by worktrees
//   <git common dir>/custody/last-verified.checkpoint
//                                        the checkpoint the last successful
//                                        verify saw; later logs must extend it
//   refs/notes/custody                   envelopes about each commit (JSON Lines)
//   refs/notes/remotes/origin/custody    the remote's notes, fetched with the code
//   private keys: DefaultPrivateKeyDir() (outside the repository), the one
//   in use named by git config custody.signingKey or $CUSTODY_SIGNING_KEY.
//
// A Project owns its Repo and Store; it borrows the Env, which must outlive
// it. Use from one thread at a time.
#ifndef CUSTODY_PROJECT_H_
#define CUSTODY_PROJECT_H_

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "custody/ed25519.h"
#include "custody/env.h"
#include "custody/keys.h"
#include "custody/ledger.h"
#include "custody/policy.h"
#include "custody/predicates.h"
#include "custody/repo.h"
#include "custody/statement.h"
#include "custody/status.h"
#include "custody/store.h"

namespace custody {

inline constexpr std::string_view kNotesRef = "refs/notes/custody";
// Where `git fetch origin` puts the remote's notes (see Project::Init).
inline constexpr std::string_view kRemoteNotesRef = "refs/notes/remotes/origin/custody";
inline constexpr std::string_view kVersion = "0.1.0";

struct ProjectPaths {
  std::string workdir;
  std::string custody_dir;       // <workdir>/.custody
  std::string keys_dir;          // <workdir>/.custody/keys
  std::string policy_path;       // <workdir>/.custody/policy.toml
  std::string ledger_dir;        // <common dir>/custody
  std::string ledger_path;       // <ledger_dir>/ledger.db
  std::string last_verified_path;
};

// The key this process signs with, and its trusted identity.
struct SigningIdentity {
  std::string private_key_path;
  TrustedKey trusted;  // the matching entry of .custody/keys
  std::unique_ptr<PrivateKey> key;
};

struct InitOptions {
  std::string key_name;         // "" = derived from git user.name or $USER
  Role role = Role::kDeveloper;
  bool generate_key = true;     // false: trust no new key (CI clones)
};

struct InitReport {
  std::vector<std::string> created;   // files and settings added
  std::vector<std::string> kept;      // already there, left alone
  std::optional<GeneratedKey> key;    // the key made, if any
};

// What `record` asks for (see GenerationRecord for the signed fields).
struct RecordRequest {
  std::string agent, agent_version, model, model_version, session_id;
  std::optional<std::string> prompt;
  std::vector<std::string> constraints;
  std::vector<std::string> files;  // paths relative to the current directory or absolute
};

class Project {
 public:
  // Finds the repository containing `start_dir`. NotFound outside git.
  static Result<std::unique_ptr<Project>> Open(Env* env, const std::string& start_dir);

  const ProjectPaths& paths() const { return paths_; }
  Repo& repo() { return *repo_; }
  Env& env() { return *env_; }

  // Sets the repository up; safe to run again (keeps what exists).
  Result<InitReport> Init(const InitOptions& options);

  // The ledger store, opened on first use. NotFound before init.
  Result<Store*> GetStore();
  Result<Ledger*> GetLedger();
  Result<Keyring> LoadKeyring();
  Result<Policy> LoadPolicy();
  // The signing key in force and its entry in the keyring. NotFound without
  // one; PermissionDenied when the key is not trusted in .custody/keys.
  Result<SigningIdentity> LoadSigningIdentity(const Keyring& keyring);

  // Signs `statements`, appends them to the ledger as one batch (with any
  // prompt records) and appends each envelope to the note of every commit
  // it has as a subject. Returns the appended entries in order.
  Result<std::vector<AppendedEntry>> Record(const std::vector<Statement>& statements,
                                            const std::vector<StoredPrompt>& prompts = {});

  // A manual generation checkpoint (custody record). `cwd` resolves
  // relative file paths.
  Result<AppendedEntry> RecordGeneration(const RecordRequest& request, const std::string& cwd);

  // Repository-relative, '/'-separated form of `path` (relative to `cwd`
  // or absolute). InvalidArgument when it lies outside the work tree.
  Result<std::string> RelativePath(const std::string& path, const std::string& cwd) const;

 private:
  Project(Env* env, std::unique_ptr<Repo> repo, ProjectPaths paths)
      : env_(env), repo_(std::move(repo)), paths_(std::move(paths)) {}

  Env* env_;
  std::unique_ptr<Repo> repo_;
  ProjectPaths paths_;
  std::unique_ptr<Store> store_;
  std::unique_ptr<Ledger> ledger_;
};

}  // namespace custody

#endif  // CUSTODY_PROJECT_H_
