// Shared inputs for the benchmarks and the make_ledger helper: realistic
// generation statements, a scratch directory, and peak-RSS probes.
//
// The records imitate what `custody record` and the agent hooks write: one to
// three generated files, the policy and CLAUDE.md digests as constraint
// files, an encrypted-prompt reference on half of them, a session id and an
// RFC 3339 timestamp. Signed and serialised, the envelopes are 1.0-1.7 KB,
// mean ~1.2 KB (BM_SignEnvelope prints the distribution), the size of what
// `custody record --file F --prompt P` writes (1224 bytes). A generation
// predicate alone is ~600 bytes of JSON before base64, so smaller envelopes
// would not be realistic. Everything is
// derived from the record number, so runs are reproducible.
//
// Header-only; plain functions, thread-safe.
#ifndef CUSTODY_BENCH_BENCH_UTIL_H_
#define CUSTODY_BENCH_BENCH_UTIL_H_

#include <stdlib.h>
#include <sys/resource.h>

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "custody/dsse.h"
#include "custody/hash.h"
#include "custody/predicates.h"
#include "custody/statement.h"
#include "custody/status.h"

namespace custody::bench {

// 2026-01-01T00:00:00Z; record i is stamped one second after record i-1.
inline constexpr int64_t kBaseTimeNanos = 1767225600LL * 1'000'000'000LL;

// The generation record number `i`.
inline GenerationRecord MakeRecord(uint64_t i) {
  const std::string n = std::to_string(i);
  GenerationRecord r;
  r.agent = "claude-code";
  r.agent_version = "2.0.14";
  r.model = "claude-sonnet-4-5";
  r.model_version = "20250929";
  r.session_id = Sha256Hex("session" + std::to_string(i / 20)).substr(0, 32);
  r.method = i % 4 == 0 ? "manual" : "hook";
  if (i % 2 == 0) {
    r.prompt.digest_sha256 = Sha256Hex("prompt" + n);
    r.prompt.ref = Sha256Hex("ref" + n).substr(0, 32);
    r.prompt.storage = "full";
  }
  if (i % 3 == 0) r.constraints.push_back("keep the public API unchanged");
  r.constraint_files.push_back({".custody/policy.toml", Sha256Hex("policy")});
  if (i % 2 == 1) r.constraint_files.push_back({"CLAUDE.md", Sha256Hex("claude")});
  // Most hook events touch one file: 70% one, 20% two, 10% three.
  const uint64_t files = i % 10 < 7 ? 1 : (i % 10 < 9 ? 2 : 3);
  for (uint64_t f = 0; f < files; ++f) {
    r.files.push_back({"src/module" + std::to_string((i * 7 + f) % 97) + "/file" +
                           std::to_string((i + f) % 1013) + ".cc",
                       Sha256Hex("content" + n + "/" + std::to_string(f))});
  }
  r.timestamp_unix_nanos = kBaseTimeNanos + static_cast<int64_t>(i) * 1'000'000'000LL;
  r.recorder_version = "0.1.0";
  return r;
}

inline Statement MakeStatement(uint64_t i) { return MakeGenerationStatement(MakeRecord(i), ""); }

// What Project::Record does per statement: serialise, sign, serialise the
// envelope. Aborts on failure (a benchmark has no one to report to).
inline std::string SignStatement(const Statement& st, const PrivateKey& key) {
  Result<Envelope> env = SignEnvelope(kInTotoPayloadType, SerializeStatement(st), key);
  if (!env.ok()) {
    std::fprintf(stderr, "sign: %s\n", env.status().ToString().c_str());
    std::abort();
  }
  return SerializeEnvelope(*env);
}

// Prints `s` and aborts unless it is OK.
inline void CheckOk(const Status& s, const char* what) {
  if (!s.ok()) {
    std::fprintf(stderr, "%s: %s\n", what, s.ToString().c_str());
    std::abort();
  }
}

// A fresh directory under $TMPDIR (default /tmp), removed on destruction.
// The benchmarks put their SQLite files here, so point TMPDIR at the disk
// you want to measure.
class ScratchDir {
 public:
  ScratchDir() {
    const char* base = std::getenv("TMPDIR");
    std::string tmpl = std::string(base && *base ? base : "/tmp") + "/custody-bench-XXXXXX";
    if (mkdtemp(tmpl.data()) == nullptr) {
      std::perror("mkdtemp");
      std::abort();
    }
    path_ = tmpl;
  }
  ~ScratchDir() {
    std::error_code ec;
    std::filesystem::remove_all(path_, ec);
  }
  ScratchDir(const ScratchDir&) = delete;
  ScratchDir& operator=(const ScratchDir&) = delete;
  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

// Peak RSS probes. On Linux, writing "5" to /proc/self/clear_refs resets the
// high-water mark VmHWM to the current RSS, so ResetPeakRss() + PeakRssKiB()
// brackets the peak of one operation even after earlier, larger ones.
inline long ProcStatusKiB(const char* field) {  // NOLINT(runtime/int)
  std::ifstream in("/proc/self/status");
  std::string line;
  const std::string prefix = std::string(field) + ":";
  while (std::getline(in, line)) {
    if (line.rfind(prefix, 0) == 0) return std::strtol(line.c_str() + prefix.size(), nullptr, 10);
  }
  return -1;
}
// True when the reset worked (false: PeakRssKiB is the whole process's peak).
inline bool ResetPeakRss() {
  std::ofstream out("/proc/self/clear_refs");
  out << "5";
  out.flush();
  return static_cast<bool>(out);
}
inline long CurrentRssKiB() { return ProcStatusKiB("VmRSS"); }  // NOLINT(runtime/int)
inline long PeakRssKiB() {                                      // NOLINT(runtime/int)
  long hwm = ProcStatusKiB("VmHWM");                            // NOLINT(runtime/int)
  if (hwm >= 0) return hwm;
  rusage ru{};
  getrusage(RUSAGE_SELF, &ru);
  return ru.ru_maxrss;
}

// User + system CPU seconds of the whole process (all threads) so far. The
// benchmarks report work per process-CPU-second next to the wall-clock rate:
// on a shared machine the first is stable when the second is not.
inline double ProcessCpuSeconds() {
  rusage ru{};
  getrusage(RUSAGE_SELF, &ru);
  return ru.ru_utime.tv_sec + ru.ru_stime.tv_sec +
         (ru.ru_utime.tv_usec + ru.ru_stime.tv_usec) / 1e6;
}

}  // namespace custody::bench

#endif  // CUSTODY_BENCH_BENCH_UTIL_H_
