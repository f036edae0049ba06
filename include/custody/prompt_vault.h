// Prompt texts kept beside the ledger, encrypted per record (AES-256-GCM via
// OpenSSL), so that erasing one (GDPR art. 17, retention) only deletes its
// key: every signature and log proof still verifies ("crypto-shredding").
//
// The signed statement carries PromptRef: the salted digest
// SHA-256(salt || text) and the record's reference. The salt is random per
// record and is never signed, so a digest of a short prompt cannot be
// reversed by guessing without the vault. Pure functions; thread-safe.
#ifndef CUSTODY_PROMPT_VAULT_H_
#define CUSTODY_PROMPT_VAULT_H_

#include <string>
#include <string_view>

#include "custody/predicates.h"
#include "custody/status.h"
#include "custody/store.h"

namespace custody {

struct SealedPrompt {
  PromptRef ref;        // goes into the statement
  StoredPrompt record;  // goes into the store, in the same transaction
};

// Seals `text`. `storage` is "full" (text encrypted and kept) or "digest"
// (only salt and digest kept). InvalidArgument for another storage mode.
Result<SealedPrompt> SealPrompt(std::string_view text, std::string_view storage,
                                int64_t now_unix_nanos);

// Decrypts a stored prompt. NotFound when it was kept as a digest only or
// has been erased; Corruption when the ciphertext fails authentication.
Result<std::string> OpenPrompt(const StoredPrompt& record);

// OK when `text` is the prompt the record's digest commits to.
Status CheckPromptDigest(const StoredPrompt& record, std::string_view text,
                         std::string_view digest_sha256_hex);

}  // namespace custody

#endif  // CUSTODY_PROMPT_VAULT_H_
