#include "custody/policy.h"

#include <toml++/toml.h>

#include <algorithm>
#include <set>

#include "custody/glob.h"
#include "custody/hash.h"

namespace custody {
namespace {

constexpr std::string_view kFrameworks[] = {"eu-ai-act", "nist-ai-rmf", "slsa",   "soc2",
                                            "iso27001",  "iso42001",    "gdpr",   "hipaa",
                                            "nydfs",     "fedramp"};
constexpr std::string_view kLevels[] = {"low", "medium", "high", "critical"};
constexpr std::string_view kActions[] = {"report", "review", "block"};
constexpr std::string_view kCategories[] = {"secrets",      "crypto",          "insecure",
                                            "behaviour",    "dependencies",    "vulnerabilities",
                                            "licenses",     "snippets",        "provenance",
                                            "constraints"};
// In LicenseCategory's order (custody/license.h): Enum() returns the index.
constexpr std::string_view kLicenseCategories[] = {"public-domain",    "permissive", "weak-copyleft",
                                                   "strong-copyleft",  "network-copyleft",
                                                   "restricted",       "unknown"};
constexpr std::string_view kRoles[] = {"developer", "reviewer", "ci", "deployer", "auditor"};
constexpr std::string_view kStorage[] = {"digest", "full", "redacted"};
constexpr std::string_view kNewDeps[] = {"block", "review", "allow"};

constexpr size_t kMaxPolicyBytes = 1 << 20;

template <size_t N>
std::string Join(const std::string_view (&names)[N]) {
  std::string out;
  for (auto n : names) {
    if (!out.empty()) out += ", ";
    out += n;
  }
  return out;
}

template <size_t N>
std::optional<int> IndexOf(const std::string_view (&names)[N], std::string_view v) {
  for (size_t i = 0; i < N; ++i) {
    if (names[i] == v) return static_cast<int>(i);
  }
  return std::nullopt;
}

// Optimal-string-alignment distance: insertions, deletions, substitutions
// and swaps of neighbours ("hihg" is one edit from "high").
size_t EditDistance(std::string_view a, std::string_view b) {
  std::vector<std::vector<size_t>> d(a.size() + 1, std::vector<size_t>(b.size() + 1));
  for (size_t i = 0; i <= a.size(); ++i) d[i][0] = i;
  for (size_t j = 0; j <= b.size(); ++j) d[0][j] = j;
  for (size_t i = 1; i <= a.size(); ++i) {
    for (size_t j = 1; j <= b.size(); ++j) {
      size_t cost = a[i - 1] == b[j - 1] ? 0 : 1;
      d[i][j] = std::min({d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + cost});
      if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1]) {
        d[i][j] = std::min(d[i][j], d[i - 2][j - 2] + 1);
      }
    }
  }
  return d[a.size()][b.size()];
}

// "; did you mean \"x\"?" for the closest allowed name within a small edit
// distance, "" otherwise. Inputs are bounded (keys of one file) and short.
std::string Suggest(std::string_view got, const std::vector<std::string_view>& allowed) {
  if (got.size() > 64) return "";
  std::string_view best;
  size_t best_d = 3;
  for (auto a : allowed) {
    size_t d = EditDistance(got, a);
    size_t limit = std::min<size_t>(2, std::max<size_t>(1, a.size() / 3));
    if (d <= limit && d < best_d) {
      best = a;
      best_d = d;
    }
  }
  // A truncated name ("forbid" for "forbid_ai").
  if (best.empty() && got.size() >= 4) {
    for (auto a : allowed) {
      if (a.size() > got.size() && a.substr(0, got.size()) == got) {
        best = a;
        break;
      }
    }
  }
  // Common spelling variants that are not near by edit distance.
  if (best.empty() && got == "licences") best = "licenses";
  if (best.empty() && got == "behavior") best = "behaviour";
  if (best.empty()) return "";
  return "; did you mean \"" + std::string(best) + "\"?";
}

template <size_t N>
std::vector<std::string_view> Vec(const std::string_view (&names)[N]) {
  return std::vector<std::string_view>(std::begin(names), std::end(names));
}

std::string Quote(std::string_view s) {
  std::string out = "\"";
  for (char c : s.substr(0, 80)) {
    auto u = static_cast<unsigned char>(c);
    if (u < 0x20 || u == 0x7f || c == '"' || c == '\\') {
      out += '?';
    } else {
      out += c;
    }
  }
  if (s.size() > 80) out += "...";
  return out + "\"";
}

const char* TypeName(const toml::node& n) {
  switch (n.type()) {
    case toml::node_type::table: return "a table";
    case toml::node_type::array: return "an array";
    case toml::node_type::string: return "a string";
    case toml::node_type::integer: return "an integer";
    case toml::node_type::floating_point: return "a number";
    case toml::node_type::boolean: return "a boolean";
    case toml::node_type::date: return "a date";
    case toml::node_type::time: return "a time";
    case toml::node_type::date_time: return "a date-time";
    default: return "nothing";
  }
}

// Validates and reads one policy document, collecting every problem.
class Reader {
 public:
  Reader(const std::string& path, std::vector<PolicyError>* errors)
      : path_(path), errors_(errors) {}

  void Error(const toml::source_region& r, const std::string& problem) {
    PolicyError e;
    e.pos = {static_cast<int>(r.begin.line), static_cast<int>(r.begin.column)};
    e.message = path_ + ":" + std::to_string(e.pos.line) + ":" + std::to_string(e.pos.column) +
                ": " + problem;
    errors_->push_back(std::move(e));
  }

  // Reports keys of `t` that are not in `allowed`; `where` is the dotted
  // name of the table ("" at the top).
  void Keys(const toml::table& t, const std::string& where,
            const std::vector<std::string_view>& allowed) {
    for (auto&& [k, v] : t) {
      (void)v;
      if (std::find(allowed.begin(), allowed.end(), k.str()) != allowed.end()) continue;
      std::string list;
      for (auto a : allowed) list += (list.empty() ? "" : ", ") + std::string(a);
      Error(k.source(), (where.empty() ? "" : where + ": ") + "unknown key " + Quote(k.str()) +
                            " (allowed: " + list + Suggest(k.str(), allowed) + ")");
    }
  }

  std::string Name(const std::string& where, std::string_view key) {
    return where.empty() ? std::string(key) : where + "." + std::string(key);
  }

  // A table value at `key` of `t`, or null (absent, or reported as the wrong
  // type).
  const toml::table* Table(const toml::table& t, const std::string& where, std::string_view key) {
    const toml::node* n = t.get(key);
    if (n == nullptr) return nullptr;
    if (!n->is_table()) {
      Error(n->source(), Name(where, key) + ": must be a table, not " + TypeName(*n));
      return nullptr;
    }
    return n->as_table();
  }

  std::optional<std::string> String(const toml::table& t, const std::string& where,
                                    std::string_view key, bool allow_empty = true) {
    const toml::node* n = t.get(key);
    if (n == nullptr) return std::nullopt;
    if (!n->is_string()) {
      Error(n->source(), Name(where, key) + ": must be a string, not " + TypeName(*n));
      return std::nullopt;
    }
    std::string v = n->as_string()->get();
    if (!allow_empty && v.empty()) {
      Error(n->source(), Name(where, key) + ": must not be empty");
      return std::nullopt;
    }
    return v;
  }

  std::optional<bool> Bool(const toml::table& t, const std::string& where, std::string_view key) {
    const toml::node* n = t.get(key);
    if (n == nullptr) return std::nullopt;
    if (!n->is_boolean()) {
      Error(n->source(), Name(where, key) + ": must be true or false, not " + TypeName(*n));
      return std::nullopt;
    }
    return n->as_boolean()->get();
  }

  // One of `names` (the index), or nullopt with an error listing them.
  template <size_t N>
  std::optional<int> Enum(const toml::node& n, const std::string& what,
                          const std::string_view (&names)[N]) {
    if (!n.is_string()) {
      Error(n.source(), what + ": must be a string, not " + std::string(TypeName(n)) +
                            " (allowed: " + Join(names) + ")");
      return std::nullopt;
    }
    const std::string& v = n.as_string()->get();
    auto i = IndexOf(names, v);
    if (!i) {
      Error(n.source(), what + ": " + Quote(v) + " is not allowed (allowed: " + Join(names) +
                            Suggest(v, Vec(names)) + ")");
    }
    return i;
  }

  template <size_t N>
  std::optional<int> EnumKey(const toml::table& t, const std::string& where, std::string_view key,
                             const std::string_view (&names)[N]) {
    const toml::node* n = t.get(key);
    if (n == nullptr) return std::nullopt;
    return Enum(*n, Name(where, key), names);
  }

  // An array of strings; `check` validates each item (returns "" when fine,
  // or the problem). Nodes are returned so callers can point at items.
  std::vector<std::pair<std::string, const toml::node*>> Strings(
      const toml::table& t, const std::string& where, std::string_view key,
      const std::function<std::string(const std::string&)>& check = nullptr) {
    std::vector<std::pair<std::string, const toml::node*>> out;
    const toml::node* n = t.get(key);
    if (n == nullptr) return out;
    std::string what = Name(where, key);
    if (!n->is_array()) {
      Error(n->source(), what + ": must be an array of strings, not " + TypeName(*n));
      return out;
    }
    size_t i = 0;
    for (const toml::node& e : *n->as_array()) {
      std::string item = what + "[" + std::to_string(i++) + "]";
      if (!e.is_string()) {
        Error(e.source(), item + ": must be a string, not " + TypeName(e));
        continue;
      }
      const std::string& v = e.as_string()->get();
      std::string problem = check ? check(v) : "";
      if (!problem.empty()) {
        Error(e.source(), item + ": " + problem);
        continue;
      }
      out.emplace_back(v, &e);
    }
    return out;
  }

  static std::string GlobProblem(const std::string& g) {
    Status s = ValidateGlob(g);
    if (s.ok()) return "";
    return Quote(g) + " is not a valid glob: " + s.message() +
           " (globs are repository-relative, such as \"src/auth/**\" or \"**/*.pem\")";
  }

  static std::string SpdxProblem(const std::string& id) {
    bool ok = !id.empty() && id.size() <= 128 &&
              id.find_first_not_of("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
                                   "0123456789.-+") == std::string::npos;
    if (ok) return "";
    return Quote(id) +
           " is not an SPDX licence id (letters, digits, '.', '-', '+', e.g. \"MIT\", "
           "\"Apache-2.0\", \"GPL-3.0-only\", \"LicenseRef-acme\")";
  }

  static std::string DomainProblem(const std::string& d) {
    bool ok = !d.empty() && d.size() <= 253 && d.front() != '.' && d.back() != '.' &&
              d.find("..") == std::string::npos &&
              d.find_first_not_of("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
                                  "0123456789.-") == std::string::npos;
    if (ok) return "";
    return Quote(d) +
           " is not a domain name (a host such as \"api.example.com\", no scheme, port or "
           "path; a domain allows its subdomains)";
  }

  static std::string RuleIdProblem(const std::string& id) {
    bool ok = !id.empty() && id.size() <= 128 &&
              id.find_first_not_of("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
                                   "0123456789._-:/") == std::string::npos;
    if (ok) return "";
    return Quote(id) + " is not a rule id (letters, digits, '.', '_', '-', ':', '/')";
  }

  std::vector<Role> Roles(const toml::table& t, const std::string& where, std::string_view key,
                          bool* present) {
    std::vector<Role> out;
    const toml::node* n = t.get(key);
    *present = n != nullptr;
    if (n == nullptr) return out;
    std::string what = Name(where, key);
    if (!n->is_array()) {
      Error(n->source(), what + ": must be an array of roles, not " + std::string(TypeName(*n)) +
                             " (allowed: " + Join(kRoles) + ")");
      return out;
    }
    size_t i = 0;
    for (const toml::node& e : *n->as_array()) {
      auto r = Enum(e, what + "[" + std::to_string(i++) + "]", kRoles);
      if (r) {
        Role role = static_cast<Role>(*r);
        if (std::find(out.begin(), out.end(), role) == out.end()) out.push_back(role);
      }
    }
    if (out.empty() && n->as_array()->empty()) {
      Error(n->source(), what + ": must name at least one role (allowed: " + Join(kRoles) + ")");
    }
    return out;
  }

  std::optional<ApprovalRule> Approval(const toml::node& n, const std::string& what) {
    if (!n.is_table()) {
      Error(n.source(), what + ": must be a table such as { count = 1, roles = [\"reviewer\"] }, "
                               "not " + std::string(TypeName(n)));
      return std::nullopt;
    }
    const toml::table& t = *n.as_table();
    Keys(t, what, {"count", "roles"});
    ApprovalRule rule;
    rule.roles = {Role::kReviewer};
    if (const toml::node* c = t.get("count")) {
      if (!c->is_integer()) {
        Error(c->source(), what + ".count: must be an integer, not " + std::string(TypeName(*c)));
      } else {
        int64_t v = c->as_integer()->get();
        if (v < 0 || v > 16) {
          Error(c->source(), what + ".count: " + std::to_string(v) +
                                 " is out of range (allowed: 0 to 16)");
        } else {
          rule.count = static_cast<int>(v);
        }
      }
    } else {
      Error(n.source(), what + ": count is required (the number of approvals, 0 to 16)");
    }
    bool present = false;
    auto roles = Roles(t, what, "roles", &present);
    if (present && !roles.empty()) rule.roles = roles;
    return rule;
  }

  void Read(const toml::table& root, Policy* p);

 private:
  void ReadProject(const toml::table& root, Policy* p);
  void ReadRisk(const toml::table& root, Policy* p);
  void ReadChecks(const toml::table& root, Policy* p);
  void ReadApprovals(const toml::table& root, Policy* p);
  void ReadConstraints(const toml::table& root, Policy* p);
  void ReadRest(const toml::table& root, Policy* p);

  const std::string& path_;
  std::vector<PolicyError>* errors_;
};

void Reader::Read(const toml::table& root, Policy* p) {
  Keys(root, "",
       {"project", "risk", "checks", "approvals", "constraint", "constraints", "models", "agents",
        "dependencies", "licenses", "overrides", "egress", "prompts", "scan"});
  for (int i = 0; i < kRiskLevelCount; ++i) {
    p->checks[i] = DefaultCheckActions(static_cast<RiskLevel>(i));
  }
  p->approvals[0] = {0, {Role::kReviewer}};
  p->approvals[1] = {0, {Role::kReviewer}};
  p->approvals[2] = {1, {Role::kReviewer}};
  p->approvals[3] = {2, {Role::kReviewer}};
  ReadProject(root, p);
  ReadRisk(root, p);
  ReadChecks(root, p);
  ReadApprovals(root, p);
  ReadConstraints(root, p);
  ReadRest(root, p);
}

void Reader::ReadProject(const toml::table& root, Policy* p) {
  const toml::table* t = Table(root, "", "project");
  if (t == nullptr) return;
  Keys(*t, "project", {"name", "license", "frameworks"});
  if (auto v = String(*t, "project", "name")) p->project_name = *v;
  if (const toml::node* n = t->get("license")) {
    if (auto v = String(*t, "project", "license")) {
      std::string problem = SpdxProblem(*v);
      if (problem.empty()) {
        p->project_license = *v;
      } else {
        Error(n->source(), "project.license: " + problem);
      }
    }
  }
  if (const toml::node* n = t->get("frameworks")) {
    if (!n->is_array()) {
      Error(n->source(), "project.frameworks: must be an array, not " + std::string(TypeName(*n)) +
                             " (allowed: " + Join(kFrameworks) + ")");
    } else {
      size_t i = 0;
      for (const toml::node& e : *n->as_array()) {
        auto f = Enum(e, "project.frameworks[" + std::to_string(i++) + "]", kFrameworks);
        if (f) {
          std::string name(kFrameworks[*f]);
          if (std::find(p->frameworks.begin(), p->frameworks.end(), name) == p->frameworks.end()) {
            p->frameworks.push_back(name);
          }
        }
      }
    }
  }
}

void Reader::ReadRisk(const toml::table& root, Policy* p) {
  const toml::table* t = Table(root, "", "risk");
  if (t == nullptr) return;
  Keys(*t, "risk", {"default", "paths"});
  if (auto l = EnumKey(*t, "risk", "default", kLevels)) p->default_risk = static_cast<RiskLevel>(*l);
  const toml::node* paths = t->get("paths");
  if (paths == nullptr) return;
  if (!paths->is_array()) {
    Error(paths->source(), "risk.paths: must be an array of tables ([[risk.paths]] with glob and "
                           "level), not " + std::string(TypeName(*paths)));
    return;
  }
  size_t i = 0;
  for (const toml::node& e : *paths->as_array()) {
    std::string what = "risk.paths[" + std::to_string(i++) + "]";
    if (!e.is_table()) {
      Error(e.source(), what + ": must be a table with glob and level, not " +
                            std::string(TypeName(e)));
      continue;
    }
    const toml::table& rt = *e.as_table();
    Keys(rt, what, {"glob", "level"});
    RiskRule rule;
    rule.pos = {static_cast<int>(e.source().begin.line), static_cast<int>(e.source().begin.column)};
    bool ok = true;
    if (const toml::node* g = rt.get("glob")) {
      auto v = String(rt, what, "glob");
      if (!v) {
        ok = false;
      } else if (std::string problem = GlobProblem(*v); !problem.empty()) {
        Error(g->source(), what + ".glob: " + problem);
        ok = false;
      } else {
        rule.glob = *v;
        rule.pos = {static_cast<int>(g->source().begin.line),
                    static_cast<int>(g->source().begin.column)};
      }
    } else {
      Error(e.source(), what + ": glob is required (e.g. glob = \"src/auth/**\")");
      ok = false;
    }
    if (rt.get("level") != nullptr) {
      auto l = EnumKey(rt, what, "level", kLevels);
      if (l) {
        rule.level = static_cast<RiskLevel>(*l);
      } else {
        ok = false;
      }
    } else {
      Error(e.source(), what + ": level is required (allowed: " + Join(kLevels) + ")");
      ok = false;
    }
    if (ok) p->risk_rules.push_back(std::move(rule));
  }
}

void Reader::ReadChecks(const toml::table& root, Policy* p) {
  const toml::table* t = Table(root, "", "checks");
  if (t == nullptr) return;
  Keys(*t, "checks", Vec(kLevels));
  for (int l = 0; l < kRiskLevelCount; ++l) {
    std::string where = "checks." + std::string(kLevels[l]);
    const toml::table* lt = Table(*t, "checks", kLevels[l]);
    if (lt == nullptr) continue;
    Keys(*lt, where, Vec(kCategories));
    for (int c = 0; c < kCheckCategoryCount; ++c) {
      if (auto a = EnumKey(*lt, where, kCategories[c], kActions)) {
        p->checks[l][c] = static_cast<CheckAction>(*a);
      }
    }
  }
}

void Reader::ReadApprovals(const toml::table& root, Policy* p) {
  const toml::table* t = Table(root, "", "approvals");
  if (t == nullptr) return;
  std::vector<std::string_view> allowed = Vec(kLevels);
  allowed.push_back("separation_of_duties");
  Keys(*t, "approvals", allowed);
  if (auto b = Bool(*t, "approvals", "separation_of_duties")) p->separation_of_duties = *b;
  for (int l = 0; l < kRiskLevelCount; ++l) {
    const toml::node* n = t->get(kLevels[l]);
    if (n == nullptr) continue;
    if (auto rule = Approval(*n, "approvals." + std::string(kLevels[l]))) p->approvals[l] = *rule;
  }
}

void Reader::ReadConstraints(const toml::table& root, Policy* p) {
  // The legacy unnamed list, [constraints] forbid_ai = [...].
  if (const toml::table* t = Table(root, "", "constraints")) {
    Keys(*t, "constraints", {"forbid_ai"});
    if (const toml::node* n = t->get("forbid_ai")) {
      Constraint c;
      c.name = "constraints.forbid_ai";
      c.description = "paths AI agents must not write";
      c.forbid_ai = true;
      c.pos = {static_cast<int>(n->source().begin.line),
               static_cast<int>(n->source().begin.column)};
      for (auto& [g, node] : Strings(*t, "constraints", "forbid_ai", GlobProblem)) {
        c.paths.push_back(g);
      }
      if (!c.paths.empty()) p->constraints.push_back(std::move(c));
    }
  }
  const toml::node* arr = root.get("constraint");
  if (arr == nullptr) return;
  if (!arr->is_array()) {
    Error(arr->source(), "constraint: must be an array of tables ([[constraint]] with name and "
                         "paths), not " + std::string(TypeName(*arr)));
    return;
  }
  std::set<std::string> names;
  size_t i = 0;
  for (const toml::node& e : *arr->as_array()) {
    std::string what = "constraint[" + std::to_string(i++) + "]";
    if (!e.is_table()) {
      Error(e.source(), what + ": must be a table, not " + std::string(TypeName(e)));
      continue;
    }
    const toml::table& t = *e.as_table();
    Keys(t, what,
         {"name", "description", "paths", "forbid_ai", "require_rules", "checks", "approvals"});
    Constraint c;
    c.pos = {static_cast<int>(e.source().begin.line), static_cast<int>(e.source().begin.column)};
    size_t errors_before = errors_->size();
    if (const toml::node* n = t.get("name")) {
      auto v = String(t, what, "name", /*allow_empty=*/false);
      if (v) {
        bool ok = v->size() <= 64 &&
                  v->find_first_not_of("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
                                       "0123456789._-") == std::string::npos;
        if (!ok) {
          Error(n->source(), what + ".name: " + Quote(*v) +
                                 " must be at most 64 letters, digits, '.', '_' or '-'");
        } else if (!names.insert(*v).second || *v == "constraints.forbid_ai") {
          Error(n->source(), what + ".name: " + Quote(*v) + " is already used by another constraint");
        } else {
          c.name = *v;
          c.pos = {static_cast<int>(n->source().begin.line),
                   static_cast<int>(n->source().begin.column)};
        }
      }
    } else {
      Error(e.source(), what + ": name is required (e.g. name = \"auth-zone\")");
    }
    if (c.name.empty()) c.name = what;
    what = "constraint " + Quote(c.name);
    if (auto v = String(t, what, "description")) c.description = *v;
    if (t.get("paths") == nullptr) {
      Error(e.source(), what + ": paths is required (globs such as [\"src/auth/**\"])");
    } else {
      for (auto& [g, node] : Strings(t, what, "paths", GlobProblem)) c.paths.push_back(g);
      if (const toml::node* n = t.get("paths"); n->is_array() && n->as_array()->empty()) {
        Error(n->source(), what + ".paths: must list at least one glob");
      }
    }
    if (auto b = Bool(t, what, "forbid_ai")) c.forbid_ai = *b;
    for (auto& [r, node] : Strings(t, what, "require_rules", RuleIdProblem)) {
      c.require_rules.push_back(r);
    }
    if (const toml::table* ct = Table(t, what, "checks")) {
      Keys(*ct, what + ".checks", Vec(kCategories));
      for (int cat = 0; cat < kCheckCategoryCount; ++cat) {
        const toml::node* n = ct->get(kCategories[cat]);
        if (n == nullptr) continue;
        auto a = Enum(*n, what + ".checks." + std::string(kCategories[cat]), kActions);
        if (!a) continue;
        auto action = static_cast<CheckAction>(*a);
        // Constraints only raise. A value no stricter than the category's
        // action at every risk level could only lower it: refuse it rather
        // than let the reader believe it weakens the check.
        bool raises = false;
        CheckAction weakest = CheckAction::kBlock;
        for (int l = 0; l < kRiskLevelCount; ++l) {
          if (action > p->checks[l][cat]) raises = true;
          weakest = std::min(weakest, p->checks[l][cat]);
        }
        if (!raises) {
          std::string stricter;
          for (int s = static_cast<int>(weakest) + 1; s < 3; ++s) {
            stricter += (stricter.empty() ? "" : ", ") + std::string(kActions[s]);
          }
          Error(n->source(), what + ".checks." + std::string(kCategories[cat]) + ": " +
                                 Quote(kActions[*a]) + " would not raise " +
                                 std::string(kCategories[cat]) + " (" +
                                 std::string(kActions[static_cast<int>(weakest)]) +
                                 " or stricter at every risk level); constraints can only make "
                                 "checks stricter (allowed: " +
                                 (stricter.empty() ? "none, remove the key" : stricter) + ")");
          continue;
        }
        c.checks[cat] = action;
      }
    }
    if (const toml::node* n = t.get("approvals")) {
      c.approvals = Approval(*n, what + ".approvals");
      if (c.approvals && c.approvals->count == 0) {
        Error(n->source(), what + ".approvals.count: 0 adds nothing (allowed: 1 to 16; a "
                               "constraint only adds approvals)");
        c.approvals.reset();
      }
    }
    if (errors_->size() == errors_before) p->constraints.push_back(std::move(c));
  }
}

void Reader::ReadRest(const toml::table& root, Policy* p) {
  if (const toml::table* t = Table(root, "", "models")) {
    Keys(*t, "models", {"allow"});
    for (auto& [g, n] : Strings(*t, "models", "allow", GlobProblem)) p->allowed_models.push_back(g);
  }
  if (const toml::table* t = Table(root, "", "agents")) {
    Keys(*t, "agents", {"allow"});
    for (auto& [g, n] : Strings(*t, "agents", "allow", GlobProblem)) p->allowed_agents.push_back(g);
  }
  if (const toml::table* t = Table(root, "", "dependencies")) {
    Keys(*t, "dependencies", {"new", "allow"});
    if (auto a = EnumKey(*t, "dependencies", "new", kNewDeps)) {
      p->new_dependencies = static_cast<NewDependencyAction>(*a);
    }
    auto check = [](const std::string& v) -> std::string {
      std::string glob = v;
      size_t colon = v.find(':');
      if (colon != std::string::npos) {
        std::string eco = v.substr(0, colon);
        if (!ParseEcosystem(eco)) {
          return Quote(v) + ": " + Quote(eco) +
                 " is not an ecosystem (allowed: npm, pypi, go, cargo, rubygems, maven, "
                 "packagist, nuget; write \"ECOSYSTEM:NAME\" or \"NAME\")";
        }
        glob = v.substr(colon + 1);
      }
      return GlobProblem(glob);
    };
    for (auto& [d, n] : Strings(*t, "dependencies", "allow", check)) {
      p->allowed_dependencies.push_back(d);
    }
  }
  if (const toml::table* t = Table(root, "", "licenses")) {
    Keys(*t, "licenses", {"deny", "allow", "deny_categories", "unknown"});
    for (auto& [id, n] : Strings(*t, "licenses", "deny", SpdxProblem)) p->licenses_deny.push_back(id);
    for (auto& [id, n] : Strings(*t, "licenses", "allow", SpdxProblem)) {
      if (std::find(p->licenses_deny.begin(), p->licenses_deny.end(), id) !=
          p->licenses_deny.end()) {
        Error(n->source(), "licenses.allow: " + Quote(id) + " is also in licenses.deny");
        continue;
      }
      p->licenses_allow.push_back(id);
    }
    if (const toml::node* n = t->get("deny_categories")) {
      if (!n->is_array()) {
        Error(n->source(), "licenses.deny_categories: must be an array, not " +
                               std::string(TypeName(*n)) + " (allowed: " +
                               Join(kLicenseCategories) + ")");
      } else {
        size_t i = 0;
        for (const toml::node& e : *n->as_array()) {
          auto c = Enum(e, "licenses.deny_categories[" + std::to_string(i++) + "]",
                        kLicenseCategories);
          if (c) p->licenses_deny_categories.push_back(static_cast<LicenseCategory>(*c));
        }
      }
    }
    if (auto a = EnumKey(*t, "licenses", "unknown", kActions)) {
      p->unknown_license = static_cast<CheckAction>(*a);
    }
  }
  if (const toml::table* t = Table(root, "", "overrides")) {
    Keys(*t, "overrides", {"roles"});
    bool present = false;
    auto roles = Roles(*t, "overrides", "roles", &present);
    if (present && !roles.empty()) p->override_roles = roles;
  }
  if (const toml::table* t = Table(root, "", "egress")) {
    Keys(*t, "egress", {"allow_domains"});
    for (auto& [d, n] : Strings(*t, "egress", "allow_domains", DomainProblem)) {
      p->egress_allow_domains.push_back(d);
    }
  }
  if (const toml::table* t = Table(root, "", "prompts")) {
    Keys(*t, "prompts", {"storage"});
    if (auto s = EnumKey(*t, "prompts", "storage", kStorage)) p->prompt_storage = kStorage[*s];
  }
  if (const toml::table* t = Table(root, "", "scan")) {
    Keys(*t, "scan", {"ignore_paths"});
    auto check = [](const std::string& v) -> std::string {
      return v.empty() ? "must not be empty" : "";
    };
    for (auto& [g, n] : Strings(*t, "scan", "ignore_paths", check)) p->scan_ignore_paths.push_back(g);
  }
  // The hooks' view: every forbid_ai glob, legacy list first.
  for (const auto& c : p->constraints) {
    if (!c.forbid_ai) continue;
    for (const auto& g : c.paths) {
      if (std::find(p->forbid_ai.begin(), p->forbid_ai.end(), g) == p->forbid_ai.end()) {
        p->forbid_ai.push_back(g);
      }
    }
  }
}

bool AnyGlob(const std::vector<std::string>& globs, std::string_view s) {
  for (const auto& g : globs) {
    if (GlobMatch(g, s)) return true;
  }
  return false;
}

}  // namespace

std::vector<std::string_view> KnownFrameworks() { return Vec(kFrameworks); }
std::string_view RiskLevelName(RiskLevel l) { return kLevels[static_cast<int>(l)]; }
std::string_view CheckActionName(CheckAction a) { return kActions[static_cast<int>(a)]; }
std::string_view CheckCategoryName(CheckCategory c) { return kCategories[static_cast<int>(c)]; }
std::optional<RiskLevel> ParseRiskLevel(std::string_view n) {
  auto i = IndexOf(kLevels, n);
  return i ? std::optional<RiskLevel>(static_cast<RiskLevel>(*i)) : std::nullopt;
}
std::optional<CheckAction> ParseCheckAction(std::string_view n) {
  auto i = IndexOf(kActions, n);
  return i ? std::optional<CheckAction>(static_cast<CheckAction>(*i)) : std::nullopt;
}
std::optional<CheckCategory> ParseCheckCategory(std::string_view n) {
  auto i = IndexOf(kCategories, n);
  return i ? std::optional<CheckCategory>(static_cast<CheckCategory>(*i)) : std::nullopt;
}

CheckActions DefaultCheckActions(RiskLevel level) {
  using A = CheckAction;
  // Order: secrets, crypto, insecure, behaviour, dependencies,
  // vulnerabilities, licenses, snippets, provenance, constraints. A secret
  // or a forbidden write blocks at every level.
  switch (level) {
    case RiskLevel::kLow:
      return {A::kBlock, A::kReport, A::kReport, A::kReview, A::kReport,
              A::kReport, A::kReport, A::kReport, A::kReport, A::kBlock};
    case RiskLevel::kMedium:
      return {A::kBlock, A::kReview, A::kReview, A::kReview, A::kReview,
              A::kReview, A::kReview, A::kReview, A::kReport, A::kBlock};
    case RiskLevel::kHigh:
      return {A::kBlock, A::kBlock, A::kBlock, A::kBlock, A::kReview,
              A::kBlock, A::kBlock, A::kReview, A::kReview, A::kBlock};
    case RiskLevel::kCritical:
      break;
  }
  CheckActions all;
  all.fill(A::kBlock);
  return all;
}

Result<Policy> ParsePolicy(std::string_view text, const std::string& path,
                           std::vector<PolicyError>* errors) {
  Policy p;
  p.path = path;
  p.sha256 = Sha256Hex(text);
  std::vector<PolicyError> local;
  std::vector<PolicyError>* out = errors != nullptr ? errors : &local;
  size_t before = out->size();
  Reader reader(path, out);
  toml::table root;
  // toml++ reports errors by exception; this adapter is the only place that
  // sees them (STYLE.md rule 14).
  try {
    root = toml::parse(text, path);
  } catch (const toml::parse_error& e) {
    reader.Error(e.source(), std::string(e.description()) + " (the policy must be TOML)");
  }
  if (out->size() == before) reader.Read(root, &p);
  size_t n = out->size() - before;
  if (n == 0) return p;
  // Tables are read section by section; report in file order.
  std::stable_sort(out->begin() + static_cast<std::ptrdiff_t>(before), out->end(),
                   [](const PolicyError& a, const PolicyError& b) {
                     return a.pos.line != b.pos.line ? a.pos.line < b.pos.line
                                                     : a.pos.column < b.pos.column;
                   });
  std::string msg = (*out)[before].message;
  if (n > 1) {
    msg += " (and " + std::to_string(n - 1) + " more error" + (n > 2 ? "s" : "") +
           "; custody policy check lists them)";
  }
  return Status::InvalidArgument("", msg);
}

Result<Policy> LoadPolicy(Env& env, const std::string& path, std::vector<PolicyError>* errors) {
  auto text = env.ReadFile(path);
  if (!text.ok()) {
    if (text.status().code() == Code::kNotFound) {
      return Status::NotFound(path, "no policy file (run custody init)");
    }
    return text.status();
  }
  if (text->size() > kMaxPolicyBytes) {
    return Status::InvalidArgument(path, "is " + std::to_string(text->size()) +
                                             " bytes (a policy may have at most 1 MiB)");
  }
  return ParsePolicy(*text, path, errors);
}

Result<PathPolicy> ExplainPath(const Policy& policy, std::string_view path) {
  std::string p(path);
  while (p.rfind("./", 0) == 0) p.erase(0, 2);
  while (!p.empty() && p.front() == '/') p.erase(0, 1);
  if (p.empty()) return Status::InvalidArgument("path", "is empty");
  if (p == ".." || p.rfind("../", 0) == 0 || p.find("/../") != std::string::npos ||
      (p.size() >= 3 && p.compare(p.size() - 3, 3, "/..") == 0)) {
    return Status::InvalidArgument(p, "leaves the repository (a \"..\" segment)");
  }
  PathPolicy out;
  out.path = p;
  out.risk = policy.default_risk;
  for (const auto& r : policy.risk_rules) {
    if (GlobMatch(r.glob, p)) {
      out.risk = r.level;
      out.risk_rule = r;
      break;
    }
  }
  int level = static_cast<int>(out.risk);
  out.checks = policy.checks[level];
  out.separation_of_duties = policy.separation_of_duties;
  const ApprovalRule& base = policy.approvals[level];
  if (base.count > 0) {
    out.approvals.push_back(
        {base.count, base.roles, "risk level " + std::string(RiskLevelName(out.risk))});
  }
  std::set<std::string> rules;
  for (const auto& c : policy.constraints) {
    if (!AnyGlob(c.paths, p)) continue;
    out.constraints.push_back(c.name);
    if (c.forbid_ai) {
      out.forbid_ai = true;
      out.forbid_ai_by.push_back(c.name);
    }
    rules.insert(c.require_rules.begin(), c.require_rules.end());
    for (int i = 0; i < kCheckCategoryCount; ++i) {
      if (c.checks[i] && *c.checks[i] > out.checks[i]) {
        out.checks[i] = *c.checks[i];
        out.raised_by[i] = c.name;
      }
    }
    if (c.approvals) {
      out.approvals.push_back({c.approvals->count, c.approvals->roles, "constraint " + c.name});
    }
  }
  out.require_rules.assign(rules.begin(), rules.end());
  return out;
}

bool ModelAllowed(const Policy& policy, std::string_view model) {
  return policy.allowed_models.empty() || AnyGlob(policy.allowed_models, model);
}

bool AgentAllowed(const Policy& policy, std::string_view agent) {
  return policy.allowed_agents.empty() || AnyGlob(policy.allowed_agents, agent);
}

bool DependencyAllowed(const Policy& policy, Ecosystem ecosystem, std::string_view name) {
  for (const auto& pattern : policy.allowed_dependencies) {
    std::string_view glob = pattern;
    size_t colon = pattern.find(':');
    if (colon != std::string::npos) {
      if (ParseEcosystem(glob.substr(0, colon)) != ecosystem) continue;
      glob = glob.substr(colon + 1);
    }
    if (GlobMatch(glob, name)) return true;
  }
  return false;
}

LicenseDecision DecideLicense(const Policy& policy, std::string_view id, LicenseCategory category) {
  auto in = [&](const std::vector<std::string>& v) {
    return std::find(v.begin(), v.end(), id) != v.end();
  };
  if (!id.empty() && in(policy.licenses_deny)) return LicenseDecision::kDenied;
  if (!id.empty() && in(policy.licenses_allow)) return LicenseDecision::kAllowed;
  const auto& cats = policy.licenses_deny_categories;
  if (std::find(cats.begin(), cats.end(), category) != cats.end()) return LicenseDecision::kDenied;
  if (id.empty() || category == LicenseCategory::kUnknown) return LicenseDecision::kUnknown;
  return LicenseDecision::kAccepted;
}

std::string PolicyTemplate(std::string_view project_name) {
  std::string out = R"(# custody policy: what AI-written code must satisfy in this repository.
# Every generation checkpoint records the SHA-256 of this file, so changing it
# is visible in the evidence; `custody policy adopt` records each new version
# as a signed event. Check it with `custody policy check`, and see what applies
# to a file with `custody policy explain PATH`. Reference: docs/policy.md.

[project]
name = ")";
  out += project_name;
  out += R"("
# license = "Apache-2.0"          # the project's own licence (SPDX id)
# Frameworks in scope (reports map the evidence to their controls): eu-ai-act,
# nist-ai-rmf, slsa, soc2, iso27001, iso42001, gdpr, hipaa, nydfs, fedramp.
frameworks = []

[prompts]
# How prompts are kept. Signed statements never hold the prompt text, only a
# salted digest and a reference.
#   "digest": keep only the salted digest (default; nothing personal is stored)
#   "full":   also keep the text beside the ledger, encrypted with a key per
#             record, so it can be shown to reviewers and erased on request
#   "redacted": like "full", after secrets (tokens, keys, passwords) in the
#             text are replaced by [REDACTED:<kind>]
storage = "digest"

[risk]
# Risk level of a path: low, medium, high or critical. The first
# [[risk.paths]] whose glob matches wins; other paths get the default.
default = "medium"
# [[risk.paths]]
# glob = "src/auth/**"
# level = "critical"
# [[risk.paths]]
# glob = "docs/**"
# level = "low"

# What a finding of each check category does at each level: "block" (fails
# the gate), "review" (needs an approval) or "report" (listed only).
# Categories: secrets, crypto, insecure, behaviour, dependencies,
# vulnerabilities, licenses, snippets, provenance, constraints. Categories
# left out keep the defaults listed in docs/policy.md.
# [checks.medium]
# crypto = "block"
# [checks.low]
# dependencies = "review"

[approvals]
# Approvals a change needs per level, signed by keys with one of the roles
# (developer, reviewer, ci, deployer, auditor). Defaults: low and medium 0,
# high 1, critical 2 (reviewer).
# high = { count = 1, roles = ["reviewer"] }
# critical = { count = 2, roles = ["reviewer"] }
# An approval by the person whose agent wrote the code does not count.
separation_of_duties = true

[constraints]
# Paths AI agents must not write (globs; ** spans directories). Agent hooks
# installed by `custody init --agents` refuse such edits before they happen.
# forbid_ai = ["src/auth/**", "**/*.pem"]

# Named constraints: paths they cover, and what they add there. Checks can
# only be made stricter, and approvals are added to the level's.
# [[constraint]]
#   name = "payments"
#   description = "card data: no AI writes, extra review"
#   paths = ["src/payments/**"]
#   forbid_ai = true
#   require_rules = ["generic-api-key"]
#   checks = { dependencies = "block" }
#   approvals = { count = 1, roles = ["auditor"] }

[models]
# Models agents may use (globs of model ids); empty = any.
allow = []

[agents]
# Agents that may write code (globs of agent names); empty = any.
allow = []

[dependencies]
# A dependency a change adds: "block", "review" or "allow".
new = "review"
# Packages that need no review: "ECOSYSTEM:NAME" or "NAME", globs allowed.
allow = []

[licenses]
# SPDX ids denied or allowed outright, denied categories (public-domain,
# permissive, weak-copyleft, strong-copyleft, network-copyleft, restricted,
# unknown; docs/licenses.md), and what a
# dependency with no known licence gets (block, review or report).
deny = []
allow = []
deny_categories = ["network-copyleft"]
unknown = "review"

[overrides]
# Key roles that may override a blocking finding (with a justification).
roles = ["reviewer"]

[egress]
# Domains code may contact; network calls to other hosts are reported
# (a domain allows its subdomains).
allow_domains = []

[scan]
# Extra gitignore-style patterns the scanner skips (added to .custodyignore).
ignore_paths = []
)";
  return out;
}

}  // namespace custody
