// custody: the command-line front end. Parses arguments, runs one verb,
// prints its error once and maps it to an exit code.
#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <iostream>

#include "cli/cli.h"
#include "custody/dsse.h"
#include "custody/statement.h"

namespace custody::cli {

std::string WorkingDir(const Globals& g) {
  std::error_code ec;
  if (!g.dir.empty()) return std::filesystem::absolute(g.dir, ec).string();
  return std::filesystem::current_path(ec).string();
}

Result<std::unique_ptr<Project>> OpenProject(const Globals& g) {
  return Project::Open(Env::Default(), WorkingDir(g));
}

Result<Statement> DecodeEntry(const StoredEntry& e) {
  CUSTODY_ASSIGN_OR_RETURN(Envelope env, ParseEnvelope(e.envelope));
  return ParseStatement(env.payload);
}

std::string Summarize(const Statement& st) {
  std::string out;
  const auto& p = st.predicate;
  if (p.is_object()) {
    auto str = [&](const char* obj, const char* field) -> std::string {
      auto it = p.find(obj);
      if (it == p.end() || !it->is_object()) return "";
      auto f = it->find(field);
      return f != it->end() && f->is_string() ? f->get<std::string>() : "";
    };
    std::string agent = str("agent", "name"), model = str("model", "name");
    if (!agent.empty() || !model.empty()) out = agent + "/" + model + "  ";
    if (KindOfPredicateType(st.predicate_type) == "policy") {
      // A policy event: "adopt" or "change", and the digest now in force.
      auto a = p.find("action");
      out = (a != p.end() && a->is_string() ? a->get<std::string>() : std::string("?")) +
            " policy sha256:" +
            (st.subject.empty() ? std::string() : st.subject[0].digest.count("sha256")
                                                      ? st.subject[0].digest.at("sha256").substr(0, 12)
                                                      : std::string()) +
            "  ";
    }
  }
  std::string subjects;
  for (size_t i = 0; i < st.subject.size() && i < 3; ++i) {
    if (!subjects.empty()) subjects += ", ";
    const auto& s = st.subject[i];
    auto commit = s.digest.find("gitCommit");
    subjects += commit != s.digest.end() ? "commit " + commit->second.substr(0, 10) : s.name;
  }
  if (st.subject.size() > 3) subjects += ", +" + std::to_string(st.subject.size() - 3) + " more";
  return out + subjects;
}

// Ledger contents are outside input: an agent or model name could carry
// terminal escape sequences. Control bytes are printed as \xNN.
std::string Printable(std::string_view line) {
  std::string out;
  out.reserve(line.size());
  for (char c : line) {
    auto u = static_cast<unsigned char>(c);
    if (u < 0x20 || u == 0x7f) {
      char buf[5];
      std::snprintf(buf, sizeof buf, "\\x%02x", u);
      out += buf;
    } else {
      out += c;
    }
  }
  return out;
}

void OutJson(const nlohmann::json& j, int indent) {
  std::cout << j.dump(indent, ' ', false, nlohmann::json::error_handler_t::replace) << '\n';
}

void Out(const std::string& line) { std::cout << Printable(line) << '\n'; }
void Err(const std::string& line) { std::cerr << Printable(line) << '\n'; }

}  // namespace custody::cli

int main(int argc, char** argv) {
  using namespace custody;
  using namespace custody::cli;
  CLI::App app{
      "custody keeps the chain of custody of AI-generated code: signed, tamper-evident\n"
      "evidence of which agent and model wrote what, under which constraints.\n\n"
      "Start with `custody init` inside a git repository. Exit codes: 0 ok, 1 verification\n"
      "failed, 2 usage, 3 invalid input, 4 corrupt data, 5 not found, 6 permission/untrusted\n"
      "key, 7 I/O or locked, 70 internal error (docs/formats.md).",
      "custody"};
  app.set_version_flag("--version", std::string("custody ") + std::string(kVersion));
  app.require_subcommand(1);
  app.fallthrough();  // global flags (-q, -C) may also follow the verb
  Globals g;
  app.add_option("-C", g.dir, "Run as if custody was started in DIR")->option_text("DIR");
  app.add_flag("-q,--quiet", g.quiet, "Print less (no progress)");
  Action action;
  RegisterInit(app, g, action);
  RegisterKeys(app, g, action);
  RegisterRecord(app, g, action);
  RegisterLog(app, g, action);
  RegisterShow(app, g, action);
  RegisterVerify(app, g, action);
  RegisterHook(app, g, action);
  RegisterAttribute(app, g, action);
  RegisterBlame(app, g, action);
  RegisterStats(app, g, action);
  RegisterGaps(app, g, action);
  RegisterInterop(app, g, action);
  RegisterScan(app, g, action);
  RegisterRegistry(app, g, action);
  RegisterCorpus(app, g, action);
  RegisterSbom(app, g, action);
  RegisterDeps(app, g, action);
  RegisterPolicy(app, g, action);
  RegisterLicense(app, g, action);
  RegisterOsv(app, g, action);
  RegisterCheck(app, g, action);
  RegisterOverride(app, g, action);
  RegisterReview(app, g, action);
  RegisterGate(app, g, action);
  RegisterDeploy(app, g, action);
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    if (e.get_exit_code() == 0) return app.exit(e);  // --help, --version
    // Usage errors follow the one-line "custody: ..." form of every other
    // error, and point at the help of the verb that was being parsed.
    const CLI::App* at = &app;
    std::string verb = "custody";
    while (!at->get_subcommands().empty()) {
      at = at->get_subcommands().front();
      verb += " " + at->get_name();
    }
    std::string what = e.what();
    // With fallthrough an unknown word may be left on the parent, so look
    // at every level.
    std::vector<std::string> rest = app.remaining(/*recurse=*/true);
    if (at->get_require_subcommand_min() > 0 && !rest.empty()) {
      what = rest.front() + ": not a " + verb + " command";  // `custody frob`
    }
    std::fflush(stdout);
    std::cerr << "custody: " << what << " (see " << verb << " --help)\n";
    return static_cast<int>(ExitCode::kUsage);
  }
  if (!action) return static_cast<int>(ExitCode::kUsage);
  Result<ExitCode> r = action();
  if (!r.ok()) {
    std::fflush(stdout);
    std::cerr << "custody: " << Printable(r.status().ToString()) << '\n';
    return static_cast<int>(ExitCodeFor(r.status()));
  }
  return static_cast<int>(*r);
}
