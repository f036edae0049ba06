// custody override: accept one finding with a signed justification
// (docs/check.md, "Overrides").
#include <memory>
#include <set>

#include "cli/cli.h"
#include "cli/governance_cli.h"
#include "custody/time.h"

namespace custody::cli {
namespace {

struct OverrideArgs {
  std::string fingerprint;
  std::string justification;
  std::string expires;
  bool json = false;
};

// Where the finding is: the validations (ledger, then notes) that hold a
// fingerprint starting with `prefix`.
struct Located {
  std::string fingerprint;
  PolicyFinding finding;
  std::set<std::string> commits;  // commit validations holding it
  bool staged = false;            // a staged validation holds it
};

Result<Located> Locate(Governance& gv, const std::string& prefix) {
  Located out;
  std::set<std::string> matches;
  auto consider = [&](const ValidationRecord& v) {
    for (const PolicyFinding& f : v.findings) {
      if (f.fingerprint.rfind(prefix, 0) != 0) continue;
      matches.insert(f.fingerprint);
      out.finding = f;
      if (v.target == "commit") {
        out.commits.insert(v.commit);
      } else {
        out.staged = true;
      }
    }
  };
  EvidenceReader reader(gv.project->repo(), gv.keyring, gv.store);
  CUSTODY_ASSIGN_OR_RETURN(CommitEvidence ledger, reader.LedgerItems("validation"));
  for (const auto& [item, v] : ValidationsOf(ledger, nullptr)) consider(v);
  // A clone without the ledger entry still has the notes.
  CUSTODY_ASSIGN_OR_RETURN(std::vector<std::string> noted, gv.project->repo().ListNotedCommits(kNotesRef));
  if (matches.empty()) {
    for (const std::string& c : noted) {
      CUSTODY_ASSIGN_OR_RETURN(CommitEvidence ev, reader.ForCommit(c));
      for (const auto& [item, v] : ValidationsOf(ev, nullptr)) consider(v);
    }
  }
  if (matches.empty()) {
    return Status::NotFound(prefix, "no finding with this fingerprint in any validation (run custody check first)");
  }
  if (matches.size() > 1) {
    return Status::InvalidArgument(prefix, "is ambiguous: " + std::to_string(matches.size()) +
                                               " findings start with it (give more digits)");
  }
  out.fingerprint = *matches.begin();
  return out;
}

Result<ExitCode> Run(const Globals& g, const OverrideArgs& a) {
  if (a.fingerprint.size() < 8 || a.fingerprint.find_first_not_of("0123456789abcdef") != std::string::npos) {
    return Status::InvalidArgument(a.fingerprint, "a fingerprint is 8 to 64 lowercase hex digits");
  }
  std::string justification = a.justification;
  while (!justification.empty() && std::isspace(static_cast<unsigned char>(justification.back()))) {
    justification.pop_back();
  }
  if (justification.size() < 10) {
    return Status::InvalidArgument("--justification", "say why in at least 10 characters; it is signed and shown "
                                                      "wherever the finding is");
  }
  CUSTODY_ASSIGN_OR_RETURN(Governance gv, OpenGovernance(g));
  CUSTODY_ASSIGN_OR_RETURN(SigningIdentity id, gv.project->LoadSigningIdentity(gv.keyring));
  const auto& roles = gv.policy.override_roles;
  if (std::find(roles.begin(), roles.end(), id.trusted.role) == roles.end()) {
    std::string allowed;
    for (Role r : roles) allowed += (allowed.empty() ? "" : ", ") + std::string(RoleName(r));
    return Status::PermissionDenied(
        "override", "key " + id.trusted.name + " has role " + std::string(RoleName(id.trusted.role)) +
                        "; the policy lets only keys with role " + allowed +
                        " override findings ([overrides] roles in .custody/policy.toml)");
  }
  int64_t now = gv.project->env().NowUnixNanos();
  OverrideRecord o;
  if (!a.expires.empty()) {
    CUSTODY_ASSIGN_OR_RETURN(o.expires_unix_nanos, ParseExpiry(a.expires));
    if (o.expires_unix_nanos <= now) return Status::InvalidArgument("--expires", a.expires + " is in the past");
  }
  CUSTODY_ASSIGN_OR_RETURN(Located where, Locate(gv, a.fingerprint));
  o.fingerprint = where.fingerprint;
  o.justification = justification;
  o.by = id.trusted.name;
  o.role = std::string(RoleName(id.trusted.role));
  o.commits.assign(where.commits.begin(), where.commits.end());
  o.rule = where.finding.rule;
  o.path = where.finding.path;
  o.line = where.finding.line;
  o.timestamp_unix_nanos = now;
  o.recorder_version = std::string(kVersion);
  CUSTODY_ASSIGN_OR_RETURN(auto appended, gv.project->Record({MakeOverrideStatement(o)}));
  if (a.json) {
    OutJson({{"fingerprint", o.fingerprint},
             {"entry", {{"index", appended.at(0).index}, {"id", appended.at(0).id}}},
             {"by", o.by},
             {"commits", o.commits},
             {"expires", o.expires_unix_nanos ? nlohmann::json(FormatRfc3339(o.expires_unix_nanos)) : nlohmann::json()}});
    return ExitCode::kOk;
  }
  Out("overridden " + where.finding.path + ":" + std::to_string(where.finding.line) + " " + where.finding.rule +
      " (fp " + o.fingerprint.substr(0, 16) + ") by " + o.by +
      (o.expires_unix_nanos ? " until " + FormatRfc3339(o.expires_unix_nanos) : std::string()) +
      ": ledger entry #" + std::to_string(appended.at(0).index));
  if (!o.commits.empty()) {
    std::string list;
    for (const std::string& c : o.commits) list += (list.empty() ? "" : ", ") + c.substr(0, 12);
    Out("written to the notes of " + list + " (git push origin refs/notes/custody shares it)");
  } else if (where.staged) {
    Out("the finding is in staged changes: the override travels with the commit made from them");
  }
  return ExitCode::kOk;
}

}  // namespace

void RegisterOverride(CLI::App& app, Globals& g, Action& action) {
  auto a = std::make_shared<OverrideArgs>();
  CLI::App* cmd = app.add_subcommand(
      "override",
      "Accept one finding of custody check with a signed justification. Only keys whose role\n"
      "the policy's [overrides] roles names may (default: reviewer). The override is shown\n"
      "wherever the finding is (check, review, gate, show) and lets the gate pass it; --expires\n"
      "limits it in time. Exit 6 when the signing key may not override.");
  cmd->add_option("FINGERPRINT", a->fingerprint, "The finding's fingerprint (8+ leading hex digits)")->required();
  cmd->add_option("--justification", a->justification, "Why the finding is acceptable (signed, shown everywhere)")
      ->required();
  cmd->add_option("--expires", a->expires, "Until when: YYYY-MM-DD (end of day, UTC) or an RFC 3339 time");
  cmd->add_flag("--json", a->json, "JSON output");
  cmd->callback([&g, &action, a] { action = [&g, a]() { return Run(g, *a); }; });
}

}  // namespace custody::cli
