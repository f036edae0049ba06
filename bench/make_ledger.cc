// make_ledger: appends N realistic generation envelopes to the ledger of an
// initialised custody repository, through the same library path `custody
// record` takes (Project::Record: the signing key from git config
// custody.signingKey or $CUSTODY_SIGNING_KEY, checked against .custody/keys,
// one ledger transaction and signed checkpoint per batch). Used by
// bench/verify_cli.sh, because 100,000 `custody record` processes would take
// too long.
//
//   make_ledger REPO_DIR COUNT [BATCH=1000]
//
// Record numbers continue from the ledger's current size, so repeated calls
// grow one ledger with distinct envelopes. Prints the new size and the rate.
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

#include "bench_util.h"
#include "custody/env.h"
#include "custody/project.h"

namespace custody::bench {
namespace {

int Run(int argc, char** argv) {
  if (argc < 3 || argc > 4) {
    std::fprintf(stderr, "usage: make_ledger REPO_DIR COUNT [BATCH=1000]\n");
    return 2;
  }
  const std::string repo = argv[1];
  const uint64_t count = std::strtoull(argv[2], nullptr, 10);
  const uint64_t batch = argc == 4 ? std::strtoull(argv[3], nullptr, 10) : 1000;
  if (batch == 0) {
    std::fprintf(stderr, "make_ledger: BATCH must be positive\n");
    return 2;
  }

  auto project = Project::Open(Env::Default(), repo);
  CheckOk(project.status(), "open");
  auto store = (*project)->GetStore();
  CheckOk(store.status(), "ledger");
  auto first = (*store)->EntryCount();
  CheckOk(first.status(), "count");

  auto started = std::chrono::steady_clock::now();
  std::vector<Statement> statements;
  for (uint64_t done = 0; done < count;) {
    const uint64_t n = std::min(batch, count - done);
    statements.clear();
    for (uint64_t j = 0; j < n; ++j) statements.push_back(MakeStatement(*first + done + j));
    auto appended = (*project)->Record(statements);
    CheckOk(appended.status(), "record");
    done += n;
  }
  double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  std::printf("%llu entries (added %llu in %.2f s, %.0f envelopes/s, batch %llu)\n",
              static_cast<unsigned long long>(*first + count),
              static_cast<unsigned long long>(count), secs, secs > 0 ? count / secs : 0.0,
              static_cast<unsigned long long>(batch));
  return 0;
}

}  // namespace
}  // namespace custody::bench

int main(int argc, char** argv) { return custody::bench::Run(argc, argv); }
