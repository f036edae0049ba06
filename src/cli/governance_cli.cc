// Helpers of the governance verbs (governance_cli.h).
#include "cli/governance_cli.h"

#include <algorithm>

#include "custody/prompt_vault.h"
#include "custody/time.h"

namespace custody::cli {

Result<Governance> OpenGovernance(const Globals& g) {
  Governance gv;
  CUSTODY_ASSIGN_OR_RETURN(gv.project, OpenProject(g));
  CUSTODY_ASSIGN_OR_RETURN(gv.policy, gv.project->LoadPolicy());
  CUSTODY_ASSIGN_OR_RETURN(gv.keyring, gv.project->LoadKeyring());
  auto store = gv.project->GetStore();
  if (store.ok()) {
    gv.store = *store;
  } else if (store.status().code() != Code::kNotFound) {
    return store.status();
  }
  return gv;
}

Result<std::map<std::string, KnownOverride>> CountingOverrides(Governance& gv,
                                                               const std::vector<std::string>& commits) {
  std::map<std::string, KnownOverride> out;
  EvidenceReader reader(gv.project->repo(), gv.keyring, gv.store);
  std::vector<CommitEvidence> all;
  CUSTODY_ASSIGN_OR_RETURN(CommitEvidence ledger, reader.LedgerItems("override"));
  all.push_back(std::move(ledger));
  for (const std::string& c : commits) {
    CUSTODY_ASSIGN_OR_RETURN(CommitEvidence ev, reader.ForCommit(c));
    all.push_back(std::move(ev));
  }
  int64_t now = gv.project->env().NowUnixNanos();
  for (const CommitEvidence& ev : all) {
    for (const auto& [item, o] : OverridesOf(ev, nullptr)) {
      if (!OverrideCounts(*item, o, gv.policy.override_roles, now)) continue;
      out[o.fingerprint] = {o, item->signers.empty() ? o.by : item->signers.front().name};
    }
  }
  return out;
}

std::string ActionLabel(CheckAction a) {
  switch (a) {
    case CheckAction::kBlock:
      return "BLOCK";
    case CheckAction::kReview:
      return "REVIEW";
    case CheckAction::kReport:
      break;
  }
  return "report";
}

std::string FindingLine(const PolicyFinding& f, const KnownOverride* o) {
  std::string label = ActionLabel(f.action);
  label.resize(7, ' ');
  std::string cat(CheckCategoryName(f.category));
  cat.resize(15, ' ');
  std::string line = label + " " + cat + " " + f.path + ":" + std::to_string(f.line) + "  " + f.rule + ": " +
                     f.message;
  if (!f.evidence.empty()) line += "  [" + f.evidence + "]";
  line += "  fp " + f.fingerprint.substr(0, 16);
  if (o != nullptr) {
    line += "  (overridden by " + o->signer + ": \"" + o->record.justification + "\"";
    if (o->record.expires_unix_nanos != 0) line += ", until " + FormatRfc3339(o->record.expires_unix_nanos);
    line += ")";
  }
  return line;
}

nlohmann::json FindingJson(const PolicyFinding& f, const KnownOverride* o) {
  nlohmann::json j = PolicyFindingJson(f);
  j["verdict"] = j["action"];  // the word the CLI prints
  if (o != nullptr) {
    j["override"] = {{"by", o->signer}, {"justification", o->record.justification}};
    if (o->record.expires_unix_nanos != 0) j["override"]["expires"] = FormatRfc3339(o->record.expires_unix_nanos);
  }
  return j;
}

std::function<std::optional<std::string>(const std::string&)> PromptReader(Store* store, bool reveal) {
  return [store, reveal](const std::string& ref) -> std::optional<std::string> {
    if (!reveal || store == nullptr || ref.empty()) return std::nullopt;
    auto rec = store->GetPrompt(ref);
    if (!rec.ok()) return std::nullopt;
    auto text = OpenPrompt(*rec);
    if (!text.ok()) return std::nullopt;
    return *text;
  };
}

Result<int64_t> ParseExpiry(const std::string& text) {
  if (text.size() == 10 && text[4] == '-' && text[7] == '-') {
    auto t = ParseRfc3339(text + "T23:59:59Z");
    if (t.ok()) return *t;
  }
  auto t = ParseRfc3339(text);
  if (!t.ok()) return Status::InvalidArgument("--expires", "\"" + text + "\" is not YYYY-MM-DD or an RFC 3339 time");
  return *t;
}

}  // namespace custody::cli
