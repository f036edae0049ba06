#include "custody/ed25519.h"

#include <gtest/gtest.h>

#include <string>

#include "common/test_util.h"
#include "custody/encoding.h"

namespace custody {
namespace {

std::string Unhex(std::string_view hex) {
  Result<std::string> r = HexDecode(hex);
  EXPECT_TRUE(r.ok()) << r.status().ToString();
  return r.ok() ? *r : std::string();
}

struct Rfc8032Vector {
  const char* name;
  const char* seed;
  const char* public_key;
  const char* message;
  const char* signature;
};

// RFC 8032 §7.1, TEST 1 to TEST 3.
constexpr Rfc8032Vector kVectors[] = {
    {"TEST 1", "9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60",
     "d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a", "",
     "e5564300c360ac729086e2cc806e828a84877f1eb8e5d974d873e06522490155"
     "5fb8821590a33bacc61e39701cf9b46bd25bf5f0595bbe24655141438e7a100b"},
    {"TEST 2", "4ccd089b28ff96da9db6c346ec114e0f5b8a319f35aba624da8cf6ed4fb8a6fb",
     "3d4017c3e843895a92b70aa74d1b7ebc9c982ccf2ec4968cc0cd55f12af4660c", "72",
     "92a009a9f0d4cab8720e820b5f642540a2b27b5416503f8fb3762223ebdb69da"
     "085ac1e43e15996e458f3613d0f11d8c387b2eaeb4302aeeb00d291612bb0c00"},
    {"TEST 3", "c5aa8df43f9f837bedb7442f31dcb7b166d38535076f094b85ce3a2e0b4458f7",
     "fc51cd8e6218a1a38da47ed00230f0580816ed13ba3303ac5deb911548908025", "af82",
     "6291d657deec24024827e69c3abe01a30ce548a284743a445e3680d7db5ac3ac"
     "18ff9b538d16f290ae67f760984dc6594a7c15e9716ed28dc027beceea1ec40a"},
};

TEST(Ed25519Test, Rfc8032Vectors) {
  for (const Rfc8032Vector& v : kVectors) {
    SCOPED_TRACE(v.name);
    Result<PrivateKey> key = PrivateKey::FromSeed(Unhex(v.seed));
    ASSERT_OK(key);
    EXPECT_EQ(HexEncode(key->public_key().raw()), v.public_key);
    std::string message = Unhex(v.message);
    Result<std::string> sig = key->Sign(message);
    ASSERT_OK(sig);
    EXPECT_EQ(HexEncode(*sig), v.signature);

    Result<PublicKey> pub = PublicKey::FromRaw(Unhex(v.public_key));
    ASSERT_OK(pub);
    EXPECT_OK(pub->Verify(message, Unhex(v.signature)));
    EXPECT_EQ(pub->key_id(), key->public_key().key_id());
  }
}

TEST(Ed25519Test, KeyIdIsSha256OfRawKey) {
  std::string raw = Unhex(kVectors[0].public_key);
  EXPECT_EQ(KeyIdFromRawPublicKey(raw),
            "21fe31dfa154a261626bf854046fd2271b7bed4b6abe45aa58877ef47f9721b9");
  Result<PublicKey> pub = PublicKey::FromRaw(raw);
  ASSERT_OK(pub);
  EXPECT_EQ(pub->key_id(), KeyIdFromRawPublicKey(raw));
}

TEST(Ed25519Test, VerifyRejectsTamperedMessageAndSignature) {
  Result<PrivateKey> key = PrivateKey::FromSeed(Unhex(kVectors[2].seed));
  ASSERT_OK(key);
  Result<std::string> sig = key->Sign("hello");
  ASSERT_OK(sig);
  const PublicKey& pub = key->public_key();
  EXPECT_OK(pub.Verify("hello", *sig));

  Status s = pub.Verify("hellp", *sig);
  EXPECT_EQ(s.code(), Code::kPermissionDenied);
  EXPECT_EQ(s.message(), "signature: does not verify");

  std::string bad = *sig;
  bad[10] ^= 0x01;
  EXPECT_EQ(pub.Verify("hello", bad).code(), Code::kPermissionDenied);

  Status short_sig = pub.Verify("hello", sig->substr(0, 63));
  EXPECT_EQ(short_sig.code(), Code::kPermissionDenied);
  EXPECT_EQ(short_sig.message(), "signature: does not verify (is 63 bytes, not 64)");

  // Another key's valid signature does not verify under this key.
  Result<PrivateKey> other = PrivateKey::FromSeed(Unhex(kVectors[1].seed));
  ASSERT_OK(other);
  Result<std::string> other_sig = other->Sign("hello");
  ASSERT_OK(other_sig);
  EXPECT_EQ(pub.Verify("hello", *other_sig).code(), Code::kPermissionDenied);
}

TEST(Ed25519Test, PemRoundTrip) {
  Result<PrivateKey> key = PrivateKey::Generate();
  ASSERT_OK(key);
  std::string pem = key->ToPem();
  EXPECT_EQ(pem.rfind("-----BEGIN PRIVATE KEY-----\n", 0), 0u) << pem;

  Result<PrivateKey> again = PrivateKey::FromPem(pem);
  ASSERT_OK(again);
  EXPECT_EQ(again->public_key().raw(), key->public_key().raw());
  Result<std::string> sig1 = key->Sign("m");
  Result<std::string> sig2 = again->Sign("m");
  ASSERT_OK(sig1);
  ASSERT_OK(sig2);
  EXPECT_EQ(*sig1, *sig2);

  std::string pub_pem = key->public_key().ToPem();
  EXPECT_EQ(pub_pem.rfind("-----BEGIN PUBLIC KEY-----\n", 0), 0u) << pub_pem;
  Result<PublicKey> pub = PublicKey::FromPem(pub_pem);
  ASSERT_OK(pub);
  EXPECT_EQ(pub->raw(), key->public_key().raw());
  EXPECT_EQ(pub->key_id(), key->public_key().key_id());
  EXPECT_OK(pub->Verify("m", *sig1));
}

TEST(Ed25519Test, ReadsOpenSslPkcs8Pem) {
  // `openssl genpkey -algorithm ed25519` output for the RFC 8032 TEST 1 seed.
  const std::string pem =
      "-----BEGIN PRIVATE KEY-----\n"
      "MC4CAQAwBQYDK2VwBCIEIJ1hsZ3v/VpguoRK9JLsLMREScVpezJpGXA7rAMcrn9g\n"
      "-----END PRIVATE KEY-----\n";
  Result<PrivateKey> key = PrivateKey::FromPem(pem);
  ASSERT_OK(key);
  EXPECT_EQ(HexEncode(key->public_key().raw()), kVectors[0].public_key);
  EXPECT_EQ(key->ToPem(), pem);
}

TEST(Ed25519Test, FixedFormPemAndOpenSslDecoderAgree) {
  // The fixed-form fast path (plain PEM, CRLF PEM) and OpenSSL's decoders
  // (PEM after explanatory text, which only OpenSSL's reader skips) must
  // give the same key.
  Result<PrivateKey> key = PrivateKey::FromSeed(Unhex(kVectors[0].seed));
  ASSERT_OK(key);
  std::string pem = key->ToPem();
  std::string crlf;
  for (char c : pem) {
    if (c == '\n') crlf += '\r';
    crlf += c;
  }
  for (const std::string& text : {pem, crlf, "key for ci\n" + pem}) {
    Result<PrivateKey> k = PrivateKey::FromPem(text);
    ASSERT_OK(k);
    EXPECT_EQ(HexEncode(k->public_key().raw()), kVectors[0].public_key);
  }
  std::string pub = key->public_key().ToPem();
  for (const std::string& text : {pub, "trusted\n" + pub}) {
    Result<PublicKey> p = PublicKey::FromPem(text);
    ASSERT_OK(p);
    EXPECT_EQ(HexEncode(p->raw()), kVectors[0].public_key);
  }
}

TEST(Ed25519Test, RejectsBadLengths) {
  for (size_t n : {0, 31, 33, 64}) {
    Result<PublicKey> pub = PublicKey::FromRaw(std::string(n, 'a'));
    EXPECT_EQ(pub.status().code(), Code::kInvalidArgument) << n;
    EXPECT_EQ(pub.status().message(), "public key: must be 32 bytes, got " + std::to_string(n));
    Result<PrivateKey> key = PrivateKey::FromSeed(std::string(n, 'a'));
    EXPECT_EQ(key.status().code(), Code::kInvalidArgument) << n;
    EXPECT_EQ(key.status().message(),
              "private key: seed must be 32 bytes, got " + std::to_string(n));
  }
}

TEST(Ed25519Test, RejectsBadPem) {
  EXPECT_EQ(PublicKey::FromPem("garbage").status().code(), Code::kInvalidArgument);
  EXPECT_EQ(PrivateKey::FromPem("garbage").status().code(), Code::kInvalidArgument);
  EXPECT_EQ(PrivateKey::FromPem(std::string(1 << 20, 'A')).status().code(), Code::kInvalidArgument);

  // A private-key PEM is not a public key and vice versa.
  Result<PrivateKey> key = PrivateKey::FromSeed(Unhex(kVectors[0].seed));
  ASSERT_OK(key);
  EXPECT_FALSE(PublicKey::FromPem(key->ToPem()).ok());
  EXPECT_FALSE(PrivateKey::FromPem(key->public_key().ToPem()).ok());

  // A P-256 key is refused by algorithm, not silently accepted.
  const std::string ec_pem =
      "-----BEGIN PUBLIC KEY-----\n"
      "MFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAEedWHnb4Bjb8yFrwHqn3wUrQwFiuJ\n"
      "VvbPik1SiLtFwns45mGs6T2k8chPO8L1mXzgUKA+gu4uLgv88rwfdr1OKg==\n"
      "-----END PUBLIC KEY-----\n";
  Result<PublicKey> ec = PublicKey::FromPem(ec_pem);
  EXPECT_EQ(ec.status().code(), Code::kInvalidArgument);
  EXPECT_NE(ec.status().message().find("is not Ed25519"), std::string::npos)
      << ec.status().ToString();
}

TEST(Ed25519Test, EmptyKeysFailCleanly) {
  PublicKey empty;
  EXPECT_EQ(empty.Verify("m", std::string(64, '\0')).code(), Code::kInvalidArgument);
  EXPECT_EQ(empty.ToPem(), "");

  Result<PrivateKey> key = PrivateKey::Generate();
  ASSERT_OK(key);
  PrivateKey moved = std::move(*key);
  EXPECT_OK(moved.Sign("m"));
  EXPECT_EQ(key->Sign("m").status().code(), Code::kInvalidArgument);  // NOLINT: moved-from
}

TEST(Ed25519Test, CopiesShareTheVerifier) {
  Result<PrivateKey> key = PrivateKey::FromSeed(Unhex(kVectors[0].seed));
  ASSERT_OK(key);
  PublicKey copy = key->public_key();
  PublicKey assigned;
  assigned = copy;
  Result<std::string> sig = key->Sign("x");
  ASSERT_OK(sig);
  EXPECT_OK(copy.Verify("x", *sig));
  EXPECT_OK(assigned.Verify("x", *sig));
}

}  // namespace
}  // namespace custody
