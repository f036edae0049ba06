// custody hook AGENT [EVENT]: the command agents' hook configurations run.
// Reads the payload on stdin and answers in the agent's own protocol; the
// library never fails the agent (capture.h RunHook).
#include <iostream>
#include <iterator>

#include "cli/cli.h"
#include "custody/capture.h"
#include "custody/secret_redactor.h"

namespace custody::cli {

void RegisterHook(CLI::App& app, Globals& g, Action& action) {
  auto* cmd = app.add_subcommand(
      "hook",
      "Record one agent hook event (run by the hooks `custody init --agents` installs).\n"
      "Reads the agent's JSON payload on stdin. Exit 0 unless a forbid_ai constraint\n"
      "refuses the edit (exit 2, or Cursor's deny JSON).");
  auto agent = std::make_shared<std::string>();
  auto event = std::make_shared<std::string>();
  cmd->add_option("AGENT", *agent, "claude, cursor, codex or gemini")
      ->required();  // an unknown agent is a gap with exit 0, not a usage error
  cmd->add_option("EVENT", *event, "Event name, when the payload does not carry one");
  cmd->callback([&g, &action, agent, event] {
    action = [&g, agent, event]() -> Result<ExitCode> {
      std::string payload;
      try {
        payload.assign(std::istreambuf_iterator<char>(std::cin), std::istreambuf_iterator<char>());
      } catch (const std::exception&) {
        payload.clear();  // unreadable stdin is an unparseable payload: a gap
      }
      HookOutcome o;
      try {
        // Prompts kept "redacted" lose their secrets to the scanner's rules.
        auto redactor = [] { return NewSecretScannerRedactor(DefaultScanCacheDir()); };
        o = RunHook(Env::Default(), *agent, *event, payload, WorkingDir(g), redactor);
      } catch (const std::exception& e) {
        // Last line of defence (e.g. out of memory): never fail the agent.
        o = HookOutcome{0, "", std::string("custody: hook not recorded: ") + e.what() + "\n"};
      }
      // Agent protocols: stdout carries only the response JSON.
      std::cout << o.stdout_text << std::flush;
      size_t pos = 0;
      while (pos < o.stderr_text.size()) {
        size_t nl = o.stderr_text.find('\n', pos);
        if (nl == std::string::npos) nl = o.stderr_text.size();
        Err(o.stderr_text.substr(pos, nl - pos));
        pos = nl + 1;
      }
      return static_cast<ExitCode>(o.exit_code);
    };
  });
}

}  // namespace custody::cli
