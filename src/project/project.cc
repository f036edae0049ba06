#include "custody/project.h"

#include <openssl/rand.h>

#include <algorithm>
#include <cctype>
#include <filesystem>

#include "custody/dsse.h"
#include "custody/encoding.h"
#include "custody/hash.h"
#include "custody/prompt_vault.h"
#include "custody/sqlite_store.h"
#include "custody/time.h"

namespace custody {
namespace {

namespace fs = std::filesystem;

// Files whose content constrains what an agent writes; their digests go into
// every generation record (DESIGN.md "Capture").
constexpr const char* kRulesFiles[] = {"CLAUDE.md", "AGENTS.md", "GEMINI.md", ".cursorrules"};
constexpr const char* kRulesDirs[] = {".cursor/rules"};

// A key name from a person's name: lowercase, [a-z0-9._-], at most 64.
std::string Slug(std::string_view in) {
  std::string out;
  for (char c : in) {
    unsigned char u = static_cast<unsigned char>(c);
    if (std::isalnum(u)) {
      out += static_cast<char>(std::tolower(u));
    } else if ((c == ' ' || c == '-' || c == '_' || c == '.') && !out.empty() &&
               out.back() != '-') {
      out += '-';
    }
  }
  while (!out.empty() && out.back() == '-') out.pop_back();
  if (out.size() > 64) out.resize(64);
  return out;
}

Result<std::string> RandomHex(int bytes) {
  std::string b(static_cast<size_t>(bytes), '\0');
  if (RAND_bytes(reinterpret_cast<unsigned char*>(b.data()), bytes) != 1) {
    return Status::Internal("init", "OpenSSL's random generator failed");
  }
  return HexEncode(b);
}

}  // namespace

Result<std::unique_ptr<Project>> Project::Open(Env* env, const std::string& start_dir) {
  CUSTODY_ASSIGN_OR_RETURN(std::unique_ptr<Repo> repo, Repo::Discover(start_dir));
  if (repo->is_bare()) {
    return Status::InvalidArgument(repo->git_dir(),
                                   "is a bare repository (custody needs a work tree)");
  }
  ProjectPaths p;
  p.workdir = repo->workdir();
  p.custody_dir = JoinPath(p.workdir, ".custody");
  p.keys_dir = JoinPath(p.custody_dir, "keys");
  p.policy_path = JoinPath(p.custody_dir, "policy.toml");
  p.ledger_dir = JoinPath(repo->common_dir(), "custody");
  p.ledger_path = JoinPath(p.ledger_dir, "ledger.db");
  p.last_verified_path = JoinPath(p.ledger_dir, "last-verified.checkpoint");
  return std::unique_ptr<Project>(new Project(env, std::move(repo), std::move(p)));
}

Result<InitReport> Project::Init(const InitOptions& opt) {
  InitReport report;
  CUSTODY_RETURN_IF_ERROR(env_->CreateDirs(paths_.keys_dir));

  if (env_->FileExists(paths_.policy_path)) {
    // A broken policy must be fixed before anything records under it.
    CUSTODY_RETURN_IF_ERROR(LoadPolicy().status());
    report.kept.push_back(paths_.policy_path);
  } else {
    std::string name = fs::path(paths_.workdir).filename().string();
    CUSTODY_RETURN_IF_ERROR(env_->WriteFileAtomic(paths_.policy_path, PolicyTemplate(name)));
    report.created.push_back(paths_.policy_path);
  }

  bool had_ledger = env_->FileExists(paths_.ledger_path);
  CUSTODY_RETURN_IF_ERROR(env_->CreateDirs(paths_.ledger_dir, 0700));
  CUSTODY_ASSIGN_OR_RETURN(
      auto store, OpenSqliteStore(paths_.ledger_path, {.create = true}));
  CUSTODY_ASSIGN_OR_RETURN(std::string log_id, RandomHex(8));
  CUSTODY_RETURN_IF_ERROR(Ledger::EnsureOrigin(*store, "custody/" + log_id).status());
  (had_ledger ? report.kept : report.created).push_back(paths_.ledger_path);

  if (opt.generate_key) {
    CUSTODY_ASSIGN_OR_RETURN(Keyring keyring, LoadKeyring());
    auto current = LoadSigningIdentity(keyring);
    if (current.ok()) {
      report.kept.push_back("signing key " + current->trusted.name + " (" +
                            current->private_key_path + ")");
    } else {
      std::string name = opt.key_name;
      if (name.empty()) {
        CUSTODY_ASSIGN_OR_RETURN(GitIdentity who, repo_->DefaultIdentity());
        name = Slug(who.name == "custody" ? env_->GetEnvVar("USER").value_or("") : who.name);
        if (name.empty()) name = "developer";
      }
      CUSTODY_RETURN_IF_ERROR(ValidateKeyName(name));
      std::string private_dir = DefaultPrivateKeyDir(*env_);
      std::string private_path = PrivateKeyPath(private_dir, name);
      const TrustedKey* known = keyring.FindByName(name);
      if (known != nullptr && env_->FileExists(private_path)) {
        // The key exists on both sides already (e.g. a second clone): adopt it.
        CUSTODY_ASSIGN_OR_RETURN(PrivateKey k, LoadPrivateKey(*env_, private_path));
        if (k.public_key().key_id() != known->key.key_id()) {
          return Status::InvalidArgument(
              private_path, "does not match the trusted key " + known->path +
                                " of the same name (choose another --key-name)");
        }
        report.kept.push_back("key " + name + " (" + private_path + ")");
      } else if (known == nullptr && env_->FileExists(private_path)) {
        // The developer's key from another repository: trust its public
        // half here rather than refuse, as a git signing key is reused.
        CUSTODY_ASSIGN_OR_RETURN(PrivateKey k, LoadPrivateKey(*env_, private_path));
        TrustedKey trusted;
        trusted.name = name;
        trusted.role = opt.role;
        trusted.key = k.public_key();
        trusted.created = FormatRfc3339(env_->NowUnixNanos());
        CUSTODY_ASSIGN_OR_RETURN(std::string pub_path,
                                 WritePublicKeyFile(*env_, paths_.keys_dir, trusted));
        report.created.push_back(pub_path + " (public half of the existing key " + private_path +
                                 ")");
      } else {
        CUSTODY_ASSIGN_OR_RETURN(
            GeneratedKey g, GenerateKey(*env_, paths_.keys_dir, private_dir, name, opt.role));
        report.created.push_back(g.trusted.path);
        report.created.push_back(g.private_key_path + " (private key, mode 0600)");
        report.key = std::move(g);
      }
      CUSTODY_RETURN_IF_ERROR(repo_->SetConfig("custody.signingKey", private_path));
      report.created.push_back("git config custody.signingKey=" + private_path);
    }
  }

  // Notes follow commits through amend and rebase.
  CUSTODY_ASSIGN_OR_RETURN(auto rewrite, repo_->GetConfigMultivar("notes.rewriteRef"));
  if (std::find(rewrite.begin(), rewrite.end(), kNotesRef) == rewrite.end()) {
    CUSTODY_RETURN_IF_ERROR(repo_->AddConfigMultivar("notes.rewriteRef", kNotesRef));
    report.created.push_back("git config notes.rewriteRef=" + std::string(kNotesRef));
  }
  // Fetch the remote's notes with the code, into a tracking ref of their
  // own: a forced fetch straight into refs/notes/custody would throw away
  // local notes not pushed yet. verify checks both. Push is left alone: a
  // push refspec would change what a plain `git push` sends.
  CUSTODY_ASSIGN_OR_RETURN(auto origin_url, repo_->GetConfig("remote.origin.url"));
  if (origin_url) {
    std::string spec = "+" + std::string(kNotesRef) + ":" + std::string(kRemoteNotesRef);
    CUSTODY_ASSIGN_OR_RETURN(auto fetch, repo_->GetConfigMultivar("remote.origin.fetch"));
    if (std::find(fetch.begin(), fetch.end(), spec) == fetch.end()) {
      CUSTODY_RETURN_IF_ERROR(repo_->AddConfigMultivar("remote.origin.fetch", spec));
      report.created.push_back("git config remote.origin.fetch+=" + spec);
    }
  }
  return report;
}

Result<Store*> Project::GetStore() {
  if (!store_) {
    if (!env_->FileExists(paths_.ledger_path)) {
      return Status::NotFound(paths_.ledger_path, "no ledger yet (run custody init)");
    }
    CUSTODY_ASSIGN_OR_RETURN(store_, OpenSqliteStore(paths_.ledger_path));
  }
  return store_.get();
}

Result<Ledger*> Project::GetLedger() {
  if (!ledger_) {
    CUSTODY_ASSIGN_OR_RETURN(Store * store, GetStore());
    ledger_ = std::make_unique<Ledger>(store);
  }
  return ledger_.get();
}

Result<Keyring> Project::LoadKeyring() {
  if (!env_->FileExists(paths_.keys_dir)) return Keyring();
  return Keyring::Load(*env_, paths_.keys_dir);
}

Result<Policy> Project::LoadPolicy() { return custody::LoadPolicy(*env_, paths_.policy_path); }

Result<SigningIdentity> Project::LoadSigningIdentity(const Keyring& keyring) {
  SigningIdentity id;
  if (auto v = env_->GetEnvVar("CUSTODY_SIGNING_KEY"); v && !v->empty()) {
    id.private_key_path = *v;
  } else {
    CUSTODY_ASSIGN_OR_RETURN(auto configured, repo_->GetConfig("custody.signingKey"));
    if (!configured || configured->empty()) {
      return Status::NotFound("signing key", "none configured (run custody init, or set "
                                             "CUSTODY_SIGNING_KEY to a private key file)");
    }
    id.private_key_path = *configured;
  }
  CUSTODY_ASSIGN_OR_RETURN(PrivateKey key, LoadPrivateKey(*env_, id.private_key_path));
  const TrustedKey* trusted = keyring.Find(key.public_key().key_id());
  if (trusted == nullptr) {
    return Status::PermissionDenied(
        id.private_key_path, "key " + key.public_key().key_id().substr(0, 12) +
                                 " is not trusted in " + paths_.keys_dir +
                                 " (add its .pub there, or run custody keys generate)");
  }
  id.trusted = *trusted;
  id.key = std::make_unique<PrivateKey>(std::move(key));
  return id;
}

Result<std::vector<AppendedEntry>> Project::Record(const std::vector<Statement>& statements,
                                                   const std::vector<StoredPrompt>& prompts) {
  CUSTODY_ASSIGN_OR_RETURN(Keyring keyring, LoadKeyring());
  CUSTODY_ASSIGN_OR_RETURN(SigningIdentity id, LoadSigningIdentity(keyring));
  CUSTODY_ASSIGN_OR_RETURN(Ledger * ledger, GetLedger());
  std::vector<std::string> envelopes;
  for (const auto& st : statements) {
    CUSTODY_ASSIGN_OR_RETURN(Envelope env,
                             SignEnvelope(kInTotoPayloadType, SerializeStatement(st), *id.key));
    envelopes.push_back(SerializeEnvelope(env));
  }
  CUSTODY_ASSIGN_OR_RETURN(
      auto appended, ledger->Append(envelopes, {id.trusted.name, id.key.get()},
                                    env_->NowUnixNanos(), prompts));
  // The ledger is the record of truth; notes are copies that travel with the
  // repository, written after the ledger commit.
  CUSTODY_ASSIGN_OR_RETURN(GitIdentity who, repo_->DefaultIdentity());
  for (size_t i = 0; i < statements.size(); ++i) {
    for (const auto& commit : IndexStatement(statements[i]).commits) {
      Status s = repo_->AppendNoteLines(kNotesRef, commit, {envelopes[i]}, who);
      if (!s.ok()) {
        return s.WithPrefix("entry " + std::to_string(appended[i].index) +
                            " is in the ledger, but its git note was not written");
      }
    }
  }
  return appended;
}

Result<std::string> Project::RelativePath(const std::string& path, const std::string& cwd) const {
  std::error_code ec;
  fs::path abs = fs::path(path).is_absolute() ? fs::path(path) : fs::path(cwd) / path;
  fs::path canon = fs::weakly_canonical(abs, ec);
  if (ec) return Status::InvalidArgument(path, ec.message());
  fs::path root = fs::weakly_canonical(paths_.workdir, ec);
  fs::path rel = canon.lexically_relative(root);
  std::string r = rel.generic_string();
  if (rel.empty() || r == "." || r.rfind("..", 0) == 0) {
    return Status::InvalidArgument(path, "is outside the work tree " + paths_.workdir);
  }
  return r;
}

Result<AppendedEntry> Project::RecordGeneration(const RecordRequest& req, const std::string& cwd) {
  if (req.agent.empty()) return Status::InvalidArgument("--agent", "is required");
  if (req.model.empty()) return Status::InvalidArgument("--model", "is required");
  CUSTODY_ASSIGN_OR_RETURN(Policy policy, LoadPolicy());

  GenerationRecord rec;
  rec.agent = req.agent;
  rec.agent_version = req.agent_version;
  rec.model = req.model;
  rec.model_version = req.model_version;
  rec.session_id = req.session_id;
  rec.method = "manual";
  rec.constraints = req.constraints;
  rec.timestamp_unix_nanos = env_->NowUnixNanos();
  rec.recorder_version = std::string(kVersion);

  rec.constraint_files.push_back({".custody/policy.toml", policy.sha256});
  // Rules files are optional: absent (or unreadable) ones are not in force.
  auto add_rules_file = [&](const std::string& rel) {
    auto text = env_->ReadFile(JoinPath(paths_.workdir, rel));
    if (text.ok()) rec.constraint_files.push_back({rel, Sha256Hex(*text)});
  };
  for (const char* f : kRulesFiles) add_rules_file(f);
  for (const char* d : kRulesDirs) {
    auto names = env_->ListDir(JoinPath(paths_.workdir, d));
    if (!names.ok()) continue;
    for (const auto& n : *names) add_rules_file(std::string(d) + "/" + n);
  }

  for (const auto& f : req.files) {
    CUSTODY_ASSIGN_OR_RETURN(std::string rel, RelativePath(f, cwd));
    CUSTODY_ASSIGN_OR_RETURN(std::string content,
                             env_->ReadFile(JoinPath(paths_.workdir, rel)));
    rec.files.push_back({rel, Sha256Hex(content)});
  }

  std::vector<StoredPrompt> prompts;
  if (req.prompt) {
    CUSTODY_ASSIGN_OR_RETURN(SealedPrompt sealed,
                             SealPrompt(*req.prompt, policy.prompt_storage,
                                        rec.timestamp_unix_nanos));
    rec.prompt = sealed.ref;
    prompts.push_back(std::move(sealed.record));
  }

  std::string head;
  if (rec.files.empty()) {
    CUSTODY_ASSIGN_OR_RETURN(auto h, repo_->HeadCommit());
    if (!h) {
      return Status::InvalidArgument(
          "record", "nothing to attest: give --file (the repository has no commit yet)");
    }
    head = *h;
  }
  CUSTODY_ASSIGN_OR_RETURN(auto appended,
                           Record({MakeGenerationStatement(rec, head)}, prompts));
  return appended.at(0);
}

}  // namespace custody
