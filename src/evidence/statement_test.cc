#include "custody/statement.h"

#include <gtest/gtest.h>

#include <string>

#include "common/test_util.h"

namespace custody {
namespace {

using nlohmann::json;

// The payload of the reference envelope (attestation.md section (a)).
constexpr std::string_view kReferencePayload =
    R"({"_type":"https://in-toto.io/Statement/v1","subject":[{"name":"src/main.cpp","digest":{"sha256":"deac66ccb79f6d31c0fa7d358de48e083c15c02ff50ec1ebd4b64314b9e6e196"}}],"predicateType":"https://in-toto.io/attestation/test-result/v0.1","predicate":{"result":"PASSED","configuration":[{"name":"ctest","digest":{"sha256":"f1de2b52ad646a38f9359e36c8b02b2e27bb9015370d9175029a5595891305ba"}}]}})";

constexpr char kSha[] = "deac66ccb79f6d31c0fa7d358de48e083c15c02ff50ec1ebd4b64314b9e6e196";

// A valid statement document that tests then break one field at a time.
json ValidDoc() { return json::parse(kReferencePayload); }

std::string ParseError(const json& doc) {
  Result<Statement> st = ParseStatement(doc.dump());
  EXPECT_FALSE(st.ok()) << doc.dump();
  if (st.ok()) return "";
  EXPECT_EQ(st.status().code(), Code::kInvalidArgument);
  return st.status().message();
}

TEST(StatementTest, ParsesReferencePayload) {
  Result<Statement> st = ParseStatement(kReferencePayload);
  ASSERT_OK(st);
  ASSERT_EQ(st->subject.size(), 1u);
  EXPECT_EQ(st->subject[0].name, "src/main.cpp");
  EXPECT_EQ(st->subject[0].digest.at("sha256"), kSha);
  EXPECT_EQ(st->predicate_type, "https://in-toto.io/attestation/test-result/v0.1");
  EXPECT_EQ(st->predicate["result"], "PASSED");
}

TEST(StatementTest, SerializeIsCompactSortedAndRoundTrips) {
  Statement st;
  ResourceDescriptor rd;
  rd.name = "b.txt";
  rd.digest["sha256"] = kSha;
  rd.digest["gitBlob"] = "5ab2f8a4323abafb10abb68657d9d39f1a775057";
  st.subject.push_back(rd);
  st.predicate_type = "https://custody.dev/generation/v1";
  st.predicate = json{{"zeta", 1}, {"alpha", {{"y", true}, {"x", nullptr}}}};

  std::string text = SerializeStatement(st);
  EXPECT_EQ(
      text,
      R"({"_type":"https://in-toto.io/Statement/v1","predicate":{"alpha":{"x":null,"y":true},)"
      R"("zeta":1},"predicateType":"https://custody.dev/generation/v1","subject":[{"digest":)"
      R"({"gitBlob":"5ab2f8a4323abafb10abb68657d9d39f1a775057","sha256":")" +
          std::string(kSha) + R"("},"name":"b.txt"}]})");

  Result<Statement> back = ParseStatement(text);
  ASSERT_OK(back);
  EXPECT_EQ(SerializeStatement(*back), text);
}

TEST(StatementTest, SerializeOmitsAbsentFieldsAndEncodesContent) {
  Statement st;
  ResourceDescriptor rd;
  rd.uri = "https://example.com/x";
  rd.content = std::string("\x00\x01hi", 4);
  rd.media_type = "text/plain";
  rd.download_location = "https://example.com/dl";
  rd.annotations = json{{"k", "v"}};
  st.subject.push_back(rd);
  st.predicate_type = "t";
  json j = json::parse(SerializeStatement(st));
  EXPECT_FALSE(j.contains("predicate"));
  EXPECT_EQ(j["subject"][0]["content"], "AAFoaQ==");
  EXPECT_EQ(j["subject"][0]["mediaType"], "text/plain");
  EXPECT_EQ(j["subject"][0]["downloadLocation"], "https://example.com/dl");
  EXPECT_FALSE(j["subject"][0].contains("name"));

  Result<ResourceDescriptor> back = ResourceDescriptorFromJson(j["subject"][0], "x");
  ASSERT_OK(back);
  EXPECT_EQ(back->content, rd.content);
  EXPECT_EQ(back->annotations["k"], "v");
}

TEST(StatementTest, SerializeNeverThrowsOnInvalidUtf8) {
  Statement st;
  ResourceDescriptor rd;
  rd.name = "bad\xff name";
  rd.digest["sha256"] = kSha;
  st.subject.push_back(rd);
  st.predicate_type = "t";
  std::string text = SerializeStatement(st);
  Result<Statement> back = ParseStatement(text);
  ASSERT_OK(back);
  EXPECT_EQ(back->subject[0].name, "bad\xef\xbf\xbd name");
}

TEST(StatementTest, IgnoresUnknownFields) {
  json doc = ValidDoc();
  doc["futureField"] = {1, 2};
  doc["subject"][0]["somethingNew"] = "x";
  doc["subject"][0]["digest"]["somecoolhash"] = "not-hex-at-all";
  Result<Statement> st = ParseStatement(doc.dump());
  ASSERT_OK(st);
  EXPECT_EQ(st->subject[0].digest.at("somecoolhash"), "not-hex-at-all");
}

TEST(StatementTest, RejectsWrongOrMissingType) {
  json doc = ValidDoc();
  doc.erase("_type");
  EXPECT_EQ(ParseError(doc),
            "statement: _type: missing (want \"https://in-toto.io/Statement/v1\")");
  doc["_type"] = "https://in-toto.io/Statement/v0.1";
  EXPECT_EQ(ParseError(doc),
            "statement: _type: \"https://in-toto.io/Statement/v0.1\" is not "
            "\"https://in-toto.io/Statement/v1\"");
  doc["_type"] = 1;
  EXPECT_EQ(ParseError(doc), "statement: _type: must be a string, not number");
}

TEST(StatementTest, RejectsBadSubject) {
  json doc = ValidDoc();
  doc.erase("subject");
  EXPECT_EQ(ParseError(doc), "statement: subject: missing (want a non-empty array)");
  doc["subject"] = json::array();
  EXPECT_EQ(ParseError(doc), "statement: subject: must be a non-empty array");
  doc["subject"] = json::object();
  EXPECT_EQ(ParseError(doc), "statement: subject: must be a non-empty array, not object");
  doc["subject"] = json::array({"x"});
  EXPECT_EQ(ParseError(doc), "statement: subject[0]: must be an object, not string");
}

TEST(StatementTest, RejectsDescriptorWithoutUriDigestOrContent) {
  json doc = ValidDoc();
  doc["subject"].push_back({{"name", "only-a-name"}});
  EXPECT_EQ(ParseError(doc),
            "statement: subject[1]: must set at least one of uri, digest, content");

  // Subjects in particular need a digest (statement.md: "MUST have digest").
  doc["subject"][1]["uri"] = "https://example.com";
  EXPECT_NE(ParseError(doc).find("statement: subject[1].digest: missing"), std::string::npos);

  Result<ResourceDescriptor> rd =
      ResourceDescriptorFromJson(json{{"name", "x"}}, "predicate.configuration[0]");
  EXPECT_EQ(rd.status().message(),
            "predicate.configuration[0]: must set at least one of uri, digest, content");
}

TEST(StatementTest, RejectsBadDigests) {
  json doc = ValidDoc();
  for (int i = 0; i < 2; ++i) doc["subject"].push_back(doc["subject"][0]);

  doc["subject"][2]["digest"] = json::object();
  EXPECT_EQ(ParseError(doc),
            "statement: subject[2].digest: must be a non-empty object of lowercase algorithm "
            "→ lowercase hex");
  doc["subject"][2]["digest"] = "abc";
  EXPECT_EQ(ParseError(doc),
            "statement: subject[2].digest: must be a non-empty object of lowercase algorithm "
            "→ lowercase hex");

  doc["subject"][2]["digest"] = {{"sha256", std::string(kSha).substr(1)}};
  EXPECT_EQ(ParseError(doc),
            "statement: subject[2].digest.sha256: must be 64 lowercase hex digits "
            "(got 63 characters)");
  std::string upper = kSha;
  upper[0] = 'D';
  doc["subject"][2]["digest"] = {{"sha256", upper}};
  EXPECT_EQ(ParseError(doc), "statement: subject[2].digest.sha256: must be lowercase hex");
  doc["subject"][2]["digest"] = {{"sha256", 5}};
  EXPECT_EQ(ParseError(doc), "statement: subject[2].digest.sha256: must be a string, not number");
  doc["subject"][2]["digest"] = {{"sha256", ""}};
  EXPECT_EQ(ParseError(doc), "statement: subject[2].digest.sha256: must not be empty");

  doc["subject"][2]["digest"] = {{"gitCommit", std::string(39, 'a')}};
  EXPECT_EQ(ParseError(doc),
            "statement: subject[2].digest.gitCommit: must be 40 or 64 lowercase hex digits "
            "(got 39 characters)");
  for (size_t n : {40, 64}) {
    doc["subject"][2]["digest"] = {{"gitCommit", std::string(n, 'a')}};
    EXPECT_OK(ParseStatement(doc.dump()));
  }
  doc["subject"][2]["digest"] = {{"blake2b", std::string(33, 'a')}};
  EXPECT_NE(ParseError(doc).find("must be an even number"), std::string::npos);
}

TEST(StatementTest, RejectsBadPredicateTypeAndPredicate) {
  json doc = ValidDoc();
  doc.erase("predicateType");
  EXPECT_EQ(ParseError(doc), "statement: predicateType: missing (want a TypeURI string)");
  doc["predicateType"] = json::array();
  EXPECT_EQ(ParseError(doc), "statement: predicateType: must be a string, not array");
  doc["predicateType"] = "";
  EXPECT_EQ(ParseError(doc), "statement: predicateType: must not be empty");
  doc["predicateType"] = "https://example.com/p/v1";
  doc["predicate"] = "text";
  EXPECT_EQ(ParseError(doc), "statement: predicate: must be an object, not string");
  doc["predicate"] = nullptr;
  EXPECT_EQ(ParseError(doc), "statement: predicate: must be an object, not null");
  doc.erase("predicate");
  Result<Statement> st = ParseStatement(doc.dump());
  ASSERT_OK(st);
  EXPECT_TRUE(st->predicate.is_null());
}

TEST(StatementTest, RejectsBadOptionalFields) {
  json doc = ValidDoc();
  doc["subject"][0]["name"] = 7;
  EXPECT_EQ(ParseError(doc), "statement: subject[0].name: must be a string, not number");
  doc = ValidDoc();
  doc["subject"][0]["content"] = "%%%";
  EXPECT_NE(ParseError(doc).find("statement: subject[0].content: not base64"), std::string::npos);
  doc = ValidDoc();
  doc["subject"][0]["annotations"] = json::array();
  EXPECT_EQ(ParseError(doc), "statement: subject[0].annotations: must be an object, not array");
}

TEST(StatementTest, RejectsMalformedJson) {
  Result<Statement> st = ParseStatement(std::string(kReferencePayload).substr(0, 100));
  EXPECT_EQ(st.status().code(), Code::kInvalidArgument);
  EXPECT_EQ(
      st.status().message().rfind("statement: invalid JSON: parse error at line 1, column ", 0), 0u)
      << st.status().ToString();

  EXPECT_EQ(ParseStatement("[]").status().message(), "statement: must be a JSON object, not array");
  EXPECT_EQ(ParseStatement("").status().code(), Code::kInvalidArgument);
  EXPECT_EQ(ParseStatement(std::string(kReferencePayload) + "x").status().code(),
            Code::kInvalidArgument);
  EXPECT_EQ(ParseStatement("{\"a\":\"\xff\"}").status().code(), Code::kInvalidArgument);
}

TEST(StatementTest, RejectsDuplicateKeys) {
  // Two readers could otherwise disagree about which _type was signed.
  std::string text(kReferencePayload);
  text.insert(1, R"("predicateType":"https://evil.example/v1",)");
  EXPECT_EQ(ParseStatement(text).status().message(),
            "statement: invalid JSON: duplicate key \"predicateType\"");
}

TEST(StatementTest, RejectsDeepNestingAndHugeInput) {
  std::string deep = std::string(1000, '[') + std::string(1000, ']');
  EXPECT_EQ(ParseStatement(deep).status().message(),
            "statement: invalid JSON: nesting deeper than 64");
  // 64 levels are fine for the parser (the statement is still invalid).
  std::string ok_depth = "{\"a\":" + std::string(63, '[') + std::string(63, ']') + "}";
  EXPECT_EQ(ParseStatement(ok_depth).status().message(),
            "statement: _type: missing (want \"https://in-toto.io/Statement/v1\")");

  std::string huge(16 * 1024 * 1024 + 1, ' ');
  EXPECT_EQ(ParseStatement(huge).status().message(),
            "statement: larger than 16 MiB (16777217 bytes)");
}

}  // namespace
}  // namespace custody
