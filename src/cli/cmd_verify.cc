// custody verify: recompute and check everything.
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <nlohmann/json.hpp>

#include "cli/cli.h"
#include "custody/dsse.h"
#include "custody/hash.h"
#include "custody/predicates.h"
#include "custody/statement.h"

namespace custody::cli {
namespace {

struct NotesTally {
  uint64_t envelopes = 0;
  uint64_t commits = 0;
  // Envelopes whose statement is about another commit: what notes.rewriteRef
  // carries through amend and rebase (the note moves, the signed subject
  // cannot). Reported, not failed; attribution recomputes them.
  std::vector<std::string> carried;
};

// Every envelope in the notes refs must verify against the trusted keys:
// notes travel with clones, so this is what a fresh CI checkout can check.
Status VerifyNotes(Project& project, const Keyring& ring, NotesTally& tally,
                   std::vector<std::string>& problems) {
  for (std::string_view ref : {kNotesRef, kRemoteNotesRef}) {
    CUSTODY_ASSIGN_OR_RETURN(auto noted, project.repo().ListNotedCommits(ref));
    for (const auto& c : noted) {
      CUSTODY_ASSIGN_OR_RETURN(auto lines, project.repo().ReadNoteLines(ref, c));
      ++tally.commits;
      for (size_t i = 0; i < lines.size(); ++i) {
        std::string where = std::string(ref) + " on " + c.substr(0, 12) + " line " +
                            std::to_string(i + 1);
        auto env = ParseEnvelope(lines[i]);
        if (!env.ok()) {
          problems.push_back(where + ": " + env.status().message());
          continue;
        }
        auto v = VerifyEnvelope(*env, ring);
        if (!v.ok()) {
          problems.push_back(where + ": " + v.status().message());
          continue;
        }
        auto st = ParseStatement(v->payload);
        if (!st.ok()) {
          problems.push_back(where + ": " + st.status().message());
          continue;
        }
        ++tally.envelopes;
        StatementIndex ix = IndexStatement(*st);
        const auto& commits = ix.commits;
        // Evidence attached at commit time about no commit of its own: the
        // checkpoints the attribution names, a validation of the staged index
        // the commit was made from (same tree), an override of its findings.
        bool attached = false;
        if (commits.empty()) {
          if (ix.kind == "generation" || ix.kind == "override") attached = true;
          if (ix.kind == "validation") {
            auto info = project.repo().GetCommit(c);
            for (const auto& s : st->subject) {
              auto t = s.digest.find("gitTree");
              attached = attached || (info.ok() && t != s.digest.end() && t->second == info->tree);
            }
          }
        }
        if (!attached && std::find(commits.begin(), commits.end(), c) == commits.end()) {
          tally.carried.push_back(where + ": signed about " +
                                  (commits.empty() ? std::string("no commit")
                                                   : "commit " + commits[0].substr(0, 12)) +
                                  " (carried here by amend/rebase, or copied)");
        }
      }
    }
  }
  return Status::OK();
}

}  // namespace

void RegisterVerify(CLI::App& app, Globals& g, Action& action) {
  auto* cmd = app.add_subcommand(
      "verify",
      "Check the whole ledger: every envelope's signature against the trusted keys in\n"
      ".custody/keys, the Merkle tree recomputed from the raw envelopes, every signed\n"
      "checkpoint, and that the log still extends the checkpoint the last verify saw.\n"
      "Also checks the envelopes in git notes (refs/notes/custody). Exit 1 on any problem.");
  auto json = std::make_shared<bool>(false);
  auto no_remember = std::make_shared<bool>(false);
  cmd->add_flag("--json", *json, "Print a JSON report");
  cmd->add_flag("--no-remember", *no_remember,
                "Do not save the latest checkpoint as the one later runs must extend");
  cmd->callback([&g, &action, json, no_remember] {
    action = [&g, json, no_remember]() -> Result<ExitCode> {
      CUSTODY_ASSIGN_OR_RETURN(auto project, OpenProject(g));
      Env& env = project->env();
      CUSTODY_ASSIGN_OR_RETURN(Keyring ring, project->LoadKeyring());
      if (ring.empty()) {
        return Status::NotFound(project->paths().keys_dir,
                                "no trusted keys to verify against (run custody init)");
      }
      auto started = std::chrono::steady_clock::now();
      std::vector<std::string> problems;
      VerifyReport report;
      bool have_ledger = env.FileExists(project->paths().ledger_path);
      if (have_ledger) {
        CUSTODY_ASSIGN_OR_RETURN(Ledger * ledger, project->GetLedger());
        VerifyOptions opt;
        auto last = env.ReadFile(project->paths().last_verified_path);
        if (last.ok()) opt.last_seen_checkpoint = *last;
        bool tty = isatty(2) && !g.quiet && !*json;
        auto last_print = std::chrono::steady_clock::now();
        opt.progress = [&](uint64_t done, uint64_t total) {
          auto now = std::chrono::steady_clock::now();
          if (!tty || now - last_print < std::chrono::milliseconds(500)) return;
          last_print = now;
          std::fprintf(stderr, "\rverifying %llu/%llu entries", static_cast<unsigned long long>(done),
                       static_cast<unsigned long long>(total));
        };
        CUSTODY_ASSIGN_OR_RETURN(report, ledger->Verify(ring, opt));
        if (tty) std::fprintf(stderr, "\r\033[K");
        for (const auto& p : report.problems) problems.push_back(p.message);
        if (report.truncated) problems.push_back("(more problems not shown)");
      }
      NotesTally notes;
      CUSTODY_RETURN_IF_ERROR(VerifyNotes(*project, ring, notes, problems));
      uint64_t note_envelopes = notes.envelopes, note_commits = notes.commits;
      double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();

      bool ok = problems.empty();
      if (ok && have_ledger && !*no_remember && !report.latest_checkpoint.empty()) {
        CUSTODY_RETURN_IF_ERROR(
            env.WriteFileAtomic(project->paths().last_verified_path, report.latest_checkpoint));
      }
      if (*json) {
        nlohmann::json j = {{"ok", ok},
                            {"ledger", have_ledger},
                            {"entries", report.entries},
                            {"signatures", report.signatures},
                            {"checkpoints", report.checkpoints},
                            {"root", have_ledger ? DigestHex(report.root) : ""},
                            {"noteEnvelopes", note_envelopes},
                            {"notedCommits", note_commits},
                            {"carriedNoteEnvelopes", notes.carried},
                            {"trustedKeys", ring.size()},
                            {"seconds", secs},
                            {"problems", problems}};
        OutJson(j);
      } else {
        for (const auto& p : problems) Out("FAIL  " + p);
        for (const auto& c : notes.carried) Out("note  " + c);
        std::string summary =
            have_ledger ? std::to_string(report.entries) + " entries, " +
                              std::to_string(report.signatures) + " signatures, " +
                              std::to_string(report.checkpoints) + " checkpoints"
                        : "no local ledger";
        summary += ", " + std::to_string(note_envelopes) + " note envelopes on " +
                   std::to_string(note_commits) + " commits, " + std::to_string(ring.size()) +
                   " trusted keys";
        if (ok) {
          Out("verified: " + summary + (have_ledger ? ", root " + DigestHex(report.root) : ""));
        } else {
          Out("verification FAILED (" + std::to_string(problems.size()) + " problems): " + summary);
        }
      }
      return ok ? ExitCode::kOk : ExitCode::kFailed;
    };
  });
}

}  // namespace custody::cli
