// Trusted keys, their roles, and the private keys of this machine's users.
//
// Public keys live in the repository, one file per key, so that a fresh
// clone can verify evidence: `.custody/keys/<name>.pub`, a JSON object
//
//   {
//     "name": "alice",                 key name, equal to the file's stem
//     "role": "reviewer",              developer|reviewer|ci|deployer|auditor
//     "keyid": "21fe31df…",            KeyIdFromRawPublicKey(raw key), 64 hex
//     "algorithm": "ed25519",          the only algorithm
//     "publicKey": "-----BEGIN PUBLIC KEY-----\n…",   PEM SubjectPublicKeyInfo
//     "created": "2026-11-23T14:09:55Z"               RFC 3339
//   }
//
// written with two-space indentation and a final newline. Loading checks
// every field; a keyid that does not match the key is Corruption naming the
// file, so a hand-edited file cannot make a signature count for another key.
//
// Private keys stay outside the repository: `<dir>/<name>.key`, PKCS#8 PEM,
// mode 0600 in a 0700 directory (DefaultPrivateKeyDir). They are refused
// when group or others can access them.
//
// Key names: 1 to 64 of [A-Za-z0-9._-], not starting with '.'.
//
// Keyring is a plain value (copyable); const methods are thread-safe. All
// file access goes through the Env passed in, which must outlive the call.
#ifndef CUSTODY_KEYS_H_
#define CUSTODY_KEYS_H_

#include <cstddef>
#include <functional>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "custody/ed25519.h"
#include "custody/env.h"
#include "custody/status.h"

namespace custody {

// What a key is trusted to sign (DESIGN.md "Keys"). A review counts only if
// signed by a kReviewer key, and so on; policy decides.
enum class Role { kDeveloper, kReviewer, kCi, kDeployer, kAuditor };

// "developer", "reviewer", "ci", "deployer", "auditor".
std::string_view RoleName(Role role);
// The inverse of RoleName (exact, lowercase). InvalidArgument "role: \"x\"
// is not one of developer, reviewer, ci, deployer, auditor" otherwise.
Result<Role> ParseRole(std::string_view name);

// OK when `name` is a valid key name (see above); InvalidArgument
// "key name \"…\": <why>" otherwise.
Status ValidateKeyName(std::string_view name);

// A public key the repository trusts, with its role.
struct TrustedKey {
  std::string name;
  Role role = Role::kDeveloper;
  PublicKey key;
  std::string created;  // RFC 3339, as written in the file
  std::string path;     // the file it was loaded from or written to; "" if neither
};

// The key file text for `key` (format above). `key.path` is not written.
std::string SerializePublicKeyFile(const TrustedKey& key);
// Parses and checks a key file's text. `path` names the file in messages
// and becomes TrustedKey::path; when it ends in ".pub" the "name" field must
// equal its stem. Errors are Corruption "<path>: <field>: <problem>".
Result<TrustedKey> ParsePublicKeyFile(std::string_view text, const std::string& path);
// Writes `key` to `<dir>/<key.name>.pub` (mode 0644), creating `dir`.
// InvalidArgument "key NAME already exists at PATH" if the file exists.
// Returns the path written.
Result<std::string> WritePublicKeyFile(Env& env, const std::string& dir, const TrustedKey& key);

// The set of keys evidence is verified against.
class Keyring {
 public:
  using const_iterator = std::vector<TrustedKey>::const_iterator;

  Keyring() = default;

  // Loads every `*.pub` file of `dir` (other entries are ignored) in name
  // order. Errors name the file: NotFound if `dir` does not exist,
  // Corruption for a malformed file or for a second file with a keyid or
  // name already loaded.
  static Result<Keyring> Load(Env& env, const std::string& dir);

  // Adds `key`. InvalidArgument if its keyid or its name is already present
  // (a key has one role). Invalidates pointers returned by Find.
  Status Add(TrustedKey key);

  // The key whose keyid is `keyid`, or nullptr. The pointer is valid until
  // the next Add or the Keyring's destruction.
  const TrustedKey* Find(std::string_view keyid) const;
  // The key named `name`, or nullptr (same lifetime as Find).
  const TrustedKey* FindByName(std::string_view name) const;

  size_t size() const { return keys_.size(); }
  bool empty() const { return keys_.empty(); }
  // Keys in the order they were added (file-name order after Load).
  const_iterator begin() const { return keys_.begin(); }
  const_iterator end() const { return keys_.end(); }

 private:
  std::vector<TrustedKey> keys_;
  std::map<std::string, size_t, std::less<>> by_keyid_;
  std::map<std::string, size_t, std::less<>> by_name_;
};

// Where this user's private keys live: $CUSTODY_KEY_DIR if set and
// non-empty, else $XDG_CONFIG_HOME/custody/keys if that is an absolute path,
// else $HOME/.config/custody/keys; "" when none of them is set.
std::string DefaultPrivateKeyDir(Env& env);

// `<dir>/<name>.key`.
std::string PrivateKeyPath(const std::string& dir, std::string_view name);

// Writes `key` as PKCS#8 PEM to `<dir>/<name>.key` with mode 0600, creating
// `dir` with mode 0700 if missing. InvalidArgument for a bad name or "key
// NAME already exists at PATH" (an existing key is never overwritten); IO
// errors from `env` otherwise.
Status WritePrivateKey(Env& env, const std::string& dir, std::string_view name,
                       const PrivateKey& key);

// Reads a private key file. PermissionDenied "PATH: private key is readable
// by others (chmod 600 PATH)" when group or others have any access; parse
// errors are InvalidArgument prefixed with PATH; NotFound when missing.
Result<PrivateKey> LoadPrivateKey(Env& env, const std::string& path);

// A key made by GenerateKey.
struct GeneratedKey {
  TrustedKey trusted;            // as written; trusted.path = the .pub file
  std::string private_key_path;  // the .key file
  PrivateKey private_key;
};

// Generates a fresh Ed25519 key named `name` with `role`: the private half
// goes to WritePrivateKey(env, private_dir, name), the public half to
// `<repo_keys_dir>/<name>.pub` (created = env's clock). Checks first that
// neither file exists, so a refusal writes nothing; InvalidArgument "key
// NAME already exists at PATH" then.
Result<GeneratedKey> GenerateKey(Env& env, const std::string& repo_keys_dir,
                                 const std::string& private_dir, std::string_view name, Role role);

}  // namespace custody

#endif  // CUSTODY_KEYS_H_
