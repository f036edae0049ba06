#include <map>
#include <mutex>

#include "custody/registry.h"

namespace custody {
namespace deps_internal {
extern const std::pair<std::string_view, std::string_view> kEmbeddedData[];

std::string_view EmbeddedData(std::string_view name) {
  for (size_t i = 0; !kEmbeddedData[i].first.empty(); ++i) {
    if (kEmbeddedData[i].first == name) return kEmbeddedData[i].second;
  }
  return {};
}
}  // namespace deps_internal

const std::vector<std::string>& ShippedPopularNames(Ecosystem ecosystem) {
  static std::once_flag once;
  static std::map<Ecosystem, std::vector<std::string>>* lists = nullptr;
  std::call_once(once, [] {
    lists = new std::map<Ecosystem, std::vector<std::string>>();
    for (size_t i = 0; !deps_internal::kEmbeddedData[i].first.empty(); ++i) {
      auto [file, text] = deps_internal::kEmbeddedData[i];
      if (file.substr(0, 8) != "popular/") continue;
      auto e = ParseEcosystem(file.substr(8));
      if (!e) continue;
      auto& names = (*lists)[*e];
      size_t pos = 0;
      while (pos < text.size()) {
        size_t nl = text.find('\n', pos);
        if (nl == std::string_view::npos) nl = text.size();
        std::string_view line = text.substr(pos, nl - pos);
        pos = nl + 1;
        if (!line.empty() && line[0] != '#') names.emplace_back(line);
      }
    }
  });
  static const std::vector<std::string> kNone;
  auto it = lists->find(ecosystem);
  return it == lists->end() ? kNone : it->second;
}

}  // namespace custody
