#include "custody/keys.h"

#include <nlohmann/json.hpp>
#include <string>
#include <utility>

#include "custody/time.h"
#include "evidence/bounded_json.h"

namespace custody {
namespace {

using internal::JsonTypeName;
using internal::QuoteForMessage;
using nlohmann::json;

constexpr size_t kMaxKeyNameLength = 64;
// A key file is well under 1 KiB; this bounds what a hostile repo can make
// us parse.
constexpr size_t kMaxKeyFileBytes = 64 * 1024;

struct RoleEntry {
  Role role;
  std::string_view name;
};
constexpr RoleEntry kRoles[] = {
    {Role::kDeveloper, "developer"}, {Role::kReviewer, "reviewer"}, {Role::kCi, "ci"},
    {Role::kDeployer, "deployer"},   {Role::kAuditor, "auditor"},
};

bool EndsWith(std::string_view s, std::string_view suffix) {
  return s.size() >= suffix.size() && s.substr(s.size() - suffix.size()) == suffix;
}

// The last path component.
std::string_view BaseName(std::string_view path) {
  size_t slash = path.rfind('/');
  return slash == std::string_view::npos ? path : path.substr(slash + 1);
}

// Reads a required string member of a key file.
Result<std::string> RequiredString(const json& doc, const char* key) {
  auto it = doc.find(key);
  if (it == doc.end()) return Status::Corruption(key, "missing");
  if (!it->is_string()) {
    return Status::Corruption(key, std::string("must be a string, not ") + JsonTypeName(*it));
  }
  return it->get<std::string>();
}

Result<TrustedKey> KeyFromJson(const json& doc, const std::string& path) {
  if (!doc.is_object()) {
    return Status::Corruption("", std::string("must be a JSON object, not ") + JsonTypeName(doc));
  }
  TrustedKey key;
  key.path = path;

  CUSTODY_ASSIGN_OR_RETURN(key.name, RequiredString(doc, "name"));
  if (Status s = ValidateKeyName(key.name); !s.ok()) {
    return Status::Corruption("name", s.message());
  }
  std::string_view base = BaseName(path);
  if (EndsWith(base, ".pub") && base.substr(0, base.size() - 4) != key.name) {
    return Status::Corruption("name", QuoteForMessage(key.name) +
                                          " does not match the file name (want \"" +
                                          std::string(base.substr(0, base.size() - 4)) + "\")");
  }

  CUSTODY_ASSIGN_OR_RETURN(std::string role, RequiredString(doc, "role"));
  Result<Role> parsed_role = ParseRole(role);
  if (!parsed_role.ok()) return Status::Corruption("", parsed_role.status().message());
  key.role = *parsed_role;

  CUSTODY_ASSIGN_OR_RETURN(std::string algorithm, RequiredString(doc, "algorithm"));
  if (algorithm != "ed25519") {
    return Status::Corruption("algorithm",
                              QuoteForMessage(algorithm) + " is not supported (want \"ed25519\")");
  }

  CUSTODY_ASSIGN_OR_RETURN(std::string pem, RequiredString(doc, "publicKey"));
  Result<PublicKey> pub = PublicKey::FromPem(pem);
  if (!pub.ok()) return Status::Corruption("publicKey", pub.status().message());
  key.key = std::move(pub).value();

  CUSTODY_ASSIGN_OR_RETURN(std::string keyid, RequiredString(doc, "keyid"));
  if (keyid != key.key.key_id()) {
    return Status::Corruption("keyid", QuoteForMessage(keyid) +
                                           " does not match the public key (its keyid is " +
                                           key.key.key_id() + ")");
  }

  CUSTODY_ASSIGN_OR_RETURN(key.created, RequiredString(doc, "created"));
  if (Result<int64_t> t = ParseRfc3339(key.created); !t.ok()) {
    return Status::Corruption("created", t.status().message());
  }
  return key;
}

// The "key NAME already exists at PATH" refusal, shared by all writers.
Status RefuseExisting(Env& env, std::string_view name, const std::string& path) {
  if (env.FileExists(path)) {
    return Status::InvalidArgument("", "key " + std::string(name) + " already exists at " + path);
  }
  return Status::OK();
}

std::string PublicKeyPath(const std::string& dir, std::string_view name) {
  return JoinPath(dir, std::string(name) + ".pub");
}

}  // namespace

std::string_view RoleName(Role role) {
  for (const RoleEntry& e : kRoles) {
    if (e.role == role) return e.name;
  }
  return "unknown";
}

Result<Role> ParseRole(std::string_view name) {
  for (const RoleEntry& e : kRoles) {
    if (e.name == name) return e.role;
  }
  return Status::InvalidArgument(
      "role", QuoteForMessage(name) + " is not one of developer, reviewer, ci, deployer, auditor");
}

Status ValidateKeyName(std::string_view name) {
  const std::string subject = "key name " + QuoteForMessage(name);
  if (name.empty()) return Status::InvalidArgument(subject, "must not be empty");
  if (name.size() > kMaxKeyNameLength) {
    return Status::InvalidArgument(subject, "is longer than 64 characters");
  }
  if (name[0] == '.') return Status::InvalidArgument(subject, "must not start with '.'");
  for (char c : name) {
    bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
              c == '.' || c == '_' || c == '-';
    if (!ok) {
      return Status::InvalidArgument(subject, "may contain only letters, digits, '.', '_' and '-'");
    }
  }
  return Status::OK();
}

// ------------------------------------------------------------ public files

std::string SerializePublicKeyFile(const TrustedKey& key) {
  // ordered_json keeps the documented field order, which reads better in a
  // diff than sorted keys; the file is never hashed.
  nlohmann::ordered_json j;
  j["name"] = key.name;
  j["role"] = RoleName(key.role);
  j["keyid"] = key.key.key_id();
  j["algorithm"] = "ed25519";
  j["publicKey"] = key.key.ToPem();
  j["created"] = key.created;
  return j.dump(2, ' ', false, nlohmann::ordered_json::error_handler_t::replace) + "\n";
}

Result<TrustedKey> ParsePublicKeyFile(std::string_view text, const std::string& path) {
  if (text.size() > kMaxKeyFileBytes) {
    return Status::Corruption(
        path, "larger than 64 KiB (" + std::to_string(text.size()) + " bytes); not a key file");
  }
  Result<json> doc = internal::ParseBoundedJson(text, "");
  if (!doc.ok()) return Status::Corruption(path, doc.status().message());
  Result<TrustedKey> key = KeyFromJson(*doc, path);
  if (!key.ok()) return key.status().WithPrefix(path);
  return key;
}

Result<std::string> WritePublicKeyFile(Env& env, const std::string& dir, const TrustedKey& key) {
  CUSTODY_RETURN_IF_ERROR(ValidateKeyName(key.name));
  const std::string path = PublicKeyPath(dir, key.name);
  CUSTODY_RETURN_IF_ERROR(RefuseExisting(env, key.name, path));
  CUSTODY_RETURN_IF_ERROR(env.CreateDirs(dir, 0755));
  CUSTODY_RETURN_IF_ERROR(env.WriteFileAtomic(path, SerializePublicKeyFile(key), 0644));
  return path;
}

// ----------------------------------------------------------------- Keyring

Result<Keyring> Keyring::Load(Env& env, const std::string& dir) {
  CUSTODY_ASSIGN_OR_RETURN(std::vector<std::string> names, env.ListDir(dir));
  Keyring ring;
  for (const std::string& name : names) {
    if (!EndsWith(name, ".pub")) continue;
    const std::string path = JoinPath(dir, name);
    CUSTODY_ASSIGN_OR_RETURN(std::string text, env.ReadFile(path));
    CUSTODY_ASSIGN_OR_RETURN(TrustedKey key, ParsePublicKeyFile(text, path));
    if (const TrustedKey* prior = ring.Find(key.key.key_id())) {
      return Status::Corruption(path, "keyid " + key.key.key_id() + " is already trusted as " +
                                          prior->name + " (" + prior->path + ")");
    }
    // Names equal file stems, which ListDir returns once each, so a name
    // clash cannot happen here; Add still checks.
    if (Status s = ring.Add(std::move(key)); !s.ok()) {
      return Status::Corruption(path, s.message());
    }
  }
  return ring;
}

Status Keyring::Add(TrustedKey key) {
  if (const TrustedKey* prior = Find(key.key.key_id())) {
    return Status::InvalidArgument(
        "keyring", "keyid " + key.key.key_id() + " is already present as key " + prior->name);
  }
  if (FindByName(key.name) != nullptr) {
    return Status::InvalidArgument("keyring", "a key named " + key.name + " is already present");
  }
  by_keyid_.emplace(key.key.key_id(), keys_.size());
  by_name_.emplace(key.name, keys_.size());
  keys_.push_back(std::move(key));
  return Status::OK();
}

const TrustedKey* Keyring::Find(std::string_view keyid) const {
  auto it = by_keyid_.find(keyid);
  return it == by_keyid_.end() ? nullptr : &keys_[it->second];
}

const TrustedKey* Keyring::FindByName(std::string_view name) const {
  auto it = by_name_.find(name);
  return it == by_name_.end() ? nullptr : &keys_[it->second];
}

// ------------------------------------------------------------ private keys

std::string DefaultPrivateKeyDir(Env& env) {
  auto get = [&env](const char* var) {
    std::optional<std::string> v = env.GetEnvVar(var);
    return v ? *v : std::string();
  };
  if (std::string dir = get("CUSTODY_KEY_DIR"); !dir.empty()) return dir;
  // XDG Base Directory spec: relative values are invalid and ignored.
  if (std::string xdg = get("XDG_CONFIG_HOME"); !xdg.empty() && xdg[0] == '/') {
    return JoinPath(JoinPath(xdg, "custody"), "keys");
  }
  if (std::string home = get("HOME"); !home.empty()) {
    return JoinPath(home, ".config/custody/keys");
  }
  return std::string();
}

std::string PrivateKeyPath(const std::string& dir, std::string_view name) {
  return JoinPath(dir, std::string(name) + ".key");
}

Status WritePrivateKey(Env& env, const std::string& dir, std::string_view name,
                       const PrivateKey& key) {
  CUSTODY_RETURN_IF_ERROR(ValidateKeyName(name));
  const std::string path = PrivateKeyPath(dir, name);
  CUSTODY_RETURN_IF_ERROR(RefuseExisting(env, name, path));
  std::string pem = key.ToPem();
  if (pem.empty()) return Status::Internal(path, "cannot encode the private key");
  CUSTODY_RETURN_IF_ERROR(env.CreateDirs(dir, 0700));
  // The mode is applied before the file becomes visible (Env contract), so
  // the key is never readable by others, not even briefly.
  return env.WriteFileAtomic(path, pem, 0600);
}

Result<PrivateKey> LoadPrivateKey(Env& env, const std::string& path) {
  CUSTODY_ASSIGN_OR_RETURN(uint32_t mode, env.FileMode(path));
  if ((mode & 0077) != 0) {
    const char* what = (mode & 0044) != 0 ? "readable" : "accessible";
    return Status::PermissionDenied(
        path, std::string("private key is ") + what + " by others (chmod 600 " + path + ")");
  }
  CUSTODY_ASSIGN_OR_RETURN(std::string pem, env.ReadFile(path));
  Result<PrivateKey> key = PrivateKey::FromPem(pem);
  if (!key.ok()) return key.status().WithPrefix(path);
  return key;
}

Result<GeneratedKey> GenerateKey(Env& env, const std::string& repo_keys_dir,
                                 const std::string& private_dir, std::string_view name, Role role) {
  CUSTODY_RETURN_IF_ERROR(ValidateKeyName(name));
  const std::string pub_path = PublicKeyPath(repo_keys_dir, name);
  const std::string key_path = PrivateKeyPath(private_dir, name);
  CUSTODY_RETURN_IF_ERROR(RefuseExisting(env, name, key_path));
  CUSTODY_RETURN_IF_ERROR(RefuseExisting(env, name, pub_path));

  CUSTODY_ASSIGN_OR_RETURN(PrivateKey private_key, PrivateKey::Generate());
  TrustedKey trusted;
  trusted.name = std::string(name);
  trusted.role = role;
  trusted.key = private_key.public_key();
  trusted.created = FormatRfc3339(env.NowUnixNanos());

  // Private half first: a public key without its private half would be
  // trusted yet unusable, while the reverse is simply not trusted yet.
  CUSTODY_RETURN_IF_ERROR(WritePrivateKey(env, private_dir, name, private_key));
  CUSTODY_ASSIGN_OR_RETURN(trusted.path, WritePublicKeyFile(env, repo_keys_dir, trusted));
  return GeneratedKey{std::move(trusted), key_path, std::move(private_key)};
}

}  // namespace custody
