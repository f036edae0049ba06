// In-memory throughput of the scan engine (docs/PERFORMANCE.md, "Scanner").
//
// Input: real source text read from this machine — this repository's own
// sources plus Python modules and C headers from the system — in files of
// their natural sizes (the engine runs per file, as in a tree scan), about
// 32 MB in all. Rule sets: the default packs compiled into the binary
// ("default", skipped when the build has none), and the gitleaks-format
// fixture of 131 rules plus the engine's test rules ("gitleaks131").
//
//   build-bench/bench/scan_bench --benchmark_filter=Scan
#include <benchmark/benchmark.h>

#include <filesystem>
#include <fstream>
#include <map>
#include <mutex>
#include <sstream>

#include "custody/scan.h"

namespace {

namespace fs = std::filesystem;

// Each file with its own path: rules for one language (weak crypto,
// insecure calls) apply only to files of that language, as in a tree scan.
struct CorpusFile {
  std::string path;
  std::string text;
};

const std::vector<CorpusFile>& Corpus() {
  static std::vector<CorpusFile> files = [] {
    std::vector<CorpusFile> out;
    size_t total = 0;
    const size_t kTarget = 32u << 20;
    auto add_tree = [&](const std::string& root, std::initializer_list<const char*> exts) {
      std::error_code ec;
      fs::recursive_directory_iterator it(root, fs::directory_options::skip_permission_denied, ec), end;
      for (; !ec && it != end && total < kTarget; it.increment(ec)) {
        if (!it->is_regular_file(ec)) continue;
        std::string ext = it->path().extension().string();
        bool want = false;
        for (const char* e : exts) want = want || ext == e;
        if (!want || it->file_size(ec) > (1u << 20)) continue;
        std::ifstream in(it->path(), std::ios::binary);
        std::ostringstream ss;
        ss << in.rdbuf();
        std::string s = ss.str();
        if (s.find('\0') != std::string::npos) continue;
        total += s.size();
        out.push_back({it->path().string(), std::move(s)});
      }
    };
    add_tree(CUSTODY_SOURCE_DIR "/src", {".cc", ".h"});
    add_tree(CUSTODY_SOURCE_DIR "/docs", {".md"});
    add_tree("/usr/lib/python3", {".py"});
    add_tree("/usr/include", {".h", ".hpp"});
    return out;
  }();
  return files;
}

std::unique_ptr<custody::Scanner> Build(const std::string& which) {
  custody::RuleSet set;
  if (which == "default") {
    auto d = custody::DefaultRuleSet();
    if (!d.ok()) return nullptr;
    set = std::move(*d);
  } else {
    if (!custody::LoadRulesPath(CUSTODY_SOURCE_DIR "/src/scan/testdata/gitleaks_full.toml", &set).ok() ||
        !custody::LoadRulesPath(CUSTODY_SOURCE_DIR "/src/scan/testdata/rules.toml", &set).ok()) {
      return nullptr;
    }
  }
  if (set.rules.empty()) return nullptr;
  auto sc = custody::Scanner::Compile(set, {});
  return sc.ok() ? std::move(*sc) : nullptr;
}

void ScanCorpus(benchmark::State& state, const std::string& which) {
  static std::map<std::string, std::unique_ptr<custody::Scanner>> scanners;
  static std::mutex mu;
  custody::Scanner* sc;
  {
    std::lock_guard<std::mutex> l(mu);
    auto& p = scanners[which];
    if (!p) p = Build(which);
    sc = p.get();
  }
  if (sc == nullptr) {
    state.SkipWithError("rule set not available in this build");
    return;
  }
  const auto& files = Corpus();
  auto session = sc->NewSession();
  std::vector<custody::Finding> out;
  // One untimed pass builds the per-language databases and the scratch.
  for (const auto& f : files) {
    out.clear();
    (void)sc->Scan(**session, f.text, f.path, "", &out);
  }
  size_t bytes = 0;
  for (auto _ : state) {
    for (const auto& f : files) {
      out.clear();
      auto r = sc->Scan(**session, f.text, f.path, "", &out);
      benchmark::DoNotOptimize(r);
      bytes += f.text.size();
    }
  }
  state.SetBytesProcessed(static_cast<int64_t>(bytes));
  state.counters["rules"] = static_cast<double>(sc->rule_count());
  state.counters["files"] = static_cast<double>(files.size());
}

void BM_ScanDefault(benchmark::State& state) { ScanCorpus(state, "default"); }
void BM_ScanGitleaks131(benchmark::State& state) { ScanCorpus(state, "gitleaks131"); }
BENCHMARK(BM_ScanDefault)->Unit(benchmark::kMillisecond)->ThreadRange(1, 2)->UseRealTime();
BENCHMARK(BM_ScanGitleaks131)->Unit(benchmark::kMillisecond)->ThreadRange(1, 2)->UseRealTime();

// Compile time of the whole rule set into one database.
void BM_CompileGitleaks131(benchmark::State& state) {
  for (auto _ : state) benchmark::DoNotOptimize(Build("gitleaks131"));
}
BENCHMARK(BM_CompileGitleaks131)->Unit(benchmark::kMillisecond)->Iterations(3);

}  // namespace

BENCHMARK_MAIN();
