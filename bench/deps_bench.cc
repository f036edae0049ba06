// Parse speed of the lockfile parsers (docs/PERFORMANCE.md, "Dependencies").
//
// The input is a generated package-lock.json (v3) shaped like a real one of
// a large project: every entry has version, resolved, integrity (a sha512 of
// 88 base64 characters), license and, for most, dependencies, engines or
// peer fields; a tenth are nested copies under another package's
// node_modules/, a third are dev. The target (issue 5) is 10,000 packages
// in at most 0.3 s.
//
//   build-bench/bench/deps_bench --benchmark_filter=PackageLock
//   build-bench/bench/deps_bench --write-lock=FILE --packages=N   (writes one)
#include <benchmark/benchmark.h>

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <string>

#include "custody/deps.h"

namespace {

// A deterministic generator (xorshift), so runs compare.
struct Rng {
  uint64_t s;
  uint64_t Next() {
    s ^= s << 13;
    s ^= s >> 7;
    s ^= s << 17;
    return s;
  }
};

std::string Name(size_t i) {
  static const char* kParts[] = {"core", "util", "parse", "react", "babel", "plugin", "loader",
                                 "config", "http", "stream", "json", "types", "lint", "test"};
  std::string n;
  if (i % 7 == 0) n = "@scope" + std::to_string(i % 50) + "/";
  n += kParts[i % 14];
  n += "-";
  n += kParts[(i / 14) % 14];
  n += "-" + std::to_string(i);
  return n;
}

std::string GeneratePackageLock(size_t packages) {
  Rng rng{0x9E3779B97F4A7C15ull};
  std::string out;
  out.reserve(packages * 480);
  out += "{\n  \"name\": \"big-app\",\n  \"version\": \"1.0.0\",\n  \"lockfileVersion\": 3,\n"
         "  \"requires\": true,\n  \"packages\": {\n    \"\": {\n      \"name\": \"big-app\",\n"
         "      \"version\": \"1.0.0\",\n      \"dependencies\": {\n";
  for (size_t i = 0; i < 40; ++i) {
    out += "        \"" + Name(i) + "\": \"^1." + std::to_string(i % 9) + ".0\"";
    out += i + 1 < 40 ? ",\n" : "\n";
  }
  out += "      }\n    }";
  static const char kB64[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  for (size_t i = 0; i < packages; ++i) {
    std::string name = Name(i);
    std::string key = "node_modules/" + name;
    if (i % 10 == 9) key = "node_modules/" + Name(i / 10) + "/node_modules/" + name;
    std::string version = std::to_string(rng.Next() % 20) + "." + std::to_string(rng.Next() % 40) +
                          "." + std::to_string(rng.Next() % 100);
    std::string base = name.substr(name.find('/') == std::string::npos ? 0 : name.find('/') + 1);
    out += ",\n    \"" + key + "\": {\n      \"version\": \"" + version + "\",\n";
    out += "      \"resolved\": \"https://registry.example.invalid/" + name + "/-/" + base + "-" +
           version + ".tgz\",\n";
    out += "      \"integrity\": \"sha512-";
    for (int k = 0; k < 86; ++k) out += kB64[rng.Next() % 64];
    out += "==\",\n";
    if (i % 3 == 0) out += "      \"dev\": true,\n";
    if (i % 4 != 0) {
      out += "      \"dependencies\": {\n";
      size_t n = 1 + rng.Next() % 4;
      for (size_t d = 0; d < n; ++d) {
        out += "        \"" + Name(rng.Next() % packages) + "\": \"^" + std::to_string(rng.Next() % 9) + ".0.0\"";
        out += d + 1 < n ? ",\n" : "\n";
      }
      out += "      },\n";
    }
    if (i % 5 == 0) out += "      \"engines\": {\n        \"node\": \">=14\"\n      },\n";
    if (i % 11 == 0) out += "      \"bin\": {\n        \"" + base + "\": \"bin/cli.js\"\n      },\n";
    out += "      \"license\": \"MIT\"\n    }";
  }
  out += "\n  }\n}\n";
  return out;
}

void BM_PackageLock(benchmark::State& state) {
  size_t n = static_cast<size_t>(state.range(0));
  std::string lock = GeneratePackageLock(n);
  size_t found = 0;
  for (auto _ : state) {
    auto r = custody::ParseManifest("package-lock.json", lock);
    if (!r.ok()) {
      state.SkipWithError(r.status().ToString().c_str());
      return;
    }
    found = r->size();
    benchmark::DoNotOptimize(r);
  }
  state.counters["packages"] = static_cast<double>(found);
  state.counters["MB"] = static_cast<double>(lock.size()) / 1e6;
  state.SetBytesProcessed(static_cast<int64_t>(lock.size()) * state.iterations());
}
BENCHMARK(BM_PackageLock)->Arg(1000)->Arg(10000)->Arg(50000)->Unit(benchmark::kMillisecond);

}  // namespace

int main(int argc, char** argv) {
  std::string write;
  size_t packages = 10000;
  for (int i = 1; i < argc; ++i) {
    if (std::strncmp(argv[i], "--write-lock=", 13) == 0) write = argv[i] + 13;
    if (std::strncmp(argv[i], "--packages=", 11) == 0) packages = std::strtoul(argv[i] + 11, nullptr, 10);
  }
  if (!write.empty()) {
    std::ofstream out(write, std::ios::binary);
    out << GeneratePackageLock(packages);
    return out.good() ? 0 : 1;
  }
  benchmark::Initialize(&argc, argv);
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  return 0;
}
