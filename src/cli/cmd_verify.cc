// custody verify: recompute and check everything.
#include <unistd.h>

#include <chrono>
#include <nlohmann/json.hpp>

#include "cli/cli.h"
#include "custody/dsse.h"
#include "custody/hash.h"

namespace custody::cli {
namespace {

// Every envelope in refs/notes/custody must verify against the trusted keys:
// notes travel with clones, so this is what a fresh CI checkout can check.
Status VerifyNotes(Project& project, const Keyring& ring, uint64_t& envelopes, uint64_t& commits,
                   std::vector<std::string>& problems) {
  CUSTODY_ASSIGN_OR_RETURN(auto noted, project.repo().ListNotedCommits(kNotesRef));
  for (const auto& c : noted) {
    CUSTODY_ASSIGN_OR_RETURN(auto lines, project.repo().ReadNoteLines(kNotesRef, c));
    ++commits;
    for (size_t i = 0; i < lines.size(); ++i) {
      std::string where = "note on " + c.substr(0, 12) + " line " + std::to_string(i + 1);
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
      ++envelopes;
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
      uint64_t note_envelopes = 0, note_commits = 0;
      CUSTODY_RETURN_IF_ERROR(VerifyNotes(*project, ring, note_envelopes, note_commits, problems));
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
                            {"trustedKeys", ring.size()},
                            {"seconds", secs},
                            {"problems", problems}};
        Out(j.dump(2));
      } else {
        for (const auto& p : problems) Out("FAIL  " + p);
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
