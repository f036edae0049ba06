// Fuzzes the version parsers of every ecosystem. Input: one byte choosing
// the ecosystem, then two versions separated by '\n'. Checks beyond "no
// crash": comparison is reflexive and antisymmetric, and a version's
// normalised form parses and (but for Packagist) compares equal to it.
//
//   build-fuzz/fuzz/version_fuzzer fuzz/corpus/version -max_total_time=60
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "custody/versions.h"

namespace {
int Sign(int x) { return x < 0 ? -1 : x > 0 ? 1 : 0; }
}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using custody::Ecosystem;
  if (size < 1) return 0;
  auto eco = static_cast<Ecosystem>(data[0] % 8);
  std::string_view in(reinterpret_cast<const char*>(data + 1), size - 1);
  size_t nl = in.find('\n');
  std::string_view a = in.substr(0, nl);
  std::string_view b = nl == std::string_view::npos ? std::string_view("1.0.0") : in.substr(nl + 1);
  auto va = custody::ParseVersion(eco, a);
  auto vb = custody::ParseVersion(eco, b);
  if (va.ok()) {
    if (custody::CompareParsed(*va, *va) != 0) std::abort();
    std::string norm = custody::NormalizeVersion(eco, a);
    auto vn = custody::ParseVersion(eco, norm);
    if (!vn.ok()) std::abort();
    // Composer's normal form is not a fixed point: a date version
    // "2023-01-01" normalises to "2023.01.01", which then reads as a
    // classic version "2023.01.01.0" (Composer itself behaves so).
    if (eco != Ecosystem::kPackagist && custody::CompareParsed(*va, *vn) != 0) std::abort();
  }
  if (va.ok() && vb.ok()) {
    if (Sign(custody::CompareParsed(*va, *vb)) != -Sign(custody::CompareParsed(*vb, *va))) std::abort();
  }
  if (Sign(custody::CompareVersions(eco, a, b)) != -Sign(custody::CompareVersions(eco, b, a))) std::abort();
  return 0;
}
