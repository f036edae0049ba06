#include "custody/snippets.h"

#include <gtest/gtest.h>

#include <fstream>

#include "common/test_util.h"

namespace custody {
namespace {

using ::custody::testing::ScopedTempDir;

// A realistic licensed function: a red-black tree rotation and insert fixup.
const char* kLicensed = R"(/* SPDX-License-Identifier: GPL-2.0-only
 * Red-black tree helpers.
 */
#include "rbtree.h"

static void rotate_left(struct rb_root *root, struct rb_node *node)
{
	struct rb_node *right = node->rb_right;
	struct rb_node *parent = rb_parent(node);

	if ((node->rb_right = right->rb_left))
		rb_set_parent(right->rb_left, node);
	right->rb_left = node;
	rb_set_parent(right, parent);
	if (parent) {
		if (node == parent->rb_left)
			parent->rb_left = right;
		else
			parent->rb_right = right;
	} else
		root->rb_node = right;
	rb_set_parent(node, right);
}

void rb_insert_color(struct rb_node *node, struct rb_root *root)
{
	struct rb_node *parent, *gparent;

	while ((parent = rb_parent(node)) && rb_is_red(parent)) {
		gparent = rb_parent(parent);
		if (parent == gparent->rb_left) {
			register struct rb_node *uncle = gparent->rb_right;
			if (uncle && rb_is_red(uncle)) {
				rb_set_black(uncle);
				rb_set_black(parent);
				rb_set_red(gparent);
				node = gparent;
				continue;
			}
		}
	}
	rb_set_black(root->rb_node);
}
)";

std::unique_ptr<SnippetCorpus> OpenCorpus(const std::string& path) {
  auto c = SnippetCorpus::Open(path, true);
  EXPECT_TRUE(c.ok()) << c.status().ToString();
  return c.ok() ? std::move(*c) : nullptr;
}

TEST(SnippetsTest, TokensDropWhitespaceAndComments) {
  auto a = SnippetTokens("int  x = 1; // one\n/* two\n */ return  X;\n# pragma\n\"s t\"");
  std::vector<uint32_t> lines;
  for (const auto& t : a) lines.push_back(t.line);
  EXPECT_EQ(a.size(), 9u);  // int x = 1 ; return X ; "s t"
  EXPECT_EQ(lines, (std::vector<uint32_t>{1, 1, 1, 1, 1, 3, 3, 3, 5}));
  auto b = SnippetTokens("INT x=1;\treturn x;");
  ASSERT_EQ(b.size(), 8u);
  for (size_t i = 0; i < 8; ++i) EXPECT_EQ(a[i].hash, b[i].hash) << i;
}

TEST(SnippetsTest, FindsAReformattedCopyWithItsSourceAndLicence) {
  ScopedTempDir tmp;
  auto c = OpenCorpus(tmp.path() + "/corpus.db");
  ASSERT_NE(c, nullptr);
  auto added = c->Add("linux/lib/rbtree.c", "GPL-2.0-only", kLicensed);
  ASSERT_TRUE(added.ok() && *added);
  auto again = c->Add("copy/rbtree.c", "GPL-2.0-only", kLicensed);
  ASSERT_TRUE(again.ok());
  EXPECT_FALSE(*again) << "the same text is indexed once";

  // The AI-written file: own code around a re-indented, re-commented copy
  // of rotate_left.
  std::string query =
      "#include <stdio.h>\n"
      "int helper(int a) { return a * 2; }\n"
      "\n"
      "// Rotate the subtree at node to the left.\n"
      "static void rotate_left(struct rb_root *root, struct rb_node *node) {\n"
      "    struct rb_node *right = node->rb_right;   /* new top */\n"
      "    struct rb_node *parent = rb_parent(node);\n"
      "    if ((node->rb_right = right->rb_left)) rb_set_parent(right->rb_left, node);\n"
      "    right->rb_left = node;\n"
      "    rb_set_parent(right, parent);\n"
      "    if (parent) {\n"
      "        if (node == parent->rb_left) parent->rb_left = right;\n"
      "        else parent->rb_right = right;\n"
      "    } else root->rb_node = right;\n"
      "    rb_set_parent(node, right);\n"
      "}\n"
      "int main(void) { printf(\"%d\\n\", helper(2)); return 0; }\n";
  auto m = c->Match(query);
  ASSERT_TRUE(m.ok()) << m.status().ToString();
  ASSERT_EQ(m->size(), 1u);
  const SnippetMatch& s = (*m)[0];
  EXPECT_EQ(s.source, "linux/lib/rbtree.c");
  EXPECT_EQ(s.license, "GPL-2.0-only");
  EXPECT_EQ(s.line, 5u);
  EXPECT_EQ(s.end_line, 16u);
  EXPECT_EQ(s.source_line, 6u);
  EXPECT_EQ(s.source_end_line, 23u);
  EXPECT_GE(s.chars, 150u);

  // Under 150 characters of shared code is not reported.
  auto small = c->Match("void f(void) {\n\trb_set_parent(right, parent);\n\tright->rb_left = node;\n}\n");
  ASSERT_TRUE(small.ok());
  EXPECT_TRUE(small->empty());
  // Unrelated code of similar shape is not reported.
  auto other = c->Match(
      "static void rotate_right(struct avl *t, struct avl_node *n) {\n"
      "  struct avl_node *l = n->left; n->left = l->right; l->right = n;\n"
      "  n->height = max(height(n->left), height(n->right)) + 1;\n"
      "  l->height = max(height(l->left), n->height) + 1; t->root = l;\n}\n");
  ASSERT_TRUE(other.ok());
  EXPECT_TRUE(other->empty());
  auto st = c->Stats();
  ASSERT_TRUE(st.ok());
  EXPECT_EQ(st->files, 1u);
  EXPECT_GT(st->fingerprints, 20u);
}

TEST(SnippetsTest, OpenErrors) {
  ScopedTempDir tmp;
  EXPECT_EQ(SnippetCorpus::Open(tmp.path() + "/none.db", false).status().code(), Code::kNotFound);
  std::string junk = tmp.path() + "/junk.db";
  std::ofstream(junk) << "this is not a database, just text that is long enough to be read as a header.....";
  EXPECT_EQ(SnippetCorpus::Open(junk, true).status().code(), Code::kCorruption);
}

}  // namespace
}  // namespace custody

namespace custody {
namespace {

TEST(SnippetsTest, LinesSurviveUnterminatedAndMultilineStrings) {
  auto t = SnippetTokens("a = \"\"\"doc\nmore\n\"\"\"\nb = 'x\nc = `t\nu`\nd\n");
  ASSERT_FALSE(t.empty());
  EXPECT_EQ(t.back().line, 7u);  // d
  std::vector<uint32_t> lines;
  for (const auto& k : t) lines.push_back(k.line);
  EXPECT_TRUE(std::is_sorted(lines.begin(), lines.end()));
}

}  // namespace
}  // namespace custody
