#include "custody/imports.h"

#include <gtest/gtest.h>

namespace custody {
namespace {

std::string Mods(SourceLanguage l, std::string_view text) {
  std::string s;
  for (const auto& r : ExtractImports(l, text)) {
    s += (s.empty() ? "" : " ") + r.module + ":" + std::to_string(r.line) + (r.optional ? "?" : "");
  }
  return s;
}

TEST(ImportsTest, PythonImports) {
  const char* text =
      "\"\"\"Module doc.\n"
      "import notreal\n"
      "\"\"\"\n"
      "import os, sys\n"
      "import yaml.composer as yc\n"
      "from requests.adapters import HTTPAdapter\n"
      "from . import sibling\n"
      "from .x import y\n"
      "# import commented\n"
      "import numpy as np; import cv2\n"
      "try:\n"
      "    import ujson as json\n"
      "except ImportError:\n"
      "    import json\n"
      "def f():\n"
      "    from bs4 import (\n"
      "        BeautifulSoup,\n"
      "    )\n"
      "    mod = importlib.import_module(\"sklearn.linear_model\")\n"
      "s = 'import fake'\n";
  EXPECT_EQ(Mods(SourceLanguage::kPython, text),
            "os:4 sys:4 yaml:5 requests:6 numpy:10 cv2:10 ujson:12? json:14 bs4:16 sklearn:19");
}

TEST(ImportsTest, JavaScriptImports) {
  const char* text =
      "import React, { useState } from 'react';\n"
      "import {\n"
      "  a,\n"
      "  b,\n"
      "} from \"lodash/fp\";\n"
      "import './styles.css';\n"
      "import type { Foo } from '@scope/types/sub';\n"
      "export { x } from 'left-pad';\n"
      "const fs = require('fs');\n"
      "const ax = require(\"axios\");\n"
      "// import nope from 'commented';\n"
      "/* require('also-commented') */\n"
      "const s = \"import x from 'in-string'\";\n"
      "const lazy = await import('chalk');\n"
      "obj.import('not-a-module');\n";
  EXPECT_EQ(Mods(SourceLanguage::kJavaScript, text),
            "react:1 lodash/fp:5 ./styles.css:6 @scope/types/sub:7 left-pad:8 fs:9 axios:10 chalk:14");
}

TEST(ImportsTest, GoImports) {
  const char* text =
      "package main\n"
      "\n"
      "import \"fmt\"\n"
      "import (\n"
      "    \"net/http\"\n"
      "    log \"github.com/sirupsen/logrus\"\n"
      "    _ \"github.com/lib/pq\"\n"
      "    // \"github.com/commented/out\"\n"
      ")\n"
      "import yaml \"gopkg.in/yaml.v3\"\n";
  EXPECT_EQ(Mods(SourceLanguage::kGo, text),
            "fmt:3 net/http:5 github.com/sirupsen/logrus:6 github.com/lib/pq:7 gopkg.in/yaml.v3:10");
}

TEST(ImportsTest, MapsImportsToPackages) {
  auto pk = [](SourceLanguage l, const char* m) {
    ImportNeed n = PackageForImport(l, m);
    return n.builtin ? std::string("builtin") : n.packages.empty() ? std::string("?") : n.packages[0];
  };
  EXPECT_EQ(pk(SourceLanguage::kPython, "yaml"), "pyyaml");
  EXPECT_EQ(pk(SourceLanguage::kPython, "PIL"), "pillow");
  EXPECT_EQ(pk(SourceLanguage::kPython, "cv2"), "opencv-python");
  EXPECT_EQ(pk(SourceLanguage::kPython, "bs4"), "beautifulsoup4");
  EXPECT_EQ(pk(SourceLanguage::kPython, "dateutil"), "python-dateutil");
  EXPECT_EQ(pk(SourceLanguage::kPython, "requests"), "requests");
  EXPECT_EQ(pk(SourceLanguage::kPython, "typing_extensions"), "typing-extensions");
  EXPECT_EQ(pk(SourceLanguage::kPython, "os"), "builtin");
  EXPECT_EQ(pk(SourceLanguage::kPython, "asyncio"), "builtin");
  EXPECT_EQ(pk(SourceLanguage::kPython, "__future__"), "builtin");
  EXPECT_EQ(pk(SourceLanguage::kJavaScript, "lodash/fp"), "lodash");
  EXPECT_EQ(pk(SourceLanguage::kJavaScript, "@scope/types/sub"), "@scope/types");
  EXPECT_EQ(pk(SourceLanguage::kJavaScript, "fs/promises"), "builtin");
  EXPECT_EQ(pk(SourceLanguage::kJavaScript, "node:crypto"), "builtin");
  EXPECT_EQ(pk(SourceLanguage::kJavaScript, "./x"), "builtin");
  EXPECT_EQ(pk(SourceLanguage::kJavaScript, "@/components/x"), "builtin");
  EXPECT_EQ(pk(SourceLanguage::kGo, "net/http"), "builtin");
  EXPECT_EQ(pk(SourceLanguage::kGo, "github.com/a/b/c"), "github.com/a/b/c");
}

TEST(ImportsTest, FindsOnlyUndeclaredImports) {
  ImportContext ctx;
  auto dep = [](Ecosystem e, const char* n) {
    Package p;
    p.ecosystem = e;
    p.name = n;
    return p;
  };
  ctx.declared = {dep(Ecosystem::kPyPI, "PyYAML"), dep(Ecosystem::kPyPI, "requests"),
                  dep(Ecosystem::kNpm, "lodash"), dep(Ecosystem::kGo, "github.com/sirupsen/logrus")};
  ctx.local_modules = LocalPythonModules({"src/myapp/__init__.py", "src/myapp/util.py", "tools/helper.py"});
  ctx.own_modules = {"example.com/me/app"};
  const char* py =
      "import yaml\nimport requests\nimport myapp.util\nimport helper\nimport flask\nimport flask.json\n"
      "from PIL import Image\nimport os\n";
  auto got = FindUndeclaredImports("src/myapp/views.py", py, ctx);
  ASSERT_EQ(got.size(), 2u);
  EXPECT_EQ(got[0].package, "flask");
  EXPECT_EQ(got[0].line, 5u);
  EXPECT_EQ(got[1].package, "pillow");
  EXPECT_EQ(got[1].module, "PIL");
  std::vector<uint32_t> only = {7};
  auto added = FindUndeclaredImports("src/myapp/views.py", py, ctx, &only);
  ASSERT_EQ(added.size(), 1u);
  EXPECT_EQ(added[0].package, "pillow");

  auto js = FindUndeclaredImports("web/app.ts", "import _ from 'lodash/fp';\nimport ax from 'axios';\n", ctx);
  ASSERT_EQ(js.size(), 1u);
  EXPECT_EQ(js[0].package, "axios");
  EXPECT_EQ(js[0].ecosystem, Ecosystem::kNpm);

  const char* go =
      "package x\nimport (\n \"fmt\"\n \"github.com/sirupsen/logrus/hooks\"\n \"example.com/me/app/internal\"\n"
      " \"github.com/gin-gonic/gin\"\n)\n";
  auto g = FindUndeclaredImports("main.go", go, ctx);
  ASSERT_EQ(g.size(), 1u);
  EXPECT_EQ(g[0].package, "github.com/gin-gonic/gin");
  EXPECT_TRUE(FindUndeclaredImports("README.md", "import flask", ctx).empty());
}

TEST(ImportsTest, HugeOrHostileInputIsBounded) {
  std::string many;
  for (int i = 0; i < 20000; ++i) many += "import a" + std::to_string(i) + "\n";
  EXPECT_EQ(ExtractImports(SourceLanguage::kPython, many).size(), 10000u);
  std::string junk(100000, '"');
  EXPECT_TRUE(ExtractImports(SourceLanguage::kJavaScript, junk).empty());
  std::string unclosed = "/* never closed import x from 'y'";
  EXPECT_TRUE(ExtractImports(SourceLanguage::kGo, unclosed).empty());
  EXPECT_TRUE(ExtractImports(SourceLanguage::kJavaScript, unclosed).empty());
}

}  // namespace
}  // namespace custody
