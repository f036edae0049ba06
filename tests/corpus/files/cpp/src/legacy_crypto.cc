#include <botan/cipher_mode.h>
#include <botan/hash.h>
#include <cryptopp/des.h>
#include <cryptopp/md5.h>
#include <cryptopp/modes.h>

#include <cstdlib>
#include <memory>
#include <string>

std::string Md5Hex(const std::string& in) {
  CryptoPP::Weak::MD5 hash;
  std::string out(16, '\0');
  hash.CalculateDigest(reinterpret_cast<CryptoPP::byte*>(&out[0]),
                       reinterpret_cast<const CryptoPP::byte*>(in.data()), in.size());
  return out;
}

void EncryptEcb() {
  CryptoPP::ECB_Mode<CryptoPP::AES>::Encryption enc;
  CryptoPP::GCM<CryptoPP::AES>::Encryption good;
}

std::unique_ptr<Botan::HashFunction> LegacyHash() {
  return Botan::HashFunction::create_or_throw("SHA-1");
}

std::unique_ptr<Botan::HashFunction> GoodHash() {
  return Botan::HashFunction::create_or_throw("SHA-256");
}

auto LegacyCipher() {
  return Botan::Cipher_Mode::create("DES/CBC/PKCS7", Botan::Cipher_Dir::Encryption);
}

unsigned SessionSeed() {
  unsigned session_id = std::rand();
  return session_id;
}
