// custody log: list ledger entries, filtered.
#include <algorithm>

#include <nlohmann/json.hpp>

#include "cli/cli.h"
#include "custody/hash.h"
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
      q.limit = q.commit ? 0 : *limit;
      CUSTODY_ASSIGN_OR_RETURN(Store * store, project->GetStore());
      CUSTODY_ASSIGN_OR_RETURN(auto entries, store->Query(q));
      if (q.commit) {
        // Amend and rebase move a commit's note to the new commit, but the
        // signed subject (and so the index) keeps the old id: the envelopes
        // in the commit's note are about it too.
        CUSTODY_ASSIGN_OR_RETURN(auto lines, project->repo().ReadNoteLines(kNotesRef, *q.commit));
        for (const auto& line : lines) {
          auto e = store->FindEntry(Sha256Hex(line));
          if (!e.ok()) continue;  // written on another machine: not in this ledger
          bool keep = (!q.kind || e->kind == *q.kind) && (!q.since || e->recorded_at >= *q.since) &&
                      (!q.file || std::find(e->files.begin(), e->files.end(), *q.file) !=
                                      e->files.end());
          if (keep) entries.push_back(std::move(e).value());
        }
        std::sort(entries.begin(), entries.end(),
                  [](const StoredEntry& a, const StoredEntry& b) { return a.index < b.index; });
        entries.erase(std::unique(entries.begin(), entries.end(),
                                  [](const StoredEntry& a, const StoredEntry& b) {
                                    return a.index == b.index;
                                  }),
                      entries.end());
        if (*limit > 0 && entries.size() > *limit) entries.resize(*limit);
      }
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
