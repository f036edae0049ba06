// RunHook: one hook invocation, from payload to signed checkpoint.
//
// Per-session state lives in <git common dir>/custody/sessions/ as one JSON
// file per (agent, session), changed under a lock file: a PostToolUse
// checkpoint carries the model and prompt the SessionStart and
// UserPromptSubmit before it recorded. The prompt itself is sealed into the
// ledger's prompt store when it is submitted; the state keeps only its
// reference, so no prompt text waits in clear between events.
#include <sys/stat.h>

#include <nlohmann/json.hpp>
#include <unordered_set>

#include "custody/capture.h"
#include "custody/hash.h"
#include "custody/policy.h"
#include "custody/predicates.h"
#include "custody/project.h"
#include "custody/prompt_vault.h"
#include "custody/time.h"
#include "custody/working_log.h"

namespace custody {
namespace {

using nlohmann::json;

constexpr const char* kRulesFiles[] = {"CLAUDE.md", "AGENTS.md", "GEMINI.md", ".cursorrules"};
constexpr size_t kMaxRulesFiles = 500;
// Files larger than this are not snapshotted around shell commands.
constexpr size_t kMaxSnapshotBytes = 8u << 20;

bool IsDir(const std::string& p) {
  struct stat st;
  return !p.empty() && ::stat(p.c_str(), &st) == 0 && S_ISDIR(st.st_mode);
}

std::string OneLine(std::string_view s, size_t max) {
  std::string out;
  for (char c : s) {
    if (out.size() >= max) break;
    out += (c == '\n' || c == '\r' || c == '\t') ? ' ' : c;
  }
  // Do not leave half a UTF-8 sequence at the cut.
  while (!out.empty() && (static_cast<unsigned char>(out.back()) & 0xC0) == 0x80) out.pop_back();
  if (!out.empty() && (static_cast<unsigned char>(out.back()) & 0xC0) == 0xC0) out.pop_back();
  return out;
}

std::vector<std::string> SplitLines(std::string_view text) {
  std::vector<std::string> out;
  size_t pos = 0;
  while (pos < text.size()) {
    size_t nl = text.find('\n', pos);
    if (nl == std::string_view::npos) nl = text.size();
    out.emplace_back(text.substr(pos, nl - pos));
    pos = nl + 1;
  }
  return out;
}

int64_t NonBlank(const std::vector<std::string>& lines) {
  int64_t n = 0;
  for (const auto& l : lines) n += NormaliseLine(l).empty() ? 0 : 1;
  return n;
}

// Short hex of a line's content key; enough to tell lines of one file apart.
std::string LineKey(std::string_view line) { return DigestHex(LineHash(line)).substr(0, 16); }

class Hook {
 public:
  Hook(Env* env, std::string agent_arg, std::string event_hint, RedactorFactory redactor)
      : env_(env),
        agent_arg_(std::move(agent_arg)),
        event_hint_(std::move(event_hint)),
        redactor_factory_(std::move(redactor)) {}

  HookOutcome Run(std::string_view payload, const std::string& cwd) {
    auto parsed = ParseHookPayload(agent_arg_, payload, event_hint_);
    std::string dir = cwd;
    if (parsed.ok() && IsDir(parsed->cwd)) dir = parsed->cwd;
    auto project = Project::Open(env_, dir);
    if (!project.ok()) {
      // Outside a git repository there is nowhere to record anything.
      return Allow(parsed.ok() ? &*parsed : nullptr, "custody: " + project.status().ToString() +
                                                         " (hook event not recorded)\n");
    }
    project_ = std::move(project).value();
    const ProjectPaths& paths = project_->paths();
    if (!env_->FileExists(paths.ledger_path)) {
      return Allow(parsed.ok() ? &*parsed : nullptr, "");  // custody not set up here
    }
    gaps_path_ = JoinPath(paths.ledger_dir, "gaps.jsonl");
    if (!parsed.ok()) {
      // The JSON parser's message may end with the last token it read,
      // which is payload text: cut it.
      std::string why = parsed.status().ToString();
      if (size_t cut = why.find("; last read"); cut != std::string::npos) why.resize(cut);
      Gap("", "payload not recorded: " + why);
      return Allow(nullptr, "");
    }
    ev_ = std::move(parsed).value();
    ev_cwd_ = IsDir(ev_.cwd) ? ev_.cwd : cwd;
    try {
      return Dispatch();
    } catch (const std::exception& e) {
      // A damaged session file can hold values of the wrong JSON type;
      // whatever throws, the agent goes on and the loss is on record.
      Gap("", std::string("internal error: ") + e.what());
      return Allow(&ev_, "");
    }
  }

 private:
  std::string Source() const {
    std::string agent = ev_.agent.empty() ? agent_arg_ : ev_.agent;
    std::string event = ev_.event.empty() ? event_hint_ : ev_.event;
    return "hook:" + agent + ":" + (event.empty() ? "?" : event);
  }

  void Gap(const std::string& path, const std::string& reason) {
    custody::Gap g;
    g.time_unix_nanos = env_->NowUnixNanos();
    g.source = Source();
    g.path = path;
    g.reason = reason;
    Status s = AppendGap(env_, gaps_path_, g);
    if (!s.ok()) err_ += "custody: gap not recorded: " + s.ToString() + "\n";
    err_ += "custody: " + reason + "\n";
  }

  // The response that lets the agent go on.
  HookOutcome Allow(const HookEvent* ev, std::string err) {
    HookOutcome o;
    o.stderr_text = err_ + err;
    std::string agent = agent_arg_;
    if (agent == "cursor") {
      std::string e = ev != nullptr ? ev->event : event_hint_;
      if (e == "beforeSubmitPrompt") {
        o.stdout_text = "{\"continue\":true}\n";
      } else if (e.rfind("before", 0) == 0 || e == "preToolUse") {
        o.stdout_text = "{\"permission\":\"allow\"}\n";
      } else {
        o.stdout_text = "{}\n";
      }
    } else if (agent == "gemini") {
      o.stdout_text = "{}\n";  // Gemini parses stdout as JSON on exit 0
    }
    return o;
  }

  HookOutcome Deny(const std::string& message) {
    HookOutcome o;
    o.stderr_text = err_;
    if (agent_arg_ == "cursor") {
      json j = {{"permission", "deny"},
                {"user_message", message},
                {"agent_message", message},
                {"userMessage", message},
                {"agentMessage", message}};
      o.stdout_text = j.dump(-1, ' ', false, json::error_handler_t::replace) + "\n";
      o.exit_code = 0;
    } else {
      // Claude Code, Codex and Gemini CLI: exit 2 blocks the tool call and
      // shows stderr to the model as the reason.
      o.stderr_text += message + "\n";
      o.exit_code = 2;
    }
    return o;
  }

  HookOutcome Dispatch() {
    switch (ev_.kind) {
      case HookKind::kSessionStart:
      case HookKind::kModel:
        WithState([&](json& st) {
          st["started"] = st.value("started", FormatRfc3339(env_->NowUnixNanos()));
          NoteContext(st);
        });
        break;
      case HookKind::kPrompt:
        OnPrompt();
        break;
      case HookKind::kPreTool:
        return OnPreTool();
      case HookKind::kPostTool:
        OnPostTool();
        break;
      case HookKind::kStop:
        WithState([&](json& st) { NoteContext(st); });
        break;
      case HookKind::kSessionEnd: {
        std::string p = StatePath();
        if (env_->FileExists(p)) {
          Status s = env_->RemoveFile(p);
          if (!s.ok()) Gap("", "session state not removed: " + s.ToString());
        }
        break;
      }
      case HookKind::kOther:
        break;
    }
    return Allow(&ev_, "");
  }

  void NoteContext(json& st) {
    if (!ev_.model.empty()) st["model"] = ev_.model;
    if (!ev_.permission_mode.empty()) st["permissionMode"] = ev_.permission_mode;
  }

  std::string StatePath() const {
    std::string key = ev_.agent + "\n" + ev_.session_id;
    return JoinPath(JoinPath(project_->paths().ledger_dir, "sessions"),
                    ev_.agent + "-" + Sha256Hex(key).substr(0, 32) + ".json");
  }

  json ReadState() {
    auto text = env_->ReadFile(StatePath());
    if (!text.ok()) return json::object();
    json j = json::parse(*text, nullptr, false);
    return j.is_object() ? j : json::object();
  }

  // Read-modify-write of the session state under its lock.
  template <typename F>
  void WithState(F&& change) {
    std::string path = StatePath();
    Status s = env_->CreateDirs(DirName(path), 0700);
    if (!s.ok()) return Gap("", "session state: " + s.ToString());
    auto lock = env_->LockFile(path + ".lock");
    if (!lock.ok()) return Gap("", "session state: " + lock.status().ToString());
    json st = ReadState();
    change(st);
    s = env_->WriteFileAtomic(path, st.dump(-1, ' ', false, json::error_handler_t::replace), 0600);
    if (!s.ok()) Gap("", "session state: " + s.ToString());
  }

  Result<Policy> GetPolicy() {
    if (!policy_) {
      CUSTODY_ASSIGN_OR_RETURN(Policy p, project_->LoadPolicy());
      policy_ = std::move(p);
    }
    return *policy_;
  }

  void OnPrompt() {
    auto policy = GetPolicy();
    if (!policy.ok()) return Gap("", "prompt not recorded: " + policy.status().ToString());
    std::string storage = policy->prompt_storage;
    std::string text = ev_.prompt;
    if (storage == "redacted") {
      std::unique_ptr<Redactor> redactor;
      if (redactor_factory_) {
        auto made = redactor_factory_();
        if (made.ok()) {
          redactor = std::move(made).value();
        } else {
          // Still redacted, by the built-in shapes; the weaker net is on record.
          Gap("", "prompt redacted by the built-in redactor only: " + made.status().ToString());
        }
      }
      if (redactor == nullptr) redactor = NewBuiltinRedactor();
      text = redactor->Redact(text);
    }
    auto sealed = SealPrompt(text, storage == "digest" ? "digest" : "full", env_->NowUnixNanos());
    if (!sealed.ok()) return Gap("", "prompt not recorded: " + sealed.status().ToString());
    sealed->ref.storage = storage;
    Status s = [&]() -> Status {
      CUSTODY_ASSIGN_OR_RETURN(Store * store, project_->GetStore());
      CUSTODY_ASSIGN_OR_RETURN(auto txn, store->BeginWrite());
      CUSTODY_RETURN_IF_ERROR(txn->PutPrompt(sealed->record));
      return txn->Commit();
    }();
    if (!s.ok()) return Gap("", "prompt not recorded: " + s.ToString());
    WithState([&](json& st) {
      NoteContext(st);
      st["prompt"] = {{"digest", sealed->ref.digest_sha256},
                      {"ref", sealed->ref.ref},
                      {"storage", storage},
                      {"summary", storage == "digest" ? "" : OneLine(text, 120)}};
    });
  }

  // Repository-relative paths of the files the event writes (or wants to).
  std::vector<std::pair<std::string, const FileWrite*>> Targets(bool include_shell) {
    std::vector<std::pair<std::string, const FileWrite*>> out;
    for (const auto& w : ev_.writes) {
      auto rel = project_->RelativePath(w.path, ev_cwd_);
      if (rel.ok()) out.emplace_back(*rel, &w);
    }
    if (include_shell && !ev_.shell_command.empty()) {
      for (const auto& t : ShellWriteTargets(ev_.shell_command)) {
        auto rel = project_->RelativePath(t, ev_cwd_);
        if (rel.ok()) out.emplace_back(*rel, nullptr);
      }
    }
    return out;
  }

  std::vector<ConstraintHit> ForbiddenHits(const std::vector<std::string>& rel_paths) {
    std::vector<ConstraintHit> hits;
    auto policy = GetPolicy();
    if (!policy.ok()) {
      // Fail open: a broken policy must not stop the agent, but the missed
      // check is recorded.
      Gap("", "forbid_ai not checked: " + policy.status().ToString());
      return hits;
    }
    for (const auto& p : rel_paths) {
      for (const auto& pat : policy->forbid_ai) {
        if (GlobMatch(pat, p)) {
          hits.push_back({"forbid_ai", pat, p});
          break;
        }
      }
    }
    return hits;
  }

  std::string SnapshotKey() const {
    return ev_.tool_use_id + ":" + Sha256Hex(ev_.shell_command).substr(0, 16);
  }

  HookOutcome OnPreTool() {
    auto targets = Targets(true);
    std::vector<std::string> rel;
    for (auto& [p, w] : targets) rel.push_back(p);
    if (ev_.tool == "read") rel.clear();  // Cursor beforeReadFile: reading is allowed
    auto hits = ForbiddenHits(rel);
    if (!hits.empty()) {
      auto rec = RecordCheckpoint({}, hits, {});
      if (!rec.ok()) Gap(hits[0].path, "refusal not recorded: " + rec.status().ToString());
      std::string msg = "custody: refused: the forbid_ai constraint \"" + hits[0].pattern +
                        "\" in .custody/policy.toml forbids AI edits to " + hits[0].path;
      for (size_t i = 1; i < hits.size(); ++i) msg += ", " + hits[i].path;
      return Deny(msg);
    }
    if (!ev_.shell_command.empty()) SnapshotShellTargets(targets);
    return Allow(&ev_, "");
  }

  // Before a shell command runs: the content key of every line of each file
  // it names as a write target, so the post-tool event can tell which lines
  // the command wrote.
  void SnapshotShellTargets(const std::vector<std::pair<std::string, const FileWrite*>>& targets) {
    json snap = json::object();
    for (const auto& [rel, w] : targets) {
      if (w != nullptr) continue;
      json f = json::object();
      auto content = env_->ReadFile(JoinPath(project_->paths().workdir, rel));
      if (content.ok() && content->size() <= kMaxSnapshotBytes) {
        f["sha256"] = Sha256Hex(*content);
        json keys = json::array();
        std::unordered_set<std::string> seen;
        for (const auto& l : SplitLines(*content)) {
          if (NormaliseLine(l).empty()) continue;
          std::string k = LineKey(l);
          if (seen.insert(k).second) keys.push_back(k);
        }
        f["lines"] = std::move(keys);
      } else if (content.ok()) {
        continue;  // too large to diff
      } else {
        f["sha256"] = "";
        f["lines"] = json::array();
      }
      snap[rel] = std::move(f);
    }
    if (snap.empty()) return;
    WithState([&](json& st) {
      NoteContext(st);
      if (!st["shell"].is_object()) st["shell"] = json::object();
      st["shell"][SnapshotKey()] = std::move(snap);
    });
  }

  struct Written {
    std::string path;
    std::vector<std::string> lines;
  };

  void OnPostTool() {
    std::vector<Written> written;
    for (auto& [rel, w] : Targets(false)) {
      if (w->deletes) continue;
      written.push_back({rel, w->lines});
    }
    if (!ev_.shell_command.empty()) CollectShellWrites(written);
    if (written.empty()) return;
    std::vector<std::string> rel;
    for (auto& w : written) rel.push_back(w.path);
    // Agents without a pre-edit hook (Cursor afterFileEdit) cannot be
    // stopped; the write is recorded with the constraint it broke.
    auto violations = ForbiddenHits(rel);
    auto rec = RecordCheckpoint(written, {}, violations);
    if (!rec.ok()) {
      return Gap(written[0].path, "checkpoint not recorded: " + rec.status().ToString());
    }
  }

  void CollectShellWrites(std::vector<Written>& written) {
    json st = ReadState();
    std::string key = SnapshotKey();
    auto shell = st.find("shell");
    if (shell == st.end() || !shell->is_object() || !shell->contains(key)) {
      if (!ShellWriteTargets(ev_.shell_command).empty()) {
        Gap("", "shell command wrote files but no pre-tool snapshot was found "
                "(lines not attributed)");
      }
      return;
    }
    json snap = (*shell)[key];
    for (auto& [rel, f] : snap.items()) {
      auto content = env_->ReadFile(JoinPath(project_->paths().workdir, rel));
      if (!content.ok()) continue;  // deleted by the command
      if (f.value("sha256", "") == Sha256Hex(*content)) continue;  // unchanged
      std::unordered_set<std::string> before;
      if (auto it = f.find("lines"); it != f.end() && it->is_array()) {
        for (const auto& k : *it) {
          if (k.is_string()) before.insert(k.get<std::string>());
        }
      }
      Written w{rel, {}};
      for (auto& l : SplitLines(*content)) {
        if (!NormaliseLine(l).empty() && !before.count(LineKey(l))) w.lines.push_back(l);
      }
      written.push_back(std::move(w));
    }
    WithState([&](json& s) {
      if (s.contains("shell") && s["shell"].is_object()) s["shell"].erase(key);
    });
  }

  void AddRulesFiles(GenerationRecord& rec) {
    const std::string& root = project_->paths().workdir;
    auto add = [&](const std::string& rel) {
      auto text = env_->ReadFile(JoinPath(root, rel));
      if (text.ok()) rec.constraint_files.push_back({rel, Sha256Hex(*text)});
    };
    for (const char* f : kRulesFiles) add(f);
    // .cursor/rules/** at any depth.
    std::vector<std::string> dirs = {".cursor/rules"};
    size_t seen = 0;
    while (!dirs.empty() && seen < kMaxRulesFiles) {
      std::string d = dirs.back();
      dirs.pop_back();
      auto names = env_->ListDir(JoinPath(root, d));
      if (!names.ok()) continue;
      for (const auto& n : *names) {
        std::string rel = d + "/" + n;
        if (IsDir(JoinPath(root, rel))) {
          dirs.push_back(rel);
        } else if (++seen <= kMaxRulesFiles) {
          add(rel);
        }
      }
    }
  }

  Result<AppendedEntry> RecordCheckpoint(const std::vector<Written>& written,
                                         const std::vector<ConstraintHit>& refused,
                                         const std::vector<ConstraintHit>& violations) {
    CUSTODY_ASSIGN_OR_RETURN(Policy policy, GetPolicy());
    json st = ReadState();
    GenerationRecord rec;
    rec.agent = ev_.agent;
    rec.model = !ev_.model.empty() ? ev_.model : st.value("model", std::string("unknown"));
    rec.session_id = ev_.session_id;
    rec.method = "hook";
    rec.timestamp_unix_nanos = env_->NowUnixNanos();
    rec.recorder_version = std::string(kVersion);
    rec.hook_event = ev_.event;
    rec.tool = ev_.tool;
    rec.tool_use_id = ev_.tool_use_id;
    rec.permission_mode = !ev_.permission_mode.empty()
                              ? ev_.permission_mode
                              : st.value("permissionMode", std::string());
    std::string summary;
    if (auto p = st.find("prompt"); p != st.end() && p->is_object()) {
      rec.prompt.digest_sha256 = p->value("digest", "");
      rec.prompt.ref = p->value("ref", "");
      rec.prompt.storage = p->value("storage", "");
      summary = p->value("summary", "");
    }
    rec.constraint_files.push_back({".custody/policy.toml", policy.sha256});
    for (const auto& pat : policy.forbid_ai) rec.constraints.push_back("forbid_ai: " + pat);
    // The named constraints that cover what was written are in force for
    // this generation, in the policy's words.
    for (const Constraint& c : policy.constraints) {
      if (c.description.empty()) continue;
      bool covers = false;
      for (const auto& w : written) {
        for (const std::string& g : c.paths) covers = covers || GlobMatch(g, w.path);
      }
      if (covers) rec.constraints.push_back(c.name + ": " + c.description);
    }
    AddRulesFiles(rec);
    for (const auto& w : written) {
      auto content = env_->ReadFile(JoinPath(project_->paths().workdir, w.path));
      if (content.ok()) rec.files.push_back({w.path, Sha256Hex(*content)});
      rec.lines_written.emplace_back(w.path, NonBlank(w.lines));
    }
    rec.refused = refused;
    rec.violations = violations;
    std::string head;
    if (rec.files.empty()) {
      CUSTODY_ASSIGN_OR_RETURN(auto h, project_->repo().HeadCommit());
      if (!h) {
        return Status::NotFound("checkpoint",
                                "no file to name and no commit yet to use as subject");
      }
      head = *h;
    }
    CUSTODY_ASSIGN_OR_RETURN(auto appended,
                             project_->Record({MakeGenerationStatement(rec, head)}));
    const AppendedEntry& entry = appended.at(0);
    if (!written.empty()) {
      std::string log_path = JoinPath(project_->paths().ledger_dir, "worklog.db");
      auto log = OpenWorkingLog(log_path, true);
      if (!log.ok()) {
        Gap(written[0].path, "working log: " + log.status().ToString());
        return entry;
      }
      for (const auto& w : written) {
        LineOrigin o;
        o.checkpoint_id = entry.id;
        o.checkpoint_index = static_cast<int64_t>(entry.index);
        o.agent = rec.agent;
        o.model = rec.model;
        o.session_id = rec.session_id;
        o.path = w.path;
        o.timestamp_unix_nanos = rec.timestamp_unix_nanos;
        o.prompt_summary = summary;
        Status s = (*log)->Add(o, w.lines);
        if (!s.ok()) Gap(w.path, "working log: " + s.ToString());
      }
    }
    return entry;
  }

  Env* env_;
  std::string agent_arg_, event_hint_;
  RedactorFactory redactor_factory_;
  std::unique_ptr<Project> project_;
  std::string gaps_path_;
  HookEvent ev_;
  std::string ev_cwd_;
  std::optional<Policy> policy_;
  std::string err_;
};

}  // namespace

HookOutcome RunHook(Env* env, std::string_view agent, std::string_view event_hint,
                    std::string_view payload, const std::string& cwd,
                    const RedactorFactory& redactor) {
  Hook h(env, std::string(agent), std::string(event_hint), redactor);
  return h.Run(payload, cwd);
}

}  // namespace custody
