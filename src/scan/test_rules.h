// Test helper: the engine's test rule fixture (testdata/rules.toml).
#ifndef CUSTODY_SCAN_TEST_RULES_H_
#define CUSTODY_SCAN_TEST_RULES_H_

#include <fstream>
#include <sstream>
#include <string>

#include "custody/scan.h"

namespace custody::testing {

inline std::string ReadTestdata(const std::string& name) {
  std::ifstream in(std::string(CUSTODY_SCAN_TESTDATA) + "/" + name, std::ios::binary);
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

inline RuleSet TestRules() {
  RuleSet set;
  Status s = LoadCustodyRules(ReadTestdata("rules.toml"), "testdata/rules.toml", &set);
  if (!s.ok()) ADD_FAILURE() << s.ToString();
  return set;
}

}  // namespace custody::testing

#endif  // CUSTODY_SCAN_TEST_RULES_H_
