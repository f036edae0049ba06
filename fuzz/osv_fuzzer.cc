// Fuzzes the OSV record parser, the index writer and reader, and matching.
// A record that parses is indexed and matched against packages built from
// its own names and event versions (so the range evaluation runs on the
// fuzzed versions); the raw input is also opened as an index, which must
// fail cleanly or match without crashing.
//
//   build-fuzz/fuzz/osv_fuzzer fuzz/corpus/osv -max_total_time=60
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <vector>

#include "custody/osv.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string text(reinterpret_cast<const char*>(data), size);
  std::vector<custody::Package> pkgs;
  auto r = custody::ParseOsvRecord(text, "fuzz.json");
  if (r.ok()) {
    for (const auto& a : r->affected) {
      if (!a.known) continue;
      custody::Package p;
      p.ecosystem = *a.known;
      p.name = a.name;
      for (const auto& v : a.versions) {
        p.version = v;
        pkgs.push_back(p);
      }
      for (const auto& range : a.ranges) {
        for (const auto& e : range.events) {
          p.version = e.version;
          pkgs.push_back(p);
          p.version = e.version + ".1";
          pkgs.push_back(p);
        }
      }
    }
    custody::OsvDatabaseBuilder b;
    b.Add(*r);
    auto db = custody::OsvDatabase::Open(b.Serialize(), "fuzz.db");
    if (!db.ok()) std::abort();  // the writer's own output must open
    auto m = (*db)->Match(pkgs);
    if (!m.ok()) std::abort();
    auto recs = (*db)->Records();
    if (!recs.ok()) std::abort();
  }
  auto raw = custody::OsvDatabase::Open(text, "raw.db");
  if (raw.ok()) {
    custody::Package p;
    p.name = "x";
    p.version = "1.0.0";
    pkgs.push_back(p);
    (void)(*raw)->Match(pkgs);
    (void)(*raw)->Records();
  }
  return 0;
}
