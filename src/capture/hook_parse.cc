// Hook payload parsers. Every agent sends one JSON object per event; the
// fields differ per agent (docs/capture.md has the table), the tool inputs
// are close enough to share one reader.
#include <algorithm>
#include <cctype>
#include <string>

#include "custody/capture.h"
#include "evidence/bounded_json.h"

namespace custody {
namespace {

using nlohmann::json;

std::string Lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

// The string at `key`, or "" when absent or not a string (unknown or
// oddly typed fields are ignored, never an error).
std::string Str(const json& j, const char* key) {
  if (!j.is_object()) return "";
  auto it = j.find(key);
  if (it == j.end() || !it->is_string()) return "";
  return it->get<std::string>();
}

std::string FirstStr(const json& j, std::initializer_list<const char*> keys) {
  for (const char* k : keys) {
    std::string v = Str(j, k);
    if (!v.empty()) return v;
  }
  return "";
}

std::vector<std::string> SplitLines(std::string_view text) {
  std::vector<std::string> out;
  size_t pos = 0;
  while (pos <= text.size()) {
    size_t nl = text.find('\n', pos);
    if (nl == std::string_view::npos) {
      if (pos < text.size()) out.emplace_back(text.substr(pos));
      break;
    }
    out.emplace_back(text.substr(pos, nl - pos));
    pos = nl + 1;
  }
  return out;
}

void AppendLines(std::vector<std::string>& to, std::string_view text) {
  for (auto& l : SplitLines(text)) to.push_back(std::move(l));
}

// A model may come as a string or as {"id": ..., "display_name": ...}.
std::string ModelOf(const json& j) {
  if (!j.is_object()) return "";
  auto it = j.find("model");
  if (it == j.end()) return "";
  if (it->is_string()) return it->get<std::string>();
  if (it->is_object()) return FirstStr(*it, {"id", "name", "model", "display_name"});
  return "";
}

// A command may be a string or argv (Codex "shell" takes ["bash","-lc",...]).
std::string CommandOf(const json& input) {
  if (!input.is_object()) return "";
  auto it = input.find("command");
  if (it == input.end()) return "";
  if (it->is_string()) return it->get<std::string>();
  if (it->is_array()) {
    std::string out;
    for (const auto& a : *it) {
      if (!a.is_string()) continue;
      if (!out.empty()) out += ' ';
      out += a.get<std::string>();
    }
    return out;
  }
  return "";
}

// A tool input given as a JSON string (Cursor beforeMCPExecution) is read as
// JSON when it parses; otherwise it is left alone.
json ObjectOf(const json& j, const char* key) {
  if (!j.is_object()) return json::object();
  auto it = j.find(key);
  if (it == j.end()) return json::object();
  if (it->is_object()) return *it;
  if (it->is_string()) {
    auto parsed = internal::ParseBoundedJson(it->get<std::string>(), key);
    if (parsed.ok() && parsed->is_object()) return std::move(parsed).value();
  }
  return json::object();
}

bool IsShellTool(const std::string& t) {
  return t == "bash" || t == "shell" || t == "run_shell_command" || t == "exec_command" ||
         t == "local_shell" || t == "terminal" || t == "run_terminal_cmd" ||
         t == "container.exec" || t == "shell_command";
}

// Reads the files a tool call writes from its input. Shared by all agents:
// their built-in tools take the same few shapes.
void ReadToolInput(const std::string& tool_name, const json& input, HookEvent& ev) {
  std::string t = Lower(tool_name);
  std::string path = FirstStr(input, {"file_path", "path", "notebook_path", "absolute_path",
                                      "target_file", "filePath"});
  if (t == "write" || t == "write_file" || t == "create_file" || t == "writefile") {
    ev.write_tool = true;
    FileWrite w{path, {}, false};
    AppendLines(w.lines, FirstStr(input, {"content", "file_text", "contents"}));
    if (!path.empty()) ev.writes.push_back(std::move(w));
  } else if (t == "edit" || t == "replace" || t == "str_replace" || t == "search_replace" ||
             t == "edit_file" || t == "strreplace" || t == "str_replace_based_edit_tool") {
    ev.write_tool = true;
    FileWrite w{path, {}, false};
    AppendLines(w.lines, FirstStr(input, {"new_string", "new_str", "replacement", "code_edit",
                                          "file_text"}));
    if (!path.empty()) ev.writes.push_back(std::move(w));
  } else if (t == "multiedit" || t == "multi_edit") {
    ev.write_tool = true;
    FileWrite w{path, {}, false};
    auto it = input.find("edits");
    if (it != input.end() && it->is_array()) {
      for (const auto& e : *it) AppendLines(w.lines, FirstStr(e, {"new_string", "new_str"}));
    }
    if (!path.empty()) ev.writes.push_back(std::move(w));
  } else if (t == "notebookedit") {
    ev.write_tool = true;
    FileWrite w{path, {}, false};
    AppendLines(w.lines, Str(input, "new_source"));
    if (!path.empty()) ev.writes.push_back(std::move(w));
  } else if (t == "apply_patch" || t == "applypatch") {
    ev.write_tool = true;
    std::string patch = FirstStr(input, {"input", "patch"});
    if (patch.empty()) patch = CommandOf(input);
    for (auto& w : ParseApplyPatch(patch)) ev.writes.push_back(std::move(w));
  } else if (IsShellTool(t)) {
    ev.shell_command = CommandOf(input);
    // `apply_patch` may also arrive through the shell tool (Codex).
    if (ev.shell_command.find("*** Begin Patch") != std::string::npos) {
      ev.write_tool = true;
      for (auto& w : ParseApplyPatch(ev.shell_command)) ev.writes.push_back(std::move(w));
    }
  }
}

Result<json> ParseObject(std::string_view payload, std::string_view agent) {
  CUSTODY_ASSIGN_OR_RETURN(json j, internal::ParseBoundedJson(payload, "payload"));
  if (!j.is_object()) {
    return Status::InvalidArgument("payload", std::string("is a JSON ") +
                                                  internal::JsonTypeName(j) + ", not an object");
  }
  return j;
}

std::string EventName(const json& j, std::string_view hint) {
  std::string e = Str(j, "hook_event_name");
  if (e.empty()) e = Str(j, "hookEventName");
  if (e.empty()) e = std::string(hint);
  return e;
}

// A prompt event's text: every agent sends it as a string "prompt".
Status TakePrompt(const json& j, const std::string& event, HookEvent* ev) {
  auto it = j.find("prompt");
  if (it == j.end() || !it->is_string()) {
    return Status::InvalidArgument("payload", event + " without a string \"prompt\"");
  }
  ev->prompt = it->get<std::string>();
  return Status::OK();
}

Status NoEvent(std::string_view agent) {
  return Status::InvalidArgument("payload", "has no hook_event_name and no EVENT was given "
                                            "(custody hook " + std::string(agent) + " EVENT)");
}

// Claude Code and Codex share one hook protocol.
Result<HookEvent> ParseClaudeLike(std::string_view payload, std::string_view hint,
                                  const char* agent, const char* cli_name) {
  CUSTODY_ASSIGN_OR_RETURN(json j, ParseObject(payload, cli_name));
  HookEvent ev;
  ev.agent = agent;
  ev.event = EventName(j, hint);
  if (ev.event.empty()) return NoEvent(cli_name);
  ev.session_id = Str(j, "session_id");
  ev.cwd = Str(j, "cwd");
  ev.model = ModelOf(j);
  ev.permission_mode = FirstStr(j, {"permission_mode", "approval_policy", "sandbox_mode"});
  const std::string& e = ev.event;
  if (e == "SessionStart") {
    ev.kind = HookKind::kSessionStart;
  } else if (e == "UserPromptSubmit") {
    ev.kind = HookKind::kPrompt;
    CUSTODY_RETURN_IF_ERROR(TakePrompt(j, e, &ev));
  } else if (e == "PreToolUse" || e == "PostToolUse" || e == "PermissionRequest") {
    ev.kind = e == "PostToolUse" ? HookKind::kPostTool : HookKind::kPreTool;
    auto it = j.find("tool_name");
    if (it == j.end() || !it->is_string()) {
      return Status::InvalidArgument("payload", e + " without a string \"tool_name\"");
    }
    ev.tool = it->get<std::string>();
    ev.tool_use_id = Str(j, "tool_use_id");
    ReadToolInput(ev.tool, ObjectOf(j, "tool_input"), ev);
  } else if (e == "Stop" || e == "SubagentStop") {
    ev.kind = HookKind::kStop;
  } else if (e == "SessionEnd") {
    ev.kind = HookKind::kSessionEnd;
  } else {
    ev.kind = HookKind::kOther;
  }
  return ev;
}

}  // namespace

Result<HookEvent> ParseClaudePayload(std::string_view payload, std::string_view hint) {
  return ParseClaudeLike(payload, hint, "claude-code", "claude");
}

Result<HookEvent> ParseCodexPayload(std::string_view payload, std::string_view hint) {
  return ParseClaudeLike(payload, hint, "codex", "codex");
}

Result<HookEvent> ParseCursorPayload(std::string_view payload, std::string_view hint) {
  CUSTODY_ASSIGN_OR_RETURN(json j, ParseObject(payload, "cursor"));
  HookEvent ev;
  ev.agent = "cursor";
  ev.event = EventName(j, hint);
  if (ev.event.empty()) return NoEvent("cursor");
  ev.session_id = FirstStr(j, {"conversation_id", "session_id"});
  ev.model = ModelOf(j);
  ev.cwd = Str(j, "cwd");
  if (auto it = j.find("workspace_roots"); ev.cwd.empty() && it != j.end() && it->is_array() &&
                                           !it->empty() && (*it)[0].is_string()) {
    ev.cwd = (*it)[0].get<std::string>();
  }
  ev.tool_use_id = FirstStr(j, {"tool_use_id", "generation_id"});
  const std::string& e = ev.event;
  if (e == "sessionStart") {
    ev.kind = HookKind::kSessionStart;
  } else if (e == "beforeSubmitPrompt") {
    ev.kind = HookKind::kPrompt;
    CUSTODY_RETURN_IF_ERROR(TakePrompt(j, e, &ev));
  } else if (e == "beforeShellExecution" || e == "afterShellExecution") {
    ev.kind = e[0] == 'b' ? HookKind::kPreTool : HookKind::kPostTool;
    ev.tool = "shell";
    ev.shell_command = Str(j, "command");
    if (!Str(j, "cwd").empty()) ev.cwd = Str(j, "cwd");
  } else if (e == "beforeMCPExecution" || e == "afterMCPExecution") {
    ev.kind = e[0] == 'b' ? HookKind::kPreTool : HookKind::kPostTool;
    ev.tool = Str(j, "tool_name");
    ReadToolInput(ev.tool, ObjectOf(j, "tool_input"), ev);
  } else if (e == "beforeReadFile") {
    ev.kind = HookKind::kPreTool;
    ev.tool = "read";
  } else if (e == "afterFileEdit" || e == "afterTabFileEdit") {
    ev.kind = HookKind::kPostTool;
    ev.tool = e == "afterFileEdit" ? "edit" : "tab";
    ev.write_tool = true;
    auto it = j.find("file_path");
    if (it == j.end() || !it->is_string()) {
      return Status::InvalidArgument("payload", e + " without a string \"file_path\"");
    }
    FileWrite w{it->get<std::string>(), {}, false};
    if (auto ed = j.find("edits"); ed != j.end() && ed->is_array()) {
      for (const auto& x : *ed) AppendLines(w.lines, Str(x, "new_string"));
    }
    ev.writes.push_back(std::move(w));
  } else if (e == "preToolUse" || e == "postToolUse") {
    ev.kind = e[0] == 'p' && e[1] == 'r' ? HookKind::kPreTool : HookKind::kPostTool;
    ev.tool = Str(j, "tool_name");
    ReadToolInput(ev.tool, ObjectOf(j, "tool_input"), ev);
  } else if (e == "stop" || e == "subagentStop") {
    ev.kind = HookKind::kStop;
  } else if (e == "sessionEnd") {
    ev.kind = HookKind::kSessionEnd;
  } else {
    ev.kind = HookKind::kOther;
  }
  return ev;
}

Result<HookEvent> ParseGeminiPayload(std::string_view payload, std::string_view hint) {
  CUSTODY_ASSIGN_OR_RETURN(json j, ParseObject(payload, "gemini"));
  HookEvent ev;
  ev.agent = "gemini-cli";
  ev.event = EventName(j, hint);
  if (ev.event.empty()) return NoEvent("gemini");
  ev.session_id = Str(j, "session_id");
  ev.cwd = Str(j, "cwd");
  ev.model = ModelOf(j);
  const std::string& e = ev.event;
  if (e == "SessionStart") {
    ev.kind = HookKind::kSessionStart;
  } else if (e == "BeforeAgent") {
    ev.kind = HookKind::kPrompt;
    CUSTODY_RETURN_IF_ERROR(TakePrompt(j, e, &ev));
  } else if (e == "BeforeModel" || e == "AfterModel") {
    ev.kind = HookKind::kModel;
    if (ev.model.empty()) ev.model = ModelOf(ObjectOf(j, "llm_request"));
  } else if (e == "BeforeTool" || e == "AfterTool") {
    ev.kind = e == "AfterTool" ? HookKind::kPostTool : HookKind::kPreTool;
    auto it = j.find("tool_name");
    if (it == j.end() || !it->is_string()) {
      return Status::InvalidArgument("payload", e + " without a string \"tool_name\"");
    }
    ev.tool = it->get<std::string>();
    ev.tool_use_id = FirstStr(j, {"tool_use_id", "tool_call_id", "call_id"});
    ReadToolInput(ev.tool, ObjectOf(j, "tool_input"), ev);
  } else if (e == "AfterAgent") {
    ev.kind = HookKind::kStop;
  } else if (e == "SessionEnd") {
    ev.kind = HookKind::kSessionEnd;
  } else {
    ev.kind = HookKind::kOther;
  }
  return ev;
}

Result<HookEvent> ParseHookPayload(std::string_view agent, std::string_view payload,
                                   std::string_view hint) {
  if (agent == "claude") return ParseClaudePayload(payload, hint);
  if (agent == "cursor") return ParseCursorPayload(payload, hint);
  if (agent == "codex") return ParseCodexPayload(payload, hint);
  if (agent == "gemini") return ParseGeminiPayload(payload, hint);
  return Status::InvalidArgument(std::string(agent),
                                 "is not an agent custody hooks (claude, cursor, codex, gemini)");
}

std::vector<FileWrite> ParseApplyPatch(std::string_view patch) {
  std::vector<FileWrite> out;
  if (patch.find("*** Begin Patch") == std::string_view::npos) return out;
  FileWrite* cur = nullptr;
  bool adding = false;
  for (const auto& line : SplitLines(patch)) {
    std::string_view l(line);
    if (!l.empty() && l.back() == '\r') l.remove_suffix(1);
    auto header = [&](std::string_view prefix) -> std::string {
      if (l.substr(0, prefix.size()) != prefix) return "";
      std::string p(l.substr(prefix.size()));
      while (!p.empty() && p.back() == ' ') p.pop_back();
      return p;
    };
    if (std::string p = header("*** Add File: "); !p.empty()) {
      out.push_back({p, {}, false});
      cur = &out.back();
      adding = true;
    } else if (std::string p = header("*** Update File: "); !p.empty()) {
      out.push_back({p, {}, false});
      cur = &out.back();
      adding = false;
    } else if (std::string p = header("*** Delete File: "); !p.empty()) {
      out.push_back({p, {}, true});
      cur = nullptr;
    } else if (std::string p = header("*** Move to: "); !p.empty()) {
      if (cur != nullptr) cur->path = p;
    } else if (l.substr(0, 3) == "***") {
      // End Patch / End of File and other markers.
    } else if (cur != nullptr && !l.empty() && l[0] == '+') {
      cur->lines.emplace_back(l.substr(1));
    } else if (cur != nullptr && adding && !l.empty()) {
      // Tolerates an added file whose lines lack the '+'.
      cur->lines.emplace_back(l);
    }
  }
  return out;
}

std::vector<std::string> ShellWriteTargets(std::string_view cmd) {
  // Split into words, honouring quotes and backslash escapes, and keeping
  // the operators that end a simple command (| ; & newline) as their own
  // words.
  std::vector<std::string> words;
  std::vector<bool> literal;  // had quotes or escapes: never an operator
  std::string cur;
  bool in_word = false, quoted = false;
  auto flush = [&] {
    if (in_word) {
      words.push_back(cur);
      literal.push_back(quoted);
    }
    cur.clear();
    in_word = false;
    quoted = false;
  };
  for (size_t i = 0; i < cmd.size(); ++i) {
    char c = cmd[i];
    if (c == '\\' && i + 1 < cmd.size()) {
      cur += cmd[++i];
      in_word = quoted = true;
    } else if (c == '\'' || c == '"') {
      size_t end = cmd.find(c, i + 1);
      if (end == std::string_view::npos) end = cmd.size();
      cur.append(cmd.substr(i + 1, end - i - 1));
      in_word = quoted = true;
      i = end;
    } else if (c == ' ' || c == '\t') {
      flush();
    } else if (c == '\n' || c == ';' || c == '|' || c == '&' || c == '(' || c == ')') {
      // "&>" and ">&" are redirections, not separators.
      if (c == '&' && i + 1 < cmd.size() && cmd[i + 1] == '>') {
        flush();
        cur = "&>";
        in_word = true;
        ++i;
        if (i + 1 < cmd.size() && cmd[i + 1] == '>') {
          cur += '>';
          ++i;
        }
        flush();
        continue;
      }
      if (c == '&' && !cur.empty() && cur.back() == '>') {
        cur += c;  // 2>&1
        continue;
      }
      flush();
      words.emplace_back(1, c);
      literal.push_back(false);
    } else if (c == '>') {
      // A redirection operator: an fd number right before it belongs to it.
      bool fd_prefix = in_word && std::all_of(cur.begin(), cur.end(), ::isdigit);
      if (!fd_prefix) flush();
      cur = ">";
      in_word = true;
      while (i + 1 < cmd.size() && (cmd[i + 1] == '>' || cmd[i + 1] == '|')) cur += cmd[++i];
      if (i + 1 < cmd.size() && cmd[i + 1] == '&') {
        cur += cmd[++i];  // >&2: a descriptor, not a file
        in_word = true;
        continue;
      }
      flush();
    } else if (c == '<') {
      flush();
      cur = "<";
      in_word = true;
      while (i + 1 < cmd.size() && cmd[i + 1] == '<') cur += cmd[++i];
      flush();
    } else {
      cur += c;
      in_word = true;
    }
  }
  flush();

  std::vector<std::string> out;
  auto add = [&](const std::string& p) {
    if (p.empty() || p.rfind("/dev/", 0) == 0 || p[0] == '&' || p[0] == '-') return;
    if (std::find(out.begin(), out.end(), p) == out.end()) out.push_back(p);
  };
  auto is_sep = [&](size_t k) {
    const std::string& w = words[k];
    return !literal[k] &&
           (w == "|" || w == ";" || w == "&" || w == "\n" || w == "(" || w == ")");
  };
  size_t i = 0;
  while (i < words.size()) {
    // One simple command: words[i .. j).
    size_t j = i;
    while (j < words.size() && !is_sep(j)) ++j;
    std::vector<std::string> args;
    for (size_t k = i; k < j; ++k) {
      const std::string& w = words[k];
      if (literal[k] || w.empty()) {
        args.push_back(w);
      } else if (w[0] == '>' || w == "&>" || w == "&>>") {
        if (w.find('&', 1) != std::string::npos) continue;  // >&2
        if (k + 1 < j) add(words[++k]);
      } else if (w[0] == '<') {
        ++k;  // input redirection or here-doc delimiter
      } else {
        args.push_back(w);
      }
    }
    // Skip leading VAR=value assignments and wrappers.
    size_t a = 0;
    while (a < args.size() && (args[a].find('=') != std::string::npos ||
                               args[a] == "sudo" || args[a] == "env" || args[a] == "command")) {
      ++a;
    }
    if (a < args.size()) {
      std::string prog = args[a];
      if (auto slash = prog.rfind('/'); slash != std::string::npos) prog = prog.substr(slash + 1);
      if (prog == "tee") {
        for (size_t k = a + 1; k < args.size(); ++k) add(args[k]);
      } else if (prog == "sed" || prog == "perl") {
        bool in_place = false, script_seen = false;
        std::vector<std::string> files;
        for (size_t k = a + 1; k < args.size(); ++k) {
          const std::string& w = args[k];
          if (w.rfind("-i", 0) == 0 || w == "--in-place" || w.rfind("--in-place=", 0) == 0 ||
              (prog == "perl" && w.size() > 1 && w[0] == '-' && w.find('i') != std::string::npos &&
               w.find('e') == std::string::npos)) {
            in_place = true;
          } else if (w == "-e" || w == "-f" || w == "--expression") {
            script_seen = true;
            ++k;
          } else if (!w.empty() && w[0] == '-') {
            // other option
          } else if (!script_seen) {
            script_seen = true;
          } else {
            files.push_back(w);
          }
        }
        if (in_place) {
          for (auto& f : files) add(f);
        }
      } else if ((prog == "cp" || prog == "install") && args.size() >= a + 3) {
        add(args.back());
      }
    }
    i = j + 1;
  }
  return out;
}

}  // namespace custody
