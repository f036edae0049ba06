/* Known-answer tests: these hex strings are public test vectors, not secrets. */
static const char *kSha256Empty = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";
static const char *kAesKey = "000102030405060708090a0b0c0d0e0f";
static const char *kHmacKey = "0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b";
static const char *kUuid = "123e4567-e89b-12d3-a456-426614174000";
