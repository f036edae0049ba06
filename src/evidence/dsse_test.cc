#include "custody/dsse.h"

#include <gtest/gtest.h>

#include <string>

#include "common/test_util.h"
#include "custody/encoding.h"
#include "custody/statement.h"

namespace custody {
namespace {

// attestation.md section (a), copied verbatim: a test-result Statement
// signed with the RFC 8032 §7.1 TEST 1 key.
constexpr std::string_view kReferenceEnvelope = R"({
  "payloadType": "application/vnd.in-toto+json",
  "payload": "eyJfdHlwZSI6Imh0dHBzOi8vaW4tdG90by5pby9TdGF0ZW1lbnQvdjEiLCJzdWJqZWN0IjpbeyJuYW1lIjoic3JjL21haW4uY3BwIiwiZGlnZXN0Ijp7InNoYTI1NiI6ImRlYWM2NmNjYjc5ZjZkMzFjMGZhN2QzNThkZTQ4ZTA4M2MxNWMwMmZmNTBlYzFlYmQ0YjY0MzE0YjllNmUxOTYifX1dLCJwcmVkaWNhdGVUeXBlIjoiaHR0cHM6Ly9pbi10b3RvLmlvL2F0dGVzdGF0aW9uL3Rlc3QtcmVzdWx0L3YwLjEiLCJwcmVkaWNhdGUiOnsicmVzdWx0IjoiUEFTU0VEIiwiY29uZmlndXJhdGlvbiI6W3sibmFtZSI6ImN0ZXN0IiwiZGlnZXN0Ijp7InNoYTI1NiI6ImYxZGUyYjUyYWQ2NDZhMzhmOTM1OWUzNmM4YjAyYjJlMjdiYjkwMTUzNzBkOTE3NTAyOWE1NTk1ODkxMzA1YmEifX1dfX0=",
  "signatures": [{"keyid": "21fe31dfa154a261626bf854046fd2271b7bed4b6abe45aa58877ef47f9721b9",
                  "sig": "FQLDcqSe8sfsp8nsU9zRWK8PvWLk0ZuFbw1xWHKwmm7Ux9Xsqe5UOvUn6V5TqvHQCk7Q6vQMyCVcbeI+3Mq2BQ=="}]
})";
constexpr char kReferencePayloadB64[] =
    "eyJfdHlwZSI6Imh0dHBzOi8vaW4tdG90by5pby9TdGF0ZW1lbnQvdjEiLCJzdWJqZWN0IjpbeyJuYW1lIjoic3JjL21h"
    "aW4uY3BwIiwiZGlnZXN0Ijp7InNoYTI1NiI6ImRlYWM2NmNjYjc5ZjZkMzFjMGZhN2QzNThkZTQ4ZTA4M2MxNWMwMmZm"
    "NTBlYzFlYmQ0YjY0MzE0YjllNmUxOTYifX1dLCJwcmVkaWNhdGVUeXBlIjoiaHR0cHM6Ly9pbi10b3RvLmlvL2F0dGVz"
    "dGF0aW9uL3Rlc3QtcmVzdWx0L3YwLjEiLCJwcmVkaWNhdGUiOnsicmVzdWx0IjoiUEFTU0VEIiwiY29uZmlndXJhdGlv"
    "biI6W3sibmFtZSI6ImN0ZXN0IiwiZGlnZXN0Ijp7InNoYTI1NiI6ImYxZGUyYjUyYWQ2NDZhMzhmOTM1OWUzNmM4YjAy"
    "YjJlMjdiYjkwMTUzNzBkOTE3NTAyOWE1NTk1ODkxMzA1YmEifX1dfX0=";
constexpr char kReferenceSigB64[] =
    "FQLDcqSe8sfsp8nsU9zRWK8PvWLk0ZuFbw1xWHKwmm7Ux9Xsqe5UOvUn6V5TqvHQCk7Q6vQMyCVcbeI+3Mq2BQ==";

constexpr char kTest1Seed[] = "9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60";
constexpr char kTest1Public[] = "d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a";
constexpr char kTest1KeyId[] = "21fe31dfa154a261626bf854046fd2271b7bed4b6abe45aa58877ef47f9721b9";
constexpr char kTest2Seed[] = "4ccd089b28ff96da9db6c346ec114e0f5b8a319f35aba624da8cf6ed4fb8a6fb";

std::string Unhex(std::string_view hex) { return HexDecode(hex).value(); }

PrivateKey Test1Key() { return PrivateKey::FromSeed(Unhex(kTest1Seed)).value(); }
PrivateKey Test2Key() { return PrivateKey::FromSeed(Unhex(kTest2Seed)).value(); }

TrustedKey Trusted(const PublicKey& key, std::string name, Role role = Role::kCi) {
  TrustedKey t;
  t.name = std::move(name);
  t.role = role;
  t.key = key;
  t.created = "2026-01-01T00:00:00Z";
  return t;
}

// A keyring trusting only the RFC 8032 TEST 1 key.
Keyring Test1Keyring() {
  Keyring ring;
  EXPECT_OK(ring.Add(Trusted(PublicKey::FromRaw(Unhex(kTest1Public)).value(), "test1")));
  return ring;
}

Envelope ReferenceEnvelope() { return ParseEnvelope(kReferenceEnvelope).value(); }

// VerifyEnvelope's error for `env` against the TEST 1 keyring.
Status VerifyError(const Envelope& env) {
  Result<VerifiedEnvelope> v = VerifyEnvelope(env, Test1Keyring());
  EXPECT_FALSE(v.ok());
  return v.status();
}

TEST(DsseTest, PaeMatchesSpecVector) {
  EXPECT_EQ(Pae("http://example.com/HelloWorld", "hello world"),
            "DSSEv1 29 http://example.com/HelloWorld 11 hello world");
  EXPECT_EQ(Pae("", ""), "DSSEv1 0  0 ");
  EXPECT_EQ(Pae("t", std::string("a\0b", 3)), std::string("DSSEv1 1 t 3 a\0b", 16));
}

TEST(DsseTest, ReferenceEnvelopeVerifiesWithTest1Key) {
  Envelope env = ReferenceEnvelope();
  EXPECT_EQ(env.payload_type, kInTotoPayloadType);
  EXPECT_EQ(env.payload.size(), 386u);
  EXPECT_EQ(Pae(env.payload_type, env.payload).substr(0, 43),
            "DSSEv1 28 application/vnd.in-toto+json 386 ");
  ASSERT_EQ(env.signatures.size(), 1u);
  EXPECT_EQ(env.signatures[0].keyid, kTest1KeyId);
  EXPECT_EQ(KeyIdFromRawPublicKey(Unhex(kTest1Public)), kTest1KeyId);

  Result<VerifiedEnvelope> v = VerifyEnvelope(env, Test1Keyring());
  ASSERT_OK(v);
  ASSERT_EQ(v->signers.size(), 1u);
  EXPECT_EQ(v->signers[0].key.key_id(), kTest1KeyId);
  EXPECT_EQ(v->signers[0].name, "test1");
  EXPECT_TRUE(v->unknown_keyids.empty());
  EXPECT_TRUE(v->rejected.empty());
  EXPECT_EQ(v->payload, env.payload);

  Result<Statement> st = ParseStatement(v->payload);
  ASSERT_OK(st);
  EXPECT_EQ(st->subject[0].name, "src/main.cpp");
  EXPECT_EQ(st->predicate_type, "https://in-toto.io/attestation/test-result/v0.1");
}

TEST(DsseTest, ResigningReferencePayloadGivesSameBytes) {
  Envelope ref = ReferenceEnvelope();
  Result<Envelope> env = SignEnvelope(kInTotoPayloadType, ref.payload, Test1Key());
  ASSERT_OK(env);
  ASSERT_EQ(env->signatures.size(), 1u);
  EXPECT_EQ(env->signatures[0].keyid, kTest1KeyId);
  EXPECT_EQ(Base64Encode(env->signatures[0].sig), kReferenceSigB64);
  EXPECT_EQ(SerializeEnvelope(*env),
            std::string(R"({"payload":")") + kReferencePayloadB64 +
                R"(","payloadType":"application/vnd.in-toto+json","signatures":[{"keyid":")" +
                kTest1KeyId + R"(","sig":")" + kReferenceSigB64 + R"("}]})");
  EXPECT_EQ(SerializeEnvelope(*env), SerializeEnvelope(ref));
}

TEST(DsseTest, SerializeParseRoundTrip) {
  Result<Envelope> env = SignEnvelope(kInTotoPayloadType, "{\"x\":1}", Test1Key());
  ASSERT_OK(env);
  ASSERT_OK(AddSignature(*env, Test2Key()));
  env->signatures.push_back(Signature{"", std::string(64, '\x07')});
  std::string text = SerializeEnvelope(*env);
  EXPECT_EQ(text.find('\n'), std::string::npos);
  Result<Envelope> back = ParseEnvelope(text);
  ASSERT_OK(back);
  EXPECT_EQ(back->payload, env->payload);
  EXPECT_EQ(back->payload_type, env->payload_type);
  ASSERT_EQ(back->signatures.size(), 3u);
  EXPECT_EQ(back->signatures[2].keyid, "");
  EXPECT_EQ(SerializeEnvelope(*back), text);
  // An empty keyid is omitted, not written as "".
  EXPECT_NE(text.find(R"({"sig":")"), std::string::npos);
}

TEST(DsseTest, TamperedPayloadDoesNotVerify) {
  Envelope env = ReferenceEnvelope();
  env.payload[40] ^= 0x01;
  Status s = VerifyError(env);
  EXPECT_EQ(s.code(), Code::kPermissionDenied);
  EXPECT_EQ(s.message(), "envelope: signature by key 21fe31df… does not verify");
}

TEST(DsseTest, ChangedPayloadTypeIsRejected) {
  Envelope env = ReferenceEnvelope();
  env.payload_type = "text/plain";
  Status s = VerifyError(env);
  EXPECT_EQ(s.code(), Code::kInvalidArgument);
  EXPECT_EQ(s.message(),
            "envelope: payloadType \"text/plain\" is not an in-toto type "
            "(want application/vnd.in-toto+json)");

  // Another in-toto type passes the type check but breaks the signature:
  // PAE binds the type.
  env.payload_type = "application/vnd.in-toto.provenance+json";
  s = VerifyError(env);
  EXPECT_EQ(s.code(), Code::kPermissionDenied);
  EXPECT_EQ(s.message(), "envelope: signature by key 21fe31df… does not verify");
}

TEST(DsseTest, ReplacedSignatureIsRejected) {
  Envelope env = ReferenceEnvelope();
  // A valid signature by another key over the same PAE, under TEST 1's keyid.
  env.signatures[0].sig = Test2Key().Sign(Pae(env.payload_type, env.payload)).value();
  EXPECT_EQ(VerifyError(env).message(), "envelope: signature by key 21fe31df… does not verify");

  env.signatures[0].sig = std::string(32, 'x');
  EXPECT_EQ(VerifyError(env).message(),
            "envelope: signature by key 21fe31df… does not verify (is 32 bytes, not 64)");
}

TEST(DsseTest, UnknownKeyIsReportedNotAccepted) {
  Envelope ref = ReferenceEnvelope();
  Result<Envelope> env = SignEnvelope(kInTotoPayloadType, ref.payload, Test2Key());
  ASSERT_OK(env);
  std::string keyid = Test2Key().public_key().key_id();
  Status s = VerifyError(*env);
  EXPECT_EQ(s.code(), Code::kPermissionDenied);
  EXPECT_EQ(s.message(), "envelope: no signature by a trusted key (signed by unknown key " +
                             keyid.substr(0, 8) + "…)");

  // With a trusted signature as well it verifies, and the stranger is listed.
  ASSERT_OK(AddSignature(*env, Test1Key()));
  Result<VerifiedEnvelope> v = VerifyEnvelope(*env, Test1Keyring());
  ASSERT_OK(v);
  ASSERT_EQ(v->signers.size(), 1u);
  EXPECT_EQ(v->signers[0].key.key_id(), kTest1KeyId);
  EXPECT_EQ(v->unknown_keyids, std::vector<std::string>{keyid});
}

TEST(DsseTest, BadSignatureBesideGoodOneIsReported) {
  Envelope env = ReferenceEnvelope();
  env.signatures.insert(env.signatures.begin(), Signature{kTest1KeyId, std::string(64, 'z')});
  Result<VerifiedEnvelope> v = VerifyEnvelope(env, Test1Keyring());
  ASSERT_OK(v);
  EXPECT_EQ(v->signers.size(), 1u);
  EXPECT_EQ(v->rejected, std::vector<std::string>{"signature by key 21fe31df… does not verify"});
}

TEST(DsseTest, KeyIdIsOnlyAHint) {
  // No keyid: every trusted key is tried.
  Envelope env = ReferenceEnvelope();
  env.signatures[0].keyid.clear();
  Result<VerifiedEnvelope> v = VerifyEnvelope(env, Test1Keyring());
  ASSERT_OK(v);
  EXPECT_EQ(v->signers[0].key.key_id(), kTest1KeyId);

  env.payload += " ";
  EXPECT_EQ(VerifyError(env).message(),
            "envelope: signature without keyid does not verify under any of the 1 trusted keys");

  // A keyid never makes a signature count for the key it names.
  Envelope forged = ReferenceEnvelope();
  forged.signatures[0] = Signature{kTest1KeyId, Test2Key().Sign("x").value()};
  EXPECT_EQ(VerifyError(forged).code(), Code::kPermissionDenied);
}

TEST(DsseTest, SameKeyTwiceCountsOnce) {
  Result<Envelope> env = SignEnvelope(kInTotoPayloadType, "{}", Test1Key());
  ASSERT_OK(env);
  ASSERT_OK(AddSignature(*env, Test1Key()));
  Result<VerifiedEnvelope> v = VerifyEnvelope(*env, Test1Keyring());
  ASSERT_OK(v);
  EXPECT_EQ(v->signers.size(), 1u);
}

TEST(DsseTest, EmptyKeyringOrNoSignatures) {
  Envelope env = ReferenceEnvelope();
  Result<VerifiedEnvelope> v = VerifyEnvelope(env, Keyring());
  EXPECT_EQ(v.status().message(), "envelope: no trusted keys (the keyring is empty)");
  env.signatures.clear();
  EXPECT_EQ(VerifyError(env).message(), "envelope: has no signatures");
}

TEST(DsseTest, InTotoPayloadTypes) {
  EXPECT_TRUE(IsInTotoPayloadType("application/vnd.in-toto+json"));
  EXPECT_TRUE(IsInTotoPayloadType("application/vnd.in-toto.provenance+json"));
  EXPECT_FALSE(IsInTotoPayloadType("application/vnd.in-toto.+json"));
  EXPECT_FALSE(IsInTotoPayloadType("application/vnd.in-toto.a/b+json"));
  EXPECT_FALSE(IsInTotoPayloadType("application/vnd.in-toto+jsonx"));
  EXPECT_FALSE(IsInTotoPayloadType("application/json"));
  EXPECT_FALSE(IsInTotoPayloadType(""));
}

TEST(DsseTest, AcceptsUrlSafeAndUnpaddedBase64) {
  std::string sig = kReferenceSigB64;
  ASSERT_NE(sig.find('+'), std::string::npos);
  for (char& c : sig) {
    if (c == '+') c = '-';
    if (c == '/') c = '_';
  }
  sig.erase(sig.find('='));
  std::string text(kReferenceEnvelope);
  text.replace(text.find(kReferenceSigB64), std::string_view(kReferenceSigB64).size(), sig);
  Result<Envelope> env = ParseEnvelope(text);
  ASSERT_OK(env);
  EXPECT_OK(VerifyEnvelope(*env, Test1Keyring()));
  // Re-serialising normalises to standard padded base64.
  EXPECT_EQ(SerializeEnvelope(*env), SerializeEnvelope(ReferenceEnvelope()));
}

TEST(DsseTest, TruncatedJsonIsRejected) {
  Result<Envelope> env = ParseEnvelope(kReferenceEnvelope.substr(0, 200));
  EXPECT_EQ(env.status().code(), Code::kInvalidArgument);
  EXPECT_EQ(
      env.status().message().rfind("envelope: invalid JSON: parse error at line 3, column ", 0), 0u)
      << env.status().ToString();
}

TEST(DsseTest, InvalidBase64IsRejected) {
  std::string text(kReferenceEnvelope);
  text.replace(text.find("FQLD"), 4, "FQ*D");
  Result<Envelope> env = ParseEnvelope(text);
  EXPECT_EQ(env.status().code(), Code::kInvalidArgument);
  EXPECT_EQ(env.status().message().rfind("envelope: signatures[0].sig: not base64 (", 0), 0u)
      << env.status().ToString();

  text = kReferenceEnvelope;
  text.replace(text.find("eyJf"), 4, "ey!f");
  env = ParseEnvelope(text);
  EXPECT_EQ(env.status().message().rfind("envelope: payload: not base64 (", 0), 0u)
      << env.status().ToString();
}

TEST(DsseTest, MissingOrMistypedFieldsAreRejected) {
  struct Case {
    const char* json;
    const char* message;
  };
  const Case cases[] = {
      {R"([])", "envelope: must be a JSON object, not array"},
      {R"({"payloadType":"t","signatures":[{"sig":"AA=="}]})", "envelope: payload: missing"},
      {R"({"payload":1,"payloadType":"t","signatures":[{"sig":"AA=="}]})",
       "envelope: payload: must be a string, not number"},
      {R"({"payload":"","signatures":[{"sig":"AA=="}]})", "envelope: payloadType: missing"},
      {R"({"payload":"","payloadType":null,"signatures":[{"sig":"AA=="}]})",
       "envelope: payloadType: must be a string, not null"},
      {R"({"payload":"","payloadType":"t"})",
       "envelope: signatures: missing (want a non-empty array)"},
      {R"({"payload":"","payloadType":"t","signatures":{}})",
       "envelope: signatures: must be a non-empty array, not object"},
      {R"({"payload":"","payloadType":"t","signatures":[]})",
       "envelope: signatures: must be a non-empty array (unsigned envelope)"},
      {R"({"payload":"","payloadType":"t","signatures":["AA=="]})",
       "envelope: signatures[0]: must be an object, not string"},
      {R"({"payload":"","payloadType":"t","signatures":[{"keyid":"k"}]})",
       "envelope: signatures[0].sig: missing"},
      {R"({"payload":"","payloadType":"t","signatures":[{"sig":true}]})",
       "envelope: signatures[0].sig: must be a string, not boolean"},
      {R"({"payload":"","payloadType":"t","signatures":[{"sig":"AA==","keyid":5}]})",
       "envelope: signatures[0].keyid: must be a string, not number"},
      {R"({"payload":"","payload":"","payloadType":"t","signatures":[{"sig":"AA=="}]})",
       "envelope: invalid JSON: duplicate key \"payload\""},
  };
  for (const Case& c : cases) {
    Result<Envelope> env = ParseEnvelope(c.json);
    EXPECT_EQ(env.status().code(), Code::kInvalidArgument) << c.json;
    EXPECT_EQ(env.status().message(), c.message) << c.json;
  }
  // Unknown fields are ignored.
  EXPECT_OK(ParseEnvelope(
      R"({"payload":"","payloadType":"t","x":1,"signatures":[{"sig":"AA==","cert":"c"}]})"));
}

TEST(DsseTest, BoundsSignatureCount) {
  Envelope env = ReferenceEnvelope();
  while (env.signatures.size() <= kMaxEnvelopeSignatures) {
    env.signatures.push_back(env.signatures[0]);
  }
  EXPECT_EQ(VerifyError(env).message(), "envelope: has 65 signatures (at most 64)");
  Result<Envelope> parsed = ParseEnvelope(SerializeEnvelope(env));
  EXPECT_EQ(parsed.status().message(), "envelope: signatures: has 65 signatures (at most 64)");
  env.signatures.pop_back();
  EXPECT_OK(ParseEnvelope(SerializeEnvelope(env)));
  EXPECT_OK(VerifyEnvelope(env, Test1Keyring()));
}

TEST(DsseTest, RejectsHugeInput) {
  std::string huge = "{\"payload\":\"" + std::string(16 << 20, 'A') + "\"}";
  Result<Envelope> env = ParseEnvelope(huge);
  EXPECT_EQ(env.status().message().rfind("envelope: larger than 16 MiB (", 0), 0u);
}

}  // namespace
}  // namespace custody
