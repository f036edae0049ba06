// Google Benchmark of OSV matching: 10,000 packages against an index of
// synthetic advisories (100,000 by default), generated reproducibly (fixed
// seed) with the shapes of real records: 1-3 affected entries, SEMVER or
// ECOSYSTEM ranges with 1-2 introduced/fixed intervals, some last_affected,
// some explicit `versions` lists, across all eight ecosystems. Half the
// checked packages have advisories.
//
//   build/bench/osv_bench --benchmark_filter=Match
#include <benchmark/benchmark.h>

#include <cstdio>
#include <memory>
#include <random>
#include <string>
#include <vector>

#include "custody/osv.h"

namespace {

using custody::Ecosystem;

constexpr size_t kNamesPerEcosystem = 6000;

std::string Name(Ecosystem e, size_t i) {
  switch (e) {
    case Ecosystem::kMaven: return "org.example.g" + std::to_string(i % 97) + ":artifact-" + std::to_string(i);
    case Ecosystem::kGo: return "github.com/example/mod" + std::to_string(i);
    case Ecosystem::kPackagist: return "vendor" + std::to_string(i % 50) + "/package-" + std::to_string(i);
    default: return "package-" + std::to_string(i);
  }
}

std::string Ver(Ecosystem e, int major, int minor, int patch) {
  std::string v = std::to_string(major) + "." + std::to_string(minor) + "." + std::to_string(patch);
  if (e == Ecosystem::kGo && patch % 7 == 3) v += "-0.20220906165146-f3363e06e74c";
  return v;
}

std::string Serialized(size_t advisories) {
  std::mt19937_64 rng(20261202);
  custody::OsvDatabaseBuilder b;
  for (size_t n = 0; n < advisories; ++n) {
    custody::OsvRecord r;
    char id[32];
    std::snprintf(id, sizeof id, "GHSA-synth-%07zu", n);
    r.id = id;
    r.modified = "2024-01-01T00:00:00Z";
    r.summary = "Synthetic advisory " + std::to_string(n);
    r.aliases = {"CVE-2024-" + std::to_string(10000 + n)};
    r.severity = {{"CVSS_V3", "CVSS:3.1/AV:N/AC:L/PR:N/UI:R/S:U/C:H/I:L/A:N"}};
    size_t entries = 1 + rng() % 3;
    for (size_t k = 0; k < entries; ++k) {
      custody::OsvAffected a;
      auto e = static_cast<Ecosystem>(rng() % 8);
      a.known = e;
      a.ecosystem = std::string(custody::EcosystemOsvName(e));
      a.name = Name(e, rng() % kNamesPerEcosystem);
      custody::OsvRange range;
      range.type = (e == Ecosystem::kNpm || e == Ecosystem::kGo || e == Ecosystem::kCargo)
                       ? custody::OsvRangeType::kSemver
                       : custody::OsvRangeType::kEcosystem;
      int major = static_cast<int>(rng() % 5);
      range.events.push_back({custody::OsvEvent::Kind::kIntroduced, rng() % 3 ? Ver(e, major, 0, 0) : "0"});
      if (rng() % 5 == 0) {
        range.events.push_back({custody::OsvEvent::Kind::kLastAffected, Ver(e, major, 3, 9)});
      } else {
        range.events.push_back({custody::OsvEvent::Kind::kFixed, Ver(e, major, 4, static_cast<int>(rng() % 10))});
        if (rng() % 3 == 0) {
          range.events.push_back({custody::OsvEvent::Kind::kIntroduced, Ver(e, major + 1, 0, 0)});
          range.events.push_back({custody::OsvEvent::Kind::kFixed, Ver(e, major + 1, 2, 1)});
        }
      }
      a.ranges.push_back(std::move(range));
      if (e == Ecosystem::kPyPI) {
        for (int m = 0; m < 6; ++m) a.versions.push_back(Ver(e, major, m % 4, m));
      }
      r.affected.push_back(std::move(a));
    }
    b.Add(std::move(r));
  }
  return b.Serialize();
}

std::vector<custody::Package> Packages(size_t count) {
  std::mt19937_64 rng(7);
  std::vector<custody::Package> out;
  for (size_t i = 0; i < count; ++i) {
    custody::Package p;
    p.ecosystem = static_cast<Ecosystem>(rng() % 8);
    // Half the names exist in the index, half do not.
    size_t idx = rng() % kNamesPerEcosystem + (i % 2 ? 0 : kNamesPerEcosystem);
    p.name = Name(p.ecosystem, idx);
    p.version = Ver(p.ecosystem, static_cast<int>(rng() % 6), static_cast<int>(rng() % 6), static_cast<int>(rng() % 10));
    out.push_back(std::move(p));
  }
  return out;
}

const std::string& Index(size_t advisories) {
  static std::string cached;
  static size_t cached_n = 0;
  if (cached_n != advisories) {
    cached = Serialized(advisories);
    cached_n = advisories;
  }
  return cached;
}

// Match of 10,000 packages against an open index of state.range(0)
// advisories.
void BM_Match10kPackages(benchmark::State& state) {
  const std::string& bytes = Index(static_cast<size_t>(state.range(0)));
  auto db = custody::OsvDatabase::Open(bytes, "bench.db");
  if (!db.ok()) {
    state.SkipWithError(db.status().ToString().c_str());
    return;
  }
  auto pkgs = Packages(10000);
  size_t findings = 0;
  for (auto _ : state) {
    auto f = (*db)->Match(pkgs);
    if (!f.ok()) {
      state.SkipWithError(f.status().ToString().c_str());
      return;
    }
    findings = f->size();
    benchmark::DoNotOptimize(findings);
  }
  state.counters["findings"] = static_cast<double>(findings);
  state.counters["advisories"] = static_cast<double>((*db)->record_count());
  state.counters["index_MiB"] = static_cast<double>(bytes.size()) / (1 << 20);
  state.SetItemsProcessed(state.iterations() * 10000);
}
BENCHMARK(BM_Match10kPackages)->Arg(100000)->Unit(benchmark::kMillisecond)->MeasureProcessCPUTime();

// Opening the index from bytes already in memory (the CLI adds the file
// read) and matching 10,000 packages: the cost of one `custody osv check`.
void BM_OpenAndMatch10kPackages(benchmark::State& state) {
  const std::string& bytes = Index(static_cast<size_t>(state.range(0)));
  auto pkgs = Packages(10000);
  for (auto _ : state) {
    auto db = custody::OsvDatabase::Open(bytes, "bench.db");
    auto f = (*db)->Match(pkgs);
    benchmark::DoNotOptimize(f);
  }
}
BENCHMARK(BM_OpenAndMatch10kPackages)->Arg(100000)->Unit(benchmark::kMillisecond)->MeasureProcessCPUTime();

// Building and serialising the index of state.range(0) advisories (what
// `custody osv import` does after parsing).
void BM_BuildIndex(benchmark::State& state) {
  for (auto _ : state) {
    std::string s = Serialized(static_cast<size_t>(state.range(0)));
    benchmark::DoNotOptimize(s);
  }
}
BENCHMARK(BM_BuildIndex)->Arg(100000)->Unit(benchmark::kMillisecond)->Iterations(1);

}  // namespace

BENCHMARK_MAIN();
