#include "custody/registry_client.h"

#include <curl/curl.h>
#include <unistd.h>

#include <cstdlib>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <mutex>
#include <nlohmann/json.hpp>
#include <sstream>

#include "common/lazy_lib.h"
#include "custody/encoding.h"
#include "custody/hash.h"
#include "custody/registry.h"

namespace custody {
namespace {

constexpr size_t kMaxBody = 128u << 20;

std::string Lower(std::string_view s) {
  std::string o(s);
  for (char& c : o) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return o;
}

std::string Escape(std::string_view s, std::string_view keep) { return PercentEncode(s, keep); }

// The Go module proxy protocol's case encoding: "!" + lower case.
std::string GoEscape(std::string_view module) {
  std::string o;
  for (char c : module) {
    if (c >= 'A' && c <= 'Z') {
      o.push_back('!');
      o.push_back(static_cast<char>(c - 'A' + 'a'));
    } else {
      o.push_back(c);
    }
  }
  return Escape(o, "/!");
}

size_t OnBody(char* data, size_t size, size_t n, void* user) {
  auto* body = static_cast<std::string*>(user);
  if (body->size() + size * n > kMaxBody) return 0;  // aborts the transfer
  body->append(data, size * n);
  return size * n;
}

// libcurl, opened on the first request (common/lazy_lib.h says why), with
// curl_global_init done once.
struct CurlApi {
  decltype(&::curl_global_init) global_init = nullptr;
  decltype(&::curl_easy_init) easy_init = nullptr;
  decltype(&::curl_easy_cleanup) easy_cleanup = nullptr;
  decltype(&::curl_easy_reset) easy_reset = nullptr;
  decltype(&::curl_easy_setopt) easy_setopt = nullptr;
  decltype(&::curl_easy_perform) easy_perform = nullptr;
  decltype(&::curl_easy_getinfo) easy_getinfo = nullptr;
  decltype(&::curl_easy_strerror) easy_strerror = nullptr;
  decltype(&::curl_slist_append) slist_append = nullptr;
  decltype(&::curl_slist_free_all) slist_free_all = nullptr;
};

Result<const CurlApi*> Curl() {
  return LoadLibraryApi<CurlApi>("libcurl.so.4", [](void* h, CurlApi* a, Status* st) {
#define CUSTODY_CURL_FN(f) a->f = LibraryFunction<decltype(a->f)>(h, "libcurl.so.4", "curl_" #f, st)
    CUSTODY_CURL_FN(global_init);
    CUSTODY_CURL_FN(easy_init);
    CUSTODY_CURL_FN(easy_cleanup);
    CUSTODY_CURL_FN(easy_reset);
    CUSTODY_CURL_FN(easy_setopt);
    CUSTODY_CURL_FN(easy_perform);
    CUSTODY_CURL_FN(easy_getinfo);
    CUSTODY_CURL_FN(easy_strerror);
    CUSTODY_CURL_FN(slist_append);
    CUSTODY_CURL_FN(slist_free_all);
#undef CUSTODY_CURL_FN
    if (st->ok() && a->global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK) *st = Status::Internal("curl", "global init failed");
  });
}

Result<std::vector<std::string>> JsonKeys(const nlohmann::json& j, const char* field) {
  std::vector<std::string> out;
  if (!j.is_object() || !j.contains(field) || !j[field].is_object()) {
    return Status::Corruption(field, "missing or not an object");
  }
  for (auto it = j[field].begin(); it != j[field].end(); ++it) out.push_back(it.key());
  return out;
}

}  // namespace

RegistryConfig RegistryConfigFromEnv() {
  RegistryConfig c;
  for (Ecosystem e : {Ecosystem::kNpm, Ecosystem::kPyPI, Ecosystem::kGo, Ecosystem::kCargo, Ecosystem::kRubyGems,
                      Ecosystem::kMaven, Ecosystem::kPackagist, Ecosystem::kNuGet}) {
    std::string var = "CUSTODY_REGISTRY_URL_";
    for (char ch : EcosystemName(e)) var.push_back(static_cast<char>(ch >= 'a' && ch <= 'z' ? ch - 'a' + 'A' : ch));
    if (const char* v = std::getenv(var.c_str()); v != nullptr && *v != '\0') c.base_urls[e] = v;
  }
  std::string dir = DefaultRegistryDir();
  if (!dir.empty()) c.cache_dir = dir + "/http";
  return c;
}

RegistryClient::RegistryClient(RegistryConfig config) : config_(std::move(config)) {}

RegistryClient::~RegistryClient() {
  // A handle exists only after Curl() succeeded.
  if (curl_ != nullptr) (*Curl())->easy_cleanup(static_cast<CURL*>(curl_));
}

bool RegistryClient::Configured(Ecosystem e) const { return config_.base_urls.count(e) != 0; }

Result<std::string> RegistryClient::UrlFor(Ecosystem e, std::string_view name) const {
  auto it = config_.base_urls.find(e);
  if (it == config_.base_urls.end()) {
    std::string var = "CUSTODY_REGISTRY_URL_";
    for (char ch : EcosystemName(e)) var.push_back(static_cast<char>(ch >= 'a' && ch <= 'z' ? ch - 'a' + 'A' : ch));
    return Status::NotFound(std::string(EcosystemName(e)), "no registry URL configured (set " + var + ")");
  }
  if (name.empty()) return Status::InvalidArgument("registry", "empty package name");
  std::string base = it->second;
  if (base.empty() || base.back() != '/') base.push_back('/');
  switch (e) {
    case Ecosystem::kNpm:
      // "@scope/name" is one path segment, its slash encoded.
      return base + Escape(name, "@");
    case Ecosystem::kPyPI:
      return base + "pypi/" + Escape(NormalizePackageName(e, name), "") + "/json";
    case Ecosystem::kCargo:
      return base + "api/v1/crates/" + Escape(name, "");
    case Ecosystem::kGo:
      return base + GoEscape(name) + "/@v/list";
    case Ecosystem::kRubyGems:
      return base + "api/v1/versions/" + Escape(name, "") + ".json";
    case Ecosystem::kPackagist: {
      if (name.find('/') == std::string_view::npos) {
        return Status::InvalidArgument(std::string(name), "a Packagist name is vendor/package");
      }
      return base + "p2/" + Escape(Lower(name), "/") + ".json";
    }
    case Ecosystem::kNuGet:
      return base + "v3-flatcontainer/" + Escape(Lower(name), "") + "/index.json";
    case Ecosystem::kMaven: {
      size_t colon = name.find(':');
      if (colon == std::string_view::npos || colon == 0 || colon + 1 == name.size()) {
        return Status::InvalidArgument(std::string(name), "a Maven name is groupId:artifactId");
      }
      std::string group(name.substr(0, colon));
      for (char& c : group) {
        if (c == '.') c = '/';
      }
      return base + Escape(group, "/") + "/" + Escape(name.substr(colon + 1), "") + "/maven-metadata.xml";
    }
  }
  return Status::Internal("registry", "unknown ecosystem");
}

Result<std::vector<std::string>> ParseRegistryVersions(Ecosystem e, std::string_view body) {
  if (e == Ecosystem::kGo) {
    std::vector<std::string> out;
    std::istringstream in{std::string(body)};
    std::string line;
    while (std::getline(in, line)) {
      if (!line.empty() && line.back() == '\r') line.pop_back();
      if (line.empty()) continue;
      if (line[0] != 'v' || line.find(' ') != std::string::npos) {
        return Status::Corruption("go proxy list", "not a version per line: " + line.substr(0, 40));
      }
      out.push_back(line);
    }
    return out;
  }
  if (e == Ecosystem::kMaven) {
    std::vector<std::string> out;
    if (body.find("<metadata") == std::string_view::npos) {
      return Status::Corruption("maven-metadata.xml", "no <metadata> element");
    }
    size_t pos = 0;
    while ((pos = body.find("<version>", pos)) != std::string_view::npos) {
      size_t end = body.find("</version>", pos);
      if (end == std::string_view::npos) return Status::Corruption("maven-metadata.xml", "unclosed <version>");
      std::string v(body.substr(pos + 9, end - pos - 9));
      if (!v.empty() && v.find('<') == std::string::npos) out.push_back(v);
      pos = end;
    }
    return out;
  }
  nlohmann::json j = nlohmann::json::parse(body, nullptr, false);
  if (j.is_discarded()) return Status::Corruption(std::string(EcosystemName(e)), "registry answer is not JSON");
  std::vector<std::string> out;
  auto strings_of = [&](const nlohmann::json& arr, const char* field) -> Status {
    if (!arr.is_array()) return Status::Corruption(std::string(EcosystemName(e)), "expected an array");
    for (const auto& v : arr) {
      if (field == nullptr && v.is_string()) {
        out.push_back(v.get<std::string>());
      } else if (field != nullptr && v.is_object() && v.contains(field) && v[field].is_string()) {
        out.push_back(v[field].get<std::string>());
      }
    }
    return Status::OK();
  };
  switch (e) {
    case Ecosystem::kNpm:
      return JsonKeys(j, "versions");
    case Ecosystem::kPyPI:
      return JsonKeys(j, "releases");
    case Ecosystem::kCargo:
      if (!j.is_object() || !j.contains("versions")) return Status::Corruption("cargo", "no \"versions\"");
      CUSTODY_RETURN_IF_ERROR(strings_of(j["versions"], "num"));
      return out;
    case Ecosystem::kRubyGems:
      CUSTODY_RETURN_IF_ERROR(strings_of(j, "number"));
      return out;
    case Ecosystem::kNuGet:
      if (!j.is_object() || !j.contains("versions")) return Status::Corruption("nuget", "no \"versions\"");
      CUSTODY_RETURN_IF_ERROR(strings_of(j["versions"], nullptr));
      return out;
    case Ecosystem::kPackagist: {
      if (!j.is_object() || !j.contains("packages") || !j["packages"].is_object()) {
        return Status::Corruption("packagist", "no \"packages\"");
      }
      for (auto it = j["packages"].begin(); it != j["packages"].end(); ++it) {
        CUSTODY_RETURN_IF_ERROR(strings_of(it.value(), "version"));
      }
      return out;
    }
    default:
      break;
  }
  return Status::Internal("registry", "unknown ecosystem");
}

Result<RegistryAnswer> RegistryClient::Lookup(Ecosystem e, std::string_view name) {
  CUSTODY_ASSIGN_OR_RETURN(std::string url, UrlFor(e, name));
  RegistryAnswer ans;
  ans.url = url;
  std::string cache_path;
  if (!config_.cache_dir.empty()) {
    cache_path = config_.cache_dir + "/" + Sha256Hex(url).substr(0, 40) + ".json";
    std::ifstream in(cache_path, std::ios::binary);
    if (in) {
      nlohmann::json c = nlohmann::json::parse(in, nullptr, false);
      if (c.is_object() && c.value("url", "") == url && c.contains("fetched_at") && c["fetched_at"].is_number() &&
          std::time(nullptr) - c["fetched_at"].get<int64_t>() < config_.cache_ttl_seconds &&
          c.contains("exists") && c["exists"].is_boolean() && c.contains("versions") && c["versions"].is_array()) {
        ans.exists = c["exists"].get<bool>();
        for (const auto& v : c["versions"]) {
          if (v.is_string()) ans.versions.push_back(v.get<std::string>());
        }
        ans.from_cache = true;
        return ans;
      }
    }
  }
  CUSTODY_ASSIGN_OR_RETURN(const CurlApi* curl, Curl());
  if (curl_ == nullptr) curl_ = curl->easy_init();
  CURL* h = static_cast<CURL*>(curl_);
  if (h == nullptr) return Status::Internal("curl", "cannot initialise");
  curl->easy_reset(h);
  std::string body;
  char err[CURL_ERROR_SIZE] = {0};
  struct curl_slist* headers = nullptr;
  // npm's abbreviated metadata: the versions without every README.
  if (e == Ecosystem::kNpm) headers = curl->slist_append(headers, "Accept: application/vnd.npm.install-v1+json");
  curl->easy_setopt(h, CURLOPT_URL, url.c_str());
  curl->easy_setopt(h, CURLOPT_PROTOCOLS_STR, "http,https");
  curl->easy_setopt(h, CURLOPT_REDIR_PROTOCOLS_STR, "http,https");
  curl->easy_setopt(h, CURLOPT_FOLLOWLOCATION, 1L);
  curl->easy_setopt(h, CURLOPT_MAXREDIRS, 5L);
  curl->easy_setopt(h, CURLOPT_TIMEOUT_MS, static_cast<long>(config_.timeout_ms));
  curl->easy_setopt(h, CURLOPT_CONNECTTIMEOUT_MS, static_cast<long>(config_.timeout_ms));
  curl->easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
  curl->easy_setopt(h, CURLOPT_USERAGENT, "custody/0.1 (dependency existence check)");
  curl->easy_setopt(h, CURLOPT_ACCEPT_ENCODING, "");
  curl->easy_setopt(h, CURLOPT_WRITEFUNCTION, OnBody);
  curl->easy_setopt(h, CURLOPT_WRITEDATA, &body);
  curl->easy_setopt(h, CURLOPT_ERRORBUFFER, err);
  if (headers != nullptr) curl->easy_setopt(h, CURLOPT_HTTPHEADER, headers);
  CURLcode rc = curl->easy_perform(h);
  long code = 0;
  curl->easy_getinfo(h, CURLINFO_RESPONSE_CODE, &code);
  curl->easy_setopt(h, CURLOPT_HTTPHEADER, nullptr);
  curl->slist_free_all(headers);
  if (rc != CURLE_OK) {
    std::string why = err[0] != '\0' ? err : curl->easy_strerror(rc);
    if (rc == CURLE_WRITE_ERROR) why = "answer larger than 128 MiB";
    return Status::Unavailable(url, why);
  }
  if (code == 404 || code == 410) {
    ans.exists = false;
  } else if (code == 200) {
    CUSTODY_ASSIGN_OR_RETURN(ans.versions, ParseRegistryVersions(e, body));
    ans.exists = true;
  } else {
    return Status::Unavailable(url, "HTTP " + std::to_string(code) + " (the registry did not answer; not treated as missing)");
  }
  if (!cache_path.empty()) {
    std::error_code ec;
    std::filesystem::create_directories(config_.cache_dir, ec);
    nlohmann::json c = {{"url", url},
                        {"fetched_at", static_cast<int64_t>(std::time(nullptr))},
                        {"exists", ans.exists},
                        {"versions", ans.versions}};
    std::string tmp = cache_path + ".tmp" + std::to_string(::getpid());
    {
      std::ofstream out(tmp, std::ios::binary | std::ios::trunc);
      out << c.dump();
    }
    std::filesystem::rename(tmp, cache_path, ec);
    if (ec) std::filesystem::remove(tmp, ec);
  }
  return ans;
}

}  // namespace custody
