#include "custody/registry.h"

#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <fstream>

#include "custody/hash.h"

namespace custody {
namespace {

// docs/registry.md, "Name index file".
constexpr char kMagic[8] = {'C', 'U', 'S', 'T', 'N', 'I', 'X', '1'};
constexpr size_t kHeader = 40;
constexpr size_t kMaxName = 1024;

char Lower(char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c; }

void PutU32(std::string* out, uint32_t v) {
  for (int i = 0; i < 4; ++i) out->push_back(static_cast<char>(v >> (8 * i) & 0xff));
}
void PutU64(std::string* out, uint64_t v) {
  for (int i = 0; i < 8; ++i) out->push_back(static_cast<char>(v >> (8 * i) & 0xff));
}
uint64_t GetU64(const char* p) {
  uint64_t v = 0;
  for (int i = 7; i >= 0; --i) v = v << 8 | static_cast<unsigned char>(p[i]);
  return v;
}

std::string NameProblem(std::string_view name) {
  if (name.empty()) return "empty name";
  if (name.size() > kMaxName) return "name longer than 1024 bytes";
  for (unsigned char c : name) {
    if (c <= ' ' || c == 0x7f) return "name holds whitespace or a control byte";
  }
  return "";
}

uint64_t TableSize(size_t count) {
  uint64_t t = 16;
  while (t < 2 * static_cast<uint64_t>(count)) t <<= 1;
  return t;
}

}  // namespace

std::string NormalizePackageName(Ecosystem ecosystem, std::string_view name) {
  std::string out;
  out.reserve(name.size());
  switch (ecosystem) {
    case Ecosystem::kPyPI: {
      bool sep = false;
      for (char c : name) {
        if (c == '-' || c == '_' || c == '.') {
          sep = true;
          continue;
        }
        if (sep && !out.empty()) out.push_back('-');
        sep = false;
        out.push_back(Lower(c));
      }
      return out;
    }
    case Ecosystem::kCargo:
      for (char c : name) out.push_back(c == '_' ? '-' : Lower(c));
      return out;
    case Ecosystem::kGo:
    case Ecosystem::kMaven:
    case Ecosystem::kNpm:
    case Ecosystem::kRubyGems:
      // Case-sensitive registries: "JSONStream" and "jsonstream" are two
      // npm packages.
      return std::string(name);
    case Ecosystem::kPackagist:
    case Ecosystem::kNuGet:
      for (char c : name) out.push_back(Lower(c));
      return out;
  }
  return std::string(name);
}

MemoryNameSet::MemoryNameSet(Ecosystem ecosystem, const std::vector<std::string>& names) {
  names_.reserve(names.size());
  for (const auto& n : names) names_.insert(NormalizePackageName(ecosystem, n));
}

bool MemoryNameSet::Contains(std::string_view normalized) const {
  return names_.find(normalized) != names_.end();
}

Status NameIndex::Write(Ecosystem ecosystem, std::vector<std::string> names, const std::string& path) {
  for (auto& n : names) {
    std::string problem = NameProblem(n);
    if (!problem.empty()) return Status::InvalidArgument(path, problem);
    n = NormalizePackageName(ecosystem, n);
  }
  std::sort(names.begin(), names.end());
  names.erase(std::unique(names.begin(), names.end()), names.end());
  uint64_t blob = 0;
  for (const auto& n : names) blob += n.size();
  if (blob > UINT32_MAX) return Status::InvalidArgument(path, "names exceed 4 GiB");
  uint64_t tsize = TableSize(names.size());
  std::string out;
  out.reserve(kHeader + 4 * (names.size() + 1) + 4 * tsize + blob);
  out.append(kMagic, sizeof kMagic);
  PutU32(&out, static_cast<uint32_t>(ecosystem));
  PutU32(&out, 0);
  PutU64(&out, names.size());
  PutU64(&out, blob);
  PutU64(&out, tsize);
  uint32_t off = 0;
  for (const auto& n : names) {
    PutU32(&out, off);
    off += static_cast<uint32_t>(n.size());
  }
  PutU32(&out, off);
  // Open addressing, linear probing; slot = name index + 1, 0 = empty. The
  // home slot is FNV-1a-64 of the name: part of the file format.
  std::vector<uint32_t> table(tsize, 0);
  for (size_t i = 0; i < names.size(); ++i) {
    uint64_t s = Fnv1a64(names[i]) & (tsize - 1);
    while (table[s] != 0) s = (s + 1) & (tsize - 1);
    table[s] = static_cast<uint32_t>(i + 1);
  }
  for (uint32_t v : table) PutU32(&out, v);
  for (const auto& n : names) out += n;

  std::string tmp = path + ".tmp" + std::to_string(::getpid());
  {
    std::ofstream f(tmp, std::ios::binary | std::ios::trunc);
    f.write(out.data(), static_cast<std::streamsize>(out.size()));
    f.flush();
    if (!f) {
      std::remove(tmp.c_str());
      return Status::IOError(path, "cannot write the index");
    }
  }
  if (std::rename(tmp.c_str(), path.c_str()) != 0) {
    int e = errno;
    std::remove(tmp.c_str());
    return Status::IOError(path, std::strerror(e));
  }
  return Status::OK();
}

Result<std::unique_ptr<NameIndex>> NameIndex::Open(const std::string& path) {
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    int e = errno;
    if (e == ENOENT) return Status::NotFound(path, "no name index (custody registry import ECOSYSTEM NAMES.txt)");
    return Status::IOError(path, std::strerror(e));
  }
  struct stat st;
  if (::fstat(fd, &st) != 0) {
    int e = errno;
    ::close(fd);
    return Status::IOError(path, std::strerror(e));
  }
  auto size = static_cast<size_t>(st.st_size);
  if (size < kHeader) {
    ::close(fd);
    return Status::Corruption(path, "not a custody name index (too short)");
  }
  void* m = ::mmap(nullptr, size, PROT_READ, MAP_PRIVATE, fd, 0);
  ::close(fd);
  if (m == MAP_FAILED) return Status::IOError(path, "cannot map the index");
  std::unique_ptr<NameIndex> idx(new NameIndex());
  idx->map_ = static_cast<const char*>(m);
  idx->map_size_ = size;
  const char* p = idx->map_;
  if (std::memcmp(p, kMagic, sizeof kMagic) != 0) return Status::Corruption(path, "not a custody name index");
  uint64_t eco = GetU64(p + 8) & 0xffffffffu;
  uint64_t count = GetU64(p + 16), blob = GetU64(p + 24), tsize = GetU64(p + 32);
  if (eco > static_cast<uint64_t>(Ecosystem::kNuGet)) return Status::Corruption(path, "unknown ecosystem");
  if (count > UINT32_MAX - 1 || blob > UINT32_MAX || tsize != TableSize(count)) {
    return Status::Corruption(path, "bad header");
  }
  uint64_t want = kHeader + 4 * (count + 1) + 4 * tsize + blob;
  if (want != size) return Status::Corruption(path, "truncated or padded (size does not match its header)");
  idx->offsets_ = reinterpret_cast<const uint32_t*>(p + kHeader);
  idx->blob_ = p + kHeader + 4 * (count + 1) + 4 * tsize;
  idx->count_ = count;
  idx->ecosystem_ = static_cast<Ecosystem>(eco);
  for (size_t i = 0; i < count; ++i) {
    if (idx->offsets_[i] > idx->offsets_[i + 1]) return Status::Corruption(path, "offsets out of order");
  }
  if (idx->offsets_[count] != blob) return Status::Corruption(path, "offsets do not cover the names");
  const uint32_t* table = idx->offsets_ + count + 1;
  for (uint64_t s = 0; s < tsize; ++s) {
    if (table[s] > count) return Status::Corruption(path, "hash table points past the names");
  }
  return idx;
}

NameIndex::~NameIndex() {
  if (map_ != nullptr) ::munmap(const_cast<char*>(map_), map_size_);
}

std::string_view NameIndex::at(size_t i) const {
  return std::string_view(blob_ + offsets_[i], offsets_[i + 1] - offsets_[i]);
}

bool NameIndex::Contains(std::string_view normalized) const {
  if (count_ == 0) return false;
  const uint32_t* table = offsets_ + count_ + 1;
  uint64_t mask = TableSize(count_) - 1;
  for (uint64_t s = Fnv1a64(normalized) & mask;; s = (s + 1) & mask) {
    uint32_t v = table[s];
    if (v == 0) return false;
    if (at(v - 1) == normalized) return true;
  }
}

Result<NameImportStats> ImportNameList(Ecosystem ecosystem, std::string_view text, const std::string& list_path,
                                       const std::string& index_path) {
  NameImportStats stats;
  std::vector<std::string> names;
  size_t pos = 0;
  while (pos < text.size()) {
    size_t nl = text.find('\n', pos);
    std::string_view line = text.substr(pos, nl == std::string_view::npos ? std::string_view::npos : nl - pos);
    pos = nl == std::string_view::npos ? text.size() : nl + 1;
    ++stats.lines;
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    if (line.empty() || line[0] == '#') continue;
    std::string problem = NameProblem(line);
    if (!problem.empty()) {
      return Status::InvalidArgument(list_path + ":" + std::to_string(stats.lines), problem);
    }
    names.emplace_back(line);
  }
  CUSTODY_RETURN_IF_ERROR(NameIndex::Write(ecosystem, std::move(names), index_path));
  CUSTODY_ASSIGN_OR_RETURN(auto idx, NameIndex::Open(index_path));
  stats.names = idx->size();
  struct stat st;
  if (::stat(index_path.c_str(), &st) == 0) stats.bytes = static_cast<uint64_t>(st.st_size);
  return stats;
}

std::string DefaultRegistryDir() {
  if (const char* d = std::getenv("CUSTODY_REGISTRY_DIR"); d != nullptr && *d != '\0') return d;
  if (const char* d = std::getenv("CUSTODY_CACHE_DIR"); d != nullptr && *d != '\0') {
    return std::string(d) + "/registry";
  }
  if (const char* x = std::getenv("XDG_CACHE_HOME"); x != nullptr && *x == '/') {
    return std::string(x) + "/custody/registry";
  }
  if (const char* h = std::getenv("HOME"); h != nullptr && *h == '/') return std::string(h) + "/.cache/custody/registry";
  return "";
}

std::string NameIndexPath(const std::string& dir, Ecosystem ecosystem) {
  return dir + "/" + std::string(EcosystemName(ecosystem)) + ".names";
}

}  // namespace custody
