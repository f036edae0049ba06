// custody blame FILE: per line, who wrote it (human, or which agent, model,
// checkpoint and prompt), from libgit2 blame and each commit's attribution.
#include <map>
#include <set>

#include "cli/attribution_cli.h"
#include "cli/cli.h"
#include "custody/attribution.h"
#include "custody/working_log.h"

namespace custody::cli {
namespace {

struct BlameRow {
  int line = 0;
  std::string text;
  std::string commit;  // "" = uncommitted
  std::string orig_path;
  int orig_line = 0;
  std::string kind;  // a LineKindName, or "uncommitted", "unknown"
  std::string agent, model, checkpoint, prompt;
  const CommitInfo* info = nullptr;
};

std::vector<std::string> SplitKeep(const std::string& text) {
  std::vector<std::string> out;
  size_t pos = 0;
  while (pos < text.size()) {
    size_t nl = text.find('\n', pos);
    if (nl == std::string::npos) nl = text.size();
    std::string l = text.substr(pos, nl - pos);
    if (!l.empty() && l.back() == '\r') l.pop_back();
    out.push_back(std::move(l));
    pos = nl + 1;
  }
  return out;
}

std::string Pad(std::string s, size_t n) {
  if (s.size() < n) s.append(n - s.size(), ' ');
  return s;
}

}  // namespace

void RegisterBlame(CLI::App& app, Globals& g, Action& action) {
  auto* cmd = app.add_subcommand(
      "blame",
      "Show, for every line of FILE (as in the work tree), whether a human or an AI agent\n"
      "wrote it: kind (ai, ai-edited, ai-unverified, human, blank, uncommitted, unknown),\n"
      "agent, model, checkpoint and a prompt summary where the working log has one.");
  auto file = std::make_shared<std::string>();
  auto json = std::make_shared<bool>(false);
  auto porcelain = std::make_shared<bool>(false);
  cmd->add_option("FILE", *file, "The file")->required();
  auto* j = cmd->add_flag("--json", *json, "Print JSON");
  cmd->add_flag("--porcelain", *porcelain, "Machine-readable, like git blame --line-porcelain")
      ->excludes(j);
  cmd->callback([&g, &action, file, json, porcelain] {
    action = [&g, file, json, porcelain]() -> Result<ExitCode> {
      CUSTODY_ASSIGN_OR_RETURN(auto project, OpenProject(g));
      Repo& repo = project->repo();
      CUSTODY_ASSIGN_OR_RETURN(std::string rel, project->RelativePath(*file, WorkingDir(g)));
      std::string abs = JoinPath(project->paths().workdir, rel);
      std::optional<std::string> buffer;
      if (project->env().FileExists(abs)) {
        CUSTODY_ASSIGN_OR_RETURN(std::string text, project->env().ReadFile(abs));
        buffer = std::move(text);
      }
      std::string content;
      if (buffer) {
        content = *buffer;
      } else {
        CUSTODY_ASSIGN_OR_RETURN(content, repo.ReadBlobAtCommit("HEAD", rel));
      }
      CUSTODY_ASSIGN_OR_RETURN(std::vector<BlameLine> blame, repo.Blame(rel, buffer));
      std::vector<std::string> lines = SplitKeep(content);
      CUSTODY_ASSIGN_OR_RETURN(Keyring keyring, project->LoadKeyring());

      std::map<std::string, std::optional<Attribution>> attributions;
      std::map<std::string, CommitInfo> infos;
      std::set<std::string> warnings;
      std::vector<BlameRow> rows;
      for (size_t i = 0; i < blame.size() && i < lines.size(); ++i) {
        BlameRow r;
        r.line = static_cast<int>(i + 1);
        r.text = lines[i];
        r.commit = blame[i].commit;
        r.orig_path = blame[i].orig_path;
        r.orig_line = blame[i].orig_line;
        if (r.commit.empty()) {
          r.kind = "uncommitted";
        } else {
          if (!attributions.count(r.commit)) {
            CUSTODY_ASSIGN_OR_RETURN(StoredAttribution s, ReadAttribution(repo, keyring, r.commit));
            for (const auto& w : s.warnings) warnings.insert(w);
            attributions[r.commit] = std::move(s.latest);
            CUSTODY_ASSIGN_OR_RETURN(infos[r.commit], repo.GetCommit(r.commit));
          }
          r.info = &infos[r.commit];
          const auto& a = attributions[r.commit];
          if (NormaliseLine(r.text).empty()) {
            r.kind = "blank";
          } else if (!a) {
            r.kind = "unknown";
          } else if (const AttributedRange* range = a->Find(r.orig_path, r.orig_line)) {
            r.kind = std::string(LineKindName(range->kind));
            r.checkpoint = range->checkpoint;
            if (auto c = a->checkpoints.find(range->checkpoint); c != a->checkpoints.end()) {
              r.agent = c->second.agent;
              r.model = c->second.model;
            } else if (range->kind == LineKind::kAiUnverified && a->unverified) {
              r.agent = a->unverified->name;
            }
          } else {
            r.kind = "unknown";
          }
        }
        rows.push_back(std::move(r));
      }

      // Prompt summaries live only in the local working log (notes carry
      // digests, never prompt text).
      auto log = OpenProjectWorkingLog(*project);
      if (!log.ok()) {
        warnings.insert("working log: " + log.status().ToString());
      } else if (*log) {
        std::vector<Digest> hashes;
        for (const auto& r : rows) {
          if (!r.checkpoint.empty()) hashes.push_back(LineHash(r.text));
        }
        auto found = (*log)->Lookup(hashes);
        if (found.ok()) {
          // By checkpoint, so AI-then-edited lines (whose text no longer
          // matches) get the summary through their unchanged neighbours.
          std::map<std::string, std::string> summary;
          for (const auto& [key, origins] : *found) {
            for (const auto& o : origins) summary.emplace(o.checkpoint_id, o.prompt_summary);
          }
          for (auto& r : rows) {
            if (auto it = summary.find(r.checkpoint); it != summary.end()) r.prompt = it->second;
          }
        }
      }

      std::set<std::string> missing;
      for (const auto& [c, a] : attributions) {
        if (!a) missing.insert(c);
      }
      auto gaps = ReadGaps(&project->env(), GapsPath(*project));
      size_t gap_hits = 0;
      if (gaps.ok()) {
        for (const auto& gp : *gaps) gap_hits += missing.count(gp.commit);
      }
      for (const auto& w : warnings) Err("custody: warning: " + w);
      if (!missing.empty()) {
        Err("custody: warning: " + std::to_string(missing.size()) +
            " commit(s) behind this file have no attribution" +
            (gap_hits > 0 ? " (" + std::to_string(gap_hits) +
                                " recorded as gaps: a hook failed; see custody gaps)"
                          : " (run custody attribute on them)"));
      }

      if (*json) {
        nlohmann::json out = nlohmann::json::array();
        for (const auto& r : rows) {
          nlohmann::json x = {{"line", r.line}, {"kind", r.kind}, {"content", r.text}};
          if (!r.commit.empty()) {
            x["commit"] = r.commit;
            x["origPath"] = r.orig_path;
            x["origLine"] = r.orig_line;
            x["author"] = r.info->author.name;
          }
          if (!r.agent.empty()) x["agent"] = r.agent;
          if (!r.model.empty()) x["model"] = r.model;
          if (!r.checkpoint.empty()) x["checkpoint"] = r.checkpoint;
          if (!r.prompt.empty()) x["promptSummary"] = r.prompt;
          out.push_back(std::move(x));
        }
        OutJson(out);
      } else if (*porcelain) {
        for (const auto& r : rows) {
          std::string id = r.commit.empty() ? std::string(40, '0') : r.commit;
          Out(id + " " + std::to_string(r.commit.empty() ? r.line : r.orig_line) + " " +
              std::to_string(r.line) + " 1");
          if (r.info != nullptr) {
            Out("author " + r.info->author.name);
            Out("author-mail <" + r.info->author.email + ">");
            Out("author-time " + std::to_string(r.info->author_time));
            Out("committer " + r.info->committer.name);
            Out("committer-mail <" + r.info->committer.email + ">");
            Out("committer-time " + std::to_string(r.info->commit_time));
            std::string summary = r.info->message.substr(0, r.info->message.find('\n'));
            Out("summary " + summary);
          } else {
            Out("author Not Committed Yet");
          }
          Out("filename " + (r.orig_path.empty() ? rel : r.orig_path));
          Out("custody-kind " + r.kind);
          if (!r.agent.empty()) Out("custody-agent " + r.agent);
          if (!r.model.empty()) Out("custody-model " + r.model);
          if (!r.checkpoint.empty()) Out("custody-checkpoint " + r.checkpoint);
          if (!r.prompt.empty()) Out("custody-prompt " + r.prompt);
          Out("\t" + r.text);
        }
      } else {
        for (const auto& r : rows) {
          std::string who;
          if (!r.agent.empty()) {
            who = r.agent + (r.model.empty() ? "" : "/" + r.model);
          } else if (r.info != nullptr) {
            who = r.info->author.name;
          }
          std::string ck = r.checkpoint.empty() ? "" : r.checkpoint.substr(0, 8);
          Out((r.commit.empty() ? std::string(8, '0') : r.commit.substr(0, 8)) + " " +
              Pad(r.kind, 13) + " " + Pad(who.substr(0, 32), 32) + " " + Pad(ck, 8) + " " +
              std::to_string(r.line) + ") " + r.text);
        }
      }
      return ExitCode::kOk;
    };
  });
}

}  // namespace custody::cli
