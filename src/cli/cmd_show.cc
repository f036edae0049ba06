// custody show ID: one entry decoded, with its signer, signature status and
// inclusion proof.
#include <nlohmann/json.hpp>

#include "cli/cli.h"
#include "cli/governance_cli.h"
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

std::string J(const nlohmann::json& j) {
  if (j.is_string()) return j.get<std::string>();
  if (j.is_null()) return "-";
  return j.dump();
}

// custody show COMMIT: the chain of custody of one commit.
Result<ExitCode> ShowChain(const Globals& g, const std::string& rev, bool json, bool reveal) {
  CUSTODY_ASSIGN_OR_RETURN(Governance gv, OpenGovernance(g));
  Repo& repo = gv.project->repo();
  CUSTODY_ASSIGN_OR_RETURN(std::string commit, repo.ResolveCommit(rev));
  ChainInput ci;
  ci.gate = {&repo, gv.store, &gv.policy, &gv.keyring, gv.project->env().NowUnixNanos()};
  ci.commit = commit;
  ci.prompt_text = PromptReader(gv.store, reveal);

  CUSTODY_ASSIGN_OR_RETURN(nlohmann::json chain, BuildCommitChain(ci));
  if (json) {
    OutJson(chain);
    return ExitCode::kOk;
  }
  const auto& c = chain["commit"];
  Out("commit     " + J(c["id"]) + "  " + J(c["subject"]));
  Out("author     " + J(c["author"]) + "  " + J(c["authored"]));
  Out("risk       " + J(chain["risk_level"]));
  if (chain["attribution"].is_null()) {
    Out("attribution  none recorded");
  } else {
    const auto& l = chain["attribution"]["lines"];
    Out("lines      ai " + J(l["ai"]) + ", ai-edited " + J(l["ai_edited"]) + ", ai-unverified " + J(l["ai_unverified"]) +
        ", human " + J(l["human"]) + "  (" + J(chain["attribution"]["method"]) + ")");
  }
  Out("");
  Out("generated");
  if (chain["generated"].empty()) Out("  (no AI checkpoint)");
  for (const auto& gen : chain["generated"]) {
    Out("  checkpoint " + J(gen["checkpoint"]));
    Out("    timestamp      " + J(gen["timestamp"]));
    Out("    agent          " + J(gen["agent"]) + (gen.contains("agent_version") && !gen["agent_version"].is_null() ? " " + J(gen["agent_version"]) : ""));
    Out("    model          " + J(gen["model"]));
    Out("    model_version  " + J(gen["model_version"]));
    const auto& pr = gen["prompt"];
    if (pr.is_object()) {
      Out("    prompt         " + (pr["text"].is_null() ? "(" + J(pr["storage"]) + ") sha256:" + J(pr["digest"]) : J(pr["text"])));
    } else {
      Out("    prompt         -");
    }
    std::string cons;
    if (gen["constraints_applied"].is_array()) {
      for (const auto& k : gen["constraints_applied"]) cons += (cons.empty() ? "" : "; ") + J(k);
    }
    Out("    constraints    " + (cons.empty() ? "-" : cons));
    if (gen["constraint_files"].is_array()) {
      for (const auto& k : gen["constraint_files"]) {
        Out("      in force     " + J(k["path"]) + " sha256:" + J(k["digest"]["sha256"]));
      }
    }
    const auto& dc = gen["developer_context"];
    Out("    context        project " + J(dc["project"]) + ", risk " + J(dc["risk_level"]) + ", environment " +
        (dc["environment"].is_object() ? J(dc["environment"]["kind"]) : "-"));
    if (gen.contains("missing")) Out("    MISSING        " + J(gen["missing"]));
  }
  Out("");
  Out("validated");
  const auto& v = chain["validated"];
  if (v.is_null()) {
    Out("  (no validation: custody check " + commit.substr(0, 12) + ")");
  } else {
    Out("  validation_timestamp  " + J(v["validation_timestamp"]) + "  by " + J(v["validated_by"]));
    Out("  validator_version     " + J(v["validator_version"]));
    Out("  verdict               " + J(v["verdict"]) + (v["policy"]["current"].get<bool>() ? "" : "  (STALE policy)"));
    auto checks = [&](const char* name, const nlohmann::json& list) {
      std::string s;
      for (const auto& k : list) {
        s += (s.empty() ? "" : ", ") + J(k["check"]) + " " + J(k["status"]) + " (" + J(k["findings"]) + " finding(s))";
      }
      Out(std::string("  ") + name + std::string(22 - std::string(name).size(), ' ') + (s.empty() ? "-" : s));
    };
    checks("static_analysis", v["static_analysis"]);
    checks("security_scan", v["security_scan"]["checks"]);
    Out("    by severity " + v["security_scan"]["by_severity"].dump() + ", reviewed and approved " +
        J(v["security_scan"]["reviewed_and_approved"]));
    checks("dependency_audit", v["dependency_audit"]);
    checks("compliance_checks", v["compliance_checks"]);
    for (const auto& f : v["findings"]) {
      std::string line = "  - " + J(f["verdict"]) + " " + J(f["category"]) + " " + J(f["path"]) + ":" + J(f["line"]) +
                         " " + J(f["rule"]) + ": " + J(f["message"]);
      if (!f["override"].is_null()) line += "  (overridden by " + J(f["override"]["by"]) + ": \"" + J(f["override"]["justification"]) + "\")";
      Out(line);
    }
  }
  Out("");
  Out("reviewed");
  if (chain["reviewed"].empty()) Out("  (no review)");
  for (const auto& r : chain["reviewed"]) {
    Out("  " + J(r["approval_status"]) + " by " + J(r["reviewer"]) + " (" + J(r["role"]) + ") at " + J(r["review_timestamp"]) +
        (J(r["review_notes"]).empty() ? "" : ": " + J(r["review_notes"])));
  }
  Out("");
  Out("deployed");
  if (chain["deployed"].empty()) Out("  (not deployed)");
  for (const auto& d : chain["deployed"]) {
    Out("  " + J(d["deployment_environment"]) + " at " + J(d["deployment_timestamp"]) + ": commit " + J(d["commit_hash"]) +
        ", branch " + J(d["branch"]) + ", by " + J(d["deployer"]) + (d["forced"].get<bool>() ? " FORCED: " + J(d["justification"]) : ""));
  }
  Out("");
  Out(std::string("gate       ") + (chain["gate"]["passed"].get<bool>() ? "pass" : "FAIL"));
  for (const auto& f : chain["gate"]["failures"]) Out("  " + J(f["reason"]) + ": " + J(f["message"]) + "  (resolve: " + J(f["resolve"]) + ")");
  for (const auto& p : chain["problems"]) Out("problem    " + J(p));
  return ExitCode::kOk;
}

}  // namespace

void RegisterShow(CLI::App& app, Globals& g, Action& action) {
  auto* cmd = app.add_subcommand(
      "show",
      "Show one ledger entry: the decoded statement, who signed it, whether the signature\n"
      "verifies against the trusted keys, and its inclusion proof in the signed log.\n"
      "Given a commit instead (HEAD, a branch, a commit id, or --commit), show its whole chain\n"
      "of custody: generation (model, model version, prompt, constraints), validation (each\n"
      "check and result), review, deployment, and the gate's verdict.");
  auto id = std::make_shared<std::string>();
  auto json = std::make_shared<bool>(false);
  auto reveal = std::make_shared<bool>(false);
  cmd->add_option("ID", *id, "Entry id (4+ hex digits), #INDEX, or a commit")->required();
  auto as_commit = std::make_shared<bool>(false);
  cmd->add_flag("--commit", *as_commit, "ID names a commit: show its chain of custody");
  cmd->add_flag("--json", *json, "Print JSON");
  cmd->add_flag("--prompt", *reveal, "Also print the stored prompt text, when policy kept it");
  cmd->callback([&g, &action, id, json, reveal, as_commit] {
    action = [&g, id, json, reveal, as_commit]() -> Result<ExitCode> {
      if (*as_commit) return ShowChain(g, *id, *json, *reveal);
      CUSTODY_ASSIGN_OR_RETURN(auto project, OpenProject(g));
      // An entry id, or else a commit: ledger ids are 64 hex, so a short
      // prefix may name both; then ask which.
      bool is_index = !id->empty() && (*id)[0] == '#';
      auto store_or = project->GetStore();
      if (!is_index) {
        bool commit = project->repo().ResolveCommit(*id).ok();
        bool entry = store_or.ok() && (*store_or)->FindEntry(*id).ok();
        if (commit && entry) {
          return Status::InvalidArgument(*id, "names both a ledger entry and a commit (use --commit for the commit, "
                                              "or more digits)");
        }
        if (commit) return ShowChain(g, *id, *json, *reveal);
      }
      CUSTODY_ASSIGN_OR_RETURN(Store * store, std::move(store_or));
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
