// Fuzzes the licence code on untrusted text: the SPDX expression parser
// (a parsed expression must print to a form that parses back to the same
// text), the lenient reading of declared licences, the licence-text
// normaliser and identifier, and the four metadata readers. Any input must
// give a value or a Status, never a crash.
//
//   build-fuzz/fuzz/license_fuzzer fuzz/corpus/license -max_total_time=60
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>

#include "custody/license.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string text(reinterpret_cast<const char*>(data), size);
  auto e = custody::ParseLicenseExpression(text);
  if (e.ok()) {
    std::string printed = custody::LicenseExprToString(*e);
    auto again = custody::ParseLicenseExpression(printed);
    if (!again.ok() || custody::LicenseExprToString(*again) != printed) {
      std::fprintf(stderr, "round trip failed: '%s' -> '%s'\n", text.c_str(), printed.c_str());
      std::abort();
    }
    custody::LicensePolicy p;
    p.deny = {"GPL-3.0"};
    p.project_license = "proprietary";
    (void)custody::EvaluateLicense(*e, p);
    (void)custody::ExprCategory(*e);
  }
  custody::DeclaredExpr d = custody::InterpretDeclaredLicense(text);
  if (d.expr) (void)custody::LicenseExprToString(*d.expr);
  (void)custody::NormalizeLicenseWords(text);
  (void)custody::IdentifyLicenseText(text);
  (void)custody::ReadNpmPackageJson("package.json", text);
  (void)custody::ReadPythonMetadata("METADATA", text);
  (void)custody::ReadCargoToml("Cargo.toml", text);
  (void)custody::ReadMavenPom("pom.xml", text);
  return 0;
}
