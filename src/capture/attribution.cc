#include "custody/attribution.h"

#include <algorithm>
#include <cctype>

#include "custody/dsse.h"
#include "custody/encoding.h"
#include "custody/hash.h"
#include "custody/project.h"
#include "custody/time.h"

namespace custody {
namespace {

constexpr double kEditSimilarity = 0.5;
// A line of at least this many characters (normalised) is distinctive enough
// to be attributed to a checkpoint that wrote it to another path (renames,
// moved code); shorter lines must match on the same path.
constexpr size_t kCrossPathMinChars = 10;

std::string Lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

std::string Trim(std::string_view s) { return std::string(NormaliseLine(s)); }

std::vector<std::string_view> SplitLines(std::string_view text) {
  std::vector<std::string_view> out;
  size_t pos = 0;
  while (pos < text.size()) {
    size_t nl = text.find('\n', pos);
    if (nl == std::string_view::npos) nl = text.size();
    out.push_back(text.substr(pos, nl - pos));
    pos = nl + 1;
  }
  return out;
}

std::vector<std::string> Tokens(std::string_view s) {
  std::vector<std::string> out;
  size_t i = 0;
  while (i < s.size()) {
    unsigned char c = static_cast<unsigned char>(s[i]);
    if (std::isspace(c)) {
      ++i;
    } else if (std::isalnum(c) || c == '_') {
      size_t j = i;
      while (j < s.size() && (std::isalnum(static_cast<unsigned char>(s[j])) || s[j] == '_')) ++j;
      out.emplace_back(s.substr(i, j - i));
      i = j;
    } else {
      out.emplace_back(1, s[i]);
      ++i;
    }
  }
  return out;
}

// One added line while a file is being attributed.
struct WorkLine {
  int line = 0;
  std::string text;
  std::string key;  // DigestBytes(LineHash(text))
  bool blank = false;
  bool trivial = false;
  LineKind kind = LineKind::kHuman;
  std::string checkpoint;
  const LineOrigin* origin = nullptr;  // the origin picked for a hash match
  std::vector<const LineOrigin*> all;  // every valid origin (trivial lines choose among them)
};

struct Lookup {
  const OriginMap* log = nullptr;
  const OriginMap* carried = nullptr;
  const OriginMap* carried_edited = nullptr;
  int64_t limit_nanos = 0;

  // Valid origins of `key` for a line of `path`: recorded no later than the
  // commit, on the same path first; other paths only for distinctive lines.
  std::vector<const LineOrigin*> Valid(const OriginMap* m, const std::string& key,
                                       const std::string& path, const std::string& alt_path,
                                       size_t norm_len) const {
    std::vector<const LineOrigin*> same, other;
    if (m == nullptr) return same;
    auto it = m->find(key);
    if (it == m->end()) return same;
    for (const auto& o : it->second) {
      if (o.timestamp_unix_nanos > limit_nanos) continue;
      if (o.path == path || (!alt_path.empty() && o.path == alt_path)) {
        same.push_back(&o);
      } else if (norm_len >= kCrossPathMinChars) {
        other.push_back(&o);
      }
    }
    same.insert(same.end(), other.begin(), other.end());
    return same;
  }
  std::vector<const LineOrigin*> Ai(const std::string& key, const std::string& path,
                                    const std::string& alt, size_t len) const {
    auto v = Valid(log, key, path, alt, len);
    auto c = Valid(carried, key, path, alt, len);
    v.insert(v.end(), c.begin(), c.end());
    return v;
  }
};

void NoteCheckpoint(const LineOrigin& o, Attribution* a) {
  if (a->checkpoints.count(o.checkpoint_id)) return;
  CheckpointRef ref;
  ref.id = o.checkpoint_id;
  ref.index = o.checkpoint_index;
  ref.agent = o.agent;
  ref.model = o.model;
  ref.session_id = o.session_id;
  a->checkpoints.emplace(ref.id, std::move(ref));
}

// Attributes the added lines of one hunk (a contiguous block of new lines).
void AttributeBlock(std::vector<WorkLine>& block, const std::vector<DiffLine>& removed,
                    const FileDiff& file, const Lookup& lk) {
  // Pass 1: distinctive lines with a hash match are AI.
  for (auto& l : block) {
    if (l.blank) continue;
    size_t len = NormaliseLine(l.text).size();
    l.all = lk.Ai(l.key, file.path, file.old_path, len);
    if (!l.trivial && !l.all.empty()) {
      l.kind = LineKind::kAi;
      l.origin = l.all.front();
      l.checkpoint = l.origin->checkpoint_id;
    }
  }
  // Pass 2: trivial lines ("}", "});") count as AI only inside a block that
  // has distinctive AI lines, taking the checkpoint of the nearest one.
  for (size_t i = 0; i < block.size(); ++i) {
    auto& l = block[i];
    if (l.blank || !l.trivial || l.all.empty()) continue;
    const WorkLine* near = nullptr;
    for (size_t d = 1; d < block.size() && near == nullptr; ++d) {
      if (i >= d && block[i - d].kind == LineKind::kAi && !block[i - d].trivial) near = &block[i - d];
      else if (i + d < block.size() && block[i + d].kind == LineKind::kAi && !block[i + d].trivial)
        near = &block[i + d];
    }
    if (near == nullptr) continue;
    l.kind = LineKind::kAi;
    l.origin = l.all.front();
    for (const LineOrigin* o : l.all) {
      if (o->checkpoint_id == near->checkpoint) l.origin = o;
    }
    l.checkpoint = l.origin->checkpoint_id;
  }
  // Pass 3: lines an earlier attribution already knew as AI-then-edited.
  for (auto& l : block) {
    if (l.blank || l.kind != LineKind::kHuman) continue;
    auto e = lk.Valid(lk.carried_edited, l.key, file.path, file.old_path,
                      NormaliseLine(l.text).size());
    if (!e.empty()) {
      l.kind = LineKind::kAiEdited;
      l.origin = e.front();
      l.checkpoint = l.origin->checkpoint_id;
    }
  }
  // Pass 4 (edited after an earlier commit): the hunk removed AI lines and a
  // new line resembles one of them.
  std::vector<std::pair<const DiffLine*, const LineOrigin*>> removed_ai;
  for (const auto& r : removed) {
    if (NormaliseLine(r.text).empty()) continue;
    std::string key = DigestBytes(LineHash(r.text));
    auto v = lk.Ai(key, file.old_path, file.path, NormaliseLine(r.text).size());
    if (!v.empty()) removed_ai.emplace_back(&r, v.front());
  }
  if (!removed_ai.empty()) {
    for (auto& l : block) {
      if (l.blank || l.kind != LineKind::kHuman || l.trivial) continue;
      double best = 0;
      const LineOrigin* from = nullptr;
      for (const auto& [r, o] : removed_ai) {
        double s = TokenSimilarity(l.text, r->text);
        if (s > best) best = s, from = o;
      }
      if (best >= kEditSimilarity && from != nullptr) {
        l.kind = LineKind::kAiEdited;
        l.origin = from;
        l.checkpoint = from->checkpoint_id;
      }
    }
  }
  // Pass 5 (edited before the commit): a run of human lines with AI lines
  // directly above and below it in the same block sits where AI lines were.
  std::vector<size_t> nb;  // indexes of non-blank lines
  for (size_t i = 0; i < block.size(); ++i) {
    if (!block[i].blank) nb.push_back(i);
  }
  size_t k = 0;
  while (k < nb.size()) {
    if (block[nb[k]].kind != LineKind::kHuman) {
      ++k;
      continue;
    }
    size_t end = k;
    while (end < nb.size() && block[nb[end]].kind == LineKind::kHuman) ++end;
    bool above = k > 0 && block[nb[k - 1]].kind == LineKind::kAi;
    bool below = end < nb.size() && block[nb[end]].kind == LineKind::kAi;
    if (above && below) {
      const WorkLine& a = block[nb[k - 1]];
      for (size_t j = k; j < end; ++j) {
        block[nb[j]].kind = LineKind::kAiEdited;
        block[nb[j]].origin = a.origin;
        block[nb[j]].checkpoint = a.checkpoint;
      }
    }
    k = end;
  }
}

std::vector<AttributedRange> ToRanges(const std::vector<WorkLine>& lines) {
  std::vector<AttributedRange> out;
  for (const auto& l : lines) {
    if (l.blank) continue;
    if (!out.empty()) {
      AttributedRange& r = out.back();
      // Extend across blank lines in between when kind and checkpoint agree.
      bool gap_blank = true;
      if (r.kind == l.kind && r.checkpoint == l.checkpoint) {
        for (const auto& m : lines) {
          if (m.line > r.end && m.line < l.line && !m.blank) gap_blank = false;
        }
        // Lines between that this commit did not add break the range.
        int between = l.line - r.end - 1;
        int added_between = 0;
        for (const auto& m : lines) added_between += (m.line > r.end && m.line < l.line);
        if (gap_blank && added_between == between) {
          r.end = l.line;
          continue;
        }
      }
    }
    out.push_back({l.line, l.line, l.kind, l.checkpoint});
  }
  return out;
}

nlohmann::json CountsJson(const LineCounts& c) {
  return {{"ai", c.ai},
          {"human", c.human},
          {"aiEdited", c.ai_edited},
          {"aiUnverified", c.ai_unverified},
          {"blank", c.blank}};
}

}  // namespace

std::string_view LineKindName(LineKind kind) {
  switch (kind) {
    case LineKind::kHuman: return "human";
    case LineKind::kAi: return "ai";
    case LineKind::kAiEdited: return "ai-edited";
    case LineKind::kAiUnverified: return "ai-unverified";
    case LineKind::kBlank: return "blank";
  }
  return "human";
}

std::optional<LineKind> ParseLineKind(std::string_view n) {
  for (LineKind k : {LineKind::kHuman, LineKind::kAi, LineKind::kAiEdited,
                     LineKind::kAiUnverified, LineKind::kBlank}) {
    if (LineKindName(k) == n) return k;
  }
  return std::nullopt;
}

bool IsAiKind(LineKind k) {
  return k == LineKind::kAi || k == LineKind::kAiEdited || k == LineKind::kAiUnverified;
}

void LineCounts::Add(LineKind kind, int64_t n) {
  switch (kind) {
    case LineKind::kHuman: human += n; break;
    case LineKind::kAi: ai += n; break;
    case LineKind::kAiEdited: ai_edited += n; break;
    case LineKind::kAiUnverified: ai_unverified += n; break;
    case LineKind::kBlank: blank += n; break;
  }
}

void LineCounts::Add(const LineCounts& o) {
  ai += o.ai;
  human += o.human;
  ai_edited += o.ai_edited;
  ai_unverified += o.ai_unverified;
  blank += o.blank;
}

LineCounts Attribution::Totals() const {
  LineCounts t;
  for (const auto& f : files) t.Add(f.counts);
  return t;
}

const AttributedRange* Attribution::Find(std::string_view path, int line) const {
  auto it = std::lower_bound(files.begin(), files.end(), path,
                             [](const FileAttribution& f, std::string_view p) { return f.path < p; });
  if (it == files.end() || it->path != path) return nullptr;
  auto r = std::upper_bound(it->ranges.begin(), it->ranges.end(), line,
                            [](int l, const AttributedRange& x) { return l < x.start; });
  if (r == it->ranges.begin()) return nullptr;
  --r;
  return line <= r->end ? &*r : nullptr;
}

double TokenSimilarity(std::string_view a, std::string_view b) {
  std::vector<std::string> ta = Tokens(a), tb = Tokens(b);
  // Punctuation (";", "=", "(") is shared by almost any two lines of code:
  // compare the words alone unless a line has none.
  auto words = [](std::vector<std::string> v) {
    std::erase_if(v, [](const std::string& t) {
      return t.size() == 1 && !std::isalnum(static_cast<unsigned char>(t[0])) && t[0] != '_';
    });
    return v;
  };
  std::vector<std::string> wa = words(ta), wb = words(tb);
  if (!wa.empty() && !wb.empty()) {
    ta = std::move(wa);
    tb = std::move(wb);
  }
  if (ta.empty() || tb.empty()) return 0.0;
  std::sort(ta.begin(), ta.end());
  std::sort(tb.begin(), tb.end());
  size_t i = 0, j = 0, common = 0;
  while (i < ta.size() && j < tb.size()) {
    if (ta[i] == tb[j]) {
      ++common, ++i, ++j;
    } else if (ta[i] < tb[j]) {
      ++i;
    } else {
      ++j;
    }
  }
  return 2.0 * static_cast<double>(common) / static_cast<double>(ta.size() + tb.size());
}

bool IsTrivialLine(std::string_view line) {
  std::string_view n = NormaliseLine(line);
  return std::none_of(n.begin(), n.end(),
                      [](char c) { return std::isalnum(static_cast<unsigned char>(c)) != 0; });
}

std::optional<UnverifiedAgent> DetectAgentFromCommit(const CommitInfo& c) {
  std::string an = Lower(c.author.name), ae = Lower(c.author.email);
  std::string cn = Lower(c.committer.name);
  auto ends_with = [](const std::string& s, std::string_view suf) { return s.ends_with(suf); };
  if (ends_with(an, "(aider)") || ends_with(cn, "(aider)")) {
    return UnverifiedAgent{"aider", "author " + c.author.name};
  }
  if (an == "copilot" || ae.find("copilot@users.noreply.github.com") != std::string::npos) {
    return UnverifiedAgent{"github-copilot", "author " + c.author.name + " <" + c.author.email + ">"};
  }
  if (an == "codex" || ae.find("codex@openai.com") != std::string::npos) {
    return UnverifiedAgent{"codex", "author " + c.author.name + " <" + c.author.email + ">"};
  }
  for (std::string_view raw : SplitLines(c.message)) {
    std::string line = Trim(raw);
    std::string l = Lower(line);
    std::string evidence = line.substr(0, 200);
    if (l.rfind("co-authored-by:", 0) == 0) {
      std::string who = Trim(std::string_view(l).substr(15));
      if (who.rfind("aider", 0) == 0 || who.find("@aider.chat") != std::string::npos) {
        return UnverifiedAgent{"aider", evidence};
      }
      if (who.rfind("copilot", 0) == 0 ||
          who.find("copilot@users.noreply.github.com") != std::string::npos) {
        return UnverifiedAgent{"github-copilot", evidence};
      }
      if (who.rfind("claude", 0) == 0 && who.find("noreply@anthropic.com") != std::string::npos) {
        return UnverifiedAgent{"claude-code", evidence};
      }
      if (who.rfind("codex", 0) == 0 || who.find("codex@openai.com") != std::string::npos) {
        return UnverifiedAgent{"codex", evidence};
      }
    }
    if (l.find("generated with [claude code]") != std::string::npos ||
        l.find("generated with claude code") != std::string::npos) {
      return UnverifiedAgent{"claude-code", evidence};
    }
  }
  return std::nullopt;
}

Result<Attribution> ComputeAttribution(Repo& repo, const std::string& commit,
                                       const AttributeOptions& opt) {
  CUSTODY_ASSIGN_OR_RETURN(CommitInfo info, repo.GetCommit(commit));
  CUSTODY_ASSIGN_OR_RETURN(std::vector<FileDiff> diffs, repo.DiffCommit(info.id, ""));

  // One batched lookup for every added and removed line of the commit: the
  // cost follows the size of the diff, never the size of the repository or
  // of the working log.
  std::vector<Digest> hashes;
  for (const auto& f : diffs) {
    if (f.binary || f.deleted) continue;
    for (const auto& h : f.hunks) {
      for (const auto& l : h.added) {
        if (!NormaliseLine(l.text).empty()) hashes.push_back(LineHash(l.text));
      }
      for (const auto& l : h.removed) {
        if (!NormaliseLine(l.text).empty()) hashes.push_back(LineHash(l.text));
      }
    }
  }
  OriginMap from_log;
  if (opt.log != nullptr && !hashes.empty()) {
    CUSTODY_ASSIGN_OR_RETURN(from_log, opt.log->Lookup(hashes));
  }
  Lookup lk;
  lk.log = &from_log;
  lk.carried = opt.carried;
  lk.carried_edited = opt.carried_edited;
  lk.limit_nanos = (info.commit_time + opt.clock_skew_seconds) * 1'000'000'000LL;

  Attribution a;
  a.commit = info.id;
  a.parents = info.parents;
  a.method = opt.method;
  a.timestamp_unix_nanos = opt.now_unix_nanos;
  a.carried_from = opt.carried_from;

  std::vector<std::pair<std::string, std::vector<WorkLine>>> per_file;
  bool any_checkpoint = false;
  for (const auto& f : diffs) {
    if (f.binary || f.deleted) continue;
    std::vector<WorkLine> lines;
    for (const auto& h : f.hunks) {
      if (h.added.empty()) continue;
      std::vector<WorkLine> block;
      for (const auto& d : h.added) {
        WorkLine w;
        w.line = d.line;
        w.text = d.text;
        w.blank = NormaliseLine(d.text).empty();
        w.kind = w.blank ? LineKind::kBlank : LineKind::kHuman;
        if (!w.blank) {
          w.key = DigestBytes(LineHash(d.text));
          w.trivial = IsTrivialLine(d.text);
        }
        block.push_back(std::move(w));
      }
      AttributeBlock(block, h.removed, f, lk);
      for (auto& w : block) lines.push_back(std::move(w));
    }
    if (lines.empty()) continue;
    for (const auto& w : lines) {
      if (w.origin != nullptr) {
        any_checkpoint = true;
        NoteCheckpoint(*w.origin, &a);
        a.checkpoints[w.origin->checkpoint_id].counts.Add(w.kind);
      }
    }
    per_file.emplace_back(f.path, std::move(lines));
  }

  // No checkpoint behind any line: the commit's metadata may still name an
  // agent (Aider, Copilot, Claude Code, Codex); its lines are then AI, but
  // unverified (nothing signed says which model or prompt wrote them).
  if (!any_checkpoint) {
    a.unverified = DetectAgentFromCommit(info);
    if (a.unverified) {
      for (auto& [path, lines] : per_file) {
        for (auto& w : lines) {
          if (!w.blank) w.kind = LineKind::kAiUnverified;
        }
      }
    }
  }

  for (auto& [path, lines] : per_file) {
    FileAttribution fa;
    fa.path = path;
    for (const auto& w : lines) fa.counts.Add(w.kind);
    fa.ranges = ToRanges(lines);
    a.files.push_back(std::move(fa));
  }
  std::sort(a.files.begin(), a.files.end(),
            [](const FileAttribution& x, const FileAttribution& y) { return x.path < y.path; });
  return a;
}

Statement MakeAttributionStatement(const Attribution& a) {
  Statement st;
  st.predicate_type = std::string(kAttributionPredicateType);
  ResourceDescriptor rd;
  rd.name = "commit";
  rd.digest["gitCommit"] = a.commit;
  st.subject.push_back(std::move(rd));

  nlohmann::json p = nlohmann::json::object();
  p["commit"] = {{"id", a.commit}, {"parents", a.parents}};
  p["method"] = a.method;
  p["timestamp"] = FormatRfc3339(a.timestamp_unix_nanos);
  p["recorder"] = {{"name", "custody"}, {"version", std::string(kVersion)}};
  p["checkpoints"] = nlohmann::json::array();
  p["origins"] = nlohmann::json::array();
  for (const auto& [id, c] : a.checkpoints) {
    p["checkpoints"].push_back(id);
    nlohmann::json o = {{"checkpoint", id}, {"agent", c.agent}, {"model", c.model}};
    if (c.index >= 0) o["index"] = c.index;
    if (!c.session_id.empty()) o["session"] = c.session_id;
    o["lines"] = {{"ai", c.counts.ai}, {"aiEdited", c.counts.ai_edited}};
    p["origins"].push_back(std::move(o));
  }
  p["files"] = nlohmann::json::array();
  for (const auto& f : a.files) {
    nlohmann::json jf = {{"path", f.path}, {"counts", CountsJson(f.counts)}};
    jf["ranges"] = nlohmann::json::array();
    for (const auto& r : f.ranges) {
      nlohmann::json jr = {{"start", r.start}, {"end", r.end}, {"kind", LineKindName(r.kind)}};
      if (!r.checkpoint.empty()) jr["checkpoint"] = r.checkpoint;
      jf["ranges"].push_back(std::move(jr));
    }
    p["files"].push_back(std::move(jf));
  }
  LineCounts t = a.Totals();
  p["counts"] = CountsJson(t);
  if (a.unverified) {
    p["unverifiedAgent"] = {{"name", a.unverified->name}, {"evidence", a.unverified->evidence}};
  }
  if (!a.carried_from.empty()) p["carriedFrom"] = a.carried_from;
  st.predicate = std::move(p);
  return st;
}

Result<Attribution> AttributionFromStatement(const Statement& st) {
  auto bad = [](const std::string& where, const std::string& what) {
    return Status::InvalidArgument("attribution", where + ": " + what);
  };
  if (st.predicate_type != kAttributionPredicateType) {
    return bad("predicateType", "\"" + st.predicate_type + "\" is not an attribution");
  }
  Attribution a;
  for (const auto& s : st.subject) {
    auto it = s.digest.find("gitCommit");
    if (it != s.digest.end()) a.commit = it->second;
  }
  if (a.commit.empty()) return bad("subject", "no gitCommit subject");
  const nlohmann::json& p = st.predicate;
  if (!p.is_object()) return bad("predicate", "missing or not an object");
  auto str = [&](const nlohmann::json& o, const char* k) -> std::string {
    auto it = o.find(k);
    return it != o.end() && it->is_string() ? it->get<std::string>() : "";
  };
  a.method = str(p, "method");
  if (auto t = ParseRfc3339(str(p, "timestamp")); t.ok()) a.timestamp_unix_nanos = *t;
  if (auto c = p.find("commit"); c != p.end() && c->is_object()) {
    if (auto ps = c->find("parents"); ps != c->end() && ps->is_array()) {
      for (const auto& x : *ps) {
        if (x.is_string()) a.parents.push_back(x.get<std::string>());
      }
    }
  }
  if (auto os = p.find("origins"); os != p.end() && os->is_array()) {
    for (size_t i = 0; i < os->size(); ++i) {
      const auto& o = (*os)[i];
      if (!o.is_object()) return bad("predicate.origins[" + std::to_string(i) + "]", "not an object");
      CheckpointRef c;
      c.id = str(o, "checkpoint");
      if (c.id.empty()) {
        return bad("predicate.origins[" + std::to_string(i) + "].checkpoint", "missing");
      }
      c.agent = str(o, "agent");
      c.model = str(o, "model");
      c.session_id = str(o, "session");
      if (auto ix = o.find("index"); ix != o.end() && ix->is_number_integer()) {
        c.index = ix->get<int64_t>();
      }
      if (auto ln = o.find("lines"); ln != o.end() && ln->is_object()) {
        for (auto [k, dst] : {std::pair{"ai", &c.counts.ai}, {"aiEdited", &c.counts.ai_edited}}) {
          auto it = ln->find(k);
          if (it != ln->end() && it->is_number_integer()) *dst = it->get<int64_t>();
        }
      }
      a.checkpoints[c.id] = std::move(c);
    }
  }
  auto fs = p.find("files");
  if (fs == p.end() || !fs->is_array()) return bad("predicate.files", "missing or not an array");
  for (size_t i = 0; i < fs->size(); ++i) {
    std::string where = "predicate.files[" + std::to_string(i) + "]";
    const auto& jf = (*fs)[i];
    if (!jf.is_object()) return bad(where, "not an object");
    FileAttribution f;
    f.path = str(jf, "path");
    if (f.path.empty()) return bad(where + ".path", "missing or empty");
    auto rs = jf.find("ranges");
    if (rs == jf.end() || !rs->is_array()) return bad(where + ".ranges", "missing or not an array");
    int last_end = 0;
    for (size_t j = 0; j < rs->size(); ++j) {
      std::string rw = where + ".ranges[" + std::to_string(j) + "]";
      const auto& jr = (*rs)[j];
      if (!jr.is_object()) return bad(rw, "not an object");
      auto s = jr.find("start"), e = jr.find("end");
      if (s == jr.end() || !s->is_number_integer()) return bad(rw + ".start", "not an integer");
      if (e == jr.end() || !e->is_number_integer()) return bad(rw + ".end", "not an integer");
      int64_t start = s->get<int64_t>(), end = e->get<int64_t>();
      if (start < 1 || end < start || end > 100'000'000 || start <= last_end) {
        return bad(rw, "lines " + std::to_string(start) + "-" + std::to_string(end) +
                           " are not ascending, positive and non-overlapping");
      }
      auto kind = ParseLineKind(str(jr, "kind"));
      if (!kind || *kind == LineKind::kBlank) return bad(rw + ".kind", "unknown kind");
      AttributedRange r;
      r.start = static_cast<int>(start);
      r.end = static_cast<int>(end);
      r.kind = *kind;
      r.checkpoint = str(jr, "checkpoint");
      last_end = r.end;
      f.ranges.push_back(std::move(r));
    }
    if (auto c = jf.find("counts"); c != jf.end() && c->is_object()) {
      auto num = [&](const char* k) -> int64_t {
        auto it = c->find(k);
        return it != c->end() && it->is_number_integer() ? it->get<int64_t>() : 0;
      };
      f.counts.ai = num("ai");
      f.counts.human = num("human");
      f.counts.ai_edited = num("aiEdited");
      f.counts.ai_unverified = num("aiUnverified");
      f.counts.blank = num("blank");
    }
    a.files.push_back(std::move(f));
  }
  std::sort(a.files.begin(), a.files.end(),
            [](const FileAttribution& x, const FileAttribution& y) { return x.path < y.path; });
  if (auto u = p.find("unverifiedAgent"); u != p.end() && u->is_object()) {
    a.unverified = UnverifiedAgent{str(*u, "name"), str(*u, "evidence")};
  }
  if (auto cf = p.find("carriedFrom"); cf != p.end() && cf->is_array()) {
    for (const auto& x : *cf) {
      if (x.is_string()) a.carried_from.push_back(x.get<std::string>());
    }
  }
  return a;
}

std::string AttributionContentDigest(const Attribution& a) {
  Attribution copy = a;
  copy.method.clear();
  copy.timestamp_unix_nanos = 0;
  copy.carried_from.clear();
  Statement st = MakeAttributionStatement(copy);
  st.predicate.erase("recorder");
  return Sha256Hex(SerializeStatement(st));
}

Result<StoredAttribution> ReadAttribution(Repo& repo, const Keyring& keyring,
                                          const std::string& commit) {
  StoredAttribution out;
  for (std::string_view ref : {kNotesRef, kRemoteNotesRef}) {
    CUSTODY_ASSIGN_OR_RETURN(std::vector<std::string> lines, repo.ReadNoteLines(ref, commit));
    for (size_t i = 0; i < lines.size(); ++i) {
      std::string where = std::string(ref) + " note of " + commit.substr(0, 12) + ", line " +
                          std::to_string(i + 1);
      auto env = ParseEnvelope(lines[i]);
      if (!env.ok()) {
        out.warnings.push_back(where + ": " + env.status().ToString());
        continue;
      }
      // Cheap filter before the signature check: only attribution statements.
      auto unverified = ParseStatement(env->payload);
      if (!unverified.ok() || unverified->predicate_type != kAttributionPredicateType) continue;
      auto verified = VerifyEnvelope(*env, keyring);
      if (!verified.ok()) {
        out.warnings.push_back(where + ": " + verified.status().ToString());
        continue;
      }
      auto st = ParseStatement(verified->payload);
      if (!st.ok()) {
        out.warnings.push_back(where + ": " + st.status().ToString());
        continue;
      }
      auto a = AttributionFromStatement(*st);
      if (!a.ok()) {
        out.warnings.push_back(where + ": " + a.status().ToString());
        continue;
      }
      if (a->commit != commit) continue;  // a note copied from a rewritten commit
      if (!out.latest || a->timestamp_unix_nanos >= out.latest->timestamp_unix_nanos) {
        out.latest = std::move(*a);
      }
    }
  }
  return out;
}

Status AddOriginsFromAttribution(Repo& repo, const Attribution& a, OriginMap* ai,
                                 OriginMap* edited) {
  for (const auto& f : a.files) {
    bool wanted = std::any_of(f.ranges.begin(), f.ranges.end(), [](const AttributedRange& r) {
      return (r.kind == LineKind::kAi || r.kind == LineKind::kAiEdited) && !r.checkpoint.empty();
    });
    if (!wanted) continue;
    auto blob = repo.ReadBlobAtCommit(a.commit, f.path);
    if (!blob.ok()) {
      if (blob.status().code() == Code::kNotFound) continue;
      return blob.status();
    }
    std::vector<std::string_view> lines = SplitLines(*blob);
    for (const auto& r : f.ranges) {
      if ((r.kind != LineKind::kAi && r.kind != LineKind::kAiEdited) || r.checkpoint.empty()) {
        continue;
      }
      OriginMap* target = r.kind == LineKind::kAi ? ai : edited;
      if (target == nullptr) continue;
      LineOrigin o;
      o.checkpoint_id = r.checkpoint;
      if (auto c = a.checkpoints.find(r.checkpoint); c != a.checkpoints.end()) {
        o.checkpoint_index = c->second.index;
        o.agent = c->second.agent;
        o.model = c->second.model;
        o.session_id = c->second.session_id;
      }
      o.path = f.path;
      for (int n = r.start; n <= r.end && n <= static_cast<int>(lines.size()); ++n) {
        std::string_view text = lines[static_cast<size_t>(n - 1)];
        if (NormaliseLine(text).empty()) continue;
        auto& v = (*target)[DigestBytes(LineHash(text))];
        bool dup = std::any_of(v.begin(), v.end(), [&](const LineOrigin& x) {
          return x.checkpoint_id == o.checkpoint_id && x.path == o.path;
        });
        if (!dup) v.push_back(o);
      }
    }
  }
  return Status::OK();
}

}  // namespace custody
