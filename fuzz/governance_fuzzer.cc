// Fuzzes the validation, override, review and deployment predicate readers:
// statements in fetched notes are outside input, and the gate reads them.
// Statement bytes -> ParseStatement -> each Parse*Statement; whatever parses
// must serialise and read back to the same fields the gate decides on.
//
//   build-fuzz/fuzz/governance_fuzzer fuzz/corpus/governance -max_total_time=60
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "custody/governance.h"
#include "custody/statement.h"

namespace {

void Check(bool ok) {
  if (!ok) __builtin_trap();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace custody;
  std::string_view text(reinterpret_cast<const char*>(data), size);
  Result<Statement> st = ParseStatement(text);
  if (!st.ok()) return 0;
  if (auto v = ParseValidationStatement(*st); v.ok()) {
    auto back = ParseValidationStatement(MakeValidationStatement(*v));
    Check(back.ok() && back->verdict == v->verdict && back->findings.size() == v->findings.size() &&
          back->policy_sha256 == v->policy_sha256 && back->tree == v->tree);
    for (size_t i = 0; i < v->findings.size(); ++i) {
      Check(back->findings[i].fingerprint == v->findings[i].fingerprint &&
            back->findings[i].action == v->findings[i].action);
    }
  }
  if (auto o = ParseOverrideStatement(*st); o.ok()) {
    auto back = ParseOverrideStatement(MakeOverrideStatement(*o));
    Check(back.ok() && back->fingerprint == o->fingerprint && back->expires_unix_nanos == o->expires_unix_nanos);
  }
  if (auto r = ParseReviewStatement(*st); r.ok()) {
    auto back = ParseReviewStatement(MakeReviewStatement(*r));
    Check(back.ok() && back->commit == r->commit && back->decision == r->decision &&
          back->timestamp_unix_nanos == r->timestamp_unix_nanos);
  }
  if (auto d = ParseDeploymentStatement(*st); d.ok()) {
    auto back = ParseDeploymentStatement(MakeDeploymentStatement(*d));
    Check(back.ok() && back->commit == d->commit && back->environment == d->environment &&
          back->forced == d->forced);
  }
  return 0;
}
