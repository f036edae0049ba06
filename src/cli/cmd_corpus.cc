// custody corpus: index reference code with licences, and find copies of
// it in other code (docs/snippets.md).
#include <chrono>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "cli/cli.h"
#include "custody/snippets.h"

namespace custody::cli {
namespace {

namespace fs = std::filesystem;

struct CorpusArgs {
  std::string dir;
  std::string license;
  std::string name;
  std::string db;
  std::vector<std::string> files;
  uint32_t min_chars = 150;
  bool json = false;
};

std::string Abs(const Globals& g, const std::string& p) {
  if (p.empty() || p[0] == '/') return p;
  return WorkingDir(g) + "/" + p;
}

Result<std::string> DbPath(const CorpusArgs& a) {
  std::string p = a.db.empty() ? DefaultCorpusPath() : a.db;
  if (p.empty()) return Status::InvalidArgument("corpus", "no corpus location (set --db, CUSTODY_CORPUS_DB or HOME)");
  return p;
}

bool ReadFile(const fs::path& p, std::string* out) {
  std::ifstream in(p, std::ios::binary);
  if (!in) return false;
  std::ostringstream ss;
  ss << in.rdbuf();
  *out = ss.str();
  return true;
}

bool LooksBinary(const std::string& s) { return s.find('\0', 0) < std::min<size_t>(s.size(), 8000); }

Result<ExitCode> RunAdd(const Globals& g, const CorpusArgs& a) {
  if (a.license.empty()) return Status::InvalidArgument("--license", "required: the SPDX expression of the code");
  CUSTODY_ASSIGN_OR_RETURN(std::string db, DbPath(a));
  std::string root = Abs(g, a.dir);
  std::error_code ec;
  if (!fs::is_directory(root, ec)) return Status::NotFound(a.dir, "not a directory");
  fs::create_directories(fs::path(db).parent_path(), ec);
  CUSTODY_ASSIGN_OR_RETURN(auto corpus, SnippetCorpus::Open(db, true));
  std::string prefix = a.name.empty() ? fs::path(root).lexically_normal().filename().string() : a.name;
  if (prefix.empty()) prefix = fs::path(root).lexically_normal().parent_path().filename().string();
  size_t seen = 0, added = 0, skipped = 0;
  auto t0 = std::chrono::steady_clock::now();
  CUSTODY_RETURN_IF_ERROR(corpus->Begin());
  fs::recursive_directory_iterator it(root, fs::directory_options::skip_permission_denied, ec), end;
  for (; !ec && it != end; it.increment(ec)) {
    if (it->is_directory(ec) && it->path().filename() == ".git") {
      it.disable_recursion_pending();
      continue;
    }
    if (!it->is_regular_file(ec) || it->file_size(ec) > (5u << 20)) continue;
    std::string text;
    if (!ReadFile(it->path(), &text) || LooksBinary(text)) {
      ++skipped;
      continue;
    }
    ++seen;
    std::string name = prefix + "/" + fs::relative(it->path(), root, ec).generic_string();
    CUSTODY_ASSIGN_OR_RETURN(bool was_added, corpus->Add(name, a.license, text));
    added += was_added;
    if (seen % 2000 == 0) {
      CUSTODY_RETURN_IF_ERROR(corpus->Commit());
      CUSTODY_RETURN_IF_ERROR(corpus->Begin());
      if (!g.quiet && !a.json) Err("custody: corpus: " + std::to_string(seen) + " files read...");
    }
  }
  CUSTODY_RETURN_IF_ERROR(corpus->Commit());
  if (ec) return Status::IOError(a.dir, ec.message());
  double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  CUSTODY_ASSIGN_OR_RETURN(SnippetCorpusStats st, corpus->Stats());
  if (a.json) {
    OutJson({{"db", db}, {"read", seen}, {"added", added}, {"skipped_binary", skipped}, {"files", st.files},
             {"fingerprints", st.fingerprints}});
  } else if (!g.quiet) {
    char buf[32];
    std::snprintf(buf, sizeof buf, "%.1f s", secs);
    Out(std::to_string(added) + " of " + std::to_string(seen) + " files added as " + prefix + "/… under " +
        a.license + " (" + buf + "); the corpus holds " + std::to_string(st.files) + " files, " +
        std::to_string(st.fingerprints) + " fingerprints -> " + db);
  }
  return ExitCode::kOk;
}

Result<ExitCode> RunMatch(const Globals& g, const CorpusArgs& a) {
  CUSTODY_ASSIGN_OR_RETURN(std::string db, DbPath(a));
  CUSTODY_ASSIGN_OR_RETURN(auto corpus, SnippetCorpus::Open(db, false));
  nlohmann::json out = nlohmann::json::array();
  size_t found = 0;
  for (const auto& f : a.files) {
    std::string text;
    if (!ReadFile(Abs(g, f), &text)) return Status::NotFound(f, "cannot read");
    CUSTODY_ASSIGN_OR_RETURN(auto matches, corpus->Match(text, a.min_chars));
    for (const auto& m : matches) {
      ++found;
      if (a.json) {
        out.push_back({{"file", f},
                       {"line", m.line},
                       {"end_line", m.end_line},
                       {"chars", m.chars},
                       {"tokens", m.tokens},
                       {"source", m.source},
                       {"source_line", m.source_line},
                       {"source_end_line", m.source_end_line},
                       {"license", m.license}});
      } else {
        Out(f + ":" + std::to_string(m.line) + "-" + std::to_string(m.end_line) + ": " + std::to_string(m.chars) +
            " characters copied from " + m.source + ":" + std::to_string(m.source_line) + "-" +
            std::to_string(m.source_end_line) + " (" + m.license + ")");
      }
    }
  }
  if (a.json) OutJson(out);
  return found > 0 ? ExitCode::kFailed : ExitCode::kOk;
}

Result<ExitCode> RunStats(const Globals& g, const CorpusArgs& a) {
  CUSTODY_ASSIGN_OR_RETURN(std::string db, DbPath(a));
  CUSTODY_ASSIGN_OR_RETURN(auto corpus, SnippetCorpus::Open(db, false));
  CUSTODY_ASSIGN_OR_RETURN(SnippetCorpusStats st, corpus->Stats());
  if (a.json) {
    OutJson({{"db", db}, {"files", st.files}, {"fingerprints", st.fingerprints}, {"tokens", st.tokens}});
  } else {
    Out(db + ": " + std::to_string(st.files) + " files, " + std::to_string(st.tokens) + " tokens, " +
        std::to_string(st.fingerprints) + " fingerprints");
  }
  return ExitCode::kOk;
}

}  // namespace

void RegisterCorpus(CLI::App& app, Globals& g, Action& action) {
  auto a = std::make_shared<CorpusArgs>();
  CLI::App* cmd = app.add_subcommand("corpus", "Reference code under known licences, and copies of it (docs/snippets.md)");
  cmd->require_subcommand(1);
  CLI::App* add = cmd->add_subcommand("add", "Index every text file below DIR as code under --license");
  add->add_option("dir", a->dir, "Directory of reference code")->required();
  add->add_option("--license", a->license, "SPDX expression of that code (e.g. GPL-2.0-only)")->required();
  add->add_option("--name", a->name, "Name the files are stored under (default: DIR's name)");
  add->add_option("--db", a->db, "Corpus database (default: $CUSTODY_CORPUS_DB or ~/.cache/custody/corpus.db)");
  add->add_flag("--json", a->json, "JSON output");
  add->callback([&g, &action, a] { action = [&g, a] { return RunAdd(g, *a); }; });
  CLI::App* match = cmd->add_subcommand(
      "match", "Report stretches of FILEs copied from indexed code. Exit 0: none; 1: copies found.");
  match->add_option("files", a->files, "Files to check")->required();
  match->add_option("--min-chars", a->min_chars, "Shortest copy reported, in characters (default 150)");
  match->add_option("--db", a->db, "Corpus database");
  match->add_flag("--json", a->json, "JSON output");
  match->callback([&g, &action, a] { action = [&g, a] { return RunMatch(g, *a); }; });
  CLI::App* stats = cmd->add_subcommand("stats", "What the corpus holds");
  stats->add_option("--db", a->db, "Corpus database");
  stats->add_flag("--json", a->json, "JSON output");
  stats->callback([&g, &action, a] { action = [&g, a] { return RunStats(g, *a); }; });
}

}  // namespace custody::cli
