// custody init: policy template, signing key, ledger, git configuration.
#include "cli/cli.h"

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
  cmd->callback([&g, &action, opts, role, no_key] {
    action = [&g, opts, role, no_key]() -> Result<ExitCode> {
      CUSTODY_ASSIGN_OR_RETURN(opts->role, ParseRole(*role));
      opts->generate_key = !*no_key;
      CUSTODY_ASSIGN_OR_RETURN(auto project, OpenProject(g));
      CUSTODY_ASSIGN_OR_RETURN(InitReport r, project->Init(*opts));
      for (const auto& c : r.created) Out("created  " + c);
      for (const auto& k : r.kept) Out("kept     " + k);
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
