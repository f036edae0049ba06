// Capture: what AI agents write, recorded as it happens through each agent's
// hook system (DESIGN.md "Attribution"; docs/capture.md).
//
// Three layers, each usable alone:
//  * Payload parsers turn one agent's hook JSON (Claude Code, Cursor, Codex,
//    Gemini CLI) into a HookEvent. They take untrusted bytes, ignore unknown
//    fields, never throw and never echo payload text in errors (a payload
//    can hold prompts and secrets).
//  * RunHook() acts on one event: keeps per-session state, refuses edits a
//    `forbid_ai` constraint covers, signs a generation checkpoint into the
//    ledger and adds the written lines to the working log. It never fails:
//    whatever it cannot record becomes a gap (working_log.h).
//  * InstallAgentHooks()/UninstallAgentHooks() merge custody's entries into
//    the agents' project configuration and the git hooks, and take exactly
//    those entries out again.
//
// Everything here is a plain function over its arguments; thread-safe.
#ifndef CUSTODY_CAPTURE_H_
#define CUSTODY_CAPTURE_H_

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "custody/env.h"
#include "custody/glob.h"
#include "custody/status.h"

namespace custody {

class Project;

// What a hook event means to custody, whatever the agent calls it.
enum class HookKind {
  kSessionStart,  // Claude/Codex/Gemini SessionStart
  kPrompt,        // UserPromptSubmit, beforeSubmitPrompt, BeforeAgent
  kModel,         // Gemini BeforeModel: only tells the model in use
  kPreTool,       // PreToolUse, before* (shell, MCP, read), BeforeTool
  kPostTool,      // PostToolUse, afterFileEdit, AfterTool
  kStop,          // Stop, stop, AfterAgent
  kSessionEnd,    // SessionEnd
  kOther,         // an event custody has nothing to do for
};

// Lines an agent wrote (or, before the tool runs, wants to write) to one file.
struct FileWrite {
  std::string path;                // as the agent gave it: absolute or relative to cwd
  std::vector<std::string> lines;  // content lines written (empty on pre-tool events)
  bool deletes = false;            // apply_patch "Delete File"
};

struct HookEvent {
  std::string agent;            // "claude-code", "cursor", "codex", "gemini-cli"
  std::string event;            // the agent's own event name
  HookKind kind = HookKind::kOther;
  std::string session_id;       // conversation/session id; may be empty
  std::string cwd;              // the agent's working directory, when given
  std::string model;            // when the payload names one
  std::string prompt;           // kPrompt only
  std::string permission_mode;  // Claude permission_mode, Codex approval policy ...
  std::string tool;             // tool name on tool events ("Write", "apply_patch", ...)
  std::string tool_use_id;      // pairs a pre- and post-tool event; may be empty
  std::string shell_command;    // for shell tools: the command line
  std::vector<FileWrite> writes;
  bool write_tool = false;      // the tool writes files (Write/Edit/...); false for reads
};

// The agents custody knows, by the name `custody hook` takes.
inline constexpr const char* kHookAgents[] = {"claude", "cursor", "codex", "gemini"};

// Parses one payload. `event_hint` is the EVENT argument of `custody hook`
// (used when the payload has no hook_event_name; may be empty).
// InvalidArgument for bytes that are not a JSON object or lack what the event
// needs; the message gives a byte offset or field name, never payload text.
Result<HookEvent> ParseClaudePayload(std::string_view payload, std::string_view event_hint);
Result<HookEvent> ParseCursorPayload(std::string_view payload, std::string_view event_hint);
Result<HookEvent> ParseCodexPayload(std::string_view payload, std::string_view event_hint);
Result<HookEvent> ParseGeminiPayload(std::string_view payload, std::string_view event_hint);
// Dispatches on `agent` (one of kHookAgents); InvalidArgument for others.
Result<HookEvent> ParseHookPayload(std::string_view agent, std::string_view payload,
                                   std::string_view event_hint);

// Files a shell command line writes, found syntactically: redirections
// (`>`, `>>`, `>|`, `&>`, `N>`), `tee [-a] FILE...`, `sed -i ... FILE...`
// and the destination of `cp`/`install`. /dev/* targets are left out.
// Commands that write through programs (scripts, compilers, `mv`) are not
// seen; docs/capture.md lists the limits.
std::vector<std::string> ShellWriteTargets(std::string_view command);

// The lines of an apply_patch envelope ("*** Begin Patch" ... "*** End
// Patch", Codex) as writes: added files with all their lines, updated files
// with their "+" lines, deleted files with `deletes` set. Anything that is
// not a patch gives no writes.
std::vector<FileWrite> ParseApplyPatch(std::string_view patch);

// GlobMatch (forbid_ai globs) is declared in custody/glob.h.

// Replaces secrets in prompt text before it is kept (`[prompts] storage =
// "redacted"`). An interface so the secret scanner's rules can take the
// built-in redactor's place.
class Redactor {
 public:
  virtual ~Redactor() = default;
  // `text` with each secret replaced by "[REDACTED:<kind>]".
  virtual std::string Redact(std::string_view text) const = 0;
};
// Common token shapes: OpenAI/Anthropic-style sk-..., GitHub ghp_/gho_/
// ghs_/ghu_/github_pat_, AWS AKIA/ASIA key ids, Slack xox?-, JWTs, PEM
// private key blocks, `password=...`-style assignments and long
// high-entropy strings.
std::unique_ptr<Redactor> NewBuiltinRedactor();

// What RunHook tells the agent: the exit status, and the bytes for stdout
// and stderr (each agent's documented response format).
struct HookOutcome {
  int exit_code = 0;
  std::string stdout_text;
  std::string stderr_text;
};

// Runs `custody hook AGENT [EVENT]` on `payload`. `cwd` is the process's
// directory (the payload's cwd wins when it names a directory). Never
// returns an error: a payload that does not parse, a repository without
// custody, a ledger that cannot be written all become gaps (when a git dir
// is found) and exit 0, so the agent is never blocked by a custody failure.
// Only a forbid_ai refusal blocks (exit 2 or the agent's deny JSON).
// `redactor` makes the redactor for `[prompts] storage = "redacted"`; it is
// called only when a prompt is to be redacted (it may be costly, e.g. the
// secret scanner's, secret_redactor.h). When it is empty or fails, the
// built-in redactor is used.
using RedactorFactory = std::function<Result<std::unique_ptr<Redactor>>()>;
HookOutcome RunHook(Env* env, std::string_view agent, std::string_view event_hint,
                    std::string_view payload, const std::string& cwd,
                    const RedactorFactory& redactor = {});

// What init --agents / --uninstall changed.
struct HookInstallReport {
  std::vector<std::string> created;  // files created
  std::vector<std::string> changed;  // existing files custody's entries were merged into
  std::vector<std::string> kept;     // already had custody's entries
  std::vector<std::string> removed;  // uninstall: files deleted or restored
  std::vector<std::string> notes;    // things the user must do or know
};

// Installs hooks for `agents` (names from kHookAgents) in the project's
// work tree (.claude/settings.json, .cursor/hooks.json, .codex/hooks.json,
// .gemini/settings.json) and the git hooks pre-commit (custody check
// --staged --hook), post-commit and post-rewrite, plus those of
// `extra_git_hooks` ("pre-push": custody gate --pre-push), in
// core.hooksPath when set. JSON files are merged: the user's entries
// stay, in their order; custody's are appended; a rerun changes nothing.
// An existing shell git hook keeps its content with custody's block inserted
// after the #! line; a hook in another language is not touched
// (InvalidArgument naming it). What was added is kept in
// <git common dir>/custody/hooks-manifest.json for UninstallAgentHooks.
// `custody_command` is the command the hooks run ("custody").
Result<HookInstallReport> InstallAgentHooks(Project& project, const std::vector<std::string>& agents,
                                            const std::string& custody_command,
                                            const std::vector<std::string>& extra_git_hooks = {});

// Removes what InstallAgentHooks added. A file custody created and nobody
// changed is deleted; a file custody merged into is restored byte for byte
// when unchanged since, else only custody's entries are taken out.
Result<HookInstallReport> UninstallAgentHooks(Project& project);

}  // namespace custody

#endif  // CUSTODY_CAPTURE_H_
