#include "custody/package.h"

#include <gtest/gtest.h>

namespace custody {
namespace {

TEST(PackageTest, EcosystemNamesRoundTrip) {
  for (Ecosystem e : {Ecosystem::kNpm, Ecosystem::kPyPI, Ecosystem::kGo,
                      Ecosystem::kCargo, Ecosystem::kRubyGems, Ecosystem::kMaven,
                      Ecosystem::kPackagist, Ecosystem::kNuGet}) {
    EXPECT_EQ(ParseEcosystem(EcosystemName(e)), e) << EcosystemName(e);
    EXPECT_EQ(ParseEcosystem(EcosystemOsvName(e)), e) << EcosystemOsvName(e);
  }
}

TEST(PackageTest, ParsesOsvSpellings) {
  EXPECT_EQ(ParseEcosystem("PyPI"), Ecosystem::kPyPI);
  EXPECT_EQ(ParseEcosystem("PYPI"), Ecosystem::kPyPI);
  EXPECT_EQ(ParseEcosystem("Maven:https://repo.example.invalid/"), Ecosystem::kMaven);
  EXPECT_EQ(EcosystemOsvName(Ecosystem::kCargo).substr(0, 7), "crates.");
  EXPECT_FALSE(ParseEcosystem("Debian:12").has_value());
  EXPECT_FALSE(ParseEcosystem("").has_value());
}

}  // namespace
}  // namespace custody
