// custody init --agents / --uninstall: merge hook entries into the agents'
// project configuration and the git hooks, and take exactly those out again.
//
// The manifest (<git common dir>/custody/hooks-manifest.json) keeps, per
// file touched, the bytes it had before custody's first change and a digest
// of what custody left. Uninstall restores the original bytes when the file
// is still what custody left; otherwise it removes only custody's entries.
#include <unistd.h>

#include <nlohmann/json.hpp>

#include "custody/capture.h"
#include "custody/encoding.h"
#include "custody/hash.h"
#include "custody/project.h"

namespace custody {
namespace {

using ojson = nlohmann::ordered_json;

constexpr const char* kBlockBegin =
    "# >>> custody: added by `custody init --agents`; `custody init --uninstall` removes it >>>\n";
constexpr const char* kBlockEnd = "# <<< custody <<<\n";

struct EventSpec {
  const char* event;
  const char* matcher;  // nullptr: no matcher (all)
};

struct AgentSpec {
  const char* name;
  const char* file;  // relative to the work tree
  std::vector<EventSpec> events;
};

const std::vector<AgentSpec>& Agents() {
  static const std::vector<AgentSpec> kAgents = {
      {"claude",
       ".claude/settings.json",
       {{"SessionStart", nullptr},
        {"UserPromptSubmit", nullptr},
        {"PreToolUse", "Write|Edit|MultiEdit|NotebookEdit|Bash"},
        {"PostToolUse", "Write|Edit|MultiEdit|NotebookEdit|Bash"},
        {"Stop", nullptr},
        {"SessionEnd", nullptr}}},
      {"cursor",
       ".cursor/hooks.json",
       {{"beforeSubmitPrompt", nullptr},
        {"beforeShellExecution", nullptr},
        {"afterShellExecution", nullptr},
        {"beforeMCPExecution", nullptr},
        {"afterFileEdit", nullptr},
        {"stop", nullptr}}},
      {"codex",
       ".codex/hooks.json",
       {{"SessionStart", nullptr},
        {"UserPromptSubmit", nullptr},
        {"PreToolUse", nullptr},
        {"PostToolUse", nullptr},
        {"Stop", nullptr}}},
      {"gemini",
       ".gemini/settings.json",
       {{"SessionStart", nullptr},
        {"BeforeAgent", nullptr},
        {"BeforeModel", nullptr},
        {"BeforeTool", "write_file|replace|run_shell_command"},
        {"AfterTool", "write_file|replace|run_shell_command"},
        {"SessionEnd", nullptr}}},
  };
  return kAgents;
}

std::string HookCommand(const std::string& custody, const std::string& agent) {
  return custody + " hook " + agent;
}

// True when `entry` (one element of an event's array) runs custody's hook.
bool IsOurs(const ojson& entry, const std::string& command) {
  auto runs = [&](const ojson& h) {
    return h.is_object() && h.contains("command") && h["command"].is_string() &&
           h["command"].get<std::string>() == command;
  };
  if (runs(entry)) return true;  // Cursor: {"command": ...}
  if (entry.is_object() && entry.contains("hooks") && entry["hooks"].is_array()) {
    for (const auto& h : entry["hooks"]) {
      if (runs(h)) return true;
    }
  }
  return false;
}

ojson OurEntry(const AgentSpec& a, const EventSpec& e, const std::string& command) {
  if (std::string(a.name) == "cursor") return ojson{{"command", command}};
  ojson hook = {{"type", "command"}, {"command", command}};
  if (std::string(a.name) == "gemini") hook["name"] = "custody";
  ojson entry = ojson::object();
  if (e.matcher != nullptr) entry["matcher"] = e.matcher;
  entry["hooks"] = ojson::array({hook});
  return entry;
}

Result<ojson> ParseConfig(const std::string& path, const std::string& text) {
  ojson j = ojson::parse(text, nullptr, false);
  if (j.is_discarded() || !j.is_object()) {
    return Status::InvalidArgument(path, "is not a JSON object; custody does not rewrite a file "
                                         "it cannot read (fix it or move it aside)");
  }
  return j;
}

// Adds custody's entries; returns the new text, or "" when nothing changed.
Result<std::string> MergeAgentConfig(const AgentSpec& a, const std::string& path,
                                     const std::string* existing, const std::string& command) {
  ojson root = ojson::object();
  if (existing != nullptr) {
    CUSTODY_ASSIGN_OR_RETURN(root, ParseConfig(path, *existing));
  }
  if (std::string(a.name) == "cursor" && !root.contains("version")) root["version"] = 1;
  if (!root.contains("hooks")) root["hooks"] = ojson::object();
  if (!root["hooks"].is_object()) {
    return Status::InvalidArgument(path, "\"hooks\" is not an object");
  }
  bool changed = false;
  for (const auto& e : a.events) {
    ojson& arr = root["hooks"][e.event];
    if (arr.is_null()) arr = ojson::array();
    if (!arr.is_array()) {
      return Status::InvalidArgument(path, std::string("hooks.") + e.event + " is not an array");
    }
    bool present = false;
    for (const auto& entry : arr) present |= IsOurs(entry, command);
    if (!present) {
      arr.push_back(OurEntry(a, e, command));
      changed = true;
    }
  }
  if (!changed) return std::string();
  return root.dump(2) + "\n";
}

// Takes custody's entries out of `text`; events custody added that end up
// empty go too, and so does a "hooks" object custody added.
Result<std::string> RemoveFromAgentConfig(const std::string& path, const std::string& text,
                                          const std::string* original,
                                          const std::string& command) {
  CUSTODY_ASSIGN_OR_RETURN(ojson root, ParseConfig(path, text));
  ojson orig = ojson::object();
  if (original != nullptr) {
    auto o = ParseConfig(path, *original);
    if (o.ok()) orig = *o;
  }
  if (!root.contains("hooks") || !root["hooks"].is_object()) return text;
  ojson& hooks = root["hooks"];
  std::vector<std::string> empty_added;
  for (auto& [event, arr] : hooks.items()) {
    if (!arr.is_array()) continue;
    ojson kept = ojson::array();
    for (auto& entry : arr) {
      if (!IsOurs(entry, command)) kept.push_back(entry);
    }
    arr = kept;
    bool existed = orig.contains("hooks") && orig["hooks"].is_object() &&
                   orig["hooks"].contains(event);
    if (arr.empty() && !existed) empty_added.push_back(event);
  }
  for (const auto& e : empty_added) hooks.erase(e);
  if (hooks.empty() && !orig.contains("hooks")) root.erase("hooks");
  if (root.contains("version") && !orig.contains("version") && root.size() == 1) {
    root.erase("version");
  }
  if (root.empty() && original == nullptr) return std::string();  // delete the file
  return root.dump(2) + "\n";
}

std::string GitHookBlock(const std::string& hook, const std::string& custody) {
  std::string b = kBlockBegin;
  if (hook == "post-rewrite") {
    // post-rewrite gets the rewritten commits on stdin; custody reads a copy
    // and the rest of the hook still reads them from its stdin.
    b += "custody_in=$(mktemp \"${TMPDIR:-/tmp}/custody-rewrite.XXXXXX\") || custody_in=\n"
         "if [ -n \"$custody_in\" ]; then\n"
         "  cat >\"$custody_in\"\n"
         "  if command -v " + custody + " >/dev/null 2>&1; then\n"
         "    " + custody + " attribute --hook post-rewrite \"$@\" <\"$custody_in\" || true\n"
         "  fi\n"
         "  exec <\"$custody_in\"\n"
         "  rm -f \"$custody_in\"\n"
         "fi\n";
  } else if (hook == "pre-commit") {
    // Exit 1 only on a blocking finding in the staged AI lines; custody's
    // own failures are warnings (check --hook exits 0), so a broken install
    // never stops a commit — the gate reports the missing validation.
    b += "if command -v " + custody + " >/dev/null 2>&1; then\n"
         "  " + custody + " check --staged --hook </dev/null || exit 1\n"
         "fi\n";
  } else if (hook == "pre-push") {
    // pre-push gets "<local ref> <local sha> <remote ref> <remote sha>" lines
    // on stdin; the rest of the hook still reads them.
    b += "custody_in=$(mktemp \"${TMPDIR:-/tmp}/custody-push.XXXXXX\") || custody_in=\n"
         "if [ -n \"$custody_in\" ]; then\n"
         "  cat >\"$custody_in\"\n"
         "  if command -v " + custody + " >/dev/null 2>&1; then\n"
         "    " + custody + " gate --pre-push \"$@\" <\"$custody_in\" || { rm -f \"$custody_in\"; exit 1; }\n"
         "  fi\n"
         "  exec <\"$custody_in\"\n"
         "  rm -f \"$custody_in\"\n"
         "fi\n";
  } else {
    b += "if command -v " + custody + " >/dev/null 2>&1; then\n"
         "  " + custody + " attribute --hook " + hook + " </dev/null || true\n"
         "fi\n";
  }
  b += kBlockEnd;
  return b;
}

bool IsShellScript(const std::string& text) {
  if (text.rfind("#!", 0) != 0) return false;
  std::string first = text.substr(0, text.find('\n'));
  for (const char* sh : {"/sh", "bash", "/zsh", "/dash", "/ksh", " sh"}) {
    if (first.find(sh) != std::string::npos) return true;
  }
  return false;
}

struct Manifest {
  ojson j = ojson{{"version", 1}, {"files", ojson::array()}};
  ojson* Find(const std::string& path) {
    for (auto& f : j["files"]) {
      if (f.value("path", "") == path) return &f;
    }
    return nullptr;
  }
};

Result<Manifest> LoadManifest(Env& env, const std::string& path) {
  Manifest m;
  if (!env.FileExists(path)) return m;
  CUSTODY_ASSIGN_OR_RETURN(std::string text, env.ReadFile(path));
  ojson j = ojson::parse(text, nullptr, false);
  if (j.is_discarded() || !j.is_object() || !j.contains("files") || !j["files"].is_array()) {
    return Status::Corruption(path, "is not a custody hooks manifest (uninstall cannot tell "
                                    "what custody added; remove custody's entries by hand)");
  }
  m.j = std::move(j);
  return m;
}

class Installer {
 public:
  Installer(Project& p, std::string custody) : p_(p), env_(p.env()), custody_(std::move(custody)) {
    manifest_path_ = JoinPath(p.paths().ledger_dir, "hooks-manifest.json");
  }

  Result<std::string> HooksDir() {
    CUSTODY_ASSIGN_OR_RETURN(auto configured, p_.repo().GetConfig("core.hooksPath"));
    if (configured && !configured->empty()) {
      if ((*configured)[0] == '/') return *configured;
      return JoinPath(p_.paths().workdir, *configured);
    }
    return JoinPath(p_.repo().common_dir(), "hooks");
  }

  // Writes `text` to `path`, recording the original bytes in the manifest
  // the first time custody touches the file.
  Status Write(const std::string& path, const std::string* before, const std::string& text,
               const std::string& kind, uint32_t mode) {
    ojson* entry = manifest_.Find(path);
    if (entry == nullptr) {
      ojson e = {{"path", path}, {"kind", kind}, {"created", before == nullptr}};
      if (before != nullptr) e["original"] = Base64Encode(*before);
      std::string dir = DirName(path);
      if (!env_.FileExists(dir)) e["createdDir"] = dir;
      manifest_.j["files"].push_back(e);
      entry = &manifest_.j["files"].back();
    }
    CUSTODY_RETURN_IF_ERROR(env_.CreateDirs(DirName(path)));
    CUSTODY_RETURN_IF_ERROR(env_.WriteFileAtomic(path, text, mode));
    (*entry)["installedSha256"] = Sha256Hex(text);
    (before == nullptr ? report_.created : report_.changed).push_back(path);
    return Status::OK();
  }

  Status InstallAgent(const AgentSpec& a) {
    std::string path = JoinPath(p_.paths().workdir, a.file);
    std::optional<std::string> before;
    if (env_.FileExists(path)) {
      CUSTODY_ASSIGN_OR_RETURN(before, env_.ReadFile(path));
    }
    CUSTODY_ASSIGN_OR_RETURN(
        std::string text,
        MergeAgentConfig(a, path, before ? &*before : nullptr, HookCommand(custody_, a.name)));
    if (text.empty()) {
      report_.kept.push_back(path);
      return Status::OK();
    }
    return Write(path, before ? &*before : nullptr, text, "agent-config", 0644);
  }

  Status InstallGitHook(const std::string& dir, const std::string& hook) {
    std::string path = JoinPath(dir, hook);
    std::string block = GitHookBlock(hook, custody_);
    if (!env_.FileExists(path)) {
      return Write(path, nullptr, "#!/bin/sh\n" + block, "git-hook", 0755);
    }
    CUSTODY_ASSIGN_OR_RETURN(std::string before, env_.ReadFile(path));
    if (before.find(kBlockBegin) != std::string::npos) {
      report_.kept.push_back(path);
      return Status::OK();
    }
    if (!IsShellScript(before)) {
      return Status::InvalidArgument(
          path, "is not a shell script; custody will not edit it (call `" + custody_ +
                    (hook == "pre-commit" ? " check --staged --hook" : hook == "pre-push" ? " gate --pre-push" : " attribute --hook " + hook) +
                    (hook == "post-rewrite" || hook == "pre-push" ? " \"$1\"" : "") +
                    "` from it yourself, with its failures ignored)");
    }
    CUSTODY_ASSIGN_OR_RETURN(uint32_t mode, env_.FileMode(path));
    size_t nl = before.find('\n');
    std::string text = nl == std::string::npos
                           ? before + "\n" + block
                           : before.substr(0, nl + 1) + block + before.substr(nl + 1);
    return Write(path, &before, text, "git-hook", mode);
  }

  Result<HookInstallReport> Install(const std::vector<std::string>& agents,
                                    const std::vector<std::string>& extra_git_hooks) {
    CUSTODY_ASSIGN_OR_RETURN(manifest_, LoadManifest(env_, manifest_path_));
    for (const auto& name : agents) {
      const AgentSpec* spec = nullptr;
      for (const auto& a : Agents()) {
        if (name == a.name) spec = &a;
      }
      if (spec == nullptr) {
        return Status::InvalidArgument("--agents", "\"" + name +
                                                       "\" is not one of claude, cursor, codex, "
                                                       "gemini");
      }
      CUSTODY_RETURN_IF_ERROR(InstallAgent(*spec));
      if (name == "codex") {
        report_.notes.push_back("codex: .codex/hooks.json is read for trusted projects; Codex "
                                "versions before hooks were on by default also need "
                                "`[features] codex_hooks = true` in config.toml");
      }
    }
    CUSTODY_ASSIGN_OR_RETURN(std::string dir, HooksDir());
    std::vector<std::string> hooks = {"pre-commit", "post-commit", "post-rewrite"};
    for (const std::string& h : extra_git_hooks) {
      if (h != "pre-push") return Status::InvalidArgument("git hook", "\"" + h + "\" (allowed: pre-push)");
      hooks.push_back(h);
    }
    for (const std::string& hook : hooks) {
      CUSTODY_RETURN_IF_ERROR(InstallGitHook(dir, hook));
    }
    manifest_.j["command"] = custody_;
    CUSTODY_RETURN_IF_ERROR(env_.CreateDirs(DirName(manifest_path_), 0700));
    CUSTODY_RETURN_IF_ERROR(env_.WriteFileAtomic(manifest_path_, manifest_.j.dump(2) + "\n", 0600));
    return report_;
  }

  Result<HookInstallReport> Uninstall() {
    if (!env_.FileExists(manifest_path_)) {
      report_.notes.push_back("nothing to uninstall (no " + manifest_path_ + ")");
      return report_;
    }
    CUSTODY_ASSIGN_OR_RETURN(manifest_, LoadManifest(env_, manifest_path_));
    if (manifest_.j.contains("command") && manifest_.j["command"].is_string()) {
      custody_ = manifest_.j["command"].get<std::string>();
    }
    for (const auto& f : manifest_.j["files"]) {
      CUSTODY_RETURN_IF_ERROR(UninstallFile(f));
    }
    CUSTODY_RETURN_IF_ERROR(env_.RemoveFile(manifest_path_));
    return report_;
  }

  Status UninstallFile(const ojson& f) {
    std::string path = f.value("path", "");
    bool created = f.value("created", false);
    std::optional<std::string> original;
    if (f.contains("original") && f["original"].is_string()) {
      CUSTODY_ASSIGN_OR_RETURN(original, Base64Decode(f["original"].get<std::string>()));
    }
    if (!env_.FileExists(path)) {
      report_.notes.push_back(path + ": already gone");
      return Status::OK();
    }
    CUSTODY_ASSIGN_OR_RETURN(std::string now, env_.ReadFile(path));
    std::string result;
    bool remove = false;
    if (Sha256Hex(now) == f.value("installedSha256", "")) {
      // Untouched since install: put back exactly what was there.
      if (created) {
        remove = true;
      } else {
        result = *original;
      }
    } else if (f.value("kind", "") == "git-hook") {
      size_t b = now.find(kBlockBegin);
      if (b == std::string::npos) {
        report_.notes.push_back(path + ": custody's block was already removed");
        return Status::OK();
      }
      size_t e = now.find(kBlockEnd, b);
      if (e == std::string::npos) {
        return Status::InvalidArgument(path, "custody's block has lost its end marker; "
                                             "remove it by hand");
      }
      result = now.substr(0, b) + now.substr(e + std::string(kBlockEnd).size());
      if (created && result == "#!/bin/sh\n") remove = true;
    } else {
      std::string command;
      for (const auto& a : Agents()) {
        if (path == JoinPath(p_.paths().workdir, a.file)) command = HookCommand(custody_, a.name);
      }
      CUSTODY_ASSIGN_OR_RETURN(result, RemoveFromAgentConfig(path, now,
                                                             original ? &*original : nullptr,
                                                             command));
      if (result.empty()) remove = true;
      report_.notes.push_back(path + ": changed since install; only custody's entries removed");
    }
    if (remove) {
      CUSTODY_RETURN_IF_ERROR(env_.RemoveFile(path));
      if (f.contains("createdDir") && f["createdDir"].is_string()) {
        std::string dir = f["createdDir"].get<std::string>();
        auto left = env_.ListDir(dir);
        if (left.ok() && left->empty()) {
          // Best effort: an empty directory custody created.
          (void)::rmdir(dir.c_str());
        }
      }
    } else {
      CUSTODY_ASSIGN_OR_RETURN(uint32_t mode, env_.FileMode(path));
      CUSTODY_RETURN_IF_ERROR(env_.WriteFileAtomic(path, result, mode));
    }
    report_.removed.push_back(path);
    return Status::OK();
  }

 private:
  Project& p_;
  Env& env_;
  std::string custody_;
  std::string manifest_path_;
  Manifest manifest_;
  HookInstallReport report_;
};

}  // namespace

Result<HookInstallReport> InstallAgentHooks(Project& project,
                                            const std::vector<std::string>& agents,
                                            const std::string& custody_command,
                                            const std::vector<std::string>& extra_git_hooks) {
  Installer in(project, custody_command);
  return in.Install(agents, extra_git_hooks);
}

Result<HookInstallReport> UninstallAgentHooks(Project& project) {
  Installer in(project, "custody");
  return in.Uninstall();
}

}  // namespace custody
