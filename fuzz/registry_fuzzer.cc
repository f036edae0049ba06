// Fuzzes the registry name index reader and the typosquat checker. The
// input is used three ways: as an index file (NameIndex::Open must return
// Corruption, never crash, on any bytes; an index that opens must answer
// look-ups and at() within bounds), as a names list (ImportNameList, whose
// index must then contain every accepted name), and as package names to
// check against the shipped npm list.
//
//   build-fuzz/fuzz/registry_fuzzer fuzz/corpus/registry -max_total_time=60
#include <unistd.h>

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <fstream>
#include <string>

#include "custody/registry.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string text(reinterpret_cast<const char*>(data), size);
  static const std::string path = "/tmp/custody-registry-fuzz-" + std::to_string(::getpid()) + ".names";
  {
    std::ofstream(path, std::ios::binary | std::ios::trunc) << text;
  }
  auto idx = custody::NameIndex::Open(path);
  if (idx.ok()) {
    for (size_t i = 0; i < (*idx)->size() && i < 64; ++i) {
      std::string_view n = (*idx)->at(i);
      (void)(*idx)->Contains(n);
    }
    (void)(*idx)->Contains(text.substr(0, 32));
  }
  auto st = custody::ImportNameList(custody::Ecosystem::kPyPI, text, "fuzz.txt", path);
  if (st.ok()) {
    auto back = custody::NameIndex::Open(path);
    if (!back.ok() || (*back)->size() != st->names) __builtin_trap();
  }
  std::remove(path.c_str());
  static const custody::MemoryNameSet popular(custody::Ecosystem::kNpm,
                                              custody::ShippedPopularNames(custody::Ecosystem::kNpm));
  custody::TyposquatChecker checker(custody::Ecosystem::kNpm, popular);
  size_t start = 0, names = 0;
  for (size_t i = 0; i <= text.size() && names < 8; ++i) {
    if (i == text.size() || text[i] == '\n') {
      (void)checker.Check(std::string_view(text).substr(start, std::min<size_t>(i - start, 64)));
      start = i + 1;
      ++names;
    }
  }
  return 0;
}
