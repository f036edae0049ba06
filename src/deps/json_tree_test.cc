#include "deps/json_tree.h"

#include <gtest/gtest.h>

#include "common/test_util.h"

namespace custody::deps {
namespace {

TEST(JsonTreeTest, RecordsTheLineOfEachMember) {
  auto r = ParseJsonTree("{\n  \"a\": 1,\n  \"b\": {\n    \"c\": \"x\\u00e9\\ud83d\\ude00\"\n  },\n  \"d\": [true, null, -1.5e3]\n}", "f.json");
  ASSERT_OK(r);
  EXPECT_EQ(r->Find("a")->line, 2u);
  EXPECT_EQ(r->Find("a")->str, "1");
  const JsonValue* b = r->Find("b");
  ASSERT_TRUE(b != nullptr && b->is_object());
  EXPECT_EQ(b->line, 3u);
  EXPECT_EQ(b->Find("c")->line, 4u);
  EXPECT_EQ(b->GetString("c"), "x\xc3\xa9\xf0\x9f\x98\x80");
  const JsonValue* d = r->Find("d");
  ASSERT_EQ(d->items.size(), 3u);
  EXPECT_TRUE(d->items[0].boolean);
  EXPECT_EQ(d->items[1].type, JsonValue::Type::kNull);
  EXPECT_EQ(d->items[2].str, "-1.5e3");
}

TEST(JsonTreeTest, ErrorsNameFileLineAndColumn) {
  struct Case {
    const char* text;
    const char* error;
  } cases[] = {
      {"{\n  \"a\": 1,\n}", "f.json:3:1: expected a string key"},
      {"{\n  \"a\" 1}", "f.json:2:7: expected ':'"},
      {"[1, 2", "f.json:1:6: unterminated array"},
      {"\"abc", "f.json:1:5: unterminated string"},
      {"{\"a\": tru}", "f.json:1:7: invalid literal"},
      {"01", "f.json:1:2: unexpected text after the JSON value"},
      {"\"\\ud800\"", "f.json:1:8: unpaired surrogate"},
      {"", "f.json:1:1: unexpected end of input"},
  };
  for (const Case& c : cases) {
    auto r = ParseJsonTree(c.text, "f.json");
    ASSERT_FALSE(r.ok()) << c.text;
    EXPECT_EQ(r.status().ToString(), c.error) << c.text;
  }
}

TEST(JsonTreeTest, DeepNestingIsAnErrorNotACrash) {
  std::string deep(100000, '[');
  auto r = ParseJsonTree(deep, "deep.json");
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.status().ToString().find("nesting too deep"), std::string::npos);
}

}  // namespace
}  // namespace custody::deps
