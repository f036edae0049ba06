// Live registry look-ups: does a package (and a pinned version of it)
// exist, asked of the ecosystem's registry over HTTP(S), with an on-disk
// cache so a repeated check costs no request.
//
// custody ships no registry address: each ecosystem's base URL is
// configuration (RegistryConfigFromEnv reads CUSTODY_REGISTRY_URL_<ECO>),
// so a team points it at its own mirror or proxy, and tests at a local
// server. docs/registry.md lists the request each ecosystem gets.
//
// A RegistryClient is safe to use from one thread at a time.
#ifndef CUSTODY_REGISTRY_CLIENT_H_
#define CUSTODY_REGISTRY_CLIENT_H_

#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "custody/package.h"
#include "custody/status.h"

namespace custody {

struct RegistryConfig {
  // Base URL per ecosystem ("https://mirror.example/npm/"); an ecosystem
  // without one is not looked up live.
  std::map<Ecosystem, std::string> base_urls;
  std::string cache_dir;                 // "" = no cache
  int64_t cache_ttl_seconds = 24 * 3600;  // answers older than this are asked again
  int timeout_ms = 10000;                 // per request, connection included
};

// Base URLs from CUSTODY_REGISTRY_URL_NPM, _PYPI, _GO, _CARGO, _RUBYGEMS,
// _MAVEN, _PACKAGIST, _NUGET; cache under DefaultRegistryDir()/http.
RegistryConfig RegistryConfigFromEnv();

struct RegistryAnswer {
  bool exists = false;
  // The versions the registry lists (empty when the package does not
  // exist); sorted as the registry gives them.
  std::vector<std::string> versions;
  bool from_cache = false;
  std::string url;  // what was (or would have been) requested
};

class RegistryClient {
 public:
  explicit RegistryClient(RegistryConfig config);
  ~RegistryClient();
  RegistryClient(const RegistryClient&) = delete;
  RegistryClient& operator=(const RegistryClient&) = delete;

  // True when `ecosystem` has a base URL.
  bool Configured(Ecosystem ecosystem) const;

  // Asks the registry about `name`. exists=false on HTTP 404 (and 410);
  // Unavailable "URL: ..." on a network error, a timeout or another status
  // (a registry that cannot answer must never read as "does not exist");
  // Corruption "URL: ..." when a 200 body is not the format expected;
  // NotFound when the ecosystem has no base URL.
  Result<RegistryAnswer> Lookup(Ecosystem ecosystem, std::string_view name);

  // The request URL for `name` (exposed for messages and tests).
  Result<std::string> UrlFor(Ecosystem ecosystem, std::string_view name) const;

 private:
  RegistryConfig config_;
  void* curl_ = nullptr;  // CURL*, reused so connections are kept alive
};

// Parses a registry's answer body into the versions it lists (the formats
// of docs/registry.md, "Live look-ups"). Corruption when the body is not
// that format.
Result<std::vector<std::string>> ParseRegistryVersions(Ecosystem ecosystem, std::string_view body);

}  // namespace custody

#endif  // CUSTODY_REGISTRY_CLIENT_H_
