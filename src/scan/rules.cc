// Loaders of rule files: custody packs and gitleaks configurations.
#include <algorithm>
#include <cctype>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <toml++/toml.h>

#include "custody/scan.h"
#include "scan/embedded_rules.h"

namespace custody {
namespace {

std::string Where(const std::string& path, const toml::source_region& r) {
  return path + ":" + std::to_string(r.begin.line) + ":" + std::to_string(r.begin.column);
}

std::string Lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

// Typed field access that names the file and place of a wrong type.
class Fields {
 public:
  Fields(const toml::table& t, const std::string& path, std::string what)
      : t_(t), path_(path), what_(std::move(what)) {}

  Status Str(std::string_view key, std::string* out, bool required = false) const {
    const toml::node* n = t_.get(key);
    if (n == nullptr) {
      if (required) return Status::InvalidArgument(Where(path_, t_.source()), what_ + ": missing " + std::string(key));
      return Status::OK();
    }
    if (!n->is_string()) return Bad(*n, key, "a string");
    *out = n->as_string()->get();
    return Status::OK();
  }
  Status StrList(std::string_view key, std::vector<std::string>* out) const {
    const toml::node* n = t_.get(key);
    if (n == nullptr) return Status::OK();
    if (!n->is_array()) return Bad(*n, key, "an array of strings");
    for (const toml::node& e : *n->as_array()) {
      if (!e.is_string()) return Bad(e, key, "an array of strings");
      out->push_back(e.as_string()->get());
    }
    return Status::OK();
  }
  Status Num(std::string_view key, double* out) const {
    const toml::node* n = t_.get(key);
    if (n == nullptr) return Status::OK();
    if (n->is_integer()) {
      *out = static_cast<double>(n->as_integer()->get());
    } else if (n->is_floating_point()) {
      *out = n->as_floating_point()->get();
    } else {
      return Bad(*n, key, "a number");
    }
    return Status::OK();
  }
  Status Int(std::string_view key, int* out, int lo, int hi) const {
    const toml::node* n = t_.get(key);
    if (n == nullptr) return Status::OK();
    if (!n->is_integer() || n->as_integer()->get() < lo || n->as_integer()->get() > hi) {
      return Bad(*n, key, "an integer from " + std::to_string(lo) + " to " + std::to_string(hi));
    }
    *out = static_cast<int>(n->as_integer()->get());
    return Status::OK();
  }
  Status Bool(std::string_view key, bool* out) const {
    const toml::node* n = t_.get(key);
    if (n == nullptr) return Status::OK();
    if (!n->is_boolean()) return Bad(*n, key, "true or false");
    *out = n->as_boolean()->get();
    return Status::OK();
  }
  Status Bad(const toml::node& n, std::string_view key, const std::string& want) const {
    return Status::InvalidArgument(Where(path_, n.source()),
                                   what_ + ": " + std::string(key) + " must be " + want);
  }

 private:
  const toml::table& t_;
  const std::string& path_;
  std::string what_;
};

// Reads one allowlist table. `camel` selects gitleaks key spelling
// (regexTarget, targetRules) in addition to custody's snake_case.
Status ParseAllowlist(const toml::table& t, const std::string& path, const std::string& what,
                      ScanAllowlist* out) {
  Fields f(t, path, what);
  CUSTODY_RETURN_IF_ERROR(f.Str("description", &out->description));
  CUSTODY_RETURN_IF_ERROR(f.StrList("regexes", &out->regexes));
  CUSTODY_RETURN_IF_ERROR(f.StrList("paths", &out->paths));
  CUSTODY_RETURN_IF_ERROR(f.StrList("stopwords", &out->stopwords));
  CUSTODY_RETURN_IF_ERROR(f.StrList("commits", &out->commits));
  CUSTODY_RETURN_IF_ERROR(f.StrList("targetRules", &out->target_rules));
  CUSTODY_RETURN_IF_ERROR(f.StrList("target_rules", &out->target_rules));
  for (std::string& s : out->stopwords) s = Lower(s);
  std::string target, condition;
  CUSTODY_RETURN_IF_ERROR(f.Str("regexTarget", &target));
  CUSTODY_RETURN_IF_ERROR(f.Str("regex_target", &target));
  CUSTODY_RETURN_IF_ERROR(f.Str("condition", &condition));
  std::string lt = Lower(target);
  if (lt.empty() || lt == "secret") {
    out->regex_target = ScanAllowlist::Target::kSecret;
  } else if (lt == "match") {
    out->regex_target = ScanAllowlist::Target::kMatch;
  } else if (lt == "line") {
    out->regex_target = ScanAllowlist::Target::kLine;
  } else {
    return Status::InvalidArgument(Where(path, t.source()),
                                   what + ": regex_target \"" + target +
                                       "\" is not one of secret, match, line");
  }
  std::string lc = Lower(condition);
  if (lc.empty() || lc == "or" || lc == "||") {
    out->condition_and = false;
  } else if (lc == "and" || lc == "&&") {
    out->condition_and = true;
  } else {
    return Status::InvalidArgument(Where(path, t.source()),
                                   what + ": condition \"" + condition + "\" is not one of or, and");
  }
  return Status::OK();
}

// Rule allowlists: `[rules.allowlist]` (one table, legacy gitleaks and
// custody) and `[[rules.allowlists]]` (several).
Status ParseRuleAllowlists(const toml::table& rt, const std::string& path, const std::string& what,
                           std::vector<ScanAllowlist>* out) {
  for (const char* key : {"allowlist", "allowlists"}) {
    const toml::node* n = rt.get(key);
    if (n == nullptr) continue;
    if (n->is_table()) {
      ScanAllowlist a;
      CUSTODY_RETURN_IF_ERROR(ParseAllowlist(*n->as_table(), path, what, &a));
      out->push_back(std::move(a));
    } else if (n->is_array()) {
      for (const toml::node& e : *n->as_array()) {
        if (!e.is_table()) {
          return Status::InvalidArgument(Where(path, e.source()), what + ": " + key + " must hold tables");
        }
        ScanAllowlist a;
        CUSTODY_RETURN_IF_ERROR(ParseAllowlist(*e.as_table(), path, what, &a));
        out->push_back(std::move(a));
      }
    } else {
      return Status::InvalidArgument(Where(path, n->source()), what + ": " + key + " must be a table");
    }
  }
  return Status::OK();
}

Result<toml::table> ParseToml(std::string_view text, const std::string& path) {
  try {
    return toml::parse(text, path);
  } catch (const toml::parse_error& e) {
    return Status::InvalidArgument(Where(path, e.source()), std::string(e.description()));
  }
}

bool ValidId(std::string_view id) {
  if (id.empty() || id.size() > 100) return false;
  return std::all_of(id.begin(), id.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-';
  });
}

const toml::array* RulesArray(const toml::table& root, const std::string& path, Status* err) {
  const toml::node* n = root.get("rules");
  if (n == nullptr) return nullptr;
  if (!n->is_array_of_tables()) {
    *err = Status::InvalidArgument(Where(path, n->source()), "rules must be an array of tables ([[rules]])");
    return nullptr;
  }
  return n->as_array();
}

}  // namespace

void RuleSet::Add(ScanRule rule) {
  for (ScanRule& r : rules) {
    if (r.id == rule.id) {
      r = std::move(rule);
      return;
    }
  }
  rules.push_back(std::move(rule));
}

bool RuleSet::Remove(std::string_view id) {
  auto it = std::find_if(rules.begin(), rules.end(), [&](const ScanRule& r) { return r.id == id; });
  if (it == rules.end()) return false;
  rules.erase(it);
  return true;
}

Status LoadCustodyRules(std::string_view text, const std::string& path, RuleSet* set) {
  CUSTODY_ASSIGN_OR_RETURN(toml::table root, ParseToml(text, path));
  const toml::node* version = root.get("version");
  if (version == nullptr) {
    return Status::InvalidArgument(path + ":1:1", "missing version (custody rule packs start with version = 1)");
  }
  if (!version->is_integer() || version->as_integer()->get() != 1) {
    return Status::InvalidArgument(Where(path, version->source()), "version must be 1");
  }
  Status err;
  const toml::array* arr = RulesArray(root, path, &err);
  if (!err.ok()) return err;
  if (arr == nullptr) return Status::OK();
  std::vector<ScanRule> loaded;
  for (const toml::node& node : *arr) {
    const toml::table& t = *node.as_table();
    std::string where = Where(path, t.source());
    ScanRule r;
    r.origin = where;
    Fields f0(t, path, "rule");
    CUSTODY_RETURN_IF_ERROR(f0.Str("id", &r.id, true));
    if (!ValidId(r.id)) {
      return Status::InvalidArgument(where, "rule id \"" + r.id + "\" must match [a-z0-9-]+");
    }
    std::string what = "rule " + r.id;
    Fields f(t, path, what);
    CUSTODY_RETURN_IF_ERROR(f.Str("description", &r.description, true));
    std::string category, severity;
    CUSTODY_RETURN_IF_ERROR(f.Str("category", &category, true));
    CUSTODY_RETURN_IF_ERROR(f.Str("severity", &severity, true));
    auto cat = ParseCategory(category);
    if (!cat.ok()) return cat.status().WithPrefix(where + ": " + what);
    r.category = *cat;
    auto sev = ParseSeverity(severity);
    if (!sev.ok()) return sev.status().WithPrefix(where + ": " + what);
    r.severity = *sev;
    CUSTODY_RETURN_IF_ERROR(f.Str("cwe", &r.cwe));
    CUSTODY_RETURN_IF_ERROR(f.Str("regex", &r.regex, true));
    CUSTODY_RETURN_IF_ERROR(f.Str("prefilter", &r.prefilter));
    CUSTODY_RETURN_IF_ERROR(f.Int("secret_group", &r.secret_group, 0, 99));
    CUSTODY_RETURN_IF_ERROR(f.StrList("keywords", &r.keywords));
    for (auto& k : r.keywords) k = Lower(k);
    r.keywords.erase(std::remove(r.keywords.begin(), r.keywords.end(), ""), r.keywords.end());
    CUSTODY_RETURN_IF_ERROR(f.Num("entropy", &r.entropy));
    CUSTODY_RETURN_IF_ERROR(f.StrList("paths", &r.paths));
    CUSTODY_RETURN_IF_ERROR(f.StrList("languages", &r.languages));
    CUSTODY_RETURN_IF_ERROR(f.Str("remediation", &r.remediation));
    CUSTODY_RETURN_IF_ERROR(f.StrList("frameworks", &r.frameworks));
    CUSTODY_RETURN_IF_ERROR(f.StrList("tags", &r.tags));
    r.placeholder_check = r.category == RuleCategory::kSecret;
    CUSTODY_RETURN_IF_ERROR(f.Bool("placeholder_check", &r.placeholder_check));
    CUSTODY_RETURN_IF_ERROR(f.Bool("egress", &r.egress));
    CUSTODY_RETURN_IF_ERROR(ParseRuleAllowlists(t, path, what, &r.allowlists));
    if (const toml::node* ex = t.get("examples")) {
      if (!ex->is_array_of_tables()) {
        return Status::InvalidArgument(Where(path, ex->source()), what + ": examples must be [[rules.examples]]");
      }
      for (const toml::node& e : *ex->as_array()) {
        Fields fe(*e.as_table(), path, what + " example");
        RuleExample x;
        CUSTODY_RETURN_IF_ERROR(fe.Str("text", &x.text, true));
        CUSTODY_RETURN_IF_ERROR(fe.Str("path", &x.path));
        if (e.as_table()->get("match") == nullptr) {
          return Status::InvalidArgument(Where(path, e.source()), what + " example: missing match");
        }
        CUSTODY_RETURN_IF_ERROR(fe.Bool("match", &x.match));
        r.examples.push_back(std::move(x));
      }
    }
    for (const auto& l : loaded) {
      if (l.id == r.id) {
        return Status::InvalidArgument(where, "rule id \"" + r.id + "\" repeats (first at " + l.origin + ")");
      }
    }
    loaded.push_back(std::move(r));
  }
  for (auto& r : loaded) set->Add(std::move(r));
  return Status::OK();
}

namespace {

// gitleaks `[[rules.required]]`: the parts of a composite rule.
Status ParseRequired(const toml::table& rt, const std::string& path, const std::string& what,
                     std::vector<RequiredRule>* out) {
  const toml::node* n = rt.get("required");
  if (n == nullptr) return Status::OK();
  if (!n->is_array_of_tables()) {
    return Status::InvalidArgument(Where(path, n->source()), what + ": required must be [[rules.required]] tables");
  }
  for (const toml::node& e : *n->as_array()) {
    Fields f(*e.as_table(), path, what + " required");
    RequiredRule q;
    CUSTODY_RETURN_IF_ERROR(f.Str("id", &q.id, true));
    if (q.id.empty()) return Status::InvalidArgument(Where(path, e.source()), what + ": required rule id is empty");
    CUSTODY_RETURN_IF_ERROR(f.Int("withinLines", &q.within_lines, 0, 1 << 30));
    CUSTODY_RETURN_IF_ERROR(f.Int("withinColumns", &q.within_columns, 0, 1 << 30));
    out->push_back(std::move(q));
  }
  return Status::OK();
}

// gitleaks' extend: the fields the extending rule gives replace the base
// rule's, its lists are added to the base rule's.
void MergeIntoBase(ScanRule* b, ScanRule r, bool has_description) {
  if (has_description) b->description = std::move(r.description);
  if (!r.regex.empty()) {
    b->regex = std::move(r.regex);
    b->prefilter.clear();  // it belonged to the base's regex
    b->origin = r.origin;
  }
  if (r.secret_group > 0) b->secret_group = r.secret_group;
  if (r.entropy != 0) b->entropy = r.entropy;
  if (!r.paths.empty()) b->paths = std::move(r.paths);
  for (auto& k : r.keywords) {
    if (std::find(b->keywords.begin(), b->keywords.end(), k) == b->keywords.end()) b->keywords.push_back(k);
  }
  for (auto& t : r.tags) b->tags.push_back(std::move(t));
  for (auto& a : r.allowlists) b->allowlists.push_back(std::move(a));
  for (auto& q : r.required) b->required.push_back(std::move(q));
  b->skip_report = b->skip_report || r.skip_report;
}

Status LoadGitleaksDepth(std::string_view text, const std::string& path, const FileReader& read,
                         RuleSet* set, int depth) {
  CUSTODY_ASSIGN_OR_RETURN(toml::table root, ParseToml(text, path));
  // [extend] first: the extended rules are the base this file adds to.
  RuleSet base;
  bool use_default = false;
  if (const toml::node* ext = root.get("extend")) {
    if (!ext->is_table()) return Status::InvalidArgument(Where(path, ext->source()), "extend must be a table");
    Fields f(*ext->as_table(), path, "extend");
    std::string base_path;
    std::vector<std::string> disabled;
    CUSTODY_RETURN_IF_ERROR(f.Bool("useDefault", &use_default));
    CUSTODY_RETURN_IF_ERROR(f.Str("path", &base_path));
    CUSTODY_RETURN_IF_ERROR(f.StrList("disabledRules", &disabled));
    if (use_default) {
      CUSTODY_ASSIGN_OR_RETURN(RuleSet def, DefaultRuleSet());
      for (auto& r : def.rules) {
        if (r.category == RuleCategory::kSecret) base.Add(std::move(r));
      }
      for (auto& a : def.allowlists) base.allowlists.push_back(std::move(a));
    }
    if (!base_path.empty()) {
      if (depth >= 4) {
        return Status::InvalidArgument(Where(path, ext->source()), "extend: nested more than 4 levels deep");
      }
      std::string full = base_path;
      if (!full.empty() && full[0] != '/') {
        std::string dir = std::filesystem::path(path).parent_path().string();
        if (!dir.empty()) full = dir + "/" + base_path;
      }
      if (!read) return Status::InvalidArgument(Where(path, ext->source()), "extend.path: no file reader");
      auto content = read(full);
      if (!content.ok()) return content.status().WithPrefix(Where(path, ext->source()) + ": extend.path");
      CUSTODY_RETURN_IF_ERROR(LoadGitleaksDepth(*content, full, read, &base, depth + 1));
    }
    // As in gitleaks, disabledRules drops rules of the extended config only:
    // this file's own rule of the same id stays.
    for (const auto& id : disabled) {
      if (!base.Remove(id)) {
        base.warnings.push_back(Where(path, ext->source()) + ": extend.disabledRules: the extended rules have no \"" +
                                id + "\"" + (use_default ? " (custody's default rules use their own ids)" : ""));
      }
    }
  }
  std::vector<std::string> base_ids;
  for (const auto& r : base.rules) base_ids.push_back(r.id);
  for (auto& r : base.rules) set->Add(std::move(r));
  for (auto& a : base.allowlists) set->allowlists.push_back(std::move(a));
  for (auto& w : base.warnings) set->warnings.push_back(std::move(w));

  Status err;
  const toml::array* arr = RulesArray(root, path, &err);
  if (!err.ok()) return err;
  if (arr != nullptr) {
    for (const toml::node& node : *arr) {
      const toml::table& t = *node.as_table();
      std::string where = Where(path, t.source());
      ScanRule r;
      r.origin = where;
      r.category = RuleCategory::kSecret;
      r.severity = Severity::kHigh;
      r.cwe = "CWE-798";
      r.placeholder_check = true;
      Fields f0(t, path, "rule");
      CUSTODY_RETURN_IF_ERROR(f0.Str("id", &r.id, true));
      if (r.id.empty() || r.id.size() > 200) return Status::InvalidArgument(where, "rule id must not be empty");
      std::string what = "rule " + r.id;
      Fields f(t, path, what);
      CUSTODY_RETURN_IF_ERROR(f.Str("description", &r.description));
      const bool has_description = !r.description.empty();
      if (!has_description) r.description = r.id;
      CUSTODY_RETURN_IF_ERROR(f.Str("regex", &r.regex));
      CUSTODY_RETURN_IF_ERROR(f.Int("secretGroup", &r.secret_group, 0, 99));
      CUSTODY_RETURN_IF_ERROR(f.Num("entropy", &r.entropy));
      CUSTODY_RETURN_IF_ERROR(f.StrList("keywords", &r.keywords));
      for (auto& k : r.keywords) k = Lower(k);
      r.keywords.erase(std::remove(r.keywords.begin(), r.keywords.end(), ""), r.keywords.end());
      std::string p;
      CUSTODY_RETURN_IF_ERROR(f.Str("path", &p));
      if (!p.empty()) r.paths.push_back(p);
      CUSTODY_RETURN_IF_ERROR(f.StrList("tags", &r.tags));
      CUSTODY_RETURN_IF_ERROR(ParseRuleAllowlists(t, path, what, &r.allowlists));
      CUSTODY_RETURN_IF_ERROR(ParseRequired(t, path, what, &r.required));
      CUSTODY_RETURN_IF_ERROR(f.Bool("skipReport", &r.skip_report));
      if (std::find(base_ids.begin(), base_ids.end(), r.id) != base_ids.end()) {
        auto it = std::find_if(set->rules.begin(), set->rules.end(), [&](const ScanRule& b) { return b.id == r.id; });
        if (it != set->rules.end()) {
          MergeIntoBase(&*it, std::move(r), has_description);
          continue;
        }
      }
      if (r.regex.empty() && r.paths.empty()) {
        if (use_default) {
          // gitleaks users tune default rules by id (generic-api-key, …);
          // custody's default ids differ, so there is nothing to tune.
          set->warnings.push_back(where + ": " + what +
                                  ": no regex or path, and custody's default rules have no rule of this id; skipped");
          continue;
        }
        return Status::InvalidArgument(where, what + ": needs a regex or a path");
      }
      set->Add(std::move(r));
    }
  }
  for (const char* key : {"allowlist", "allowlists"}) {
    const toml::node* n = root.get(key);
    if (n == nullptr) continue;
    auto add = [&](const toml::node& tn) -> Status {
      if (!tn.is_table()) return Status::InvalidArgument(Where(path, tn.source()), std::string(key) + " must be a table");
      ScanAllowlist a;
      CUSTODY_RETURN_IF_ERROR(ParseAllowlist(*tn.as_table(), path, "global allowlist", &a));
      set->allowlists.push_back(std::move(a));
      return Status::OK();
    };
    if (n->is_array()) {
      for (const toml::node& e : *n->as_array()) CUSTODY_RETURN_IF_ERROR(add(e));
    } else {
      CUSTODY_RETURN_IF_ERROR(add(*n));
    }
  }
  return Status::OK();
}

Result<std::string> ReadDiskFile(const std::string& path) {
  std::error_code ec;
  if (std::filesystem::is_directory(path, ec)) return Status::InvalidArgument(path, "is a directory");
  std::ifstream in(path, std::ios::binary);
  if (!in) return Status::NotFound(path, "cannot open rules file");
  std::ostringstream ss;
  ss << in.rdbuf();
  if (in.bad()) return Status::IOError(path, "read failed");
  return ss.str();
}

// gitleaks files have no version key and no rule categories.
bool IsGitleaksText(std::string_view text) {
  try {
    toml::table root = toml::parse(text);
    if (root.get("version") != nullptr) return false;
    if (root.get("extend") != nullptr) return true;
    if (const toml::array* a = root["rules"].as_array()) {
      for (const toml::node& n : *a) {
        if (const toml::table* t = n.as_table(); t != nullptr && t->get("category") != nullptr) return false;
      }
    }
    return true;
  } catch (const toml::parse_error&) {
    return false;  // the custody loader reports the parse error
  }
}

}  // namespace

Status LoadGitleaksConfig(std::string_view text, const std::string& path, const FileReader& read,
                          RuleSet* set) {
  return LoadGitleaksDepth(text, path, read, set, 0);
}

Status LoadRulesPath(const std::string& path, RuleSet* set) {
  std::error_code ec;
  std::vector<std::string> files;
  if (std::filesystem::is_directory(path, ec)) {
    for (const auto& e : std::filesystem::directory_iterator(path, ec)) {
      if (e.path().extension() == ".toml") files.push_back(e.path().string());
    }
    if (ec) return Status::IOError(path, ec.message());
    std::sort(files.begin(), files.end());
    if (files.empty()) return Status::NotFound(path, "no *.toml rule files in this directory");
  } else {
    files.push_back(path);
  }
  for (const auto& f : files) {
    CUSTODY_ASSIGN_OR_RETURN(std::string text, ReadDiskFile(f));
    if (IsGitleaksText(text)) {
      CUSTODY_RETURN_IF_ERROR(LoadGitleaksConfig(text, f, ReadDiskFile, set));
    } else {
      CUSTODY_RETURN_IF_ERROR(LoadCustodyRules(text, f, set));
    }
  }
  return Status::OK();
}

Result<RuleSet> DefaultRuleSet() {
  RuleSet set;
  for (size_t i = 0; i < scan_internal::kEmbeddedPackCount; ++i) {
    const auto& p = scan_internal::kEmbeddedPacks[i];
    CUSTODY_RETURN_IF_ERROR(LoadCustodyRules(p.text, std::string("rules/") + p.name, &set));
  }
  return set;
}

std::vector<std::string> DefaultRulePackNames() {
  std::vector<std::string> names;
  for (size_t i = 0; i < scan_internal::kEmbeddedPackCount; ++i) {
    names.emplace_back(scan_internal::kEmbeddedPacks[i].name);
  }
  return names;
}

std::string_view SeverityName(Severity s) {
  switch (s) {
    case Severity::kInfo: return "info";
    case Severity::kLow: return "low";
    case Severity::kMedium: return "medium";
    case Severity::kHigh: return "high";
    case Severity::kCritical: return "critical";
  }
  return "info";
}

Result<Severity> ParseSeverity(std::string_view name) {
  std::string n = Lower(name);
  for (Severity s : {Severity::kInfo, Severity::kLow, Severity::kMedium, Severity::kHigh, Severity::kCritical}) {
    if (n == SeverityName(s)) return s;
  }
  return Status::InvalidArgument("severity \"" + std::string(name) + "\"",
                                 "not one of critical, high, medium, low, info");
}

std::string_view CategoryName(RuleCategory c) {
  switch (c) {
    case RuleCategory::kSecret: return "secret";
    case RuleCategory::kCrypto: return "crypto";
    case RuleCategory::kInsecure: return "insecure";
    case RuleCategory::kBehaviour: return "behaviour";
  }
  return "secret";
}

Result<RuleCategory> ParseCategory(std::string_view name) {
  std::string n = Lower(name);
  if (n == "behavior") n = "behaviour";
  for (RuleCategory c : {RuleCategory::kSecret, RuleCategory::kCrypto, RuleCategory::kInsecure,
                         RuleCategory::kBehaviour}) {
    if (n == CategoryName(c)) return c;
  }
  return Status::InvalidArgument("category \"" + std::string(name) + "\"",
                                 "not one of secret, crypto, insecure, behaviour");
}

}  // namespace custody
