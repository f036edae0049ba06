#include <gtest/gtest.h>

#include <map>

#include "common/test_util.h"
#include "custody/license.h"

namespace custody {
namespace {

std::string Expr(const PackageLicense& p) {
  return p.declared.expr ? LicenseExprToString(*p.declared.expr) : "unknown: " + p.declared.note;
}

TEST(LicenseReadersTest, NpmPackageJson) {
  auto p = ReadNpmPackageJson("node_modules/left-pad/package.json",
                              "{\n  \"name\": \"left-pad\",\n  \"version\": \"1.3.0\",\n"
                              "  \"description\": \"String left pad\",\n  \"license\": \"WTFPL\",\n"
                              "  \"main\": \"index.js\"\n}\n");
  ASSERT_OK(p.status());
  EXPECT_EQ(p->package, "left-pad");
  EXPECT_EQ(p->version, "1.3.0");
  EXPECT_EQ(Expr(*p), "WTFPL");
  EXPECT_EQ(p->line, 5);

  // The legacy "licenses" array and the {type, url} object form.
  p = ReadNpmPackageJson("pkg/package.json",
                         "{\"name\":\"old\",\"version\":\"0.1.0\",\"licenses\":[{\"type\":\"MIT\",\"url\":\"x\"},"
                         "{\"type\":\"Apache 2.0\",\"url\":\"y\"}]}");
  ASSERT_OK(p.status());
  EXPECT_EQ(Expr(*p), "MIT OR Apache-2.0");
  p = ReadNpmPackageJson("pkg/package.json", "{\"name\":\"o\",\"license\":{\"type\":\"ISC\",\"url\":\"z\"}}");
  ASSERT_OK(p.status());
  EXPECT_EQ(Expr(*p), "ISC");
  p = ReadNpmPackageJson("pkg/package.json", "{\"name\":\"o\",\"license\":\"SEE LICENSE IN LICENSE.txt\"}");
  ASSERT_OK(p.status());
  EXPECT_EQ(p->license_file, "LICENSE.txt");
  EXPECT_FALSE(p->declared.expr.has_value());

  auto bad = ReadNpmPackageJson("x/package.json", "{\n  \"name\": \"a\",\n  \"license\": MIT\n}");
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.status().ToString().rfind("x/package.json:3:", 0), 0u) << bad.status().ToString();
  bad = ReadNpmPackageJson("x/package.json", "{\n\"license\": 5}");
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.status().ToString().rfind("x/package.json:2:", 0), 0u) << bad.status().ToString();
}

TEST(LicenseReadersTest, PythonMetadata) {
  auto p = ReadPythonMetadata("site-packages/requests-2.31.0.dist-info/METADATA",
                              "Metadata-Version: 2.1\nName: requests\nVersion: 2.31.0\n"
                              "Summary: Python HTTP for Humans.\nLicense: Apache 2.0\n"
                              "Classifier: License :: OSI Approved :: Apache Software License\n"
                              "Requires-Python: >=3.7\n\n# Requests\n\nLicense: not a header\n");
  ASSERT_OK(p.status());
  EXPECT_EQ(p->package, "requests");
  EXPECT_EQ(p->version, "2.31.0");
  EXPECT_EQ(Expr(*p), "Apache-2.0");
  EXPECT_EQ(p->line, 5);

  p = ReadPythonMetadata("m", "Metadata-Version: 2.4\nName: attrs\nVersion: 24.1\nLicense-Expression: MIT\n"
                              "License-File: LICENSE\n");
  ASSERT_OK(p.status());
  EXPECT_EQ(Expr(*p), "MIT");
  EXPECT_EQ(p->line, 4);
  EXPECT_EQ(p->license_file, "LICENSE");

  // License: UNKNOWN, classifiers carry it.
  p = ReadPythonMetadata("m", "Metadata-Version: 2.1\nName: six\nVersion: 1.16.0\nLicense: UNKNOWN\n"
                              "Classifier: Programming Language :: Python\n"
                              "Classifier: License :: OSI Approved :: GNU Lesser General Public License v2 or later (LGPLv2+)\n");
  ASSERT_OK(p.status());
  EXPECT_EQ(Expr(*p), "LGPL-2.0-or-later");
  EXPECT_EQ(p->line, 6);

  // The full licence text pasted into License: (multi-line continuation).
  std::string mit_lines =
      "License: Permission is hereby granted, free of charge, to any person obtaining a copy\n"
      "        of this software and associated documentation files (the \"Software\"), to deal\n"
      "        in the Software without restriction, including without limitation the rights\n"
      "        to use, copy, modify, merge, publish, distribute, sublicense, and/or sell\n"
      "        copies of the Software, and to permit persons to whom the Software is\n"
      "        furnished to do so, subject to the following conditions:\n"
      "        The above copyright notice and this permission notice shall be included in all\n"
      "        copies or substantial portions of the Software.\n"
      "        THE SOFTWARE IS PROVIDED \"AS IS\", WITHOUT WARRANTY OF ANY KIND, EXPRESS OR\n"
      "        IMPLIED, INCLUDING BUT NOT LIMITED TO THE WARRANTIES OF MERCHANTABILITY,\n"
      "        FITNESS FOR A PARTICULAR PURPOSE AND NONINFRINGEMENT. IN NO EVENT SHALL THE\n"
      "        AUTHORS OR COPYRIGHT HOLDERS BE LIABLE FOR ANY CLAIM, DAMAGES OR OTHER\n"
      "        LIABILITY, WHETHER IN AN ACTION OF CONTRACT, TORT OR OTHERWISE, ARISING FROM,\n"
      "        OUT OF OR IN CONNECTION WITH THE SOFTWARE OR THE USE OR OTHER DEALINGS IN THE\n"
      "        SOFTWARE.\n";
  p = ReadPythonMetadata("m", "Metadata-Version: 2.1\nName: x\nVersion: 1\n" + mit_lines);
  ASSERT_OK(p.status());
  EXPECT_EQ(Expr(*p), "MIT");

  auto bad = ReadPythonMetadata("pkg.dist-info/METADATA", "Name: x\nthis is not a header\n");
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.status().ToString(), "pkg.dist-info/METADATA:2:1: expected 'Header: value'");
}

TEST(LicenseReadersTest, CargoToml) {
  auto p = ReadCargoToml("serde/Cargo.toml",
                         "[package]\nname = \"serde\"\nversion = \"1.0.200\"\nedition = \"2018\"\n"
                         "license = \"MIT OR Apache-2.0\"\n\n[dependencies]\nserde_derive = \"1\"\n");
  ASSERT_OK(p.status());
  EXPECT_EQ(p->package, "serde");
  EXPECT_EQ(Expr(*p), "MIT OR Apache-2.0");
  EXPECT_EQ(p->line, 5);
  // Cargo's old "/" separator.
  p = ReadCargoToml("c/Cargo.toml", "[package]\nname = \"old\"\nversion = \"0.1.0\"\nlicense = \"MIT/Apache-2.0\"\n");
  ASSERT_OK(p.status());
  EXPECT_EQ(Expr(*p), "MIT OR Apache-2.0");
  p = ReadCargoToml("c/Cargo.toml", "[package]\nname = \"ring\"\nversion = \"0.17\"\nlicense-file = \"LICENSE\"\n");
  ASSERT_OK(p.status());
  EXPECT_EQ(p->license_file, "LICENSE");
  EXPECT_EQ(p->line, 4);
  auto bad = ReadCargoToml("c/Cargo.toml", "[package]\nname = \"x\nlicense = \"MIT\"\n");
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.status().ToString().rfind("c/Cargo.toml:2:", 0), 0u) << bad.status().ToString();
}

TEST(LicenseReadersTest, MavenPom) {
  auto p = ReadMavenPom("guava/pom.xml",
                        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
                        "<project xmlns=\"http://maven.apache.org/POM/4.0.0\">\n"
                        "  <modelVersion>4.0.0</modelVersion>\n"
                        "  <parent>\n    <groupId>com.google.guava</groupId>\n    <artifactId>guava-parent</artifactId>\n"
                        "    <version>33.0.0-jre</version>\n  </parent>\n"
                        "  <artifactId>guava</artifactId>\n"
                        "  <!-- <licenses><license><name>GPL</name></license></licenses> -->\n"
                        "  <licenses>\n    <license>\n      <name>The Apache Software License, Version 2.0</name>\n"
                        "      <url>http://www.apache.org/licenses/LICENSE-2.0.txt</url>\n"
                        "    </license>\n  </licenses>\n"
                        "  <dependencies><dependency><groupId>x</groupId><artifactId>y</artifactId>"
                        "<version>1</version></dependency></dependencies>\n</project>\n");
  ASSERT_OK(p.status());
  EXPECT_EQ(p->package, "com.google.guava:guava");
  EXPECT_EQ(p->version, "33.0.0-jre");
  EXPECT_EQ(Expr(*p), "Apache-2.0");
  EXPECT_EQ(p->line, 12);
  p = ReadMavenPom("p.xml", "<project><groupId>g</groupId><artifactId>a</artifactId><version>1</version>"
                            "<licenses><license><name>Eclipse Distribution License - v 1.0</name>"
                            "<url>http://www.eclipse.org/org/documents/edl-v10.php</url></license>"
                            "<license><name>EPL 2.0</name></license></licenses></project>");
  ASSERT_OK(p.status());
  EXPECT_EQ(Expr(*p), "BSD-3-Clause OR EPL-2.0");
  auto bad = ReadMavenPom("p.xml", "<project>\n<licenses>\n<license><name>MIT</name>\n</project>");
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.status().ToString(), "p.xml:2:1: <licenses> is not closed");
  EXPECT_FALSE(ReadMavenPom("p.xml", "<html></html>").ok());
}

TEST(LicenseReadersTest, ScanTree) {
  auto env = NewMemEnv();
  const std::string r = "/proj";
  for (const char* d : {"/proj/node_modules/a/node_modules/c", "/proj/node_modules/@s/b", "/proj/node_modules/bad",
                        "/proj/.venv/lib/python3.11/site-packages/six-1.16.0.dist-info"}) {
    ASSERT_OK(env->CreateDirs(d));
  }
  ASSERT_OK(env->WriteFileAtomic(r + "/package.json", "{\"name\":\"app\",\"license\":\"UNLICENSED\"}"));
  ASSERT_OK(env->WriteFileAtomic(r + "/node_modules/a/package.json", "{\"name\":\"a\",\"version\":\"1.0.0\",\"license\":\"MIT\"}"));
  ASSERT_OK(env->WriteFileAtomic(r + "/node_modules/@s/b/package.json",
                                 "{\"name\":\"@s/b\",\"version\":\"2.0.0\",\"license\":\"AGPL-3.0\"}"));
  ASSERT_OK(env->WriteFileAtomic(r + "/node_modules/a/node_modules/c/package.json",
                                 "{\"name\":\"c\",\"version\":\"0.0.1\"}"));
  ASSERT_OK(env->WriteFileAtomic(r + "/node_modules/bad/package.json", "{\"name\":"));
  ASSERT_OK(env->WriteFileAtomic(r + "/.venv/lib/python3.11/site-packages/six-1.16.0.dist-info/METADATA",
                                 "Metadata-Version: 2.1\nName: six\nVersion: 1.16.0\nLicense: MIT\n"));
  auto s = ScanLicenses(*env, r);
  ASSERT_OK(s.status());
  std::map<std::string, std::string> got;
  for (const auto& p : s->packages) got[p.package + "@" + p.version] = Expr(p);
  EXPECT_EQ(got["a@1.0.0"], "MIT");
  EXPECT_EQ(got["@s/b@2.0.0"], "AGPL-3.0-only");
  EXPECT_EQ(got["c@0.0.1"], "unknown: no licence declared");
  EXPECT_EQ(got["six@1.16.0"], "MIT");
  ASSERT_EQ(s->errors.size(), 1u);
  EXPECT_EQ(s->errors[0].rfind("/proj/node_modules/bad/package.json:1:", 0), 0u) << s->errors[0];
  EXPECT_FALSE(ScanLicenses(*env, "/nope").ok());
}

}  // namespace
}  // namespace custody
