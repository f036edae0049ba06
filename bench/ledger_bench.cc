// Ledger benchmarks: signing, batched durable appends, full verification,
// inclusion proofs, and the Merkle/Ed25519/fsync building blocks that bound
// them. docs/PERFORMANCE.md has the commands, the machine and the results.
//
// Every SQLite file lives under $TMPDIR (default /tmp), so the appends pay
// the real fsyncs of that disk: the store runs WAL with synchronous=FULL,
// exactly as `custody` does.
//
//   ledger_bench --benchmark_repetitions=5 --benchmark_report_aggregates_only=true
//
// BM_Verify and BM_InclusionProof share one ledger of 100,000 entries (with
// copies at 10,000 and 50,000), built on first use in batches of 1000; the
// build time is printed to stderr and not part of any figure.
#include <benchmark/benchmark.h>
#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <iterator>
#include <memory>
#include <string>
#include <vector>

#include "bench_util.h"
#include "custody/dsse.h"
#include "custody/ed25519.h"
#include "custody/hash.h"
#include "custody/keys.h"
#include "custody/ledger.h"
#include "custody/merkle.h"
#include "custody/predicates.h"
#include "custody/sqlite_store.h"
#include "custody/statement.h"

namespace custody::bench {
namespace {

constexpr uint64_t kVerifySizes[] = {10'000, 50'000, 100'000};
constexpr uint64_t kLargest = 100'000;
constexpr size_t kBuildBatch = 1000;
constexpr const char* kKeyName = "bench";

const PrivateKey& Key() {
  static const PrivateKey* key = [] {
    auto k = PrivateKey::FromSeed(std::string(32, '\x42'));
    CheckOk(k.status(), "key");
    return new PrivateKey(std::move(k).value());
  }();
  return *key;
}

const Keyring& Ring() {
  static const Keyring* ring = [] {
    auto* r = new Keyring();
    CheckOk(r->Add(TrustedKey{kKeyName, Role::kDeveloper, Key().public_key(),
                              "2026-01-01T00:00:00Z", ""}),
            "keyring");
    return r;
  }();
  return *ring;
}

std::unique_ptr<Store> OpenStore(const std::string& path, bool create) {
  auto s = OpenSqliteStore(path, {.create = create});
  CheckOk(s.status(), path.c_str());
  return std::move(s).value();
}

// Signs records [first, first + n) and appends them as one batch.
void AppendRecords(Ledger& ledger, uint64_t first, size_t n, std::vector<std::string>* scratch) {
  scratch->clear();
  for (size_t j = 0; j < n; ++j) scratch->push_back(SignStatement(MakeStatement(first + j), Key()));
  auto r = ledger.Append(*scratch, {kKeyName, &Key()},
                         kBaseTimeNanos + static_cast<int64_t>(first) * 1'000'000'000LL);
  CheckOk(r.status(), "append");
}

// The shared verification ledgers: one file per size in kVerifySizes, built
// once per process by appending in batches of kBuildBatch and copying the
// file (closed, so the WAL is checkpointed into it) at each smaller size.
class VerifyLedgers {
 public:
  // A static object, not a leaked pointer: its ScratchDir (~600 MB) must be
  // removed when the process exits.
  static VerifyLedgers& Get() {
    static VerifyLedgers l;
    return l;
  }
  std::string Path(uint64_t size) const {
    return dir_.path() + "/ledger-" + std::to_string(size) + ".db";
  }
  double mean_envelope_bytes() const { return mean_envelope_bytes_; }

 private:
  VerifyLedgers() {
    auto started = std::chrono::steady_clock::now();
    const std::string live = dir_.path() + "/live.db";
    auto store = OpenStore(live, true);
    CheckOk(Ledger::EnsureOrigin(*store, "bench.custody.dev/ledger").status(), "origin");
    auto ledger = std::make_unique<Ledger>(store.get());
    std::vector<std::string> batch;
    uint64_t bytes = 0;
    size_t next_size = 0;
    for (uint64_t n = 0; n < kLargest; n += kBuildBatch) {
      AppendRecords(*ledger, n, kBuildBatch, &batch);
      for (const auto& e : batch) bytes += e.size();
      if (n + kBuildBatch == kVerifySizes[next_size]) {
        ledger.reset();
        store.reset();  // last connection: checkpoints the WAL into the file
        std::filesystem::copy_file(live, Path(kVerifySizes[next_size]));
        ++next_size;
        if (next_size == std::size(kVerifySizes)) break;
        store = OpenStore(live, false);
        ledger = std::make_unique<Ledger>(store.get());
      }
    }
    mean_envelope_bytes_ = static_cast<double>(bytes) / kLargest;
    double secs =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
    std::fprintf(stderr, "built %llu-entry ledger in %.1f s (%.0f envelopes/s, mean %.0f B)\n",
                 static_cast<unsigned long long>(kLargest), secs, kLargest / secs,
                 mean_envelope_bytes_);
  }

  ScratchDir dir_;
  double mean_envelope_bytes_ = 0;
};

// ------------------------------------------------------------ signing cost

// Per-entry signing cost as Project::Record pays it: serialise the statement,
// sign PAE(type, payload), serialise the envelope.
void BM_SignEnvelope(benchmark::State& state) {
  std::vector<Statement> pool;
  for (uint64_t i = 0; i < 64; ++i) pool.push_back(MakeStatement(i));
  size_t i = 0;
  uint64_t bytes = 0, min_bytes = UINT64_MAX, max_bytes = 0;
  for (auto _ : state) {
    std::string env = SignStatement(pool[i++ % pool.size()], Key());
    bytes += env.size();
    min_bytes = std::min<uint64_t>(min_bytes, env.size());
    max_bytes = std::max<uint64_t>(max_bytes, env.size());
    benchmark::DoNotOptimize(env);
  }
  state.SetItemsProcessed(state.iterations());
  state.counters["env_bytes_mean"] = static_cast<double>(bytes) / state.iterations();
  state.counters["env_bytes_min"] = static_cast<double>(min_bytes);
  state.counters["env_bytes_max"] = static_cast<double>(max_bytes);
}
BENCHMARK(BM_SignEnvelope);

// Building the statement from a record (nlohmann::json): the part of the
// append path before signing.
void BM_MakeGenerationStatement(benchmark::State& state) {
  uint64_t i = 0;
  for (auto _ : state) {
    Statement st = MakeStatement(i++);
    benchmark::DoNotOptimize(st);
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_MakeGenerationStatement);

std::string TypicalPae() {
  return Pae(kInTotoPayloadType, SerializeStatement(MakeStatement(1)));
}

// Raw Ed25519 through custody's wrapper (EVP context made per call), on a
// typical PAE (~500 bytes). Compare with `openssl speed ed25519`.
void BM_Ed25519Sign(benchmark::State& state) {
  const std::string msg = TypicalPae();
  for (auto _ : state) {
    auto sig = Key().Sign(msg);
    benchmark::DoNotOptimize(sig);
  }
  state.SetItemsProcessed(state.iterations());
  state.counters["msg_bytes"] = static_cast<double>(msg.size());
}
BENCHMARK(BM_Ed25519Sign);

void BM_Ed25519Verify(benchmark::State& state) {
  const std::string msg = TypicalPae();
  const std::string sig = *Key().Sign(msg);
  const PublicKey& pub = Key().public_key();
  for (auto _ : state) {
    Status s = pub.Verify(msg, sig);
    if (!s.ok()) state.SkipWithError("verify failed");
    benchmark::DoNotOptimize(s);
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_Ed25519Verify);

// The CPU work Verify does per entry, without the store: id and leaf hash,
// parse the envelope, check its signature, parse the statement (what
// ledger.cc's CheckEntry does).
void BM_CheckOneEntry(benchmark::State& state) {
  std::vector<std::string> envs;
  for (uint64_t i = 0; i < 64; ++i) envs.push_back(SignStatement(MakeStatement(i), Key()));
  size_t i = 0;
  for (auto _ : state) {
    const std::string& e = envs[i++ % envs.size()];
    auto leaf = merkle::HashLeaf(e);
    auto id = Sha256Hex(e);
    auto env = ParseEnvelope(e);
    auto verified = VerifyEnvelope(*env, Ring());
    auto st = ParseStatement(env->payload);
    if (!verified.ok() || !st.ok()) state.SkipWithError("entry does not verify");
    benchmark::DoNotOptimize(leaf);
    benchmark::DoNotOptimize(id);
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_CheckOneEntry);

// The pieces of BM_CheckOneEntry other than the signature.
void BM_ParseEnvelope(benchmark::State& state) {
  const std::string e = SignStatement(MakeStatement(1), Key());
  for (auto _ : state) {
    auto env = ParseEnvelope(e);
    benchmark::DoNotOptimize(env);
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_ParseEnvelope);

void BM_ParseStatement(benchmark::State& state) {
  const std::string payload = SerializeStatement(MakeStatement(1));
  for (auto _ : state) {
    auto st = ParseStatement(payload);
    benchmark::DoNotOptimize(st);
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_ParseStatement);

// ------------------------------------------------------------------ append

// Durable signed appends, single writer, batch size state.range(0). Each
// envelope is built, signed and serialised inside the timed loop; each batch
// is one SQLite transaction (WAL, synchronous=FULL: an fsync per commit) that
// also signs a checkpoint. items_per_second = envelopes made durable per
// wall-clock second; per_cpu_s = envelopes per CPU-second of the process.
void BM_AppendBatched(benchmark::State& state) {
  const size_t n = static_cast<size_t>(state.range(0));
  ScratchDir dir;
  auto store = OpenStore(dir.path() + "/ledger.db", true);
  CheckOk(Ledger::EnsureOrigin(*store, "bench.custody.dev/append").status(), "origin");
  Ledger ledger(store.get());
  std::vector<std::string> batch;
  uint64_t next = 0;
  const double cpu0 = ProcessCpuSeconds();
  for (auto _ : state) {
    AppendRecords(ledger, next, n, &batch);
    next += n;
  }
  state.SetItemsProcessed(static_cast<int64_t>(next));
  state.counters["per_cpu_s"] = next / (ProcessCpuSeconds() - cpu0);
  state.counters["ledger_entries"] = static_cast<double>(next);
}
BENCHMARK(BM_AppendBatched)
    ->Arg(1)->Arg(10)->Arg(100)->Arg(1000)
    ->UseRealTime()->Unit(benchmark::kMillisecond);

// BM_AppendBatched on a copy of the 100,000-entry ledger: does the append
// rate hold up as the tables and indexes grow?
void BM_AppendLargeLedger(benchmark::State& state) {
  const size_t n = static_cast<size_t>(state.range(0));
  const std::string source = VerifyLedgers::Get().Path(kLargest);
  ScratchDir dir;
  const std::string path = dir.path() + "/ledger.db";
  std::filesystem::copy_file(source, path);
  // Write the 200+ MiB copy back now: otherwise the first WAL fsync waits
  // for it (ext4 data=ordered) and the copy is timed instead of the append.
  ::sync();
  auto store = OpenStore(path, false);
  Ledger ledger(store.get());
  std::vector<std::string> batch;
  uint64_t next = kLargest;
  const double cpu0 = ProcessCpuSeconds();
  for (auto _ : state) {
    AppendRecords(ledger, next, n, &batch);
    next += n;
  }
  state.SetItemsProcessed(static_cast<int64_t>(next - kLargest));
  state.counters["per_cpu_s"] = (next - kLargest) / (ProcessCpuSeconds() - cpu0);
  state.counters["ledger_entries"] = static_cast<double>(next);
}
BENCHMARK(BM_AppendLargeLedger)->Arg(100)->Arg(1000)->UseRealTime()->Unit(benchmark::kMillisecond);

// The disk's durability floor: write 4 KiB and fdatasync, as a WAL commit
// does at least once.
void BM_DiskFsync4K(benchmark::State& state) {
  ScratchDir dir;
  const std::string path = dir.path() + "/fsync.bin";
  int fd = ::open(path.c_str(), O_CREAT | O_WRONLY | O_TRUNC, 0600);
  if (fd < 0) {
    state.SkipWithError("open failed");
    return;
  }
  std::string page(4096, 'x');
  off_t off = 0;
  for (auto _ : state) {
    if (::pwrite(fd, page.data(), page.size(), off) != static_cast<ssize_t>(page.size()) ||
        ::fdatasync(fd) != 0) {
      state.SkipWithError("write failed");
      break;
    }
    off = (off + 4096) % (64 << 20);
  }
  ::close(fd);
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_DiskFsync4K)->UseRealTime()->Unit(benchmark::kMicrosecond);

// ------------------------------------------------------------------ verify

// Ledger::Verify over the whole ledger of state.range(0) entries with
// state.range(1) worker threads; items_per_second = entries per wall-clock
// second. peak_rss_MiB is the process's RSS high-water mark during the call
// (VmHWM, reset through /proc/self/clear_refs just before) and
// verify_added_MiB that minus the RSS just before: what verification itself
// adds. Neither may grow with the ledger. (The process has built the
// ledgers already, so freed heap pages may be reused without raising RSS;
// bench/verify_cli.sh measures fresh `custody verify` processes too.)
void BM_Verify(benchmark::State& state) {
  const uint64_t size = static_cast<uint64_t>(state.range(0));
  auto& ledgers = VerifyLedgers::Get();
  auto store = OpenStore(ledgers.Path(size), false);
  Ledger ledger(store.get());
  VerifyOptions opt;
  opt.threads = static_cast<int>(state.range(1));
  const bool reset = ResetPeakRss();
  const long before = CurrentRssKiB();  // NOLINT(runtime/int)
  const double cpu0 = ProcessCpuSeconds();
  for (auto _ : state) {
    auto r = ledger.Verify(Ring(), opt);
    if (!r.ok() || !r->ok() || r->entries != size || r->signatures != size) {
      state.SkipWithError("verification failed");
      break;
    }
  }
  const long peak = PeakRssKiB();  // NOLINT(runtime/int)
  const double cpu = ProcessCpuSeconds() - cpu0;
  state.SetItemsProcessed(state.iterations() * static_cast<int64_t>(size));
  // Entries per CPU-second summed over all threads (the main thread's CPU
  // time, which Google Benchmark reports, misses the workers).
  state.counters["per_cpu_s"] = state.iterations() * static_cast<double>(size) / cpu;
  state.counters["rss_before_MiB"] = before / 1024.0;
  // -1: the kernel refused the reset, so the peak is the whole process's.
  state.counters["peak_rss_MiB"] = reset ? peak / 1024.0 : -1;
  state.counters["verify_added_MiB"] = reset ? (peak - before) / 1024.0 : -1;
  state.counters["ledger_MiB"] =
      static_cast<double>(std::filesystem::file_size(ledgers.Path(size))) / (1 << 20);
  state.counters["env_bytes_mean"] = ledgers.mean_envelope_bytes();
}
BENCHMARK(BM_Verify)
    ->ArgNames({"entries", "threads"})
    ->ArgsProduct({{10'000, 50'000, 100'000}, {1, 2}})
    ->Iterations(1)->UseRealTime()->Unit(benchmark::kMillisecond);

// --------------------------------------------------------- inclusion proof

uint64_t Scramble(uint64_t i) { return (i * 0x9E3779B97F4A7C15ULL) >> 17; }

// Ledger::Prove: latest checkpoint, the entry, O(log n) node reads, and the
// proof checked against the signed root.
void BM_InclusionProof(benchmark::State& state) {
  auto store = OpenStore(VerifyLedgers::Get().Path(kLargest), false);
  Ledger ledger(store.get());
  uint64_t i = 0;
  for (auto _ : state) {
    auto p = ledger.Prove(Scramble(i++) % kLargest);
    if (!p.ok()) {
      state.SkipWithError(p.status().ToString().c_str());
      break;
    }
    benchmark::DoNotOptimize(p);
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_InclusionProof)->Unit(benchmark::kMicrosecond);

// Only the node reads: merkle::InclusionProof on the store (17 nodes at 100k).
void BM_InclusionProofNodes(benchmark::State& state) {
  auto store = OpenStore(VerifyLedgers::Get().Path(kLargest), false);
  uint64_t i = 0;
  for (auto _ : state) {
    auto p = merkle::InclusionProof(*store, Scramble(i++) % kLargest, kLargest);
    if (!p.ok()) {
      state.SkipWithError(p.status().ToString().c_str());
      break;
    }
    benchmark::DoNotOptimize(p);
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_InclusionProofNodes)->Unit(benchmark::kMicrosecond);

// ------------------------------------------------------------------ merkle

void BM_HashLeaf(benchmark::State& state) {
  const std::string entry(static_cast<size_t>(state.range(0)), 'e');
  for (auto _ : state) {
    auto h = merkle::HashLeaf(entry);
    benchmark::DoNotOptimize(h);
  }
  state.SetItemsProcessed(state.iterations());
  state.SetBytesProcessed(state.iterations() * state.range(0));
}
BENCHMARK(BM_HashLeaf)->Arg(64)->Arg(768)->Arg(4096);

void BM_HashChildren(benchmark::State& state) {
  merkle::Hash a = Sha256("a"), b = Sha256("b");
  for (auto _ : state) {
    a = merkle::HashChildren(a, b);
    benchmark::DoNotOptimize(a);
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_HashChildren);

// CompactRange::Append with the completed-node list, as Ledger::Append and
// Verify use it: ~1 HashChildren per leaf amortised.
void BM_CompactRangeAppend(benchmark::State& state) {
  merkle::CompactRange range;
  std::vector<merkle::NodeRef> completed;
  merkle::Hash leaf = Sha256("leaf");
  for (auto _ : state) {
    completed.clear();
    range.Append(leaf, &completed);
    benchmark::DoNotOptimize(completed.data());
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_CompactRangeAppend);

}  // namespace
}  // namespace custody::bench

BENCHMARK_MAIN();
