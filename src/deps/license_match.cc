// Licence text identification: SPDX-guideline normalisation, 3-word
// shingles, and an inverted index over every text of the SPDX list.
//
// The index is built once (about 700 distinct texts, ~4 MB) on first use.
// A query normalises its text, hashes its shingles, looks each one up in the
// sorted key array and counts hits per text; Sorensen-Dice and containment
// follow from the counts and the set sizes.
#include <algorithm>
#include <cctype>
#include <cstdint>
#include <unordered_map>

#include "custody/hash.h"
#include "custody/license.h"
#include "deps/license_data.h"

namespace custody {
namespace {
using deps_internal::AsciiLower;

constexpr size_t kMaxQueryBytes = 2 << 20;  // longer input: the head is matched
constexpr size_t kMinPartialShingles = 20;

uint64_t HashWord(std::string_view w) { return Fnv1a64(w); }

uint64_t Mix(uint64_t a, uint64_t b, uint64_t c) {
  uint64_t h = a * 0x9E3779B97F4A7C15ull;
  h = (h ^ (h >> 29) ^ b) * 0xBF58476D1CE4E5B9ull;
  h = (h ^ (h >> 31) ^ c) * 0x94D049BB133111EBull;
  return h ^ (h >> 32);
}

const std::unordered_map<std::string_view, std::string_view>& Varietal() {
  static const auto* m = new std::unordered_map<std::string_view, std::string_view>{
      {"licence", "license"}, {"licences", "licenses"}, {"licenced", "licensed"}, {"licencing", "licensing"},
      {"sublicence", "sublicense"}, {"programme", "program"}, {"programmes", "programs"},
      {"organisation", "organization"}, {"organisations", "organizations"}, {"authorise", "authorize"},
      {"authorised", "authorized"}, {"offence", "offense"}, {"practise", "practice"}, {"centre", "center"},
      {"catalogue", "catalog"}, {"analogue", "analog"}, {"acknowledgement", "acknowledgment"},
      {"acknowledgements", "acknowledgments"}, {"favour", "favor"}, {"behaviour", "behavior"},
      {"recognise", "recognize"}, {"utilise", "utilize"}, {"whilst", "while"}};
  return *m;
}

// Strips comment leaders ("//", "#", "*", ";", "--", "%", "rem") and list
// bullets ("1.", "(a)", "iv)", "-", "*", "o") from the start of a line.
std::string_view StripLeaders(std::string_view line) {
  for (int round = 0; round < 4; ++round) {
    size_t i = 0;
    while (i < line.size() && (line[i] == ' ' || line[i] == '\t')) ++i;
    line = line.substr(i);
    if (line.empty()) return line;
    size_t n = 0;
    if (line.rfind("//", 0) == 0 || line.rfind("--", 0) == 0 || line.rfind("/*", 0) == 0 ||
        line.rfind("*/", 0) == 0 || line.rfind("\"\"\"", 0) == 0) {
      n = line.rfind("\"\"\"", 0) == 0 ? 3 : 2;
    } else if (line[0] == '#' || line[0] == '*' || line[0] == ';' || line[0] == '%' || line[0] == '-' ||
               line[0] == '!') {
      n = 1;
    } else if (line.rfind("\xe2\x80\xa2", 0) == 0) {  // U+2022 bullet
      n = 3;
    } else {
      // "1." "1)" "(a)" "a." "iv)" "(iii)" followed by a space.
      size_t j = 0;
      bool paren = line[0] == '(';
      if (paren) ++j;
      size_t k = j;
      while (k < line.size() && k - j < 4 && std::isalnum(static_cast<unsigned char>(line[k]))) ++k;
      bool digits = k > j && std::all_of(line.begin() + j, line.begin() + k, [](char c) { return std::isdigit(static_cast<unsigned char>(c)); });
      bool roman = k > j && std::all_of(line.begin() + j, line.begin() + k, [](char c) {
        c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
        return c == 'i' || c == 'v' || c == 'x';
      });
      bool letter = k == j + 1 && std::isalpha(static_cast<unsigned char>(line[j]));
      if (k > j && (digits || roman || letter) && k < line.size() &&
          (line[k] == ')' || (!paren && line[k] == '.')) && (k + 1 == line.size() || line[k + 1] == ' ' || line[k + 1] == '\t')) {
        // "1.2." style sub-numbering is left to the tokenizer.
        n = k + 1;
      }
    }
    if (n == 0) return line;
    line = line.substr(n);
  }
  return line;
}

bool IsCopyrightLine(std::string_view line) {
  std::string l = AsciiLower(line.substr(0, std::min<size_t>(line.size(), 200)));
  return l.rfind("copyright", 0) == 0 || l.rfind("(c)", 0) == 0 || l.rfind("\xc2\xa9", 0) == 0 ||
         l.rfind("portions copyright", 0) == 0;
}

void Tokenize(std::string_view line, std::vector<std::string>& out) {
  std::string w;
  auto flush = [&] {
    if (w.empty()) return;
    auto it = Varietal().find(w);
    if (it != Varietal().end()) {
      std::string_view v = it->second;
      size_t sp = v.find(' ');
      if (sp == std::string_view::npos) {
        out.emplace_back(v);
      } else {
        out.emplace_back(v.substr(0, sp));
        out.emplace_back(v.substr(sp + 1));
      }
    } else {
      out.push_back(std::move(w));
    }
    w.clear();
  };
  for (unsigned char c : line) {
    if (c >= 0x80 || std::isalnum(c)) {
      w += static_cast<char>(std::tolower(c));
    } else {
      flush();
    }
  }
  flush();
}

std::vector<std::string> NormalizeImpl(std::string_view text, bool drop_title = true) {
  std::vector<std::string> words;
  bool title_checked = !drop_title;
  size_t start = 0;
  while (start <= text.size()) {
    size_t nl = text.find('\n', start);
    if (nl == std::string_view::npos) nl = text.size();
    std::string_view line = StripLeaders(text.substr(start, nl - start));
    start = nl + 1;
    if (line.empty()) {
      if (nl == text.size()) break;
      continue;
    }
    if (IsCopyrightLine(line)) continue;
    std::vector<std::string> lw;
    Tokenize(line, lw);
    if (lw.empty()) continue;
    if (!title_checked) {
      title_checked = true;
      // A leading title ("The MIT License (MIT)", "Apache License"): short and
      // naming a licence; SPDX matching lets it be omitted, so it never counts.
      bool names = std::any_of(lw.begin(), lw.end(), [](const std::string& w) {
        return w == "license" || w == "licenses" || w == "agreement";
      });
      if (names && lw.size() <= 10) continue;
    }
    for (auto& w : lw) words.push_back(std::move(w));
    if (nl == text.size()) break;
  }
  return words;
}

std::vector<uint64_t> Shingles(const std::vector<std::string>& words) {
  std::vector<uint64_t> h(words.size());
  for (size_t i = 0; i < words.size(); ++i) h[i] = HashWord(words[i]);
  std::vector<uint64_t> s;
  if (h.size() < 3) {
    if (!h.empty()) s.push_back(Mix(h[0], h.size() > 1 ? h[1] : 0, 0x51));
  } else {
    s.reserve(h.size() - 2);
    for (size_t i = 0; i + 2 < h.size(); ++i) s.push_back(Mix(h[i], h[i + 1], h[i + 2]));
  }
  std::sort(s.begin(), s.end());
  s.erase(std::unique(s.begin(), s.end()), s.end());
  return s;
}

uint64_t SequenceHash(const std::vector<std::string>& words) {
  uint64_t h = 0x12345;
  for (const auto& w : words) h = Mix(h, HashWord(w), 0x77);
  return h;
}

struct Text {
  std::vector<std::string> ids;  // the class: ids sharing this text
  uint32_t shingles = 0;
  uint64_t seq = 0;
};

struct Index {
  std::vector<Text> texts;
  std::vector<uint64_t> keys;       // sorted unique shingle hashes
  std::vector<uint32_t> offsets;    // keys.size() + 1 entries into postings
  std::vector<uint32_t> postings;   // text indices
  size_t ids = 0;
};

// Non-deprecated ids first, then by id.
void OrderClass(std::vector<std::string>& ids) {
  std::stable_sort(ids.begin(), ids.end(), [](const std::string& a, const std::string& b) {
    const LicenseInfo* ia = FindLicense(a);
    const LicenseInfo* ib = FindLicense(b);
    bool da = ia && ia->deprecated, db = ib && ib->deprecated;
    if (da != db) return !da;
    return AsciiLower(a) < AsciiLower(b);
  });
}

const Index& GetIndex() {
  static const Index* index = [] {
    auto* idx = new Index;
    std::string_view data = deps_internal::SpdxFile("texts.txt");
    std::vector<std::vector<uint64_t>> sets;
    std::unordered_map<uint64_t, size_t> by_set;  // hash of a shingle set -> text
    size_t pos = 0;
    while (pos < data.size()) {
      if (data[pos] != '\x1e') break;
      size_t nl = data.find('\n', pos);
      if (nl == std::string_view::npos) break;
      std::string_view idline = data.substr(pos + 1, nl - pos - 1);
      size_t end = data.find('\x1e', nl + 1);
      if (end == std::string_view::npos) end = data.size();
      std::string_view body = data.substr(nl + 1, end - nl - 1);
      pos = end;
      std::vector<std::string> ids;
      size_t a = 0;
      while (a < idline.size()) {
        size_t b = idline.find(' ', a);
        if (b == std::string_view::npos) b = idline.size();
        if (b > a) ids.emplace_back(idline.substr(a, b - a));
        a = b + 1;
      }
      auto words = NormalizeImpl(body);
      auto set = Shingles(words);
      if (set.empty()) continue;
      idx->ids += ids.size();
      uint64_t sh = 0;
      for (uint64_t x : set) sh = Mix(sh, x, 0x3);
      auto it = by_set.find(sh);
      if (it != by_set.end() && sets[it->second] == set) {
        // Texts that differ only in what normalisation drops form one class.
        for (auto& id : ids) idx->texts[it->second].ids.push_back(std::move(id));
        continue;
      }
      by_set[sh] = idx->texts.size();
      Text t;
      t.ids = std::move(ids);
      t.shingles = static_cast<uint32_t>(set.size());
      t.seq = SequenceHash(words);
      idx->texts.push_back(std::move(t));
      sets.push_back(std::move(set));
    }
    for (auto& t : idx->texts) OrderClass(t.ids);
    std::vector<std::pair<uint64_t, uint32_t>> all;
    for (uint32_t i = 0; i < sets.size(); ++i) {
      for (uint64_t x : sets[i]) all.emplace_back(x, i);
    }
    std::sort(all.begin(), all.end());
    for (size_t i = 0; i < all.size(); ++i) {
      if (i == 0 || all[i].first != all[i - 1].first) {
        idx->keys.push_back(all[i].first);
        idx->offsets.push_back(static_cast<uint32_t>(i));
      }
      idx->postings.push_back(all[i].second);
    }
    idx->offsets.push_back(static_cast<uint32_t>(all.size()));
    return idx;
  }();
  return *index;
}

LicenseCategory ClassCategory(const std::vector<std::string>& ids) {
  if (ids.empty()) return LicenseCategory::kUnknown;
  const LicenseInfo* info = FindLicense(ids[0]);
  return info ? info->category : LicenseCategory::kUnknown;
}

LicenseMatch MatchText(std::string_view text) {
  const Index& idx = GetIndex();
  LicenseMatch m;
  auto words = NormalizeImpl(text.substr(0, std::min(text.size(), kMaxQueryBytes)));
  auto q = Shingles(words);
  if (q.empty()) return m;
  std::vector<uint32_t> hits(idx.texts.size(), 0);
  // Both sides are sorted: walk the keys with a galloping lower bound.
  auto lo = idx.keys.begin();
  for (uint64_t x : q) {
    lo = std::lower_bound(lo, idx.keys.end(), x);
    if (lo == idx.keys.end()) break;
    if (*lo != x) continue;
    size_t k = static_cast<size_t>(lo - idx.keys.begin());
    for (uint32_t p = idx.offsets[k]; p < idx.offsets[k + 1]; ++p) ++hits[idx.postings[p]];
  }
  size_t best = SIZE_MAX, second = SIZE_MAX, part = SIZE_MAX;
  double bs = 0, ss = 0, pc = 0;
  for (size_t i = 0; i < hits.size(); ++i) {
    if (hits[i] == 0) continue;
    double dice = 2.0 * hits[i] / (static_cast<double>(q.size()) + idx.texts[i].shingles);
    if (dice > bs) {
      second = best;
      ss = bs;
      best = i;
      bs = dice;
    } else if (dice > ss) {
      second = i;
      ss = dice;
    }
    double cont = static_cast<double>(hits[i]) / idx.texts[i].shingles;
    if (idx.texts[i].shingles >= kMinPartialShingles &&
        (cont > pc || (cont == pc && part != SIZE_MAX && idx.texts[i].shingles > idx.texts[part].shingles))) {
      pc = cont;
      part = i;
    }
  }
  if (best == SIZE_MAX) return m;
  size_t chosen = best;
  if (SequenceHash(words) == idx.texts[best].seq) {
    m.kind = LicenseMatch::Kind::kExact;
  } else if (bs >= kNearDice) {
    m.kind = LicenseMatch::Kind::kNear;
  } else if (part != SIZE_MAX && pc >= kPartialContainment) {
    m.kind = LicenseMatch::Kind::kPartial;
    chosen = part;
  }
  const Text& t = idx.texts[chosen];
  m.score = 2.0 * hits[chosen] / (static_cast<double>(q.size()) + t.shingles);
  m.containment = static_cast<double>(hits[chosen]) / t.shingles;
  if (m.kind == LicenseMatch::Kind::kNone) {
    // Report the closest text anyway (kind none), for diagnostics.
    m.second = t.ids[0];
    m.second_score = m.score;
    return m;
  }
  m.id = t.ids[0];
  m.equivalent = t.ids;
  m.category = ClassCategory(t.ids);
  size_t other = chosen == best ? second : best;
  if (other != SIZE_MAX) {
    m.second = idx.texts[other].ids[0];
    m.second_score = 2.0 * hits[other] / (static_cast<double>(q.size()) + idx.texts[other].shingles);
  }
  return m;
}

struct HeaderNotice {
  const char* phrase;  // normalised words
  const char* id;
};

const HeaderNotice kNotices[] = {
    {"gnu affero general public license as published by the free software foundation either version 3 of the license or at your option any later version", "AGPL-3.0-or-later"},
    {"gnu affero general public license version 3", "AGPL-3.0-only"},
    {"gnu lesser general public license as published by the free software foundation either version 2 1 of the license or at your option any later version", "LGPL-2.1-or-later"},
    {"gnu lesser general public license as published by the free software foundation either version 3 of the license or at your option any later version", "LGPL-3.0-or-later"},
    {"gnu library general public license as published by the free software foundation either version 2 of the license or at your option any later version", "LGPL-2.0-or-later"},
    {"gnu lesser general public license version 2 1 as published by the free software foundation", "LGPL-2.1-only"},
    {"gnu general public license as published by the free software foundation either version 2 of the license or at your option any later version", "GPL-2.0-or-later"},
    {"gnu general public license as published by the free software foundation either version 3 of the license or at your option any later version", "GPL-3.0-or-later"},
    {"gnu general public license version 2 as published by the free software foundation", "GPL-2.0-only"},
    {"gnu general public license version 3 as published by the free software foundation", "GPL-3.0-only"},
    {"licensed under the apache license version 2 0 the license you may not use this file except in compliance with the license", "Apache-2.0"},
    {"subject to the terms of the mozilla public license v 2 0", "MPL-2.0"},
    {"subject to the terms of the mozilla public license version 2 0", "MPL-2.0"},
    {"eclipse public license v2 0", "EPL-2.0"},
    {"eclipse public license 2 0", "EPL-2.0"},
};

std::string_view TrimView(std::string_view s) {
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.front()))) s.remove_prefix(1);
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back()))) s.remove_suffix(1);
  return s;
}

}  // namespace

std::vector<std::string> NormalizeLicenseWords(std::string_view text) { return NormalizeImpl(text); }

std::string_view LicenseMatchKindName(LicenseMatch::Kind k) {
  switch (k) {
    case LicenseMatch::Kind::kNone: return "none";
    case LicenseMatch::Kind::kExact: return "exact";
    case LicenseMatch::Kind::kNear: return "near";
    case LicenseMatch::Kind::kPartial: return "partial";
    case LicenseMatch::Kind::kIdentifier: return "identifier";
  }
  return "none";
}

std::vector<SpdxIdentifierLine> FindSpdxIdentifiers(std::string_view text) {
  std::vector<SpdxIdentifierLine> out;
  static constexpr std::string_view kTag = "spdx-license-identifier:";
  int line_no = 0;
  size_t start = 0;
  while (start < text.size()) {
    size_t nl = text.find('\n', start);
    if (nl == std::string_view::npos) nl = text.size();
    std::string_view line = text.substr(start, nl - start);
    start = nl + 1;
    ++line_no;
    if (line.size() < kTag.size()) continue;
    std::string low = AsciiLower(line.substr(0, std::min<size_t>(line.size(), 4096)));
    size_t at = low.find(kTag);
    if (at == std::string::npos) continue;
    std::string_view rest = line.substr(at + kTag.size());
    for (std::string_view closer : {"*/", "-->", "#}", "%>", "\"\"\""}) {
      size_t c = rest.find(closer);
      if (c != std::string_view::npos) rest = rest.substr(0, c);
    }
    rest = TrimView(rest);
    if (!rest.empty()) out.push_back({line_no, std::string(rest)});
  }
  return out;
}

LicenseMatch IdentifyLicenseText(std::string_view text) {
  LicenseMatch m = MatchText(text);
  if (m.kind == LicenseMatch::Kind::kExact || m.kind == LicenseMatch::Kind::kNear) return m;
  for (const auto& sl : FindSpdxIdentifiers(text.substr(0, std::min(text.size(), kMaxQueryBytes)))) {
    auto e = ParseLicenseExpression(sl.expression);
    if (!e.ok()) continue;
    LicenseMatch id;
    id.kind = LicenseMatch::Kind::kIdentifier;
    id.id = LicenseExprToString(*e);
    id.equivalent = {id.id};
    id.score = 1;
    id.category = ExprCategory(*e);
    return id;
  }
  if (m.kind == LicenseMatch::Kind::kPartial) return m;
  // Without title removal: "Licensed under the Apache License, Version 2.0"
  // is short enough to look like a title.
  auto words = NormalizeImpl(text.substr(0, std::min(text.size(), kMaxQueryBytes)), false);
  std::string joined;
  for (const auto& w : words) {
    joined += ' ';
    joined += w;
  }
  joined += ' ';
  for (const HeaderNotice& n : kNotices) {
    if (joined.find(" " + std::string(n.phrase) + " ") == std::string::npos) continue;
    LicenseMatch h;
    h.kind = LicenseMatch::Kind::kIdentifier;
    h.id = n.id;
    h.equivalent = {h.id};
    h.score = 1;
    const LicenseInfo* info = FindLicense(n.id);
    h.category = info ? info->category : LicenseCategory::kUnknown;
    return h;
  }
  return m;
}

size_t LicenseTextCount() { return GetIndex().texts.size(); }
size_t LicenseTextIdCount() { return GetIndex().ids; }

}  // namespace custody
