#include "custody/time.h"

#include <gtest/gtest.h>

#include "common/test_util.h"

namespace custody {
namespace {

TEST(TimeTest, FormatTrimsFraction) {
  EXPECT_EQ(FormatRfc3339(0), "1970-01-01T00:00:00Z");
  EXPECT_EQ(FormatRfc3339(1'500'000'000), "1970-01-01T00:00:01.5Z");
}

TEST(TimeTest, ParseRoundTripsAndOffsets) {
  auto t = ParseRfc3339("2026-11-23T14:09:55.123Z");
  ASSERT_OK(t);
  EXPECT_EQ(FormatRfc3339(*t), "2026-11-23T14:09:55.123Z");
  auto o = ParseRfc3339("2026-11-23T15:09:55+01:00");
  ASSERT_OK(o);
  EXPECT_EQ(FormatRfc3339(*o), "2026-11-23T14:09:55Z");
  auto d = ParseRfc3339("2026-11-23");
  ASSERT_OK(d);
  EXPECT_EQ(FormatRfc3339(*d), "2026-11-23T00:00:00Z");
}

TEST(TimeTest, ParseRejectsNonsense) {
  EXPECT_FALSE(ParseRfc3339("yesterday").ok());
  EXPECT_FALSE(ParseRfc3339("2026-02-31").ok());
  EXPECT_FALSE(ParseRfc3339("2026-11-23T14:09").ok());
  EXPECT_FALSE(ParseRfc3339("2026-11-23T14:09:55").ok());  // zone required
}

TEST(TimeTest, ParseRefusesYearsBeyondInt64Nanos) {
  // 2999 would wrap around into the past (an override "until 2999" that
  // has already expired).
  EXPECT_FALSE(ParseRfc3339("2999-01-01T00:00:00Z").ok());
  EXPECT_FALSE(ParseRfc3339("1600-01-01T00:00:00Z").ok());
  auto t = ParseRfc3339("2261-12-31T23:59:59Z");
  ASSERT_TRUE(t.ok());
  EXPECT_GT(*t, 0);
}

TEST(TimeTest, SinceDurations) {
  int64_t now = 10'000LL * 1'000'000'000;
  auto r = ParseSince("2h", now);
  ASSERT_OK(r);
  EXPECT_EQ(*r, now - 7200LL * 1'000'000'000);
  EXPECT_FALSE(ParseSince("2y", now).ok());
}

}  // namespace
}  // namespace custody
