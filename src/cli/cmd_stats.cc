// custody stats [RANGE]: the AI share of the lines commits added, by agent,
// model, author and path. custody gaps: what custody saw but could not record.
#include <map>
#include <set>

#include "cli/attribution_cli.h"
#include "cli/cli.h"
#include "custody/attribution.h"
#include "custody/time.h"
#include "custody/working_log.h"

namespace custody::cli {
namespace {

nlohmann::json CountsJson(const LineCounts& c) {
  double share = c.Attributed() > 0 ? static_cast<double>(c.AiTotal()) /
                                          static_cast<double>(c.Attributed())
                                    : 0.0;
  return {{"ai", c.ai},         {"aiEdited", c.ai_edited}, {"aiUnverified", c.ai_unverified},
          {"human", c.human},   {"blank", c.blank},        {"aiShare", share}};
}

std::string Percent(const LineCounts& c) {
  if (c.Attributed() == 0) return "  -  ";
  char buf[16];
  std::snprintf(buf, sizeof buf, "%5.1f%%",
                100.0 * static_cast<double>(c.AiTotal()) / static_cast<double>(c.Attributed()));
  return buf;
}

void PrintTable(const std::string& title, const std::map<std::string, LineCounts>& m) {
  if (m.empty()) return;
  Out(title);
  for (const auto& [k, c] : m) {
    Out("  " + Percent(c) + "  ai " + std::to_string(c.ai) + "  ai-edited " +
        std::to_string(c.ai_edited) + "  ai-unverified " + std::to_string(c.ai_unverified) +
        "  human " + std::to_string(c.human) + "  " + k);
  }
}

}  // namespace

void RegisterStats(CLI::App& app, Globals& g, Action& action) {
  auto* cmd = app.add_subcommand(
      "stats",
      "AI share of the lines added by the commits in RANGE (default: all of HEAD's history),\n"
      "by agent, model, author and path, from each commit's attribution. Merge commits are\n"
      "skipped; commits without attribution are counted and reported (see custody gaps).");
  auto range = std::make_shared<std::string>();
  auto json = std::make_shared<bool>(false);
  cmd->add_option("RANGE", *range, "A..B or a revision (default HEAD)");
  cmd->add_flag("--json", *json, "Print JSON");
  cmd->callback([&g, &action, range, json] {
    action = [&g, range, json]() -> Result<ExitCode> {
      CUSTODY_ASSIGN_OR_RETURN(auto project, OpenProject(g));
      Repo& repo = project->repo();
      CUSTODY_ASSIGN_OR_RETURN(Keyring keyring, project->LoadKeyring());
      CUSTODY_ASSIGN_OR_RETURN(auto head, repo.HeadCommit());
      std::vector<std::string> commits;
      if (head || !range->empty()) {
        CUSTODY_ASSIGN_OR_RETURN(commits, repo.RevList(range->empty() ? "HEAD" : *range));
      }
      LineCounts total;
      std::map<std::string, LineCounts> by_agent, by_model, by_author, by_path;
      std::vector<std::string> unattributed;
      std::set<std::string> warnings;
      int64_t attributed_commits = 0, merges = 0, unattributed_lines = 0;
      for (const auto& c : commits) {
        CUSTODY_ASSIGN_OR_RETURN(CommitInfo info, repo.GetCommit(c));
        if (info.parents.size() > 1) {
          ++merges;
          continue;
        }
        CUSTODY_ASSIGN_OR_RETURN(StoredAttribution s, ReadAttribution(repo, keyring, c));
        for (const auto& w : s.warnings) warnings.insert(w);
        if (!s.latest) {
          unattributed.push_back(c);
          CUSTODY_ASSIGN_OR_RETURN(auto diff, repo.DiffCommit(c, ""));
          for (const auto& f : diff) {
            for (const auto& h : f.hunks) {
              for (const auto& l : h.added) unattributed_lines += !NormaliseLine(l.text).empty();
            }
          }
          continue;
        }
        ++attributed_commits;
        const Attribution& a = *s.latest;
        LineCounts t = a.Totals();
        total.Add(t);
        by_author[info.author.name + " <" + info.author.email + ">"].Add(t);
        for (const auto& f : a.files) by_path[f.path].Add(f.counts);
        // Per agent and model: AI lines through their checkpoints, unverified
        // lines through the agent the commit names, human lines under "human".
        for (const auto& [id, ck] : a.checkpoints) {
          LineCounts x;
          x.ai = ck.counts.ai;
          x.ai_edited = ck.counts.ai_edited;
          by_agent[ck.agent.empty() ? "(unknown agent)" : ck.agent].Add(x);
          by_model[ck.model.empty() ? "(unknown model)" : ck.model].Add(x);
        }
        if (t.ai_unverified > 0) {
          LineCounts x;
          x.ai_unverified = t.ai_unverified;
          std::string name = a.unverified ? a.unverified->name : "(unknown agent)";
          by_agent[name + " (unverified)"].Add(x);
          by_model["(unknown model)"].Add(x);
        }
      }
      std::vector<Gap> gaps;
      if (auto r = ReadGaps(&project->env(), GapsPath(*project)); r.ok()) gaps = std::move(*r);
      std::set<std::string> un(unattributed.begin(), unattributed.end());
      int64_t gap_commits = 0;
      for (const auto& gp : gaps) gap_commits += un.count(gp.commit) ? 1 : 0;

      for (const auto& w : warnings) Err("custody: warning: " + w);
      if (!unattributed.empty()) {
        Err("custody: warning: " + std::to_string(unattributed.size()) +
            " commit(s) in range have no attribution (" + std::to_string(unattributed_lines) +
            " added lines not counted" +
            (gap_commits > 0 ? "; " + std::to_string(gap_commits) +
                                   " recorded as gaps, see custody gaps"
                             : "; run custody attribute RANGE") +
            ")");
      }
      if (*json) {
        nlohmann::json out;
        out["commits"] = {{"total", commits.size()},
                          {"attributed", attributed_commits},
                          {"merges", merges},
                          {"unattributed", unattributed}};
        out["unattributedLines"] = unattributed_lines;
        out["gaps"] = gap_commits;
        out["total"] = CountsJson(total);
        for (auto [name, m] : {std::pair{"byAgent", &by_agent}, {"byModel", &by_model},
                               {"byAuthor", &by_author}, {"byPath", &by_path}}) {
          out[name] = nlohmann::json::object();
          for (const auto& [k, c] : *m) out[name][k] = CountsJson(c);
        }
        OutJson(out);
        return ExitCode::kOk;
      }
      Out(std::to_string(commits.size()) + " commits (" + std::to_string(attributed_commits) +
          " attributed, " + std::to_string(unattributed.size()) + " without attribution, " +
          std::to_string(merges) + " merges skipped)");
      Out("AI share " + Percent(total) + " of " + std::to_string(total.Attributed()) +
          " added lines: ai " + std::to_string(total.ai) + ", ai-edited " +
          std::to_string(total.ai_edited) + ", ai-unverified " +
          std::to_string(total.ai_unverified) + ", human " + std::to_string(total.human));
      PrintTable("by agent:", by_agent);
      PrintTable("by model:", by_model);
      PrintTable("by author:", by_author);
      PrintTable("by path:", by_path);
      return ExitCode::kOk;
    };
  });
}

void RegisterGaps(CLI::App& app, Globals& g, Action& action) {
  auto* cmd = app.add_subcommand(
      "gaps",
      "List what custody saw but could not record (a hook that failed, a payload it could\n"
      "not parse), oldest first. A gap about a commit shows whether the commit has an\n"
      "attribution by now (after custody attribute COMMIT). Exit 1 when a gap is open.");
  auto json = std::make_shared<bool>(false);
  cmd->add_flag("--json", *json, "Print JSON");
  cmd->callback([&g, &action, json] {
    action = [&g, json]() -> Result<ExitCode> {
      CUSTODY_ASSIGN_OR_RETURN(auto project, OpenProject(g));
      CUSTODY_ASSIGN_OR_RETURN(Keyring keyring, project->LoadKeyring());
      CUSTODY_ASSIGN_OR_RETURN(std::vector<Gap> gaps, ReadGaps(&project->env(), GapsPath(*project)));
      nlohmann::json out = nlohmann::json::array();
      bool open = false;
      for (const auto& gp : gaps) {
        std::string state = "open";
        if (!gp.commit.empty()) {
          auto s = ReadAttribution(project->repo(), keyring, gp.commit);
          if (s.ok() && s->latest) state = "resolved";
        }
        open = open || state == "open";
        if (*json) {
          nlohmann::json x = {{"time", FormatRfc3339(gp.time_unix_nanos)},
                              {"source", gp.source},
                              {"reason", gp.reason},
                              {"state", state}};
          if (!gp.commit.empty()) x["commit"] = gp.commit;
          if (!gp.path.empty()) x["path"] = gp.path;
          out.push_back(std::move(x));
        } else {
          Out(FormatRfc3339(gp.time_unix_nanos) + "  " + state + "  " + gp.source +
              (gp.commit.empty() ? "" : "  commit " + gp.commit.substr(0, 12)) +
              (gp.path.empty() ? "" : "  " + gp.path) + "  " + gp.reason);
        }
      }
      if (*json) OutJson(out);
      if (!*json && gaps.empty() && !g.quiet) Err("no gaps recorded");
      return open ? ExitCode::kFailed : ExitCode::kOk;
    };
  });
}

}  // namespace custody::cli
