// Hex, base64 and percent-encoding codecs.
//
// Pure functions over bytes held in std::string / std::string_view (a string
// is a byte buffer here; nothing assumes UTF-8). Thread-safe.
#ifndef CUSTODY_ENCODING_H_
#define CUSTODY_ENCODING_H_

#include <string>
#include <string_view>

#include "custody/status.h"

namespace custody {

// Lowercase hex of `bytes`.
std::string HexEncode(std::string_view bytes);
// Decodes hex (either case). InvalidArgument on odd length or a non-hex digit,
// naming its offset.
Result<std::string> HexDecode(std::string_view hex);

// Standard base64 (RFC 4648 §4) with '=' padding.
std::string Base64Encode(std::string_view bytes);
// URL-safe base64 (RFC 4648 §5) with '=' padding.
std::string Base64UrlEncode(std::string_view bytes);
// Decodes standard or URL-safe base64, padded or not (DSSE verifiers MUST
// accept both alphabets). Rejects whitespace, mixed garbage, bad padding and
// non-zero trailing bits with InvalidArgument naming the offset.
Result<std::string> Base64Decode(std::string_view text);

// Percent-encoding (RFC 3986 §2.1, upper-case hex) of every byte except the
// unreserved characters (ALPHA DIGIT - . _ ~) and those listed in `keep`
// (e.g. "/" to leave path separators alone).
std::string PercentEncode(std::string_view bytes, std::string_view keep = "");

}  // namespace custody

#endif  // CUSTODY_ENCODING_H_
