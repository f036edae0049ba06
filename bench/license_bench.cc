// Licence identification against the full SPDX list (docs/licenses.md,
// "Speed"): one LICENSE file per iteration, after the index is built (the
// one-off build is timed separately and reported as the index_build_ms
// counter). Inputs come from data/spdx/texts.txt: the Apache-2.0 text as
// is, and the MIT text with a real copyright line, re-wrapped at 50 columns
// and three phrases changed.
//
//   build-bench/bench/license_bench --benchmark_repetitions=10 --benchmark_report_aggregates_only=true
#include <benchmark/benchmark.h>

#include <chrono>
#include <fstream>
#include <sstream>

#include "custody/license.h"

namespace {

std::string SpdxText(const std::string& id) {
  std::ifstream in(std::string(CUSTODY_SOURCE_DIR) + "/data/spdx/texts.txt", std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  std::string all = ss.str();
  size_t pos = 0;
  while ((pos = all.find('\x1e', pos)) != std::string::npos) {
    size_t nl = all.find('\n', pos);
    std::string ids = " " + all.substr(pos + 1, nl - pos - 1) + " ";
    size_t end = all.find('\x1e', nl);
    if (ids.find(" " + id + " ") != std::string::npos) return all.substr(nl + 1, end - nl - 1);
    pos = nl;
  }
  return "";
}

std::string PerturbedMit() {
  std::string t = SpdxText("MIT");
  auto replace = [&](const std::string& a, const std::string& b) {
    size_t at = t.find(a);
    if (at != std::string::npos) t.replace(at, a.size(), b);
  };
  replace("<year> <copyright holders>", "2024 Example Corp.");
  replace("free of charge", "at no cost");
  replace("merge, publish", "merge, print");
  replace("substantial portions", "large portions");
  std::string out;
  size_t col = 0;
  std::istringstream words(t);
  std::string w;
  while (words >> w) {
    if (col + w.size() > 50) {
      out += "\n";
      col = 0;
    }
    out += w + " ";
    col += w.size() + 1;
  }
  return out;
}

double BuildIndexMs() {
  static double ms = [] {
    auto t0 = std::chrono::steady_clock::now();
    benchmark::DoNotOptimize(custody::IdentifyLicenseText("warm up"));
    return std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count();
  }();
  return ms;
}

void Identify(benchmark::State& state, const std::string& text, const char* want) {
  state.counters["index_build_ms"] = BuildIndexMs();
  if (text.empty()) {
    state.SkipWithError("text not found in data/spdx/texts.txt");
    return;
  }
  custody::LicenseMatch m;
  for (auto _ : state) {
    m = custody::IdentifyLicenseText(text);
    benchmark::DoNotOptimize(m);
  }
  if (m.id != want) state.SkipWithError(("identified as " + m.id).c_str());
  state.counters["score"] = m.score;
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * text.size()));
}

void BM_IdentifyApache20(benchmark::State& state) {
  static const std::string text = SpdxText("Apache-2.0");
  Identify(state, text, "Apache-2.0");
}
BENCHMARK(BM_IdentifyApache20)->Unit(benchmark::kMicrosecond);

void BM_IdentifyPerturbedMit(benchmark::State& state) {
  static const std::string text = PerturbedMit();
  Identify(state, text, "MIT");
}
BENCHMARK(BM_IdentifyPerturbedMit)->Unit(benchmark::kMicrosecond);

void BM_IdentifyGpl30(benchmark::State& state) {
  static const std::string text = SpdxText("GPL-3.0-only");
  Identify(state, text, "GPL-3.0-only");
}
BENCHMARK(BM_IdentifyGpl30)->Unit(benchmark::kMicrosecond);

void BM_ParseExpression(benchmark::State& state) {
  for (auto _ : state) {
    auto e = custody::ParseLicenseExpression("(MIT OR Apache-2.0) AND GPL-2.0+ WITH Classpath-exception-2.0 OR LGPL-2.1");
    benchmark::DoNotOptimize(e);
  }
}
BENCHMARK(BM_ParseExpression);

}  // namespace

BENCHMARK_MAIN();
