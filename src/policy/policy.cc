#include "custody/policy.h"

#include <toml++/toml.h>

#include "custody/hash.h"

namespace custody {
namespace {

std::string Where(const std::string& path, const toml::source_region& r) {
  return path + ":" + std::to_string(r.begin.line) + ":" + std::to_string(r.begin.column);
}

}  // namespace

Result<Policy> ParsePolicy(std::string_view text, const std::string& path) {
  Policy p;
  p.path = path;
  p.sha256 = Sha256Hex(text);
  toml::table root;
  // toml++ reports errors by exception; this adapter is the only place that
  // sees them (STYLE.md rule 14).
  try {
    root = toml::parse(text, path);
  } catch (const toml::parse_error& e) {
    return Status::InvalidArgument(Where(path, e.source()),
                                   std::string(e.description()) + " (the policy must be TOML)");
  }
  if (auto* project = root["project"].as_table()) {
    if (auto* name = (*project)["name"].node()) {
      if (!name->is_string()) {
        return Status::InvalidArgument(Where(path, name->source()),
                                       "project.name must be a string");
      }
      p.project_name = name->as_string()->get();
    }
  }
  if (auto* prompts = root["prompts"].node()) {
    if (!prompts->is_table()) {
      return Status::InvalidArgument(Where(path, prompts->source()), "prompts must be a table");
    }
    if (auto* storage = (*prompts->as_table())["storage"].node()) {
      if (!storage->is_string()) {
        return Status::InvalidArgument(Where(path, storage->source()),
                                       "prompts.storage must be a string");
      }
      std::string v = storage->as_string()->get();
      if (v != "full" && v != "digest" && v != "redacted") {
        return Status::InvalidArgument(
            Where(path, storage->source()),
            "prompts.storage: \"" + v + "\" is not one of \"full\", \"redacted\", \"digest\"");
      }
      p.prompt_storage = v;
    }
  }
  if (auto* constraints = root["constraints"].node()) {
    if (!constraints->is_table()) {
      return Status::InvalidArgument(Where(path, constraints->source()),
                                     "constraints must be a table");
    }
    if (auto* forbid = (*constraints->as_table())["forbid_ai"].node()) {
      auto* arr = forbid->as_array();
      if (arr == nullptr) {
        return Status::InvalidArgument(Where(path, forbid->source()),
                                       "constraints.forbid_ai must be an array of globs");
      }
      for (auto& item : *arr) {
        if (!item.is_string() || item.as_string()->get().empty()) {
          return Status::InvalidArgument(Where(path, item.source()),
                                         "constraints.forbid_ai entries must be non-empty "
                                         "strings (globs such as \"src/auth/**\")");
        }
        p.forbid_ai.push_back(item.as_string()->get());
      }
    }
  }
  // Both tables are optional arrays of strings.
  auto string_list = [&](const char* table, const char* key,
                         std::vector<std::string>* out) -> Status {
    const toml::node* t = root.get(table);
    if (t == nullptr) return Status::OK();
    if (!t->is_table()) {
      return Status::InvalidArgument(Where(path, t->source()), std::string(table) + " must be a table");
    }
    const toml::node* n = t->as_table()->get(key);
    if (n == nullptr) return Status::OK();
    std::string what = std::string(table) + "." + key + " must be an array of strings";
    if (!n->is_array()) return Status::InvalidArgument(Where(path, n->source()), what);
    for (const toml::node& e : *n->as_array()) {
      if (!e.is_string()) return Status::InvalidArgument(Where(path, e.source()), what);
      out->push_back(e.as_string()->get());
    }
    return Status::OK();
  };
  CUSTODY_RETURN_IF_ERROR(string_list("egress", "allow_domains", &p.egress_allow_domains));
  CUSTODY_RETURN_IF_ERROR(string_list("scan", "ignore_paths", &p.scan_ignore_paths));
  return p;
}

Result<Policy> LoadPolicy(Env& env, const std::string& path) {
  auto text = env.ReadFile(path);
  if (!text.ok()) {
    if (text.status().code() == Code::kNotFound) {
      return Status::NotFound(path, "no policy file (run custody init)");
    }
    return text.status();
  }
  return ParsePolicy(*text, path);
}

std::string PolicyTemplate(std::string_view project_name) {
  std::string out = R"(# custody policy: what AI-written code must satisfy in this repository.
# Every generation checkpoint records the SHA-256 of this file, so changing it
# is visible in the evidence. Reference: docs/policy.md.

[project]
name = ")";
  out += project_name;
  out += R"("

[prompts]
# How prompts are kept. Signed statements never hold the prompt text, only a
# salted digest and a reference.
#   "digest": keep only the salted digest (default; nothing personal is stored)
#   "full":   also keep the text beside the ledger, encrypted with a key per
#             record, so it can be shown to reviewers and erased on request
#   "redacted": like "full", after secrets (tokens, keys, passwords) in the
#             text are replaced by [REDACTED:<kind>]
storage = "digest"

[constraints]
# Paths AI agents must not write (globs; ** spans directories). Agent hooks
# installed by `custody init --agents` refuse such edits before they happen.
# forbid_ai = ["src/auth/**", "**/*.pem"]
)";
  return out;
}

}  // namespace custody
