#include <gtest/gtest.h>

#include <algorithm>
#include <cstdio>
#include <map>

#include "custody/license.h"
#include "deps/license_data.h"

namespace custody {
namespace {

struct Record {
  std::vector<std::string> ids;
  std::string text;
};

std::vector<Record> AllTexts() {
  std::vector<Record> out;
  const std::string& data = deps_internal::SpdxFile("texts.txt");
  size_t pos = 0;
  while (pos < data.size() && data[pos] == '\x1e') {
    size_t nl = data.find('\n', pos);
    size_t end = data.find('\x1e', nl);
    if (end == std::string::npos) end = data.size();
    Record r;
    std::string idline = data.substr(pos + 1, nl - pos - 1);
    size_t a = 0;
    while (a < idline.size()) {
      size_t b = idline.find(' ', a);
      if (b == std::string::npos) b = idline.size();
      r.ids.push_back(idline.substr(a, b - a));
      a = b + 1;
    }
    r.text = data.substr(nl + 1, end - nl - 1);
    out.push_back(std::move(r));
    pos = end;
  }
  return out;
}

std::string TextOf(std::string_view id) {
  for (auto& r : AllTexts()) {
    if (std::find(r.ids.begin(), r.ids.end(), id) != r.ids.end()) return r.text;
  }
  return "";
}

bool InClass(const LicenseMatch& m, const std::string& id) {
  return std::find(m.equivalent.begin(), m.equivalent.end(), id) != m.equivalent.end();
}

TEST(LicenseNormalizeTest, GuidelineRules) {
  auto w = NormalizeLicenseWords(
      "The MIT Licence\n\nCopyright (c) 2024 Jane Doe\n * 1. Redistributions of source code\n"
      "   (a) must retain the above   copyright notice,\n// whilst the Licence is honoured.");
  std::string joined;
  for (auto& x : w) joined += x + " ";
  EXPECT_EQ(joined, "redistributions of source code must retain the above copyright notice while the license is honoured ");
  EXPECT_TRUE(NormalizeLicenseWords("").empty());
  EXPECT_TRUE(NormalizeLicenseWords("Copyright 2020 Foo\n\n").empty());
}

// Every text of the SPDX list is identified as itself (its class: ids whose
// texts are the same after normalisation count as one answer, and the
// answer lists them all).
TEST(LicenseMatchTest, AccuracyOnTheSpdxTexts) {
  auto all = AllTexts();
  ASSERT_GE(all.size(), 600u);
  size_t ids = 0, correct = 0;
  std::vector<std::string> wrong;
  for (const auto& r : all) {
    LicenseMatch m = IdentifyLicenseText(r.text);
    for (const auto& id : r.ids) {
      ++ids;
      if (InClass(m, id) && (m.kind == LicenseMatch::Kind::kExact || m.kind == LicenseMatch::Kind::kNear)) {
        ++correct;
      } else {
        wrong.push_back(id + " -> " + m.id + " (" + std::string(LicenseMatchKindName(m.kind)) + ")");
      }
    }
  }
  double acc = static_cast<double>(correct) / static_cast<double>(ids);
  std::printf("licence identification accuracy on the SPDX texts: %zu/%zu = %.4f (%zu texts, %zu classes)\n",
              correct, ids, acc, all.size(), LicenseTextCount());
  for (size_t i = 0; i < wrong.size() && i < 20; ++i) std::printf("  wrong: %s\n", wrong[i].c_str());
  EXPECT_GE(acc, 0.99);
  EXPECT_GE(LicenseTextIdCount(), 600u);
}

TEST(LicenseMatchTest, EquivalenceClassesAreReported) {
  LicenseMatch m = IdentifyLicenseText(TextOf("GPL-2.0-only"));
  EXPECT_EQ(m.kind, LicenseMatch::Kind::kExact);
  EXPECT_TRUE(InClass(m, "GPL-2.0-only"));
  EXPECT_TRUE(InClass(m, "GPL-2.0-or-later"));
  EXPECT_EQ(m.id, "GPL-2.0-only");  // non-deprecated ids first
  EXPECT_EQ(m.category, LicenseCategory::kStrongCopyleft);
}

std::string Rewrap(const std::string& t, size_t width) {
  std::string flat;
  for (char c : t) flat += c == '\n' ? ' ' : c;
  std::string out;
  size_t col = 0;
  size_t i = 0;
  while (i < flat.size()) {
    size_t j = flat.find(' ', i);
    if (j == std::string::npos) j = flat.size();
    std::string w = flat.substr(i, j - i);
    if (col + w.size() > width) {
      out += "\n";
      col = 0;
    }
    out += w + " ";
    col += w.size() + 1;
    i = j + 1;
  }
  return out;
}

TEST(LicenseMatchTest, PerturbedTexts) {
  std::string mit =
      "MIT License\n\nCopyright (c) 2019-2024 Example Corp. and contributors\n\n"
      "Permission is hereby granted, free of charge, to any person obtaining a copy\n"
      "of this software and associated documentation files (the \"Software\"), to deal\n"
      "in the Software without restriction, including without limitation the rights\n"
      "to use, copy, modify, merge, publish, distribute, sublicense, and/or sell\n"
      "copies of the Software, and to permit persons to whom the Software is\n"
      "furnished to do so, subject to the following conditions:\n\n"
      "The above copyright notice and this permission notice shall be included in all\n"
      "copies or substantial portions of the Software.\n\n"
      "THE SOFTWARE IS PROVIDED \"AS IS\", WITHOUT WARRANTY OF ANY KIND, EXPRESS OR\n"
      "IMPLIED, INCLUDING BUT NOT LIMITED TO THE WARRANTIES OF MERCHANTABILITY,\n"
      "FITNESS FOR A PARTICULAR PURPOSE AND NONINFRINGEMENT. IN NO EVENT SHALL THE\n"
      "AUTHORS OR COPYRIGHT HOLDERS BE LIABLE FOR ANY CLAIM, DAMAGES OR OTHER\n"
      "LIABILITY, WHETHER IN AN ACTION OF CONTRACT, TORT OR OTHERWISE, ARISING FROM,\n"
      "OUT OF OR IN CONNECTION WITH THE SOFTWARE OR THE USE OR OTHER DEALINGS IN THE\n"
      "SOFTWARE.\n";
  LicenseMatch m = IdentifyLicenseText(mit);
  EXPECT_EQ(m.id, "MIT");
  EXPECT_EQ(m.kind, LicenseMatch::Kind::kExact);
  EXPECT_EQ(m.category, LicenseCategory::kPermissive);

  // Re-wrapped and a few words changed.
  std::string changed = Rewrap(mit, 50);
  for (auto [from, to] : {std::pair<const char*, const char*>{"free of charge", "without any fee"},
                          {"merge, publish", "merge, print"}, {"substantial portions", "large portions"}}) {
    size_t at = changed.find(from);
    ASSERT_NE(at, std::string::npos) << from;
    changed.replace(at, std::string(from).size(), to);
  }
  m = IdentifyLicenseText(changed);
  EXPECT_EQ(m.id, "MIT");
  EXPECT_EQ(m.kind, LicenseMatch::Kind::kNear);
  EXPECT_GT(m.score, 0.85);
  EXPECT_LT(m.score, 1.0);

  // Apache-2.0 with a comment leader on every line (a file header) and the
  // appendix's copyright line filled in.
  std::string apache = TextOf("Apache-2.0");
  ASSERT_FALSE(apache.empty());
  std::string commented = "/*\n";
  size_t i = 0;
  while (i < apache.size()) {
    size_t nl = apache.find('\n', i);
    if (nl == std::string::npos) nl = apache.size();
    commented += " * " + apache.substr(i, nl - i) + "\n";
    i = nl + 1;
  }
  commented += " */\n";
  m = IdentifyLicenseText(Rewrap(commented, 72));
  EXPECT_EQ(m.id, "Apache-2.0");
  EXPECT_TRUE(m.kind == LicenseMatch::Kind::kExact || m.kind == LicenseMatch::Kind::kNear);

  // A licence embedded in a longer file: partial.
  std::string readme = "# Project\n\n";
  for (int k = 0; k < 200; ++k) readme += "Some unrelated documentation sentence number " + std::to_string(k) + ".\n";
  readme += "\n## License\n\n" + TextOf("BSD-3-Clause");
  m = IdentifyLicenseText(readme);
  EXPECT_EQ(m.id, "BSD-3-Clause");
  EXPECT_EQ(m.kind, LicenseMatch::Kind::kPartial);
  EXPECT_GE(m.containment, 0.95);

  // Unrelated prose matches nothing.
  m = IdentifyLicenseText("The quick brown fox jumps over the lazy dog again and again.");
  EXPECT_EQ(m.kind, LicenseMatch::Kind::kNone);
  EXPECT_TRUE(m.id.empty());
}

TEST(LicenseMatchTest, HeadersAndIdentifiers) {
  auto ids = FindSpdxIdentifiers("// x\n/* SPDX-License-Identifier: MIT OR Apache-2.0 */\n# spdx-license-identifier: GPL-2.0+\n");
  ASSERT_EQ(ids.size(), 2u);
  EXPECT_EQ(ids[0].line, 2);
  EXPECT_EQ(ids[0].expression, "MIT OR Apache-2.0");
  EXPECT_EQ(ids[1].expression, "GPL-2.0+");
  LicenseMatch m = IdentifyLicenseText("#!/bin/sh\n# SPDX-License-Identifier: GPL-2.0+\necho hi\n");
  EXPECT_EQ(m.kind, LicenseMatch::Kind::kIdentifier);
  EXPECT_EQ(m.id, "GPL-2.0-or-later");
  EXPECT_EQ(m.category, LicenseCategory::kStrongCopyleft);

  m = IdentifyLicenseText(
      "/*\n * Copyright 2020 Google LLC\n *\n * Licensed under the Apache License, Version 2.0 (the \"License\");\n"
      " * you may not use this file except in compliance with the License.\n"
      " * You may obtain a copy of the License at\n *\n *     http://www.apache.org/licenses/LICENSE-2.0\n */\n"
      "int main() {}\n");
  EXPECT_EQ(m.kind, LicenseMatch::Kind::kIdentifier);
  EXPECT_EQ(m.id, "Apache-2.0");
  m = IdentifyLicenseText(
      "# This program is free software: you can redistribute it and/or modify\n"
      "# it under the terms of the GNU General Public License as published by\n"
      "# the Free Software Foundation, either version 3 of the License, or\n"
      "# (at your option) any later version.\n");
  EXPECT_EQ(m.id, "GPL-3.0-or-later");
  m = IdentifyLicenseText(
      "/* This library is free software; you can redistribute it and/or\n"
      " * modify it under the terms of the GNU Lesser General Public\n"
      " * License as published by the Free Software Foundation; either\n"
      " * version 2.1 of the License, or (at your option) any later version. */\n");
  EXPECT_EQ(m.id, "LGPL-2.1-or-later");
  EXPECT_EQ(m.category, LicenseCategory::kWeakCopyleft);
}

}  // namespace
}  // namespace custody
