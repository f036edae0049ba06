#include "custody/keys.h"

#include <gtest/gtest.h>

#include <string>

#include "common/test_util.h"
#include "custody/encoding.h"

namespace custody {
namespace {

constexpr char kTest1Seed[] = "9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60";
constexpr char kKeysDir[] = "/repo/.custody/keys";
constexpr char kPrivateDir[] = "/home/u/.config/custody/keys";

// The key file of the RFC 8032 TEST 1 key: the documented format, exactly.
constexpr std::string_view kTest1KeyFile = R"({
  "name": "ci-main",
  "role": "ci",
  "keyid": "21fe31dfa154a261626bf854046fd2271b7bed4b6abe45aa58877ef47f9721b9",
  "algorithm": "ed25519",
  "publicKey": "-----BEGIN PUBLIC KEY-----\nMCowBQYDK2VwAyEA11qYAYKxCrfVS/7TyWQHOg7hcvPapiMlrwIaaPcHURo=\n-----END PUBLIC KEY-----\n",
  "created": "2026-11-23T14:09:55Z"
}
)";

PrivateKey Test1Key() { return PrivateKey::FromSeed(HexDecode(kTest1Seed).value()).value(); }

TrustedKey Test1Trusted() {
  TrustedKey t;
  t.name = "ci-main";
  t.role = Role::kCi;
  t.key = Test1Key().public_key();
  t.created = "2026-11-23T14:09:55Z";
  return t;
}

// Writes `text` as `<kKeysDir>/<file>` in `env`.
void PutKeyFile(MemEnv& env, const std::string& file, std::string_view text) {
  ASSERT_OK(env.CreateDirs(kKeysDir));
  ASSERT_OK(env.WriteFileAtomic(JoinPath(kKeysDir, file), text));
}

// The text of kTest1KeyFile with `from` replaced by `to`.
std::string EditedKeyFile(std::string_view from, std::string_view to) {
  std::string text(kTest1KeyFile);
  size_t at = text.find(from);
  EXPECT_NE(at, std::string::npos) << from;
  if (at != std::string::npos) text.replace(at, from.size(), to);
  return text;
}

// Keyring::Load's error for a key directory holding only `text` as
// ci-main.pub.
Status LoadError(std::string_view text) {
  std::unique_ptr<MemEnv> env = NewMemEnv();
  PutKeyFile(*env, "ci-main.pub", text);
  Result<Keyring> ring = Keyring::Load(*env, kKeysDir);
  EXPECT_FALSE(ring.ok());
  return ring.status();
}

TEST(KeysTest, RoleNamesRoundTrip) {
  for (Role r : {Role::kDeveloper, Role::kReviewer, Role::kCi, Role::kDeployer, Role::kAuditor}) {
    Result<Role> back = ParseRole(RoleName(r));
    ASSERT_OK(back);
    EXPECT_EQ(*back, r);
  }
  EXPECT_EQ(RoleName(Role::kCi), "ci");
  EXPECT_EQ(ParseRole("Reviewer").status().message(),
            "role: \"Reviewer\" is not one of developer, reviewer, ci, deployer, auditor");
}

TEST(KeysTest, ValidatesKeyNames) {
  using std::string_view_literals::operator""sv;
  for (std::string_view ok : {"alice"sv, "ci-main"sv, "a.b_c-D9"sv, "x"sv, "A-1"sv}) {
    EXPECT_OK(ValidateKeyName(ok)) << ok;
  }
  EXPECT_OK(ValidateKeyName(std::string(64, 'a')));
  EXPECT_EQ(ValidateKeyName(std::string(65, 'a')).code(), Code::kInvalidArgument);
  EXPECT_EQ(ValidateKeyName("").message(), "key name \"\": must not be empty");
  EXPECT_EQ(ValidateKeyName(".hidden").message(), "key name \".hidden\": must not start with '.'");
  for (std::string_view bad : {"a/b"sv, "../x"sv, "a b"sv, "é"sv, "a\nb"sv, "a\0b"sv}) {
    Status s = ValidateKeyName(bad);
    EXPECT_EQ(s.code(), Code::kInvalidArgument) << bad;
  }
}

TEST(KeysTest, SerializesDocumentedFormat) {
  EXPECT_EQ(SerializePublicKeyFile(Test1Trusted()), kTest1KeyFile);
  Result<TrustedKey> key = ParsePublicKeyFile(kTest1KeyFile, "/k/ci-main.pub");
  ASSERT_OK(key);
  EXPECT_EQ(key->name, "ci-main");
  EXPECT_EQ(key->role, Role::kCi);
  EXPECT_EQ(key->key.key_id(), "21fe31dfa154a261626bf854046fd2271b7bed4b6abe45aa58877ef47f9721b9");
  EXPECT_EQ(key->created, "2026-11-23T14:09:55Z");
  EXPECT_EQ(key->path, "/k/ci-main.pub");
}

TEST(KeysTest, LoadsKeyringFromDirectory) {
  std::unique_ptr<MemEnv> env = NewMemEnv();
  PutKeyFile(*env, "ci-main.pub", kTest1KeyFile);
  PutKeyFile(*env, "README.md", "not a key");
  Result<PrivateKey> other = PrivateKey::Generate();
  ASSERT_OK(other);
  TrustedKey bob;
  bob.name = "bob";
  bob.role = Role::kReviewer;
  bob.key = other->public_key();
  bob.created = "2026-01-02T03:04:05.5Z";
  ASSERT_OK(WritePublicKeyFile(*env, kKeysDir, bob));

  Result<Keyring> ring = Keyring::Load(*env, kKeysDir);
  ASSERT_OK(ring);
  ASSERT_EQ(ring->size(), 2u);
  EXPECT_EQ(ring->begin()->name, "bob");  // file-name order
  const TrustedKey* ci =
      ring->Find("21fe31dfa154a261626bf854046fd2271b7bed4b6abe45aa58877ef47f9721b9");
  ASSERT_NE(ci, nullptr);
  EXPECT_EQ(ci->name, "ci-main");
  EXPECT_EQ(ci->path, "/repo/.custody/keys/ci-main.pub");
  const TrustedKey* b = ring->Find(other->public_key().key_id());
  ASSERT_NE(b, nullptr);
  EXPECT_EQ(b->role, Role::kReviewer);
  EXPECT_EQ(ring->FindByName("bob"), b);
  EXPECT_EQ(ring->Find("00"), nullptr);
  EXPECT_EQ(ring->FindByName("carol"), nullptr);
}

TEST(KeysTest, KeyIdMismatchIsCorruptionNamingTheFile) {
  Status s = LoadError(EditedKeyFile("21fe31df", "31fe31df"));
  EXPECT_EQ(s.code(), Code::kCorruption);
  EXPECT_EQ(s.message(),
            "/repo/.custody/keys/ci-main.pub: keyid: "
            "\"31fe31dfa154a261626bf854046fd2271b7bed4b6abe45aa58877ef47f9721b9\" does not match "
            "the public key (its keyid is "
            "21fe31dfa154a261626bf854046fd2271b7bed4b6abe45aa58877ef47f9721b9)");
}

TEST(KeysTest, MalformedKeyFilesAreCorruptionNamingTheFile) {
  const std::string file = "/repo/.custody/keys/ci-main.pub: ";
  struct Case {
    std::string text;
    std::string message;
  };
  const Case cases[] = {
      {"{", "invalid JSON: parse error at line 1, column 2: "},
      {"[]", "must be a JSON object, not array"},
      {EditedKeyFile(R"("name": "ci-main")", R"("name": "other")"),
       "name: \"other\" does not match the file name (want \"ci-main\")"},
      {EditedKeyFile(R"("role": "ci")", R"("role": "admin")"),
       "role: \"admin\" is not one of developer, reviewer, ci, deployer, auditor"},
      {EditedKeyFile(R"("algorithm": "ed25519")", R"("algorithm": "rsa")"),
       "algorithm: \"rsa\" is not supported (want \"ed25519\")"},
      {EditedKeyFile("MCowBQYDK2VwAyEA11qY", "MCowBQYDK2VwAyEA"), "publicKey: "},
      {EditedKeyFile(R"("created": "2026-11-23T14:09:55Z")", R"("created": "yesterday")"),
       "created: "},
      {EditedKeyFile(R"("created": "2026-11-23T14:09:55Z")", R"("created": 5)"),
       "created: must be a string, not number"},
      {EditedKeyFile(R"(  "role": "ci",)"
                     "\n",
                     ""),
       "role: missing"},
  };
  for (const Case& c : cases) {
    Status s = LoadError(c.text);
    EXPECT_EQ(s.code(), Code::kCorruption) << c.text;
    EXPECT_EQ(s.message().rfind(file + c.message, 0), 0u) << s.ToString();
  }
}

TEST(KeysTest, DuplicateKeyAcrossFilesIsCorruption) {
  std::unique_ptr<MemEnv> env = NewMemEnv();
  PutKeyFile(*env, "ci-main.pub", kTest1KeyFile);
  PutKeyFile(*env, "dup.pub", EditedKeyFile(R"("name": "ci-main")", R"("name": "dup")"));
  Result<Keyring> ring = Keyring::Load(*env, kKeysDir);
  EXPECT_EQ(ring.status().code(), Code::kCorruption);
  EXPECT_EQ(ring.status().message(),
            "/repo/.custody/keys/dup.pub: keyid "
            "21fe31dfa154a261626bf854046fd2271b7bed4b6abe45aa58877ef47f9721b9 is already trusted "
            "as ci-main (/repo/.custody/keys/ci-main.pub)");
}

TEST(KeysTest, MissingDirectoryIsNotFound) {
  std::unique_ptr<MemEnv> env = NewMemEnv();
  EXPECT_EQ(Keyring::Load(*env, kKeysDir).status().code(), Code::kNotFound);
}

TEST(KeysTest, AddRejectsDuplicates) {
  Keyring ring;
  ASSERT_OK(ring.Add(Test1Trusted()));
  TrustedKey again = Test1Trusted();
  again.name = "other";
  EXPECT_EQ(ring.Add(again).code(), Code::kInvalidArgument);
  TrustedKey same_name = Test1Trusted();
  same_name.key = PrivateKey::Generate().value().public_key();
  Status s = ring.Add(same_name);
  EXPECT_EQ(s.message(), "keyring: a key named ci-main is already present");
  EXPECT_EQ(ring.size(), 1u);
}

TEST(KeysTest, DefaultPrivateKeyDirPrecedence) {
  std::unique_ptr<MemEnv> env = NewMemEnv();
  EXPECT_EQ(DefaultPrivateKeyDir(*env), "");
  env->SetEnvVar("HOME", "/home/u");
  EXPECT_EQ(DefaultPrivateKeyDir(*env), "/home/u/.config/custody/keys");
  env->SetEnvVar("XDG_CONFIG_HOME", "relative/ignored");
  EXPECT_EQ(DefaultPrivateKeyDir(*env), "/home/u/.config/custody/keys");
  env->SetEnvVar("XDG_CONFIG_HOME", "/xdg");
  EXPECT_EQ(DefaultPrivateKeyDir(*env), "/xdg/custody/keys");
  env->SetEnvVar("CUSTODY_KEY_DIR", "/keys");
  EXPECT_EQ(DefaultPrivateKeyDir(*env), "/keys");
  env->SetEnvVar("CUSTODY_KEY_DIR", "");
  EXPECT_EQ(DefaultPrivateKeyDir(*env), "/xdg/custody/keys");
}

TEST(KeysTest, WritesAndLoadsPrivateKey) {
  std::unique_ptr<MemEnv> env = NewMemEnv();
  PrivateKey key = Test1Key();
  ASSERT_OK(WritePrivateKey(*env, kPrivateDir, "alice", key));
  const std::string path = PrivateKeyPath(kPrivateDir, "alice");
  EXPECT_EQ(path, "/home/u/.config/custody/keys/alice.key");
  EXPECT_EQ(env->FileMode(path).value(), 0600u);

  Result<PrivateKey> back = LoadPrivateKey(*env, path);
  ASSERT_OK(back);
  EXPECT_EQ(back->public_key().raw(), key.public_key().raw());

  Status again = WritePrivateKey(*env, kPrivateDir, "alice", Test1Key());
  EXPECT_EQ(again.code(), Code::kInvalidArgument);
  EXPECT_EQ(again.message(), "key alice already exists at " + path);

  EXPECT_EQ(WritePrivateKey(*env, kPrivateDir, "../evil", key).code(), Code::kInvalidArgument);
}

TEST(KeysTest, RefusesPrivateKeyReadableByOthers) {
  std::unique_ptr<MemEnv> env = NewMemEnv();
  ASSERT_OK(env->CreateDirs(kPrivateDir));
  const std::string path = PrivateKeyPath(kPrivateDir, "alice");
  ASSERT_OK(env->WriteFileAtomic(path, Test1Key().ToPem(), 0644));
  Result<PrivateKey> key = LoadPrivateKey(*env, path);
  EXPECT_EQ(key.status().code(), Code::kPermissionDenied);
  EXPECT_EQ(key.status().message(),
            path + ": private key is readable by others (chmod 600 " + path + ")");

  ASSERT_OK(env->WriteFileAtomic(path, Test1Key().ToPem(), 0640));
  EXPECT_EQ(LoadPrivateKey(*env, path).status().code(), Code::kPermissionDenied);
  ASSERT_OK(env->WriteFileAtomic(path, Test1Key().ToPem(), 0620));
  EXPECT_EQ(LoadPrivateKey(*env, path).status().message(),
            path + ": private key is accessible by others (chmod 600 " + path + ")");
  ASSERT_OK(env->WriteFileAtomic(path, Test1Key().ToPem(), 0400));
  EXPECT_OK(LoadPrivateKey(*env, path));
}

TEST(KeysTest, LoadPrivateKeyNamesFileOnErrors) {
  std::unique_ptr<MemEnv> env = NewMemEnv();
  ASSERT_OK(env->CreateDirs(kPrivateDir));
  const std::string path = PrivateKeyPath(kPrivateDir, "alice");
  ASSERT_OK(env->WriteFileAtomic(path, "not a key", 0600));
  Result<PrivateKey> key = LoadPrivateKey(*env, path);
  EXPECT_EQ(key.status().code(), Code::kInvalidArgument);
  EXPECT_EQ(key.status().message().rfind(path + ": private key: ", 0), 0u)
      << key.status().ToString();

  Result<PrivateKey> missing = LoadPrivateKey(*env, PrivateKeyPath(kPrivateDir, "nobody"));
  EXPECT_EQ(missing.status().code(), Code::kNotFound);
}

TEST(KeysTest, GenerateKeyWritesBothHalves) {
  std::unique_ptr<MemEnv> env = NewMemEnv();
  Result<GeneratedKey> gen = GenerateKey(*env, kKeysDir, kPrivateDir, "alice", Role::kReviewer);
  ASSERT_OK(gen);
  EXPECT_EQ(gen->trusted.path, "/repo/.custody/keys/alice.pub");
  EXPECT_EQ(gen->private_key_path, "/home/u/.config/custody/keys/alice.key");
  EXPECT_EQ(gen->trusted.created, "2023-11-14T22:13:20Z");  // MemEnv's default clock
  EXPECT_EQ(env->FileMode(gen->private_key_path).value(), 0600u);
  EXPECT_EQ(env->FileMode(gen->trusted.path).value(), 0644u);

  Result<Keyring> ring = Keyring::Load(*env, kKeysDir);
  ASSERT_OK(ring);
  const TrustedKey* k = ring->Find(gen->private_key.public_key().key_id());
  ASSERT_NE(k, nullptr);
  EXPECT_EQ(k->role, Role::kReviewer);

  Result<PrivateKey> priv = LoadPrivateKey(*env, gen->private_key_path);
  ASSERT_OK(priv);
  Result<std::string> sig = priv->Sign("m");
  ASSERT_OK(sig);
  EXPECT_OK(k->key.Verify("m", *sig));
}

TEST(KeysTest, GenerateKeyRefusesExistingKeyAndWritesNothing) {
  std::unique_ptr<MemEnv> env = NewMemEnv();
  PutKeyFile(*env, "alice.pub", "old");
  Result<GeneratedKey> gen = GenerateKey(*env, kKeysDir, kPrivateDir, "alice", Role::kDeveloper);
  EXPECT_EQ(gen.status().code(), Code::kInvalidArgument);
  EXPECT_EQ(gen.status().message(), "key alice already exists at /repo/.custody/keys/alice.pub");
  EXPECT_FALSE(env->FileExists(PrivateKeyPath(kPrivateDir, "alice")));
  EXPECT_EQ(env->ReadFile("/repo/.custody/keys/alice.pub").value(), "old");

  EXPECT_EQ(GenerateKey(*env, kKeysDir, kPrivateDir, ".x", Role::kCi).status().code(),
            Code::kInvalidArgument);
}

}  // namespace
}  // namespace custody
