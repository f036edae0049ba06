#include <gtest/gtest.h>

#include "common/test_util.h"
#include "custody/license.h"

namespace custody {
namespace {

std::string Norm(std::string_view s) {
  auto e = ParseLicenseExpression(s);
  if (!e.ok()) return "ERR " + e.status().ToString();
  return LicenseExprToString(*e);
}

TEST(LicenseDataTest, ListIsComplete) {
  EXPECT_GE(AllLicenses().size(), 600u);
  const LicenseInfo* mit = FindLicense("mit");
  ASSERT_NE(mit, nullptr);
  EXPECT_EQ(mit->id, "MIT");
  EXPECT_TRUE(mit->osi_approved);
  EXPECT_EQ(mit->category, LicenseCategory::kPermissive);
  EXPECT_EQ(FindLicense("AGPL-3.0-only")->category, LicenseCategory::kNetworkCopyleft);
  EXPECT_EQ(FindLicense("GPL-3.0-or-later")->category, LicenseCategory::kStrongCopyleft);
  EXPECT_EQ(FindLicense("LGPL-2.1-only")->category, LicenseCategory::kWeakCopyleft);
  EXPECT_EQ(FindLicense("MPL-2.0")->category, LicenseCategory::kWeakCopyleft);
  EXPECT_EQ(FindLicense("CC0-1.0")->category, LicenseCategory::kPublicDomain);
  EXPECT_EQ(FindLicense("BUSL-1.1")->category, LicenseCategory::kRestricted);
  EXPECT_TRUE(FindLicense("GPL-2.0")->deprecated);
  EXPECT_EQ(FindLicense("no-such-licence"), nullptr);
  EXPECT_EQ(FindLicenseException("classpath-exception-2.0"), "Classpath-exception-2.0");
  // Every OSI-approved licence has a category (the generator enforces it too).
  for (const auto& l : AllLicenses()) {
    if (l.osi_approved) {
      EXPECT_NE(l.category, LicenseCategory::kUnknown) << l.id;
    }
  }
}

TEST(LicenseExprTest, CanonicalCaseAndPrecedence) {
  EXPECT_EQ(Norm("mit"), "MIT");
  EXPECT_EQ(Norm("apache-2.0 or mit"), "Apache-2.0 OR MIT");
  EXPECT_EQ(Norm("MIT OR Apache-2.0 AND BSD-3-Clause"), "MIT OR Apache-2.0 AND BSD-3-Clause");
  auto e = ParseLicenseExpression("MIT OR Apache-2.0 AND BSD-3-Clause");
  ASSERT_OK(e.status());
  ASSERT_EQ(e->kind, LicenseExpr::Kind::kOr);
  ASSERT_EQ(e->children.size(), 2u);
  EXPECT_EQ(e->children[1].kind, LicenseExpr::Kind::kAnd);
  EXPECT_EQ(Norm("(MIT OR ISC) AND Zlib"), "(MIT OR ISC) AND Zlib");
  EXPECT_EQ(Norm("((MIT))"), "MIT");
  EXPECT_EQ(Norm("MIT AND (ISC AND Zlib)"), "MIT AND ISC AND Zlib");
  EXPECT_EQ(Norm("GPL-2.0-only WITH classpath-exception-2.0"), "GPL-2.0-only WITH Classpath-exception-2.0");
  EXPECT_EQ(Norm("LicenseRef-Acme-1 OR DocumentRef-x:LicenseRef-y"), "LicenseRef-Acme-1 OR DocumentRef-x:LicenseRef-y");
  EXPECT_EQ(Norm("Apache-1.0+"), "Apache-1.0+");
  EXPECT_EQ(Norm("GPL-2.0-only WITH AdditionRef-foo"), "GPL-2.0-only WITH AdditionRef-foo");
}

TEST(LicenseExprTest, DeprecatedIdsAreNormalised) {
  EXPECT_EQ(Norm("GPL-2.0"), "GPL-2.0-only");
  EXPECT_EQ(Norm("GPL-2.0+"), "GPL-2.0-or-later");
  EXPECT_EQ(Norm("gpl-3.0+"), "GPL-3.0-or-later");
  EXPECT_EQ(Norm("LGPL-2.1"), "LGPL-2.1-only");
  EXPECT_EQ(Norm("LGPL-2.1+"), "LGPL-2.1-or-later");
  EXPECT_EQ(Norm("GPL-2.0-only+"), "GPL-2.0-or-later");
  EXPECT_EQ(Norm("AGPL-3.0"), "AGPL-3.0-only");
  EXPECT_EQ(Norm("GPL-2.0-with-classpath-exception"), "GPL-2.0-only WITH Classpath-exception-2.0");
  EXPECT_EQ(Norm("StandardML-NJ"), "SMLNJ");
  EXPECT_EQ(Norm("wxWindows"), "LGPL-2.0-or-later WITH WxWindows-exception-3.1");
}

TEST(LicenseExprTest, ErrorsGiveTheColumn) {
  EXPECT_EQ(Norm(""), "ERR col 1: empty expression");
  EXPECT_EQ(Norm("MIT OR"), "ERR col 7: expected a licence id, found the end");
  EXPECT_EQ(Norm("MIT Apache-2.0"), "ERR col 5: expected AND, OR or WITH before 'Apache-2.0'");
  EXPECT_EQ(Norm("(MIT"), "ERR col 5: expected ')' to close the '(' at col 1");
  EXPECT_EQ(Norm("MIT)"), "ERR col 4: ')' without a matching '('");
  EXPECT_EQ(Norm("MIT OR Foo-1.0"), "ERR col 8: unknown licence id 'Foo-1.0' (not on the SPDX list; use LicenseRef-)");
  EXPECT_EQ(Norm("GPL-2.0-only WITH nope"), "ERR col 19: unknown licence exception 'nope'");
  EXPECT_EQ(Norm("MIT WITH"), "ERR col 9: expected an exception id after WITH");
  EXPECT_EQ(Norm("MIT, ISC"), "ERR col 4: unexpected ',' (ids are letters, digits, '-' and '.')");
  EXPECT_EQ(Norm("(MIT OR ISC) WITH Classpath-exception-2.0"), "ERR col 14: expected AND, OR or WITH before 'WITH'");
  std::string deep(100, '(');
  EXPECT_NE(Norm(deep + "MIT" + std::string(100, ')')).find("nested too deeply"), std::string::npos);
}

TEST(LicenseExprTest, Categories) {
  auto cat = [](std::string_view s) {
    auto e = ParseLicenseExpression(s);
    return e.ok() ? std::string(LicenseCategoryName(ExprCategory(*e))) : "ERR";
  };
  EXPECT_EQ(cat("MIT OR GPL-3.0-only"), "permissive");
  EXPECT_EQ(cat("MIT AND GPL-3.0-only"), "strong-copyleft");
  EXPECT_EQ(cat("GPL-2.0-only WITH Classpath-exception-2.0"), "weak-copyleft");
  EXPECT_EQ(cat("LicenseRef-x"), "unknown");
  EXPECT_EQ(cat("AGPL-3.0-or-later AND MIT"), "network-copyleft");
}

std::string Declared(std::string_view raw) {
  DeclaredExpr d = InterpretDeclaredLicense(raw);
  return d.expr ? LicenseExprToString(*d.expr) : "unknown: " + d.note;
}

TEST(LicenseExprTest, CommonSpellings) {
  EXPECT_EQ(Declared("MIT License"), "MIT");
  EXPECT_EQ(Declared("The MIT License (MIT)"), "MIT");
  EXPECT_EQ(Declared("Apache 2.0"), "Apache-2.0");
  EXPECT_EQ(Declared("Apache-2"), "Apache-2.0");
  EXPECT_EQ(Declared("Apache License, Version 2.0"), "Apache-2.0");
  EXPECT_EQ(Declared("ASL 2.0"), "Apache-2.0");
  EXPECT_EQ(Declared("GPLv3"), "GPL-3.0-only");
  EXPECT_EQ(Declared("GPLv2+"), "GPL-2.0-or-later");
  EXPECT_EQ(Declared("GNU GPL v2 or later"), "GPL-2.0-or-later");
  EXPECT_EQ(Declared("LGPLv2.1"), "LGPL-2.1-only");
  EXPECT_EQ(Declared("new BSD"), "BSD-3-Clause");
  EXPECT_EQ(Declared("BSD-3"), "BSD-3-Clause");
  EXPECT_EQ(Declared("License :: OSI Approved :: MIT License"), "MIT");
  EXPECT_EQ(Declared("License :: OSI Approved :: GNU General Public License v2 or later (GPLv2+)"),
            "GPL-2.0-or-later");
  EXPECT_EQ(Declared("License :: OSI Approved :: GNU Lesser General Public License v3 (LGPLv3)"), "LGPL-3.0-only");
  EXPECT_EQ(Declared("License :: OSI Approved :: Mozilla Public License 2.0 (MPL 2.0)"), "MPL-2.0");
  EXPECT_EQ(Declared("Python Software Foundation License"), "PSF-2.0");
  EXPECT_EQ(Declared("MIT/X11"), "MIT OR X11");
  EXPECT_EQ(Declared("MIT or Apache 2.0"), "MIT OR Apache-2.0");
  EXPECT_EQ(Declared("(MIT OR Apache-2.0)"), "MIT OR Apache-2.0");
  EXPECT_EQ(Declared("BSD"), "unknown: ambiguous: BSD-2-Clause or BSD-3-Clause");
  EXPECT_EQ(Declared("UNLICENSED"), "unknown: UNLICENSED: proprietary, no licence granted");
  EXPECT_EQ(Declared(""), "unknown: no licence declared");
  EXPECT_NE(Declared("Do What You Want Public Thing").find("unknown: not an SPDX expression"), std::string::npos);
}

LicenseVerdict Eval(std::string_view expr, const LicensePolicy& p) {
  auto e = ParseLicenseExpression(expr);
  EXPECT_OK(e.status());
  auto v = EvaluateLicense(*e, p);
  EXPECT_OK(v.status());
  return v.ok() ? *v : LicenseVerdict{};
}

TEST(LicensePolicyTest, DenyAllowAndBranches) {
  LicensePolicy p;
  p.deny = {"GPL-3.0"};
  EXPECT_FALSE(Eval("GPL-3.0-or-later", p).allowed);
  EXPECT_FALSE(Eval("GPL-3.0-only", p).allowed);
  EXPECT_TRUE(Eval("MIT OR GPL-3.0-only", p).allowed);
  EXPECT_FALSE(Eval("MIT AND GPL-3.0-only", p).allowed);
  EXPECT_TRUE(Eval("GPL-2.0-only", p).allowed);
  LicensePolicy a;
  a.allow = {"MIT", "apache-2.0"};
  EXPECT_TRUE(Eval("MIT", a).allowed);
  EXPECT_TRUE(Eval("ISC OR Apache-2.0", a).allowed);
  LicenseVerdict v = Eval("ISC", a);
  EXPECT_FALSE(v.allowed);
  ASSERT_EQ(v.reasons.size(), 1u);
  EXPECT_EQ(v.reasons[0], "ISC: not in licenses.allow");
  LicensePolicy c;
  c.deny_categories = {LicenseCategory::kStrongCopyleft};
  EXPECT_FALSE(Eval("GPL-2.0-or-later", c).allowed);
  EXPECT_TRUE(Eval("LGPL-2.1-only", c).allowed);
  EXPECT_TRUE(Allowed(*ParseLicenseExpression("MIT"), c));
  LicensePolicy bad;
  bad.deny = {"Not-A-Licence"};
  EXPECT_FALSE(EvaluateLicense(*ParseLicenseExpression("MIT"), bad).ok());
  EXPECT_FALSE(Allowed(*ParseLicenseExpression("MIT"), bad));
}

TEST(LicensePolicyTest, ProjectLicence) {
  LicensePolicy p;
  p.project_license = "proprietary";
  LicenseVerdict v = Eval("AGPL-3.0-only", p);
  EXPECT_FALSE(v.allowed);
  ASSERT_EQ(v.reasons.size(), 1u);
  EXPECT_EQ(v.reasons[0], "AGPL-3.0-only: network-copyleft licence in a project licensed proprietary (blocking)");
  EXPECT_FALSE(Eval("GPL-2.0-only", p).allowed);
  EXPECT_TRUE(Eval("LGPL-2.1-only", p).allowed);
  EXPECT_TRUE(Eval("MIT OR GPL-3.0-only", p).allowed);
  p.project_license = "MIT";
  EXPECT_FALSE(Eval("AGPL-3.0-or-later", p).allowed);
  p.project_license = "GPL-3.0-or-later";
  EXPECT_TRUE(Eval("GPL-2.0-or-later", p).allowed);
  EXPECT_FALSE(Eval("AGPL-3.0-only", p).allowed);
  p.project_license = "AGPL-3.0-only";
  EXPECT_TRUE(Eval("AGPL-3.0-only", p).allowed);
  p.project_license = "proprietary";
  p.allow = {"AGPL-3.0-only", "MIT"};
  EXPECT_TRUE(Eval("AGPL-3.0-only", p).allowed);  // an explicit allow overrides
  p.project_license = "nonsense licence words";
  EXPECT_FALSE(EvaluateLicense(*ParseLicenseExpression("MIT"), p).ok());
}

TEST(LicensePolicyTest, Unknown) {
  LicensePolicy p;
  EXPECT_TRUE(Eval("LicenseRef-Custom", p).warn);
  EXPECT_TRUE(Eval("LicenseRef-Custom", p).allowed);
  p.unknown = UnknownLicenseAction::kDeny;
  EXPECT_FALSE(Eval("LicenseRef-Custom", p).allowed);
  EXPECT_FALSE(EvaluateUnknownLicense(p, "BSD").allowed);
  p.unknown = UnknownLicenseAction::kAllow;
  LicenseVerdict v = EvaluateUnknownLicense(p, "BSD");
  EXPECT_TRUE(v.allowed);
  EXPECT_FALSE(v.warn);
}

}  // namespace
}  // namespace custody
