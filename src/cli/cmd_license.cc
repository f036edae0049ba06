// custody license: identify licence texts, parse SPDX expressions, and scan
// the declared licences of installed packages against a policy
// (docs/licenses.md).
#include <algorithm>
#include <sstream>

#include "cli/cli.h"
#include "custody/license.h"
#include "custody/policy.h"

namespace custody::cli {
namespace {

struct LicenseArgs {
  std::vector<std::string> files;
  std::string expr;
  std::string dir;
  bool json = false;
  std::vector<std::string> deny, allow, deny_categories;
  std::string project_license;
  std::string unknown = "warn";
  bool no_policy = false;
};

std::string Pct(double x) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.1f%%", 100.0 * x);
  return buf;
}

std::string Abs(const Globals& g, const std::string& p) {
  return !p.empty() && p[0] == '/' ? p : WorkingDir(g) + "/" + p;
}

nlohmann::json MatchJson(const LicenseMatch& m) {
  nlohmann::json j = {{"kind", LicenseMatchKindName(m.kind)},
                      {"id", m.id.empty() ? nlohmann::json(nullptr) : nlohmann::json(m.id)},
                      {"equivalent", m.equivalent},
                      {"score", m.score},
                      {"containment", m.containment},
                      {"category", LicenseCategoryName(m.category)}};
  if (!m.second.empty()) j["runner_up"] = {{"id", m.second}, {"score", m.second_score}};
  return j;
}

std::string MatchLine(const LicenseMatch& m) {
  if (m.kind == LicenseMatch::Kind::kNone) {
    std::string s = "no licence identified";
    if (!m.second.empty()) s += " (closest: " + m.second + ", " + Pct(m.second_score) + ")";
    return s;
  }
  std::string s = m.id + " (" + std::string(LicenseMatchKindName(m.kind));
  if (m.kind != LicenseMatch::Kind::kIdentifier) {
    s += ", " + Pct(m.kind == LicenseMatch::Kind::kPartial ? m.containment : m.score);
  }
  s += ", " + std::string(LicenseCategoryName(m.category)) + ")";
  if (m.equivalent.size() > 1) {
    s += "; same text as";
    for (size_t i = 1; i < m.equivalent.size(); ++i) s += " " + m.equivalent[i];
  }
  return s;
}

Result<ExitCode> RunIdentify(const Globals& g, const LicenseArgs& a) {
  nlohmann::json out = nlohmann::json::array();
  bool any_none = false;
  for (const auto& f : a.files) {
    CUSTODY_ASSIGN_OR_RETURN(std::string text, Env::Default()->ReadFile(Abs(g, f)));
    LicenseMatch m = IdentifyLicenseText(text);
    any_none = any_none || m.kind == LicenseMatch::Kind::kNone;
    if (a.json) {
      nlohmann::json j = MatchJson(m);
      j["file"] = f;
      out.push_back(j);
    } else {
      Out(f + ": " + MatchLine(m));
    }
  }
  if (a.json) OutJson(out);
  return any_none ? ExitCode::kFailed : ExitCode::kOk;
}

void Leaves(const LicenseExpr& e, std::vector<const LicenseExpr*>& out) {
  if (e.kind == LicenseExpr::Kind::kLicense || e.kind == LicenseExpr::Kind::kRef) {
    out.push_back(&e);
    return;
  }
  for (const auto& c : e.children) Leaves(c, out);
}

Result<LicensePolicy> PolicyOf(const LicenseArgs& a) {
  LicensePolicy p;
  p.deny = a.deny;
  p.allow = a.allow;
  p.project_license = a.project_license;
  for (const auto& c : a.deny_categories) {
    auto cat = ParseLicenseCategory(c);
    if (!cat) {
      return Status::InvalidArgument("--deny-category", "'" + c + "' is not a category (public-domain, permissive, "
                                     "weak-copyleft, strong-copyleft, network-copyleft, restricted, unknown)");
    }
    p.deny_categories.push_back(*cat);
  }
  if (a.unknown == "allow") {
    p.unknown = UnknownLicenseAction::kAllow;
  } else if (a.unknown == "warn") {
    p.unknown = UnknownLicenseAction::kWarn;
  } else if (a.unknown == "deny") {
    p.unknown = UnknownLicenseAction::kDeny;
  } else {
    return Status::InvalidArgument("--unknown", "'" + a.unknown + "' (allowed: allow, warn, deny)");
  }
  return p;
}

bool HasPolicy(const LicenseArgs& a) {
  return !a.deny.empty() || !a.allow.empty() || !a.deny_categories.empty() || !a.project_license.empty() ||
         a.unknown == "deny";
}

Result<ExitCode> RunExpr(const Globals&, const LicenseArgs& a) {
  auto e = ParseLicenseExpression(a.expr);
  if (!e.ok()) {
    // Point at the column under the expression.
    std::string msg = e.status().ToString();
    DeclaredExpr d = InterpretDeclaredLicense(a.expr);
    if (!d.expr) {
      int col = 0;
      if (std::sscanf(msg.c_str(), "col %d:", &col) == 1 && col >= 1) {
        Err(a.expr);
        Err(std::string(static_cast<size_t>(col - 1), ' ') + "^");
      }
      return Status::InvalidArgument("expression", msg);
    }
    Err("not strict SPDX (" + msg + "); read as " + LicenseExprToString(*d.expr) + " (" + d.note + ")");
    e = std::move(*d.expr);
  }
  std::vector<const LicenseExpr*> leaves;
  Leaves(*e, leaves);
  CUSTODY_ASSIGN_OR_RETURN(LicensePolicy p, PolicyOf(a));
  LicenseVerdict v;
  if (HasPolicy(a)) {
    CUSTODY_ASSIGN_OR_RETURN(v, EvaluateLicense(*e, p));
  }
  if (a.json) {
    nlohmann::json ls = nlohmann::json::array();
    for (const auto* l : leaves) {
      const LicenseInfo* info = l->kind == LicenseExpr::Kind::kLicense ? FindLicense(l->id) : nullptr;
      nlohmann::json j = {{"id", l->id}, {"or_later", l->or_later},
                          {"category", LicenseCategoryName(ExprCategory(*l))}};
      if (!l->exception.empty()) j["exception"] = l->exception;
      if (info) {
        j["name"] = info->name;
        j["osi_approved"] = info->osi_approved;
      }
      ls.push_back(j);
    }
    nlohmann::json j = {{"expression", LicenseExprToString(*e)}, {"category", LicenseCategoryName(ExprCategory(*e))},
                        {"licenses", ls}};
    if (HasPolicy(a)) j["policy"] = {{"allowed", v.allowed}, {"warn", v.warn}, {"reasons", v.reasons}};
    OutJson(j);
  } else {
    Out(LicenseExprToString(*e) + "  [" + std::string(LicenseCategoryName(ExprCategory(*e))) + "]");
    for (const auto* l : leaves) {
      const LicenseInfo* info = l->kind == LicenseExpr::Kind::kLicense ? FindLicense(l->id) : nullptr;
      std::string line = "  " + LicenseExprToString(*l) + ": " + std::string(LicenseCategoryName(ExprCategory(*l)));
      if (info) line += " - " + std::string(info->name) + (info->osi_approved ? " (OSI approved)" : "");
      Out(line);
    }
    if (HasPolicy(a)) {
      Out(v.allowed ? (v.warn ? "policy: allowed, with warnings" : "policy: allowed") : "policy: DENIED");
      for (const auto& r : v.reasons) Out("  " + r);
    }
  }
  return HasPolicy(a) && !v.allowed ? ExitCode::kFailed : ExitCode::kOk;
}

// The project's [licenses] rules (.custody/policy.toml), when the scan runs
// inside a custody project and no rule was given on the command line.
std::optional<LicensePolicy> ProjectLicensePolicy(const Globals& g) {
  auto project = OpenProject(g);
  if (!project.ok()) return std::nullopt;
  auto pol = (*project)->LoadPolicy();
  if (!pol.ok()) return std::nullopt;
  LicensePolicy p;
  p.deny = pol->licenses_deny;
  p.allow = pol->licenses_allow;
  p.deny_categories = pol->licenses_deny_categories;
  p.project_license = pol->project_license;
  p.unknown = pol->unknown_license == CheckAction::kBlock ? UnknownLicenseAction::kDeny : UnknownLicenseAction::kWarn;
  return p;
}

Result<ExitCode> RunScan(const Globals& g, const LicenseArgs& a) {
  CUSTODY_ASSIGN_OR_RETURN(LicensePolicy p, PolicyOf(a));
  if (!HasPolicy(a) && !a.no_policy) {
    if (auto pp = ProjectLicensePolicy(g)) {
      p = *pp;
      if (!g.quiet && !a.json) Err("custody: license: applying the [licenses] rules of .custody/policy.toml");
    }
  }

  std::string root = a.dir.empty() ? WorkingDir(g) : Abs(g, a.dir);
  CUSTODY_ASSIGN_OR_RETURN(LicenseScan s, ScanLicenses(*Env::Default(), root));
  auto rel = [&](const std::string& path) {
    return path.rfind(root + "/", 0) == 0 ? path.substr(root.size() + 1) : path;
  };
  bool denied = false;
  size_t warnings = 0;
  nlohmann::json pk = nlohmann::json::array();
  for (const auto& pkg : s.packages) {
    LicenseVerdict v;
    if (pkg.declared.expr) {
      CUSTODY_ASSIGN_OR_RETURN(v, EvaluateLicense(*pkg.declared.expr, p));
    } else {
      v = EvaluateUnknownLicense(p, pkg.declared.raw);
    }
    denied = denied || !v.allowed;
    warnings += v.warn ? 1 : 0;
    std::string expr = pkg.declared.expr ? LicenseExprToString(*pkg.declared.expr) : "";
    std::string cat(LicenseCategoryName(pkg.declared.expr ? ExprCategory(*pkg.declared.expr) : LicenseCategory::kUnknown));
    std::string where = rel(pkg.file) + (pkg.line ? ":" + std::to_string(pkg.line) : "");
    if (a.json) {
      nlohmann::json j = {{"ecosystem", pkg.ecosystem}, {"package", pkg.package}, {"version", pkg.version},
                          {"declared", pkg.declared.raw}, {"expression", expr.empty() ? nlohmann::json(nullptr) : nlohmann::json(expr)},
                          {"category", cat}, {"file", where}, {"allowed", v.allowed}, {"warn", v.warn},
                          {"reasons", v.reasons}};
      if (!pkg.declared.note.empty()) j["note"] = pkg.declared.note;
      if (!pkg.license_file.empty()) j["license_file"] = pkg.license_file;
      pk.push_back(j);
    } else {
      std::string line = pkg.ecosystem + " " + (pkg.package.empty() ? "?" : pkg.package) +
                         (pkg.version.empty() ? "" : "@" + pkg.version) + ": " +
                         (expr.empty() ? "UNKNOWN" + (pkg.declared.raw.empty() ? "" : " '" + pkg.declared.raw + "'") : expr) +
                         " [" + cat + "] (" + where + ")";
      if (!v.allowed) line += " DENIED";
      Out(line);
      if (!pkg.declared.note.empty() && !pkg.declared.expr) Out("    " + pkg.declared.note);
      for (const auto& r : v.reasons) Out("    " + r);
    }
  }
  nlohmann::json fl = nlohmann::json::array();
  for (const auto& f : s.files) {
    if (a.json) {
      nlohmann::json j = MatchJson(f.match);
      j["file"] = rel(f.path);
      fl.push_back(j);
    } else {
      Out("file " + rel(f.path) + ": " + MatchLine(f.match));
    }
  }
  for (const auto& e : s.errors) Err("error: " + e);
  if (a.json) {
    OutJson({{"root", root}, {"packages", pk}, {"license_files", fl}, {"errors", s.errors}, {"denied", denied}});
  } else if (!g.quiet) {
    Out(std::to_string(s.packages.size()) + " packages, " + std::to_string(s.files.size()) + " licence files, " +
        std::to_string(warnings) + " warnings, " + std::to_string(s.errors.size()) + " unreadable; " +
        (denied ? "policy: DENIED" : "policy: ok"));
  }
  return denied ? ExitCode::kFailed : ExitCode::kOk;
}

void PolicyFlags(CLI::App* c, LicenseArgs& a) {
  c->add_option("--deny", a.deny, "Licence ids never accepted (comma-separated; GPL-3.0 covers -only and -or-later)")
      ->delimiter(',')
      ->option_text("ID,...");
  c->add_option("--allow", a.allow, "Only these licence ids are accepted (comma-separated)")
      ->delimiter(',')
      ->option_text("ID,...");
  c->add_option("--deny-category", a.deny_categories,
                "Categories never accepted: public-domain, permissive, weak-copyleft, strong-copyleft,\n"
                "network-copyleft, restricted, unknown (comma-separated)")
      ->delimiter(',')
      ->option_text("CAT,...");
  c->add_option("--project-license", a.project_license,
                "The project's own licence (SPDX expression or 'proprietary'): copyleft stronger than it is blocking")
      ->option_text("EXPR");
  c->add_option("--unknown", a.unknown, "What an unknown licence gives: allow, warn (default) or deny")
      ->option_text("ACTION");
}

}  // namespace

void RegisterLicense(CLI::App& app, Globals& g, Action& action) {
  auto a = std::make_shared<LicenseArgs>();
  CLI::App* cmd = app.add_subcommand("license", "Licences: identify texts, parse SPDX expressions, scan dependencies (docs/licenses.md)");
  cmd->alias("licence");
  cmd->require_subcommand(1);
  CLI::App* id = cmd->add_subcommand("identify", "Identify the licence text of each FILE against the SPDX licence list\n"
                                                 "(exit 1 when a file matches nothing)");
  id->add_option("files", a->files, "LICENSE, COPYING or source files")->required();
  id->add_flag("--json", a->json, "JSON output");
  id->callback([&g, &action, a] { action = [&g, a] { return RunIdentify(g, *a); }; });
  CLI::App* ex = cmd->add_subcommand("expr", "Parse and normalise an SPDX licence expression and print its categories\n"
                                             "(with policy flags: exit 1 when it is denied)");
  ex->add_option("expression", a->expr, "e.g. 'MIT OR (GPL-2.0+ WITH Classpath-exception-2.0)'")->required();
  ex->add_flag("--json", a->json, "JSON output");
  PolicyFlags(ex, *a);
  ex->callback([&g, &action, a] { action = [&g, a] { return RunExpr(g, *a); }; });
  CLI::App* sc = cmd->add_subcommand("scan", "Declared licences of installed packages (node_modules, site-packages,\n"
                                             "Cargo.toml, pom.xml) and LICENSE files under DIR; exit 1 when the policy denies one");
  sc->add_option("dir", a->dir, "Directory to scan (default: the working directory)");
  sc->add_flag("--json", a->json, "JSON output");
  PolicyFlags(sc, *a);
  sc->add_flag("--no-policy", a->no_policy,
               "Do not apply the project's [licenses] rules (.custody/policy.toml), which apply by\n"
               "default when no rule flag is given");
  sc->callback([&g, &action, a] { action = [&g, a] { return RunScan(g, *a); }; });
}

}  // namespace custody::cli
