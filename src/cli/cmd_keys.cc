// custody keys generate | list
#include <nlohmann/json.hpp>

#include "cli/cli.h"
#include "custody/checkpoint.h"
#include "custody/keys.h"

namespace custody::cli {

void RegisterKeys(CLI::App& app, Globals& g, Action& action) {
  auto* keys = app.add_subcommand("keys", "Manage signing keys and the trusted keys of the repository");
  keys->require_subcommand(1);

  auto* gen = keys->add_subcommand(
      "generate",
      "Create an Ed25519 key: the private half (mode 0600) in $CUSTODY_KEY_DIR or\n"
      "~/.config/custody/keys/, the public half with its role in .custody/keys/NAME.pub.");
  auto name = std::make_shared<std::string>();
  auto role = std::make_shared<std::string>();
  auto use = std::make_shared<bool>(false);
  gen->add_option("--name", *name, "Key name: letters, digits, . _ - (max 64)")->required();
  gen->add_option("--role", *role, "What the key may sign for")
      ->required()
      ->check(CLI::IsMember({"developer", "reviewer", "ci", "deployer", "auditor"}));
  gen->add_flag("--use", *use, "Also make it this repository's signing key (git config custody.signingKey)");
  gen->callback([&g, &action, name, role, use] {
    action = [&g, name, role, use]() -> Result<ExitCode> {
      CUSTODY_ASSIGN_OR_RETURN(Role r, ParseRole(*role));
      CUSTODY_ASSIGN_OR_RETURN(auto project, OpenProject(g));
      Env& env = project->env();
      CUSTODY_RETURN_IF_ERROR(env.CreateDirs(project->paths().keys_dir));
      CUSTODY_ASSIGN_OR_RETURN(GeneratedKey k, GenerateKey(env, project->paths().keys_dir,
                                                           DefaultPrivateKeyDir(env), *name, r));
      Out("created  " + k.trusted.path);
      Out("created  " + k.private_key_path + " (private key, mode 0600)");
      Out("keyid    " + k.trusted.key.key_id());
      if (*use) {
        CUSTODY_RETURN_IF_ERROR(project->repo().SetConfig("custody.signingKey", k.private_key_path));
        Out("set      git config custody.signingKey=" + k.private_key_path);
      }
      return ExitCode::kOk;
    };
  });

  auto* list = keys->add_subcommand("list", "List the trusted keys in .custody/keys/");
  auto json = std::make_shared<bool>(false);
  list->add_flag("--json", *json, "Print JSON");
  list->callback([&g, &action, json] {
    action = [&g, json]() -> Result<ExitCode> {
      CUSTODY_ASSIGN_OR_RETURN(auto project, OpenProject(g));
      CUSTODY_ASSIGN_OR_RETURN(Keyring ring, project->LoadKeyring());
      std::string mine;
      if (auto id = project->LoadSigningIdentity(ring); id.ok()) mine = id->trusted.key.key_id();
      nlohmann::json arr = nlohmann::json::array();
      for (const TrustedKey& k : ring) {
        if (*json) {
          arr.push_back({{"name", k.name},
                         {"role", RoleName(k.role)},
                         {"keyid", k.key.key_id()},
                         {"created", k.created},
                         {"path", k.path},
                         // For C2SP tools checking our checkpoints.
                         {"noteVerifierKey", VerifierKey(k.name, k.key)},
                         {"signing", k.key.key_id() == mine}});
        } else {
          std::string line = (k.key.key_id() == mine ? "* " : "  ") + k.name;
          line.resize(std::max<size_t>(line.size() + 1, 20), ' ');
          std::string role(RoleName(k.role));
          role.resize(10, ' ');
          Out(line + role + k.key.key_id() + "  " + k.created);
        }
      }
      if (*json) {
        OutJson(arr);
      } else if (ring.empty()) {
        Err("no trusted keys in " + project->paths().keys_dir + " (run custody init)");
      }
      return ExitCode::kOk;
    };
  });
}

}  // namespace custody::cli
