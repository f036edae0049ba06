// custody check (include/custody/check.h, docs/check.md).
#include "custody/check.h"

#include <algorithm>
#include <map>
#include <set>

#include "custody/attribution.h"
#include "custody/dep_check.h"
#include "custody/deps.h"
#include "custody/dsse.h"
#include "custody/hash.h"
#include "custody/license.h"
#include "custody/project.h"
#include "custody/scan.h"
#include "custody/scan_run.h"
#include "custody/secret_redactor.h"
#include "custody/snippets.h"
#include "custody/working_log.h"

namespace custody {
namespace {

// Which lines of which files the check looks at: path -> line numbers.
using LineSet = std::map<std::string, std::set<int>, std::less<>>;

bool Covered(const LineSet& lines, std::string_view path, int line) {
  auto it = lines.find(path);
  return it != lines.end() && it->second.count(line) > 0;
}

CheckCategory CategoryOfRule(RuleCategory c) {
  switch (c) {
    case RuleCategory::kSecret:
      return CheckCategory::kSecrets;
    case RuleCategory::kCrypto:
      return CheckCategory::kCrypto;
    case RuleCategory::kInsecure:
      return CheckCategory::kInsecure;
    case RuleCategory::kBehaviour:
      return CheckCategory::kBehaviour;
  }
  return CheckCategory::kSecrets;
}

std::string RulesetDigest(const std::vector<ScanRule>& rules) {
  std::string all;
  for (const ScanRule& r : rules) {
    all += r.id;
    all += '\0';
    all += r.regex;
    all += '\0';
    all += std::string(SeverityName(r.severity));
    all += '\n';
  }
  return Sha256Hex(all);
}

// A finding of one of check's own rules (not the scanner's), fingerprinted
// from `fingerprint_parts` (FindingFingerprint).
PolicyFinding MakeFinding(const std::vector<std::string>& fingerprint_parts, std::string check, std::string rule,
                          CheckCategory category, std::string severity, std::string path, int line,
                          std::string message) {
  PolicyFinding f;
  f.fingerprint = FindingFingerprint(fingerprint_parts);
  f.check = std::move(check);
  f.rule = std::move(rule);
  f.category = category;
  f.severity = std::move(severity);
  f.path = std::move(path);
  f.line = line;
  f.message = std::move(message);
  return f;
}

CheckAction Min(CheckAction a, CheckAction b) { return static_cast<int>(a) < static_cast<int>(b) ? a : b; }

class Checker {
 public:
  Checker(Project& p, const CheckRequest& req, Policy policy, Keyring keyring)
      : p_(p), req_(req), policy_(std::move(policy)), keyring_(std::move(keyring)) {}

  Status Prepare() {
    CUSTODY_ASSIGN_OR_RETURN(RuleSet rules, DefaultRuleSet());
    if (rules.rules.empty()) {
      return Status::Unavailable("check", "this build embeds no rule packs (rules/ was missing at build time)");
    }
    ScanOptions so;
    so.allow_domains = policy_.egress_allow_domains;
    so.cache_dir = DefaultScanCacheDir();
    CUSTODY_ASSIGN_OR_RETURN(scanner_, Scanner::Compile(rules, so));
    ruleset_digest_ = RulesetDigest(scanner_->rules());
    for (const ScanRule& r : scanner_->rules()) {
      rule_ids_.insert(r.id);
      (r.category == RuleCategory::kSecret ? secret_rules_ : analysis_rules_)++;
    }
    ignore_ = ReadCustodyIgnore(p_.paths().workdir);
    ignore_.insert(ignore_.end(), policy_.scan_ignore_paths.begin(), policy_.scan_ignore_paths.end());
    auto log = OpenWorkingLog(JoinPath(p_.paths().ledger_dir, "worklog.db"), /*create=*/false);
    if (log.ok()) {
      log_ = std::move(*log);
    } else if (log.status().code() != Code::kNotFound) {
      return log.status();
    }
    std::string corpus = DefaultCorpusPath();
    if (!corpus.empty() && p_.env().FileExists(corpus)) {
      CUSTODY_ASSIGN_OR_RETURN(corpus_, SnippetCorpus::Open(corpus, /*create=*/false));
    }
    license_policy_.deny = policy_.licenses_deny;
    license_policy_.allow = policy_.licenses_allow;
    license_policy_.deny_categories = policy_.licenses_deny_categories;
    license_policy_.project_license = policy_.project_license;
    license_policy_.unknown = policy_.unknown_license == CheckAction::kBlock ? UnknownLicenseAction::kDeny
                                                                             : UnknownLicenseAction::kWarn;
    return Status::OK();
  }

  Result<CommitCheck> CheckCommit(const std::string& commit, bool staged) {
    Repo& repo = p_.repo();
    CommitCheck out;
    ValidationRecord& v = out.record;
    CUSTODY_ASSIGN_OR_RETURN(CommitInfo info, repo.GetCommit(commit));
    if (!staged) {
      size_t nl = info.message.find('\n');
      out.subject = info.message.substr(0, nl);
    }
    v.target = staged ? "staged" : "commit";
    v.commit = commit;
    v.tree = info.tree;
    v.parent = info.parents.empty() ? "" : info.parents.front();
    v.scope = req_.all_lines ? "all" : "ai";
    v.policy_path = ".custody/policy.toml";
    v.policy_sha256 = policy_.sha256;
    v.validator_version = std::string(kVersion);

    // Which lines an agent wrote.
    std::optional<Attribution> attribution;
    if (!staged) {
      CUSTODY_ASSIGN_OR_RETURN(StoredAttribution stored, ReadAttribution(repo, keyring_, commit));
      attribution = std::move(stored.latest);
    }
    if (!attribution) {
      AttributeOptions opt;
      opt.log = log_.get();
      opt.method = "recompute";
      opt.now_unix_nanos = p_.env().NowUnixNanos();
      CUSTODY_ASSIGN_OR_RETURN(Attribution computed, ComputeAttribution(repo, commit, opt));
      attribution = std::move(computed);
      if (!staged) {
        out.warnings.push_back("no attribution is recorded for " + commit.substr(0, 12) +
                               "; AI lines were computed from the working log (custody attribute " +
                               commit.substr(0, 12) + " records them)");
      }
    }
    LineSet ai, checked;
    std::map<std::string, std::vector<const AttributedRange*>> unverified;
    std::map<std::string, std::set<std::string>> checkpoints_by_file;
    for (const FileAttribution& f : attribution->files) {
      for (const AttributedRange& r : f.ranges) {
        for (int l = r.start; l <= r.end; ++l) {
          if (IsAiKind(r.kind)) ai[f.path].insert(l);
          checked[f.path].insert(l);
        }
        if (r.kind == LineKind::kAiUnverified) unverified[f.path].push_back(&r);
        if (!r.checkpoint.empty()) checkpoints_by_file[f.path].insert(r.checkpoint);
      }
    }
    LineCounts totals = attribution->Totals();
    v.ai_lines = totals.AiTotal();
    v.human_lines = totals.human;
    const LineSet& lines = req_.all_lines ? checked : ai;
    for (const auto& [path, set] : lines) v.checked_lines += static_cast<int64_t>(set.size());

    std::string one = v.parent.empty() ? commit : v.parent + ".." + commit;
    std::vector<PolicyFinding>& findings = v.findings;

    // Scanner.
    int64_t secret_findings = 0, analysis_findings = 0;
    if (v.checked_lines > 0) {
      ScanRunOptions run;
      run.ignore_patterns = ignore_;
      CUSTODY_ASSIGN_OR_RETURN(ScanReport rep, ScanDiff(*scanner_, repo, one, run));
      for (const Finding& f : rep.findings) {
        if (!Covered(lines, f.path, static_cast<int>(f.line))) continue;
        PolicyFinding pf;
        pf.fingerprint = f.fingerprint;
        pf.check = f.category == RuleCategory::kSecret ? "secrets-scan" : "static-analysis";
        pf.rule = f.rule_id;
        pf.category = CategoryOfRule(f.category);
        pf.severity = std::string(SeverityName(f.severity));
        pf.path = f.path;
        pf.line = static_cast<int>(f.line);
        pf.message = f.message;
        pf.evidence = f.evidence;
        pf.ai = Covered(ai, f.path, pf.line);
        CUSTODY_RETURN_IF_ERROR(Judge(&pf, std::nullopt));
        // An info-level hit (a placeholder kept for the record) never
        // fails anything.
        if (f.severity == Severity::kInfo) pf.action = CheckAction::kReport;
        (f.category == RuleCategory::kSecret ? secret_findings : analysis_findings)++;
        findings.push_back(std::move(pf));
      }
    }
    v.checks.push_back({"secrets-scan", "custody scan", v.validator_version, ruleset_digest_, secret_rules_,
                        v.checked_lines > 0 ? "ran" : "skipped", v.checked_lines > 0 ? "" : "no lines to check",
                        secret_findings});
    v.checks.push_back({"static-analysis", "custody scan", v.validator_version, ruleset_digest_, analysis_rules_,
                        v.checked_lines > 0 ? "ran" : "skipped",
                        "weak crypto, insecure patterns, hidden behaviour", analysis_findings});

    // Dependencies, licences, snippets: all read the diff of the commit.
    CUSTODY_ASSIGN_OR_RETURN(RangeDiff d, DiffRangeDependencies(repo, one));
    CUSTODY_RETURN_IF_ERROR(CheckDependencies(repo, d, lines, ai, &v));
    CUSTODY_RETURN_IF_ERROR(CheckLicensesAndSnippets(d, lines, &v));

    // Constraints and models.
    int64_t constraint_findings = 0;
    for (const auto& [path, set] : ai) {
      CUSTODY_ASSIGN_OR_RETURN(PathPolicy pp, ExplainPath(policy_, path));
      if (pp.forbid_ai) {
        CUSTODY_RETURN_IF_ERROR(Emit(MakeFinding({"constraint", "forbid_ai", path, commit}, "constraints", "forbid-ai",
                                                 CheckCategory::kConstraints, "high", path, *set.begin(),
                                                 std::to_string(set.size()) + " AI-written line(s) in " + path +
                                                     ", which constraint " + pp.forbid_ai_by.front() +
                                                     " forbids to agents"),
                                     std::nullopt, &findings));
        ++constraint_findings;
      }
      for (const std::string& rule : pp.require_rules) {
        if (rule_ids_.count(rule)) continue;
        CUSTODY_RETURN_IF_ERROR(Emit(MakeFinding({"constraint", "require-rule", rule, path}, "constraints",
                                                 "required-rule-missing", CheckCategory::kConstraints, "medium", path,
                                                 *set.begin(),
                                                 "a constraint on " + path + " requires rule " + rule +
                                                     ", which the rule set does not have"),
                                     CheckAction::kReview, &findings));
        ++constraint_findings;
      }
    }
    for (const auto& entry : attribution->checkpoints) {
      // Named copies: clang before 16 refuses lambdas that capture structured bindings.
      const std::string& id = entry.first;
      const CheckpointRef& cp = entry.second;
      std::string path;
      for (const auto& [file, ids] : checkpoints_by_file) {
        if (ids.count(id)) {
          path = file;
          break;
        }
      }
      if (path.empty()) continue;
      auto add = [&](const std::string& what, const std::string& name, const std::string& section) -> Status {
        CUSTODY_RETURN_IF_ERROR(Emit(MakeFinding({"constraint", what, name, path}, "constraints", what + "-not-allowed",
                                                 CheckCategory::kConstraints, "high", path, *ai[path].begin(),
                                                 what + " " + name + " (checkpoint " + id.substr(0, 12) +
                                                     ") is not in [" + section + "] allow"),
                                     std::nullopt, &findings));
        ++constraint_findings;
        return Status::OK();
      };
      if (!cp.model.empty() && !ModelAllowed(policy_, cp.model)) CUSTODY_RETURN_IF_ERROR(add("model", cp.model, "models"));
      if (!cp.agent.empty() && !AgentAllowed(policy_, cp.agent)) CUSTODY_RETURN_IF_ERROR(add("agent", cp.agent, "agents"));
    }
    v.checks.push_back({"constraints", "custody policy", v.validator_version, policy_.sha256, 0, "ran",
                        "forbid_ai paths, required rules, allowed models and agents", constraint_findings});

    // Provenance: lines an agent is named for, with no checkpoint behind them.
    int64_t provenance_findings = 0;
    for (const auto& [path, ranges] : unverified) {
      int64_t n = 0;
      for (const AttributedRange* r : ranges) n += r->end - r->start + 1;
      std::string agent = attribution->unverified ? attribution->unverified->name : "an agent";
      CUSTODY_RETURN_IF_ERROR(Emit(MakeFinding({"provenance", commit, path}, "provenance", "no-checkpoint",
                                               CheckCategory::kProvenance, "medium", path, ranges.front()->start,
                                               std::to_string(n) + " line(s) attributed to " + agent +
                                                   " by commit metadata only: no generation checkpoint records "
                                                   "model or prompt"),
                                   std::nullopt, &findings));
      ++provenance_findings;
    }
    v.checks.push_back({"provenance", "custody attribute", v.validator_version, "", 0, "ran",
                        attribution->method, provenance_findings});

    std::stable_sort(findings.begin(), findings.end(), [](const PolicyFinding& a, const PolicyFinding& b) {
      if (a.path != b.path) return a.path < b.path;
      return a.line < b.line;
    });
    v.verdict = VerdictOf(findings);
    v.timestamp_unix_nanos = p_.env().NowUnixNanos();
    return out;
  }

 private:
  // Judges `f` and appends it to `out`.
  Status Emit(PolicyFinding f, std::optional<CheckAction> cap, std::vector<PolicyFinding>* out) {
    CUSTODY_RETURN_IF_ERROR(Judge(&f, cap));
    out->push_back(std::move(f));
    return Status::OK();
  }

  // The policy's action for the finding's category at its path; `cap`, when
  // set, is the most the finding itself warrants.
  Status Judge(PolicyFinding* f, std::optional<CheckAction> cap) {
    CUSTODY_ASSIGN_OR_RETURN(PathPolicy pp, ExplainPath(policy_, f->path));
    f->risk = pp.risk;
    f->action = pp.checks[static_cast<int>(f->category)];
    if (cap) f->action = Min(f->action, *cap);
    return Status::OK();
  }

  Status CheckDependencies(Repo& repo, const RangeDiff& d, const LineSet& lines, const LineSet& ai,
                           ValidationRecord* v) {
    // The text of the checked added lines, per file, to tell whether an
    // agent named a package (a lockfile is written by the package manager,
    // but the name came from the AI's line in the manifest or the code).
    std::string checked_text;
    for (const FileDiff& f : d.diffs) {
      for (const DiffHunk& h : f.hunks) {
        for (const DiffLine& l : h.added) {
          if (Covered(lines, f.path, l.line)) {
            checked_text += l.text;
            checked_text += '\n';
          }
        }
      }
    }
    RangeDiff mine = d;
    if (!req_.all_lines) {
      std::erase_if(mine.changes, [&](const DependencyChange& c) {
        return !Covered(lines, c.package.file, c.package.line) &&
               checked_text.find(c.package.name) == std::string::npos;
      });
    }
    DependencyCheckOptions o;
    o.env = &p_.env();
    o.online = req_.online;
    o.policy = &policy_;
    CUSTODY_ASSIGN_OR_RETURN(DependencyCheckReport rep, CheckDependencyChanges(repo, mine, o));
    int64_t n = 0, vulns = 0;
    for (const DependencyFinding& df : rep.findings) {
      // Imports are judged by the line that holds them.
      if (df.kind == "undeclared-import" && !Covered(lines, df.file, df.line)) continue;
      PolicyFinding pf;
      pf.fingerprint = FindingFingerprint({"dependency", df.kind, df.file, df.ecosystem, df.package, df.version});
      pf.check = "dependencies";
      pf.rule = df.kind;
      pf.category = df.kind == "vulnerable" ? CheckCategory::kVulnerabilities : CheckCategory::kDependencies;
      pf.path = df.file;
      pf.line = df.line;
      pf.message = df.message;
      pf.evidence = df.ecosystem + ":" + df.package + (df.version.empty() ? "" : "@" + df.version);
      pf.ai = !req_.all_lines || Covered(ai, df.file, df.line);
      CheckAction inherent = df.verdict == "block" ? CheckAction::kBlock : CheckAction::kReview;
      if (df.kind == "not-found" || df.kind == "version-not-found") {
        // A package or version that does not exist is never right: there is
        // nothing a reviewer could approve.
        CUSTODY_ASSIGN_OR_RETURN(PathPolicy pp, ExplainPath(policy_, pf.path));
        pf.risk = pp.risk;
        pf.action = CheckAction::kBlock;
        pf.severity = "high";
      } else if (df.kind == "new-dependency") {
        // [dependencies] new is the policy's own word on this.
        CUSTODY_ASSIGN_OR_RETURN(PathPolicy pp, ExplainPath(policy_, pf.path));
        pf.risk = pp.risk;
        pf.action = inherent;
        pf.severity = "low";
      } else {
        CUSTODY_RETURN_IF_ERROR(Judge(&pf, inherent));
        std::string sev = df.detail.value("severity", std::string());
        std::transform(sev.begin(), sev.end(), sev.begin(), [](unsigned char c) { return std::tolower(c); });
        pf.severity = !sev.empty() ? sev : df.kind == "typosquat" ? "high" : "medium";
      }
      (df.kind == "vulnerable" ? vulns : n)++;
      v->findings.push_back(std::move(pf));
    }
    std::string detail;
    for (const auto& [k, s] : rep.sources) detail += (detail.empty() ? "" : ", ") + k + ": " + s;
    v->checks.push_back({"dependencies", "custody deps", v->validator_version, "", 0, "ran",
                         std::to_string(mine.changes.size()) + " new package(s) or version(s); " + detail, n});
    v->checks.push_back({"vulnerabilities", "custody osv", v->validator_version, "", 0,
                         detail.find("osv: none") == std::string::npos ? "ran" : "skipped",
                         detail.find("osv: none") == std::string::npos ? "" : "no OSV index (custody osv import)",
                         vulns});
    return Status::OK();
  }

  Status CheckLicensesAndSnippets(const RangeDiff& d, const LineSet& lines, ValidationRecord* v) {
    int64_t licences = 0, snippets = 0;
    for (const FileDiff& f : d.diffs) {
      if (f.deleted || f.binary) continue;
      std::string text;
      std::vector<int> line_of;  // 0-based line of `text` -> line in the file
      for (const DiffHunk& h : f.hunks) {
        for (const DiffLine& l : h.added) {
          if (!Covered(lines, f.path, l.line)) continue;
          text += l.text;
          text += '\n';
          line_of.push_back(l.line);
        }
      }
      if (text.empty()) continue;
      for (const SpdxIdentifierLine& id : FindSpdxIdentifiers(text)) {
        auto expr = ParseLicenseExpression(id.expression);
        LicenseVerdict verdict;
        if (expr.ok()) {
          auto ev = EvaluateLicense(*expr, license_policy_);
          if (!ev.ok()) return ev.status().WithPrefix(".custody/policy.toml [licenses]");
          verdict = *ev;
        } else {
          verdict = EvaluateUnknownLicense(license_policy_, id.expression);
        }
        if (verdict.allowed && !verdict.warn) continue;
        PolicyFinding pf;
        int line = id.line >= 1 && id.line <= static_cast<int>(line_of.size()) ? line_of[id.line - 1] : 0;
        pf.fingerprint = FindingFingerprint({"license", f.path, id.expression});
        pf.check = "licenses";
        pf.rule = verdict.allowed ? "license-unknown" : "license-denied";
        pf.category = CheckCategory::kLicenses;
        pf.severity = verdict.allowed ? "low" : "high";
        pf.path = f.path;
        pf.line = line;
        pf.message = "SPDX-License-Identifier: " + id.expression +
                     (verdict.reasons.empty() ? std::string(" is not known") : " — " + verdict.reasons.front());
        pf.evidence = id.expression;
        CUSTODY_RETURN_IF_ERROR(Judge(&pf, verdict.allowed ? std::optional(CheckAction::kReview) : std::nullopt));
        v->findings.push_back(std::move(pf));
        ++licences;
      }
      if (corpus_) {
        CUSTODY_ASSIGN_OR_RETURN(std::vector<SnippetMatch> matches, corpus_->Match(text));
        for (const SnippetMatch& m : matches) {
          PolicyFinding pf;
          int line = m.line >= 1 && m.line <= line_of.size() ? line_of[m.line - 1] : 0;
          pf.fingerprint = FindingFingerprint({"snippet", f.path, m.source, std::to_string(m.source_line)});
          pf.check = "snippets";
          pf.rule = "copied-code";
          pf.category = CheckCategory::kSnippets;
          pf.severity = "medium";
          pf.path = f.path;
          pf.line = line;
          pf.message = std::to_string(m.chars) + " bytes copied from " + m.source + ":" +
                       std::to_string(m.source_line) + "-" + std::to_string(m.source_end_line) + " (" +
                       m.license + ")";
          pf.evidence = m.source;
          CUSTODY_RETURN_IF_ERROR(Judge(&pf, std::nullopt));
          v->findings.push_back(std::move(pf));
          ++snippets;
        }
      }
    }
    v->checks.push_back({"licenses", "custody license", v->validator_version, "", 0, "ran",
                         "SPDX-License-Identifier lines against [licenses]", licences});
    v->checks.push_back({"snippets", "custody corpus", v->validator_version, "", 0, corpus_ ? "ran" : "skipped",
                         corpus_ ? "" : "no snippet corpus (custody corpus add)", snippets});
    return Status::OK();
  }

  Project& p_;
  const CheckRequest& req_;
  Policy policy_;
  Keyring keyring_;
  std::unique_ptr<Scanner> scanner_;
  std::string ruleset_digest_;
  std::set<std::string> rule_ids_;
  int64_t secret_rules_ = 0, analysis_rules_ = 0;
  std::vector<std::string> ignore_;
  std::unique_ptr<WorkingLog> log_;
  std::unique_ptr<SnippetCorpus> corpus_;
  LicensePolicy license_policy_;
};

}  // namespace

std::string FindingFingerprint(const std::vector<std::string>& parts) {
  std::string all;
  for (const std::string& s : parts) {
    all += s;
    all += '\0';
  }
  return Sha256Hex(all);
}

Result<std::vector<CommitCheck>> RunCheck(Project& project, const CheckRequest& req) {
  // The whole policy is validated first: nothing runs on a half-read one.
  CUSTODY_ASSIGN_OR_RETURN(Policy policy, project.LoadPolicy());
  CUSTODY_ASSIGN_OR_RETURN(Keyring keyring, project.LoadKeyring());
  std::optional<SigningIdentity> signer;
  if (req.record) {
    CUSTODY_ASSIGN_OR_RETURN(SigningIdentity id, project.LoadSigningIdentity(keyring));
    signer = std::move(id);
  }
  Repo& repo = project.repo();
  std::vector<std::string> commits;
  if (req.staged) {
    CUSTODY_ASSIGN_OR_RETURN(std::string c, repo.CreateStagedCommit(req.index_file));
    commits.push_back(c);
  } else {
    std::string range = req.range.empty() ? "HEAD" : req.range;
    if (range.find("..") != std::string::npos) {
      CUSTODY_ASSIGN_OR_RETURN(commits, repo.RevList(range));
    } else {
      CUSTODY_ASSIGN_OR_RETURN(std::string c, repo.ResolveCommit(range));
      commits.push_back(c);
    }
  }
  Checker checker(project, req, std::move(policy), std::move(keyring));
  CUSTODY_RETURN_IF_ERROR(checker.Prepare());
  std::vector<CommitCheck> out;
  for (size_t i = 0; i < commits.size(); ++i) {
    const std::string& c = commits[i];
    CUSTODY_ASSIGN_OR_RETURN(CommitInfo info, repo.GetCommit(c));
    if (info.parents.size() > 1) continue;  // merges: their commits are checked one by one
    if (req.progress && commits.size() > 1) {
      req.progress("checking " + std::to_string(i + 1) + "/" + std::to_string(commits.size()) + " " +
                   c.substr(0, 12));
    }
    CUSTODY_ASSIGN_OR_RETURN(CommitCheck cc, checker.CheckCommit(c, req.staged));
    if (signer) {
      cc.record.validated_by = signer->trusted.name;
      CUSTODY_ASSIGN_OR_RETURN(auto appended, project.Record({MakeValidationStatement(cc.record)}));
      cc.entry = appended.at(0);
    }
    out.push_back(std::move(cc));
  }
  return out;
}

}  // namespace custody
