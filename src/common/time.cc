#include <cstdint>
#include "custody/time.h"

#include <cctype>
#include <ctime>

namespace custody {
namespace {

constexpr int64_t kNanosPerSecond = 1'000'000'000;

bool ReadDigits(std::string_view s, size_t& pos, int count, int& out) {
  if (pos + count > s.size()) return false;
  out = 0;
  for (int i = 0; i < count; ++i) {
    char c = s[pos + i];
    if (c < '0' || c > '9') return false;
    out = out * 10 + (c - '0');
  }
  pos += count;
  return true;
}

bool Expect(std::string_view s, size_t& pos, char c) {
  if (pos < s.size() && s[pos] == c) {
    ++pos;
    return true;
  }
  return false;
}

Status BadTime(std::string_view text) {
  return Status::InvalidArgument(
      std::string("\"") + std::string(text) + "\"",
      "not a time (expected RFC 3339 like 2026-11-23T14:09:55Z, a date like 2026-11-23, or a "
      "duration like 2h or 7d)");
}

}  // namespace

std::string FormatRfc3339(int64_t unix_nanos) {
  int64_t secs = unix_nanos / kNanosPerSecond;
  int64_t frac = unix_nanos % kNanosPerSecond;
  if (frac < 0) {
    frac += kNanosPerSecond;
    --secs;
  }
  time_t t = static_cast<time_t>(secs);
  struct tm tm;
  gmtime_r(&t, &tm);
  char buf[64];
  strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%S", &tm);
  std::string out = buf;
  if (frac != 0) {
    char f[16];
    snprintf(f, sizeof f, ".%09lld", static_cast<long long>(frac));
    std::string fs = f;
    while (fs.back() == '0') fs.pop_back();
    out += fs;
  }
  out += 'Z';
  return out;
}

Result<int64_t> ParseRfc3339(std::string_view s) {
  size_t pos = 0;
  int year, mon, day, hour = 0, min = 0, sec = 0;
  if (!ReadDigits(s, pos, 4, year) || !Expect(s, pos, '-') || !ReadDigits(s, pos, 2, mon) ||
      !Expect(s, pos, '-') || !ReadDigits(s, pos, 2, day)) {
    return BadTime(s);
  }
  int64_t nanos = 0;
  int64_t offset_secs = 0;
  if (pos < s.size()) {
    if (s[pos] != 'T' && s[pos] != 't' && s[pos] != ' ') return BadTime(s);
    ++pos;
    if (!ReadDigits(s, pos, 2, hour) || !Expect(s, pos, ':') || !ReadDigits(s, pos, 2, min) ||
        !Expect(s, pos, ':') || !ReadDigits(s, pos, 2, sec)) {
      return BadTime(s);
    }
    if (Expect(s, pos, '.')) {
      int digits = 0;
      while (pos < s.size() && std::isdigit(static_cast<unsigned char>(s[pos]))) {
        if (digits < 9) nanos = nanos * 10 + (s[pos] - '0');
        ++digits;
        ++pos;
      }
      if (digits == 0) return BadTime(s);
      for (int i = digits; i < 9; ++i) nanos *= 10;
    }
    if (Expect(s, pos, 'Z') || Expect(s, pos, 'z')) {
      // UTC.
    } else if (pos < s.size() && (s[pos] == '+' || s[pos] == '-')) {
      int sign = s[pos] == '-' ? -1 : 1;
      ++pos;
      int oh, om;
      if (!ReadDigits(s, pos, 2, oh) || !Expect(s, pos, ':') || !ReadDigits(s, pos, 2, om)) {
        return BadTime(s);
      }
      offset_secs = sign * (oh * 3600 + om * 60);
    } else {
      return BadTime(s);
    }
    if (pos != s.size()) return BadTime(s);
  }
  if (mon < 1 || mon > 12 || day < 1 || day > 31 || hour > 23 || min > 59 || sec > 60) {
    return BadTime(s);
  }
  struct tm tm = {};
  tm.tm_year = year - 1900;
  tm.tm_mon = mon - 1;
  tm.tm_mday = day;
  tm.tm_hour = hour;
  tm.tm_min = min;
  tm.tm_sec = sec;
  time_t t = timegm(&tm);
  // timegm normalises 31 February into March; refuse dates that moved.
  struct tm back;
  gmtime_r(&t, &back);
  if (back.tm_mday != day && sec != 60) return BadTime(s);
  // Unix nanoseconds in an int64 end in April 2262 (and start in 1677);
  // later years would wrap around into the past.
  int64_t secs = static_cast<int64_t>(t) - offset_secs;
  if (secs > INT64_MAX / kNanosPerSecond - 1 || secs < INT64_MIN / kNanosPerSecond + 1) {
    return Status::InvalidArgument(s, "is outside the years 1678 to 2261");
  }
  return secs * kNanosPerSecond + nanos;
}

Result<int64_t> ParseSince(std::string_view text, int64_t now_unix_nanos) {
  if (text.size() >= 2) {
    char unit = text.back();
    std::string_view num = text.substr(0, text.size() - 1);
    bool all_digits = !num.empty() && num.size() <= 9;
    for (char c : num) all_digits = all_digits && std::isdigit(static_cast<unsigned char>(c));
    int64_t mult = 0;
    switch (unit) {
      case 's': mult = 1; break;
      case 'm': mult = 60; break;
      case 'h': mult = 3600; break;
      case 'd': mult = 86400; break;
      case 'w': mult = 7 * 86400; break;
      default: break;
    }
    if (all_digits && mult != 0) {
      int64_t n = std::stoll(std::string(num));
      return now_unix_nanos - n * mult * kNanosPerSecond;
    }
  }
  return ParseRfc3339(text);
}

}  // namespace custody
