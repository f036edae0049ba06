// custody show ID: one entry decoded, with its signer, signature status and
// inclusion proof.
#include <nlohmann/json.hpp>

#include "cli/cli.h"
#include "custody/dsse.h"
#include "custody/hash.h"
#include "custody/prompt_vault.h"
#include "custody/time.h"

namespace custody::cli {
namespace {

Result<StoredEntry> Resolve(Store& store, const std::string& id) {
  if (!id.empty() && id[0] == '#') {
    std::string digits = id.substr(1);
    if (digits.empty() || digits.size() > 18 ||
        digits.find_first_not_of("0123456789") != std::string::npos) {
      return Status::InvalidArgument(id, "not an entry index (use #N)");
    }
    return store.GetEntry(std::stoull(digits));
  }
  return store.FindEntry(id);
}

}  // namespace

void RegisterShow(CLI::App& app, Globals& g, Action& action) {
  auto* cmd = app.add_subcommand(
      "show",
      "Show one ledger entry: the decoded statement, who signed it, whether the signature\n"
      "verifies against the trusted keys, and its inclusion proof in the signed log.");
  auto id = std::make_shared<std::string>();
  auto json = std::make_shared<bool>(false);
  auto reveal = std::make_shared<bool>(false);
  cmd->add_option("ID", *id, "Entry id (4+ hex digits) or #INDEX")->required();
  cmd->add_flag("--json", *json, "Print JSON");
  cmd->add_flag("--prompt", *reveal, "Also print the stored prompt text, when policy kept it");
  cmd->callback([&g, &action, id, json, reveal] {
    action = [&g, id, json, reveal]() -> Result<ExitCode> {
      CUSTODY_ASSIGN_OR_RETURN(auto project, OpenProject(g));
      CUSTODY_ASSIGN_OR_RETURN(Store * store, project->GetStore());
      CUSTODY_ASSIGN_OR_RETURN(Ledger * ledger, project->GetLedger());
      CUSTODY_ASSIGN_OR_RETURN(StoredEntry e, Resolve(*store, *id));
      CUSTODY_ASSIGN_OR_RETURN(Keyring ring, project->LoadKeyring());
      // The store only takes envelopes that parse, so one that no longer
      // does is damaged data (exit 4); name the entry, not just "envelope".
      auto damaged = [&e](const Status& s) {
        return Status::Corruption("entry " + std::to_string(e.index),
                                  s.message() + " (stored data is damaged; run custody verify)");
      };
      Result<Envelope> parsed_env = ParseEnvelope(e.envelope);
      if (!parsed_env.ok()) return damaged(parsed_env.status());
      Envelope env = std::move(parsed_env).value();
      Result<Statement> parsed_st = ParseStatement(env.payload);
      if (!parsed_st.ok()) return damaged(parsed_st.status());
      Statement st = std::move(parsed_st).value();

      auto verified = VerifyEnvelope(env, ring);
      std::string sig_status = verified.ok() ? "verified" : "FAILED: " + verified.status().message();
      std::string signer = e.signer;
      if (verified.ok() && !verified->signers.empty()) {
        const TrustedKey& k = verified->signers[0];
        signer = k.name + " (" + std::string(RoleName(k.role)) + ") keyid " + k.key.key_id();
      } else if (const TrustedKey* k = ring.Find(e.signer)) {
        signer = k->name + " (" + std::string(RoleName(k->role)) + ") keyid " + e.signer;
      } else {
        signer = "unknown key " + e.signer;
      }
      auto proof = ledger->Prove(e.index);

      std::optional<std::string> prompt_text;
      std::string prompt_note;
      if (*reveal && st.predicate.contains("prompt")) {
        std::string ref = st.predicate["prompt"].value("ref", "");
        auto rec = store->GetPrompt(ref);
        auto text = rec.ok() ? OpenPrompt(*rec) : Result<std::string>(rec.status());
        if (text.ok()) {
          prompt_text = *text;
        } else {
          prompt_note = text.status().message();
        }
      }

      nlohmann::json statement = nlohmann::json::parse(SerializeStatement(st), nullptr, false);
      if (*json) {
        nlohmann::json j = {{"index", e.index},
                            {"id", e.id},
                            {"kind", e.kind},
                            {"recordedAt", FormatRfc3339(e.recorded_at)},
                            {"signer", signer},
                            {"signature", verified.ok() ? "verified" : "failed"},
                            {"statement", statement}};
        if (!verified.ok()) j["signatureError"] = verified.status().message();
        if (proof.ok()) {
          nlohmann::json path = nlohmann::json::array();
          for (const auto& h : proof->path) path.push_back(DigestHex(h));
          j["inclusionProof"] = {{"logIndex", proof->index},
                                 {"treeSize", proof->tree_size},
                                 {"leafHash", DigestHex(proof->leaf_hash)},
                                 {"rootHash", DigestHex(proof->root)},
                                 {"hashes", path},
                                 {"checkpoint", proof->checkpoint}};
        } else {
          j["inclusionProofError"] = proof.status().message();
        }
        if (prompt_text) j["promptText"] = *prompt_text;
        OutJson(j);
        return verified.ok() && proof.ok() ? ExitCode::kOk : ExitCode::kFailed;
      }
      Out("entry      #" + std::to_string(e.index) + "  " + e.id);
      Out("kind       " + e.kind + "  (" + e.predicate_type + ")");
      Out("recorded   " + FormatRfc3339(e.recorded_at));
      Out("signer     " + signer);
      Out("signature  " + sig_status);
      Out("statement");
      std::string pretty =
          statement.dump(2, ' ', false, nlohmann::json::error_handler_t::replace);
      size_t start = 0;
      while (start < pretty.size()) {
        size_t nl = pretty.find('\n', start);
        if (nl == std::string::npos) nl = pretty.size();
        Out("  " + pretty.substr(start, nl - start));
        start = nl + 1;
      }
      if (prompt_text) {
        Out("prompt text");
        Out("  " + *prompt_text);
      } else if (!prompt_note.empty()) {
        Out("prompt     " + prompt_note);
      }
      if (proof.ok()) {
        Out("inclusion  leaf " + std::to_string(proof->index) + " of " +
            std::to_string(proof->tree_size) + ", proof verified against the signed root " +
            DigestHex(proof->root));
        Out("  leaf hash " + DigestHex(proof->leaf_hash));
        for (size_t i = 0; i < proof->path.size(); ++i) {
          Out("  path[" + std::to_string(i) + "]  " + DigestHex(proof->path[i]));
        }
        Out("checkpoint");
        std::string cp = proof->checkpoint;
        start = 0;
        while (start < cp.size()) {
          size_t nl = cp.find('\n', start);
          if (nl == std::string::npos) nl = cp.size();
          Out("  " + cp.substr(start, nl - start));
          start = nl + 1;
        }
      } else {
        Out("inclusion  FAILED: " + proof.status().message());
      }
      return verified.ok() && proof.ok() ? ExitCode::kOk : ExitCode::kFailed;
    };
  });
}

}  // namespace custody::cli
