// Existence and typosquat checks against a registry-sized name index
// (docs/PERFORMANCE.md, "Registry names and typosquats").
//
// Input: 1,200,000 distinct generated names (seeded, reproducible) shaped like real
// registry names — one to three words from a 2,000-word vocabulary joined by
// "-", sometimes a digit suffix or an npm scope — plus the shipped npm
// popular list, written as a NameIndex in a temp dir and memory-mapped. The
// queries are 100 names: typos of well-known packages, well-known names and
// unrelated names.
//
//   build-bench/bench/registry_bench
#include <benchmark/benchmark.h>
#include <unistd.h>

#include <filesystem>
#include <random>
#include <unordered_set>

#include "custody/registry.h"

namespace {

using custody::Ecosystem;

std::vector<std::string> MakeNames(size_t n) {
  std::mt19937 rng(42);
  const std::string letters = "abcdefghijklmnopqrstuvwxyz";
  std::vector<std::string> words;
  for (int i = 0; i < 2000; ++i) {
    std::string w;
    size_t len = 3 + rng() % 7;
    for (size_t k = 0; k < len; ++k) w += letters[rng() % 26];
    words.push_back(w);
  }
  std::vector<std::string> out = custody::ShippedPopularNames(Ecosystem::kNpm);
  std::unordered_set<std::string> seen(out.begin(), out.end());
  while (seen.size() < n) {
    std::string s;
    if (rng() % 10 == 0) s = "@" + words[rng() % words.size()] + "/";
    size_t parts = 1 + rng() % 3;
    for (size_t k = 0; k < parts; ++k) s += (k ? "-" : "") + words[rng() % words.size()];
    if (rng() % 5 == 0) s += std::to_string(rng() % 100);
    if (seen.insert(s).second) out.push_back(s);
  }
  return out;
}

struct Fixture {
  std::string dir;
  std::unique_ptr<custody::NameIndex> index;
  std::vector<std::string> queries;
  Fixture() {
    dir = std::filesystem::temp_directory_path() / ("custody-registry-bench-" + std::to_string(::getpid()));
    std::filesystem::create_directories(dir);
    std::string path = dir + "/npm.names";
    if (!custody::NameIndex::Write(Ecosystem::kNpm, MakeNames(1200000), path).ok()) std::abort();
    auto idx = custody::NameIndex::Open(path);
    if (!idx.ok()) std::abort();
    index = std::move(*idx);
    const auto& popular = custody::ShippedPopularNames(Ecosystem::kNpm);
    std::mt19937 rng(7);
    for (int i = 0; i < 100; ++i) {
      std::string q = popular[rng() % popular.size()];
      switch (i % 4) {
        case 0: if (q.size() > 3) std::swap(q[1], q[2]); break;        // transposition
        case 1: q += "-js"; break;                                       // affix
        case 2: break;                                                   // well known
        case 3: q = "zz" + std::to_string(rng()) + "-unrelated"; break;  // unrelated
      }
      queries.push_back(q);
    }
  }
  ~Fixture() {
    index.reset();
    std::error_code ec;
    std::filesystem::remove_all(dir, ec);
  }
};

Fixture& F() {
  static Fixture f;
  return f;
}

// One typosquat check of one name against the 1.2M-name index.
void BM_TyposquatAgainstIndex(benchmark::State& state) {
  auto& f = F();
  custody::TyposquatChecker checker(Ecosystem::kNpm, *f.index);
  size_t i = 0, hits = 0;
  for (auto _ : state) {
    auto m = checker.Check(f.queries[i++ % f.queries.size()]);
    hits += !m.empty();
    benchmark::DoNotOptimize(m);
  }
  state.counters["index_names"] = static_cast<double>(f.index->size());
  state.counters["flagged_share"] = static_cast<double>(hits) / static_cast<double>(state.iterations());
}
BENCHMARK(BM_TyposquatAgainstIndex)->Unit(benchmark::kMicrosecond);

// The same against the shipped popular list only (in memory), the size of
// list typomania-style checks use.
void BM_TyposquatAgainstPopular(benchmark::State& state) {
  auto& f = F();
  custody::MemoryNameSet popular(Ecosystem::kNpm, custody::ShippedPopularNames(Ecosystem::kNpm));
  custody::TyposquatChecker checker(Ecosystem::kNpm, popular);
  size_t i = 0;
  for (auto _ : state) {
    auto m = checker.Check(f.queries[i++ % f.queries.size()]);
    benchmark::DoNotOptimize(m);
  }
  state.counters["popular_names"] = static_cast<double>(popular.size());
}
BENCHMARK(BM_TyposquatAgainstPopular)->Unit(benchmark::kMicrosecond);

// One existence look-up in the index.
void BM_IndexContains(benchmark::State& state) {
  auto& f = F();
  size_t i = 0;
  for (auto _ : state) {
    bool b = f.index->Contains(f.queries[i++ % f.queries.size()]);
    benchmark::DoNotOptimize(b);
  }
}
BENCHMARK(BM_IndexContains)->Unit(benchmark::kNanosecond);

// Writing the index of 1.2M names (what `custody registry import` costs
// after reading the list).
void BM_IndexWrite(benchmark::State& state) {
  auto names = MakeNames(1200000);
  std::string path = F().dir + "/write.names";
  for (auto _ : state) {
    if (!custody::NameIndex::Write(Ecosystem::kNpm, names, path).ok()) state.SkipWithError("write failed");
  }
  state.counters["bytes"] = static_cast<double>(std::filesystem::file_size(path));
}
BENCHMARK(BM_IndexWrite)->Unit(benchmark::kMillisecond)->Iterations(2);

}  // namespace

BENCHMARK_MAIN();
