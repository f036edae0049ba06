// custody log: list ledger entries, filtered.
#include <nlohmann/json.hpp>

#include "cli/cli.h"
#include "custody/time.h"

namespace custody::cli {

void RegisterLog(CLI::App& app, Globals& g, Action& action) {
  auto* cmd = app.add_subcommand("log", "List ledger entries (oldest first)");
  auto kind = std::make_shared<std::string>();
  auto since = std::make_shared<std::string>();
  auto commit = std::make_shared<std::string>();
  auto file = std::make_shared<std::string>();
  auto limit = std::make_shared<uint64_t>(0);
  auto json = std::make_shared<bool>(false);
  cmd->add_option("--kind", *kind,
                  "Only this kind: generation, attribution, validation, review, deployment, ...");
  cmd->add_option("--since", *since, "Only entries recorded since: 2026-11-01, RFC 3339, or 2h/7d");
  cmd->add_option("--commit", *commit, "Only entries about this commit (any revision git knows)");
  cmd->add_option("--file", *file, "Only entries naming this repository path");
  cmd->add_option("-n,--limit", *limit, "At most N entries");
  cmd->add_flag("--json", *json, "Print JSON Lines, one object per entry");
  cmd->callback([&g, &action, kind, since, commit, file, limit, json] {
    action = [&g, kind, since, commit, file, limit, json]() -> Result<ExitCode> {
      CUSTODY_ASSIGN_OR_RETURN(auto project, OpenProject(g));
      EntryQuery q;
      if (!kind->empty()) q.kind = *kind;
      if (!since->empty()) {
        CUSTODY_ASSIGN_OR_RETURN(q.since, ParseSince(*since, project->env().NowUnixNanos()));
      }
      if (!commit->empty()) {
        CUSTODY_ASSIGN_OR_RETURN(q.commit, project->repo().ResolveCommit(*commit));
      }
      if (!file->empty()) {
        CUSTODY_ASSIGN_OR_RETURN(q.file, project->RelativePath(*file, WorkingDir(g)));
      }
      q.limit = *limit;
      CUSTODY_ASSIGN_OR_RETURN(Store * store, project->GetStore());
      CUSTODY_ASSIGN_OR_RETURN(auto entries, store->Query(q));
      for (const auto& e : entries) {
        auto st = DecodeEntry(e);
        if (*json) {
          nlohmann::json j = {{"index", e.index},
                              {"id", e.id},
                              {"kind", e.kind},
                              {"predicateType", e.predicate_type},
                              {"recordedAt", FormatRfc3339(e.recorded_at)},
                              {"signer", e.signer},
                              {"commits", e.commits},
                              {"files", e.files}};
          if (st.ok()) j["summary"] = Summarize(*st);
          OutJson(j, -1);
        } else {
          std::string k = e.kind;
          k.resize(std::max<size_t>(k.size(), 12), ' ');
          std::string t = FormatRfc3339(e.recorded_at - e.recorded_at % 1'000'000'000);
          Out("#" + std::to_string(e.index) + "  " + e.id.substr(0, 12) + "  " + k + "  " + t +
              "  " + (st.ok() ? Summarize(*st) : "(undecodable: " + st.status().message() + ")"));
        }
      }
      return ExitCode::kOk;
    };
  });
}

}  // namespace custody::cli
