// Shared plumbing of the CLI front end: the global options, the way each
// verb registers itself, and output helpers. Only public headers are
// included; the library does the work and the CLI prints.
#ifndef CUSTODY_CLI_CLI_H_
#define CUSTODY_CLI_CLI_H_

#include <CLI/CLI.hpp>
#include <nlohmann/json.hpp>

#include <functional>
#include <memory>
#include <string>

#include "custody/env.h"
#include "custody/exit_code.h"
#include "custody/project.h"
#include "custody/status.h"

namespace custody::cli {

struct Globals {
  std::string dir;  // -C: run as if started in this directory
  bool quiet = false;
};

// A verb's body; returns the process exit code. Errors are returned as a
// Status and printed once by main (STYLE.md rule 17).
using Action = std::function<Result<ExitCode>()>;

// Each cmd_<verb>.cc defines one of these; main.cc wires them.
void RegisterInit(CLI::App& app, Globals& g, Action& action);
void RegisterKeys(CLI::App& app, Globals& g, Action& action);
void RegisterRecord(CLI::App& app, Globals& g, Action& action);
void RegisterLog(CLI::App& app, Globals& g, Action& action);
void RegisterShow(CLI::App& app, Globals& g, Action& action);
void RegisterVerify(CLI::App& app, Globals& g, Action& action);
void RegisterHook(CLI::App& app, Globals& g, Action& action);
// Attribution verbs (cmd_attribute.cc, cmd_blame.cc, cmd_stats.cc).
void RegisterAttribute(CLI::App& app, Globals& g, Action& action);
void RegisterBlame(CLI::App& app, Globals& g, Action& action);
void RegisterStats(CLI::App& app, Globals& g, Action& action);
void RegisterGaps(CLI::App& app, Globals& g, Action& action);
void RegisterInterop(CLI::App& app, Globals& g, Action& action);
void RegisterScan(CLI::App& app, Globals& g, Action& action);
void RegisterRegistry(CLI::App& app, Globals& g, Action& action);
void RegisterCorpus(CLI::App& app, Globals& g, Action& action);
void RegisterSbom(CLI::App& app, Globals& g, Action& action);
// Dependency listing and diff (cmd_deps.cc).
void RegisterDeps(CLI::App& app, Globals& g, Action& action);
void RegisterPolicy(CLI::App& app, Globals& g, Action& action);
void RegisterLicense(CLI::App& app, Globals& g, Action& action);
void RegisterOsv(CLI::App& app, Globals& g, Action& action);
// Governance verbs (cmd_check.cc, cmd_override.cc, cmd_review.cc,
// cmd_gate.cc, cmd_deploy.cc).
void RegisterCheck(CLI::App& app, Globals& g, Action& action);
void RegisterOverride(CLI::App& app, Globals& g, Action& action);
void RegisterReview(CLI::App& app, Globals& g, Action& action);
void RegisterGate(CLI::App& app, Globals& g, Action& action);
void RegisterDeploy(CLI::App& app, Globals& g, Action& action);

// The directory commands run in (-C or the process's cwd).
std::string WorkingDir(const Globals& g);
// Opens the project around WorkingDir(g).
Result<std::unique_ptr<Project>> OpenProject(const Globals& g);

// The statement inside a stored entry's envelope (not verified: callers
// that need trust check signatures separately).
Result<Statement> DecodeEntry(const StoredEntry& e);
// A one-line summary of a statement for listings.
std::string Summarize(const Statement& st);

// `line` with control bytes written as \xNN (outside input must not drive
// the terminal).
std::string Printable(std::string_view line);
// Prints JSON to stdout (indent < 0: one line). JSON escapes control bytes
// itself; invalid UTF-8 is replaced rather than thrown on.
void OutJson(const nlohmann::json& j, int indent = 2);
// Prints a line to stdout / stderr, through Printable().
void Out(const std::string& line);
void Err(const std::string& line);

}  // namespace custody::cli

#endif  // CUSTODY_CLI_CLI_H_
