// custody record: a manual generation checkpoint.
#include "cli/cli.h"

namespace custody::cli {

void RegisterRecord(CLI::App& app, Globals& g, Action& action) {
  auto* cmd = app.add_subcommand(
      "record",
      "Record a generation checkpoint by hand (for tools without hooks): which agent and\n"
      "model wrote which files, from which prompt, under which constraints. Signs it,\n"
      "appends it to the ledger and prints its id (the checkpoint id).");
  auto req = std::make_shared<RecordRequest>();
  auto prompt = std::make_shared<std::string>();
  auto prompt_file = std::make_shared<std::string>();
  cmd->add_option("--agent", req->agent, "Agent or tool, e.g. claude-code, cursor, aider")->required();
  cmd->add_option("--agent-version", req->agent_version, "Version of the agent");
  cmd->add_option("--model", req->model, "Model, e.g. claude-sonnet-4-5")->required();
  cmd->add_option("--model-version", req->model_version, "Model version or snapshot date");
  cmd->add_option("--session", req->session_id, "Agent session id");
  auto* p = cmd->add_option("--prompt", *prompt,
                            "The prompt (kept per policy: salted digest, or encrypted text)");
  auto* pf = cmd->add_option("--prompt-file", *prompt_file, "Read the prompt from a file ('-' = stdin)");
  p->excludes(pf);
  cmd->add_option("--constraint", req->constraints,
                  "A constraint the generation was under, e.g. \"use bcrypt\" (repeatable)");
  cmd->add_option("--file", req->files, "A file the agent wrote (repeatable)");
  cmd->callback([&g, &action, req, prompt, prompt_file, p, pf] {
    action = [&g, req, prompt, prompt_file, p, pf]() -> Result<ExitCode> {
      CUSTODY_ASSIGN_OR_RETURN(auto project, OpenProject(g));
      if (p->count() > 0) {
        req->prompt = *prompt;
      } else if (pf->count() > 0) {
        if (*prompt_file == "-") {
          std::string text((std::istreambuf_iterator<char>(std::cin)),
                           std::istreambuf_iterator<char>());
          req->prompt = text;
        } else {
          CUSTODY_ASSIGN_OR_RETURN(std::string text, project->env().ReadFile(*prompt_file));
          req->prompt = text;
        }
      }
      CUSTODY_ASSIGN_OR_RETURN(AppendedEntry e, project->RecordGeneration(*req, WorkingDir(g)));
      Out(e.id);
      if (!g.quiet) Err("recorded generation checkpoint as ledger entry #" + std::to_string(e.index));
      return ExitCode::kOk;
    };
  });
}

}  // namespace custody::cli
