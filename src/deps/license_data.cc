// The SPDX licence and exception tables, parsed from the embedded data.
#include <algorithm>
#include <unordered_map>

#include "custody/license.h"
#include "deps/license_data.h"

namespace custody::deps_internal {
extern const std::string_view kSpdx_licenses_tsv[];
extern const std::string_view kSpdx_exceptions_txt[];
extern const std::string_view kSpdx_texts_txt[];

namespace {
std::string Join(const std::string_view* pieces) {
  std::string s;
  for (; !pieces->empty(); ++pieces) s.append(*pieces);
  return s;
}
}  // namespace

const std::string& SpdxFile(std::string_view name) {
  static const std::string* licenses = new std::string(Join(kSpdx_licenses_tsv));
  static const std::string* exceptions = new std::string(Join(kSpdx_exceptions_txt));
  static const std::string* texts = new std::string(Join(kSpdx_texts_txt));
  static const std::string* none = new std::string();
  if (name == "licenses.tsv") return *licenses;
  if (name == "exceptions.txt") return *exceptions;
  if (name == "texts.txt") return *texts;
  return *none;
}

std::string AsciiLower(std::string_view s) {
  std::string out(s);
  for (char& c : out) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return out;
}

}  // namespace custody::deps_internal

namespace custody {
namespace {
using deps_internal::AsciiLower;
using deps_internal::SpdxFile;

struct Tables {
  std::vector<LicenseInfo> licenses;
  std::unordered_map<std::string, size_t> by_lower;
  std::unordered_map<std::string, std::string_view> exceptions;
};

std::vector<std::string_view> SplitTabs(std::string_view line) {
  std::vector<std::string_view> f;
  size_t start = 0;
  for (size_t i = 0; i <= line.size(); ++i) {
    if (i == line.size() || line[i] == '\t') {
      f.push_back(line.substr(start, i - start));
      start = i + 1;
    }
  }
  return f;
}

const Tables& GetTables() {
  static const Tables* t = [] {
    auto* t = new Tables;
    std::string_view data = SpdxFile("licenses.tsv");
    while (!data.empty()) {
      size_t nl = data.find('\n');
      std::string_view line = data.substr(0, nl);
      data = nl == std::string_view::npos ? std::string_view() : data.substr(nl + 1);
      if (line.empty() || line[0] == '#') continue;
      auto f = SplitTabs(line);
      if (f.size() < 6) continue;
      LicenseInfo info;
      info.id = f[0];
      info.osi_approved = f[1] == "1";
      info.deprecated = f[2] == "1";
      info.category = ParseLicenseCategory(f[3]).value_or(LicenseCategory::kUnknown);
      info.replacement = f[4];
      info.name = f[5];
      t->licenses.push_back(info);
    }
    std::sort(t->licenses.begin(), t->licenses.end(), [](const LicenseInfo& a, const LicenseInfo& b) {
      return AsciiLower(a.id) < AsciiLower(b.id);
    });
    for (size_t i = 0; i < t->licenses.size(); ++i) t->by_lower[AsciiLower(t->licenses[i].id)] = i;
    std::string_view ex = SpdxFile("exceptions.txt");
    while (!ex.empty()) {
      size_t nl = ex.find('\n');
      std::string_view line = ex.substr(0, nl);
      ex = nl == std::string_view::npos ? std::string_view() : ex.substr(nl + 1);
      if (line.empty() || line[0] == '#') continue;
      t->exceptions[AsciiLower(line)] = line;
    }
    return t;
  }();
  return *t;
}

}  // namespace

std::string_view LicenseCategoryName(LicenseCategory c) {
  switch (c) {
    case LicenseCategory::kPublicDomain: return "public-domain";
    case LicenseCategory::kPermissive: return "permissive";
    case LicenseCategory::kWeakCopyleft: return "weak-copyleft";
    case LicenseCategory::kStrongCopyleft: return "strong-copyleft";
    case LicenseCategory::kNetworkCopyleft: return "network-copyleft";
    case LicenseCategory::kRestricted: return "restricted";
    case LicenseCategory::kUnknown: return "unknown";
  }
  return "unknown";
}

std::optional<LicenseCategory> ParseLicenseCategory(std::string_view name) {
  std::string n = AsciiLower(name);
  std::replace(n.begin(), n.end(), '_', '-');
  for (auto c : {LicenseCategory::kPublicDomain, LicenseCategory::kPermissive, LicenseCategory::kWeakCopyleft,
                 LicenseCategory::kStrongCopyleft, LicenseCategory::kNetworkCopyleft,
                 LicenseCategory::kRestricted, LicenseCategory::kUnknown}) {
    if (n == LicenseCategoryName(c)) return c;
  }
  return std::nullopt;
}

const LicenseInfo* FindLicense(std::string_view id) {
  const Tables& t = GetTables();
  auto it = t.by_lower.find(AsciiLower(id));
  return it == t.by_lower.end() ? nullptr : &t.licenses[it->second];
}

std::string_view FindLicenseException(std::string_view id) {
  const Tables& t = GetTables();
  auto it = t.exceptions.find(AsciiLower(id));
  return it == t.exceptions.end() ? std::string_view() : it->second;
}

const std::vector<LicenseInfo>& AllLicenses() { return GetTables().licenses; }

}  // namespace custody
