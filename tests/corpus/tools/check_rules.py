#!/usr/bin/env python3
"""Pre-build check of rules/*.toml with Python's re (the C++ test is the authority).

Checks the format contract (required fields, unique ids, dialect: no lookaround, no
backreferences, (?i) only at the start), then runs every example the way the engine is
specified to: path/language filter, keyword window, regex, secret group, entropy, allowlist,
stopwords, placeholder check. Prints failing rules by id and example index, never the text.
Also importable: the corpus generator uses scan_text() to pre-compute its own expectations.
"""
import glob
import math
import os
import re
import sys
import tomllib

ROOT = os.path.normpath(os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", ".."))
LANG_EXT = {
    "python": r"\.pyw?$", "javascript": r"\.(?:js|mjs|cjs|jsx)$", "typescript": r"\.(?:ts|tsx|mts|cts)$",
    "java": r"\.java$", "go": r"\.go$", "csharp": r"\.cs$", "ruby": r"\.rb$", "php": r"\.php$",
    "c": r"\.[ch]$", "cpp": r"\.(?:cc|cpp|cxx|hh|hpp|hxx|h)$", "shell": r"\.(?:sh|bash|zsh)$",
}
# Mirrors LooksLikePlaceholder in src/scan/filters.cc (the engine is the authority).
_KNOWN = ["akiaiosfodnn7example", "wjalrxutnfemi/k7mdeng/bpxrficyexamplekey", "je7mtgbclwbf/2tk6iwf/bpxrficyexamplekey",
          "4ec39hqlyjwdarjtt1zdp7dc", "sflkxwrjsmekkf2qt4fwpmejf36pok6yjv_adqssw5c", "xoxb-not-a-real-token",
          "ghp_16c7e42f292c6912e7710c838347ae178b4a"]
_WORDS = ["example", "placeholder", "your_", "your-", "yourapi", "yourkey", "yoursecret", "yourtoken",
          "changeme", "change_me", "change-me", "dummy", "redacted", "insert_", "insert-", "replace_me",
          "replaceme", "replace-me", "xxxx", "****", "....", "${", "{{", "%(", "os.environ",
          "process.env", "getenv", "env[", "env.", "<your", "todo", "fixme", "notreal", "not_real",
          "not-real", "sample_", "fake_", "fake-", "secret_here", "key_here", "token_here", "here>"]


def looks_like_placeholder(secret):
    if not secret:
        return True
    low = secret.lower()
    if any(k in low for k in _KNOWN) or any(w in low for w in _WORDS):
        return True
    if len(secret) >= 3 and ((secret[0] == "<" and secret[-1] == ">") or (secret[0] == "[" and secret[-1] == "]")):
        return True
    if secret[0] == "$":
        return True
    if len(secret) >= 4 and re.fullmatch(r"[A-Z0-9_]+", secret) and "_" in secret:
        return True
    n = 1
    for i in range(1, len(secret)):
        n = n + 1 if secret[i] == secret[i - 1] else 1
        if n >= 6:
            return True
    n = 1
    for i in range(1, len(low)):
        n = n + 1 if (low[i].isalnum() and ord(low[i]) == ord(low[i - 1]) + 1) else 1
        if n >= 6:
            return True
    return len(secret) >= 8 and len(set(secret)) <= 3


INLINE_ALLOW = re.compile(r"(?i)custody:allow|gitleaks:allow|nosec|pragma: allowlist secret")
FORBIDDEN = [(re.compile(r"\(\?[=!<]"), "lookaround"), (re.compile(r"\\[1-9]"), "backreference"),
             (re.compile(r"\(\?>"), "atomic group"), (re.compile(r"[*+?}]\+"), "possessive quantifier")]


def entropy(s):
    if not s:
        return 0.0
    n = len(s)
    counts = {}
    for ch in s:
        counts[ch] = counts.get(ch, 0) + 1
    return -sum(c / n * math.log2(c / n) for c in counts.values())


def load(paths=None):
    rules = []
    for p in paths or sorted(glob.glob(os.path.join(ROOT, "rules", "*.toml"))):
        with open(p, "rb") as f:
            doc = tomllib.load(f)
        assert doc.get("version") == 1, p
        for r in doc["rules"]:
            r["_file"] = os.path.basename(p)
            r["_re"] = re.compile(r["regex"])
            al = r.get("allowlist") or {}
            r["_allow"] = [re.compile(x) for x in al.get("regexes", [])]
            r["_allow_target"] = al.get("regex_target", "secret")
            r["_stop"] = [w.lower() for w in al.get("stopwords", [])]
            r["_allow_paths"] = [re.compile(x) for x in al.get("paths", [])]
            r["_paths"] = [re.compile(x) for x in r.get("paths", [])] + [re.compile(LANG_EXT[l]) for l in r.get("languages", [])]
            rules.append(r)
    return rules


def applies(rule, path):
    return not rule["_paths"] or any(p.search(path) for p in rule["_paths"])


def findings(rule, text, path):
    """Findings of one rule in text as (start, end, secret) - the engine's contract, emulated."""
    if not applies(rule, path) or any(p.search(path) for p in rule["_allow_paths"]):
        return []
    kws = rule.get("keywords")
    low = text.lower()
    if kws and not any(k.lower() in low for k in kws):
        return []
    rx = rule["_re"]
    group = rule.get("secret_group", 1 if rx.groups else 0)
    out = []
    for m in rx.finditer(text):
        if m.end() == m.start():
            continue
        secret = m.group(group) or ""
        if rule.get("entropy") and entropy(secret) < rule["entropy"]:
            continue
        line_start = text.rfind("\n", 0, m.start()) + 1
        line_end = text.find("\n", m.end())
        line = text[line_start: None if line_end < 0 else line_end]
        target = {"secret": secret, "match": m.group(0), "line": line}[rule["_allow_target"]]
        if any(a.search(target) for a in rule["_allow"]):
            continue
        if any(w in secret.lower() for w in rule["_stop"]):
            continue
        if rule.get("placeholder_check", rule["category"] == "secret") and looks_like_placeholder(secret):
            continue
        if INLINE_ALLOW.search(text[line_start: None if line_end < 0 else line_end]):
            continue
        out.append((m.start(), m.end(), secret))
    return out


def redact(s):
    return s[:4] + "…" + f"({len(s)} chars)" if len(s) > 8 else "…"


def check(rules):
    bad = 0
    ids = set()
    for r in rules:
        rid = r.get("id", "?")
        for k in ["id", "description", "category", "severity", "regex", "remediation", "examples"]:
            if k not in r:
                print(f"{r['_file']}: {rid}: missing {k}"); bad += 1
        if rid in ids:
            print(f"{rid}: duplicate id"); bad += 1
        ids.add(rid)
        no_classes = re.sub(r"\[(?:\\.|[^\]\\])*\]", "X", r["regex"].replace("\\\\", "E"))
        no_classes = re.sub(r"\\[^0-9]", "E", no_classes)
        for rx, what in FORBIDDEN:
            if rx.search(no_classes):
                print(f"{rid}: regex uses {what}"); bad += 1
        if "(?i)" in r["regex"][1:] or "(?-i" in r["regex"]:
            print(f"{rid}: inline flag not at the start"); bad += 1
        exs = r.get("examples", [])
        if not any(e["match"] for e in exs) or not any(not e["match"] for e in exs):
            print(f"{rid}: needs positive and negative examples"); bad += 1
        for i, e in enumerate(exs):
            f = findings(r, e["text"], e.get("path", "example.txt"))
            want = 1 if e["match"] else 0
            if len(f) != want:
                print(f"{rid}: example {i} ({'positive' if e['match'] else 'negative'}): {len(f)} findings"
                      + (f" secret {redact(f[0][2])}" if f else "")); bad += 1
            if e["match"] and f and r.get("keywords"):
                m = e["text"][f[0][0]:f[0][1]].lower()
                if not any(k.lower() in m for k in r["keywords"]):
                    print(f"{rid}: example {i}: no keyword inside the match"); bad += 1
    return bad


if __name__ == "__main__":
    rules = load(sys.argv[1:] or None)
    bad = check(rules)
    print(f"{len(rules)} rules, {bad} problems")
    sys.exit(1 if bad else 0)
