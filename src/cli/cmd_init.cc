// custody init: policy template, signing key, ledger, git configuration;
// with --agents the agent and git hooks, with --uninstall their removal.
#include <sstream>

#include "cli/cli.h"
#include "custody/capture.h"
#include "custody/policy.h"

namespace custody::cli {

void RegisterInit(CLI::App& app, Globals& g, Action& action) {
  auto* cmd = app.add_subcommand(
      "init",
      "Set custody up in this repository: .custody/policy.toml, a signing key (private half\n"
      "outside the repository, public half in .custody/keys/), the ledger in the git dir,\n"
      "and git config so notes on refs/notes/custody follow amend and rebase. Safe to rerun.");
  auto opts = std::make_shared<InitOptions>();
  auto role = std::make_shared<std::string>("developer");
  auto no_key = std::make_shared<bool>(false);
  cmd->add_option("--key-name", opts->key_name,
                  "Name of the key to create (default: from git user.name)");
  cmd->add_option("--role", *role, "Role of that key")
      ->check(CLI::IsMember({"developer", "reviewer", "ci", "deployer", "auditor"}));
  cmd->add_flag("--no-key", *no_key, "Do not create or configure a signing key");
  auto agents = std::make_shared<std::string>();
  auto uninstall = std::make_shared<bool>(false);
  auto no_adopt = std::make_shared<bool>(false);
  cmd->add_flag("--no-adopt", *no_adopt,
                "Do not record the policy as a signed policy event (see custody policy adopt)");
  cmd->add_option("--agents", *agents,
                  "Also install hooks for these agents (comma-separated: claude,cursor,codex,\n"
                  "gemini) and the git hooks pre-commit (custody check --staged), post-commit\n"
                  "and post-rewrite; existing hook configuration is merged into, never replaced");
  auto pre_push = std::make_shared<bool>(false);
  cmd->add_flag("--pre-push", *pre_push,
                "With --agents: also install a pre-push hook that runs custody gate on what is pushed");
  cmd->add_flag("--uninstall", *uninstall,
                "Remove exactly the hooks --agents added (user hooks are left as they were)");
  cmd->callback([&g, &action, opts, role, no_key, agents, uninstall, no_adopt, pre_push] {
    action = [&g, opts, role, no_key, agents, uninstall, no_adopt, pre_push]() -> Result<ExitCode> {
      auto print = [](const HookInstallReport& h) {
        for (const auto& c : h.created) Out("created  " + c);
        for (const auto& c : h.changed) Out("merged   " + c);
        for (const auto& k : h.kept) Out("kept     " + k);
        for (const auto& r : h.removed) Out("removed  " + r);
        for (const auto& n : h.notes) Out("note     " + n);
      };
      if (*uninstall) {
        CUSTODY_ASSIGN_OR_RETURN(auto project, OpenProject(g));
        CUSTODY_ASSIGN_OR_RETURN(HookInstallReport h, UninstallAgentHooks(*project));
        print(h);
        return ExitCode::kOk;
      }
      CUSTODY_ASSIGN_OR_RETURN(opts->role, ParseRole(*role));
      opts->generate_key = !*no_key;
      CUSTODY_ASSIGN_OR_RETURN(auto project, OpenProject(g));
      CUSTODY_ASSIGN_OR_RETURN(InitReport r, project->Init(*opts));
      if (!agents->empty()) {
        std::vector<std::string> list;
        std::stringstream ss(*agents);
        for (std::string a; std::getline(ss, a, ',');) {
          if (!a.empty()) list.push_back(a);
        }
        CUSTODY_ASSIGN_OR_RETURN(HookInstallReport h, InstallAgentHooks(*project, list, "custody",
                                                                            *pre_push ? std::vector<std::string>{"pre-push"}
                                                                                      : std::vector<std::string>{}));
        print(h);
      }
      for (const auto& c : r.created) Out("created  " + c);
      for (const auto& k : r.kept) Out("kept     " + k);
      // The policy in force is a signed event; rerunning init records
      // nothing new unless the file changed. Without a signing key (CI
      // clones, --no-key) it is left for `custody policy adopt`.
      if (!*no_adopt) {
        auto adopted = AdoptPolicy(*project);
        if (adopted.ok()) {
          Out(std::string(adopted->recorded ? "adopted  " : "kept     ") + "policy sha256:" +
              adopted->sha256.substr(0, 12) + " (ledger entry #" +
              std::to_string(adopted->entry.index) + ")");
        } else if (adopted.status().code() == Code::kNotFound ||
                   adopted.status().code() == Code::kPermissionDenied) {
          Out("note     policy not adopted: " + adopted.status().message() +
              " (run custody policy adopt)");
        } else {
          return adopted.status();
        }
      }
      if (r.key) {
        Out("key " + r.key->trusted.name + " (" + std::string(RoleName(r.key->trusted.role)) +
            ") keyid " + r.key->trusted.key.key_id());
        Out("commit .custody/ so others trust this key; keep " + r.key->private_key_path +
            " private.");
      }
      return ExitCode::kOk;
    };
  });
}

}  // namespace custody::cli
