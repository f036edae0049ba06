// Precision and recall of the default rules on the labelled corpus
// (tests/corpus/, format in docs/corpus.md).
//
// Every file under tests/corpus/files/ is scanned with DefaultRuleSet() and
// the egress allowlist of tests/corpus/allow_domains.txt. Findings are
// reduced to (path, line, category): a line several rules of one category
// report counts once. A positive label is found when such a key exists; any
// other key is a false positive, whether or not a negative label names that
// line. The per-category table goes to stdout; the test fails when a
// category's recall is below 0.95 or its precision below 0.90, and when the
// corpus is too small for the figures to mean anything.
#include <gtest/gtest.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <map>
#include <set>
#include <sstream>
#include <string>
#include <tuple>
#include <vector>

#include "common/test_util.h"
#include "custody/scan.h"

namespace custody {
namespace {

using ::custody::testing::IsOk;
using Key = std::tuple<std::string, uint32_t, RuleCategory>;  // path, line, category

struct Label {
  std::string path;
  uint32_t line = 0;
  RuleCategory category = RuleCategory::kSecret;
  std::string rule;  // "-" when no particular rule is meant
  bool positive = true;
};

std::string ReadFile(const std::filesystem::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

std::vector<std::string> Split(const std::string& s, char sep) {
  std::vector<std::string> out;
  std::string cur;
  for (char c : s) {
    if (c == sep) {
      out.push_back(cur);
      cur.clear();
    } else {
      cur += c;
    }
  }
  out.push_back(cur);
  return out;
}

std::vector<Label> ReadLabels(const std::string& path) {
  std::vector<Label> out;
  std::istringstream in(ReadFile(path));
  std::string line;
  int n = 0;
  while (std::getline(in, line)) {
    ++n;
    if (line.empty() || line[0] == '#') continue;
    auto f = Split(line, '\t');
    if (f.size() < 5) {
      ADD_FAILURE() << path << ":" << n << ": expected 5 or 6 tab-separated fields";
      continue;
    }
    Label l;
    l.path = f[0];
    l.line = static_cast<uint32_t>(std::stoul(f[1]));
    auto cat = ParseCategory(f[2]);
    if (!cat.ok()) {
      ADD_FAILURE() << path << ":" << n << ": " << cat.status().ToString();
      continue;
    }
    l.category = *cat;
    l.rule = f[3];
    if (f[4] != "positive" && f[4] != "negative") ADD_FAILURE() << path << ":" << n << ": bad expect " << f[4];
    l.positive = f[4] == "positive";
    out.push_back(l);
  }
  return out;
}

TEST(CorpusTest, PrecisionAndRecallPerCategory) {
  const std::filesystem::path root = CUSTODY_CORPUS_DIR;
  const std::filesystem::path files = root / "files";
  std::vector<Label> labels = ReadLabels((root / "labels.tsv").string());
  ASSERT_GE(labels.size(), 100u);

  ScanOptions options;
  std::istringstream domains(ReadFile(root / "allow_domains.txt"));
  for (std::string d; std::getline(domains, d);) {
    if (!d.empty() && d[0] != '#') options.allow_domains.push_back(d);
  }
  auto rules = DefaultRuleSet();
  ASSERT_TRUE(IsOk(rules));
  ASSERT_FALSE(rules->rules.empty()) << "the build embedded no rule packs";
  auto scanner = Scanner::Compile(*rules, options);
  ASSERT_TRUE(IsOk(scanner));
  auto session = (*scanner)->NewSession();
  ASSERT_TRUE(IsOk(session));

  std::map<Key, std::set<std::string>> found;  // key -> rule ids
  std::map<std::string, uint32_t> line_counts;
  std::set<std::string> extensions;
  for (const auto& e : std::filesystem::recursive_directory_iterator(files)) {
    if (!e.is_regular_file()) continue;
    std::string rel = std::filesystem::relative(e.path(), files).generic_string();
    std::string data = ReadFile(e.path());
    line_counts[rel] = static_cast<uint32_t>(std::count(data.begin(), data.end(), '\n') + 1);
    extensions.insert(e.path().extension().string());
    std::vector<Finding> out;
    auto scanned = (*scanner)->Scan(**session, data, rel, "", &out);
    ASSERT_TRUE(IsOk(scanned)) << rel;
    for (const auto& f : out) found[{rel, f.line, f.category}].insert(f.rule_id);
  }
  ASSERT_GE(line_counts.size(), 60u) << "corpus too small";

  std::map<Key, const Label*> positives;
  for (const auto& l : labels) {
    auto it = line_counts.find(l.path);
    ASSERT_NE(it, line_counts.end()) << "label names a missing file: " << l.path;
    ASSERT_LE(l.line, it->second) << l.path << ":" << l.line << " is past the end of the file";
    if (l.positive) positives[{l.path, l.line, l.category}] = &l;
  }

  const RuleCategory cats[] = {RuleCategory::kSecret, RuleCategory::kCrypto, RuleCategory::kInsecure,
                               RuleCategory::kBehaviour};
  std::printf("\n%-10s %9s %4s %4s %4s %7s %9s %13s\n", "category", "positives", "TP", "FN", "FP", "recall",
              "precision", "rule-id-match");
  std::ostringstream detail;
  for (RuleCategory cat : cats) {
    int npos = 0, tp = 0, fp = 0, meant = 0, meant_hit = 0;
    for (const auto& [k, l] : positives) {
      if (std::get<2>(k) != cat) continue;
      ++npos;
      auto it = found.find(k);
      if (it != found.end()) {
        ++tp;
        if (l->rule != "-") {
          ++meant;
          meant_hit += it->second.count(l->rule) ? 1 : 0;
        }
      } else {
        if (l->rule != "-") ++meant;
        detail << "  FN " << CategoryName(cat) << " " << l->path << ":" << l->line << " (meant: " << l->rule << ")\n";
      }
    }
    for (const auto& [k, ids] : found) {
      if (std::get<2>(k) != cat || positives.count(k)) continue;
      ++fp;
      detail << "  FP " << CategoryName(cat) << " " << std::get<0>(k) << ":" << std::get<1>(k) << " by";
      for (const auto& id : ids) detail << " " << id;
      detail << "\n";
    }
    double recall = npos ? static_cast<double>(tp) / npos : 0;
    double precision = tp + fp ? static_cast<double>(tp) / (tp + fp) : 0;
    std::printf("%-10s %9d %4d %4d %4d %7.3f %9.3f %6d/%-6d\n", std::string(CategoryName(cat)).c_str(), npos, tp,
                npos - tp, fp, recall, precision, meant_hit, meant);
    EXPECT_GE(npos, 20) << CategoryName(cat) << ": too few positive labels for a meaningful figure";
    EXPECT_GE(recall, 0.95) << CategoryName(cat) << " recall";
    EXPECT_GE(precision, 0.90) << CategoryName(cat) << " precision";
  }
  std::printf("%s(%zu files, %zu extensions, %zu labels)\n", detail.str().c_str(), line_counts.size(),
              extensions.size(), labels.size());
  std::fflush(stdout);
}

}  // namespace
}  // namespace custody
