#!/usr/bin/env bash
# Builds the working-tree benchmark input: a git repository of real source
# text copied from this machine's Debian packages, plus generated binaries,
# ignored build output and seeded synthetic secrets.
#
#   bench/scan/make_tree.sh DIR [MB]
#
# DIR must not exist (or be empty). MB (default 64) is the size of the
# tracked source text; on top come ~2 MB of tracked binaries and ~6 MB of
# git-ignored build output. Sources, in this order, each with a share of MB:
#   C/C++ headers   /usr/include                        (libc6-dev, libstdc++, ...)
#   Python          /usr/lib/python3.11                 (libpython3.11-stdlib)
#   Java            the first /usr/lib/jvm/*/lib/src.zip that opens
#   Pascal          /usr/share/fpcsrc                   (fpc-source-3.2.2)
#   JavaScript/JSON/Markdown  /usr/lib/node_modules     (nodejs: npm)
#   Perl            /usr/share/perl, /usr/lib/x86_64-linux-gnu/perl
#   CMake           /usr/share/cmake-3.25               (cmake-data)
#   shell           /usr/share/bash-completion, /usr/share/debhelper ...
# A source that is missing gives its share to the others. Within a source,
# files are taken in the order of sha256(relative path) (a deterministic
# sample across directories, not the first directories alphabetically) until
# the share is full; files over 512 KiB are skipped. Everything generated
# (secrets, binaries, build output) comes from a PRNG with a fixed seed
# (SEED, default 4). So on machines of the same image the tree is identical:
# the script prints a digest of all paths and contents to check that.
#
# The seeded secrets are synthetic (random strings in provider formats),
# never real credentials, and are written only into DIR. Their locations
# (path, line, kind; never the value) go to DIR.seeded.tsv beside DIR.
set -euo pipefail

dir=${1:?usage: make_tree.sh DIR [MB]}
mb=${2:-64}
seed=${SEED:-4}
if [[ -e $dir && -n $(ls -A "$dir" 2> /dev/null) ]]; then
  echo "make_tree.sh: $dir exists and is not empty" >&2
  exit 2
fi
mkdir -p "$dir"
dir=$(cd "$dir" && pwd)

python3 - "$dir" "$mb" "$seed" << 'PY'
import base64, hashlib, os, random, stat, sys, zipfile

root, mb, seed = sys.argv[1], float(sys.argv[2]), int(sys.argv[3])
budget = int(mb * 1e6)
MAX_FILE = 512 * 1024
rng = random.Random(seed)

TEXT_EXT = {
    "c": {".h", ".hpp", ".hh", ".hxx", ".tcc", ".inl", ".def", ".c", ".cc", ".cpp"},
    "py": {".py", ".pyi"},
    "pas": {".pas", ".pp", ".inc", ".lpr", ".dpr"},
    "js": {".js", ".mjs", ".cjs", ".json", ".md", ".ts"},
    "pl": {".pm", ".pl", ".pod", ".t"},
    "cmake": {".cmake", ".txt"},
    "sh": {".sh", ".bash", ""},
    "java": {".java"},
}
# (name, share of the budget, destination, source roots, extension set)
SOURCES = [
    ("sh", 0.03, "scripts", ["/usr/share/bash-completion", "/usr/share/debhelper",
                             "/usr/share/initramfs-tools"], "sh"),
    ("c", 0.32, "native/include", ["/usr/include"], "c"),
    ("py", 0.18, "services/py", ["/usr/lib/python3.11"], "py"),
    ("java", 0.15, "server/java", None, "java"),
    ("pas", 0.10, "legacy/pascal", ["/usr/share/fpcsrc"], "pas"),
    ("js", 0.10, "web/js", ["/usr/lib/node_modules"], "js"),
    ("pl", 0.07, "tools/perl", ["/usr/share/perl", "/usr/lib/x86_64-linux-gnu/perl"], "pl"),
    ("cmake", 0.05, "build-support/cmake", ["/usr/share/cmake-3.25"], "cmake"),
]


def key(rel):
    return hashlib.sha256(rel.encode()).hexdigest()


def is_text(data):
    if b"\0" in data[:8192]:
        return False
    try:
        data.decode("utf-8")
        return True
    except UnicodeDecodeError:
        return False


def candidates_fs(roots, exts):
    out = []
    for r in roots:
        if not os.path.isdir(r):
            continue
        for dp, dns, fns in os.walk(r):
            dns.sort()
            for fn in fns:
                p = os.path.join(dp, fn)
                try:
                    st = os.lstat(p)
                except OSError:
                    continue
                if not stat.S_ISREG(st.st_mode) or st.st_size == 0 or st.st_size > MAX_FILE:
                    continue
                if os.path.splitext(fn)[1] not in exts:
                    continue
                rel = os.path.basename(r.rstrip("/")) + "/" + os.path.relpath(p, r)
                # Some tools skip node_modules by default; keep every tool on
                # the same files.
                rel = rel.replace("node_modules", "vendor_modules")
                out.append((key(rel), rel, p))
    out.sort()
    return out


def java_zip():
    import glob
    for z in sorted(glob.glob("/usr/lib/jvm/*/lib/src.zip")):
        try:
            return zipfile.ZipFile(z), z
        except (OSError, zipfile.BadZipFile):
            continue
    return None, None


total = 0
files = []  # (relpath in tree, bytes) in order of writing
used = {}
carry = 0
for name, share, dest, roots, extkey in SOURCES:
    want = int(budget * share) + carry
    got = 0
    if name == "java":
        zf, zpath = java_zip()
        if zf is not None:
            infos = [i for i in zf.infolist() if i.filename.endswith(".java")
                     and 0 < i.file_size <= MAX_FILE]
            infos.sort(key=lambda i: key(i.filename))
            for i in infos:
                if got >= want:
                    break
                data = zf.read(i)
                if not is_text(data):
                    continue
                files.append((dest + "/" + i.filename, data))
                got += len(data)
            used[name] = zpath
    else:
        for _, rel, p in candidates_fs(roots, TEXT_EXT[extkey]):
            if got >= want:
                break
            with open(p, "rb") as f:
                data = f.read()
            if not is_text(data):
                continue
            files.append((dest + "/" + rel, data))
            got += len(data)
        used[name] = ", ".join(r for r in roots if os.path.isdir(r))
    carry = max(0, want - got)
    total += got
    print(f"  {name:6s} {got / 1e6:6.1f} MB from {used.get(name) or '(missing)'}", file=sys.stderr)

# Seeded synthetic secrets: random values in provider formats, appended as
# an assignment in the host file's language. Decoys (documented placeholders)
# are added the same way and listed as such.
A = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
a = "abcdefghijklmnopqrstuvwxyz"
D = "0123456789"
AN = A + a + D
B64 = AN + "+/"


def r(alpha, n):
    return "".join(rng.choice(alpha) for _ in range(n))


def pem():
    body = base64.b64encode(bytes(rng.getrandbits(8) for _ in range(900))).decode()
    lines = [body[i:i + 64] for i in range(0, len(body), 64)]
    kind = "RSA " + "PRIVATE KEY"
    return "-----BEGIN " + kind + "-----\n" + "\n".join(lines) + "\n-----END " + kind + "-----"


GENS = [
    ("aws-access-key-id", lambda: "AKIA" + r("ABCDEFGHIJKLMNOPQRSTUVWXYZ234567", 16)),
    ("aws-secret-access-key", lambda: r(B64, 40)),
    ("github-pat", lambda: "ghp_" + r(AN, 36)),
    ("gitlab-pat", lambda: "glpat-" + r(AN + "-_", 20)),
    ("slack-bot-token", lambda: "xoxb-" + r(D, 12) + "-" + r(D, 13) + "-" + r(AN, 24)),
    ("stripe-secret-key", lambda: "sk_" + "live_" + r(AN, 24)),
    ("openai-api-key", lambda: "sk-proj-" + r(AN + "-_", 48) + "T3Blbk" + "FJ" + r(AN + "-_", 48)),
    ("anthropic-api-key", lambda: "sk-ant-" + "api03-" + r(AN + "-_", 93) + "AA"),
    ("google-api-key", lambda: "AIza" + r(AN + "-_", 35)),
    ("huggingface-token", lambda: "hf_" + r(A + a, 34)),
    ("npm-token", lambda: "npm_" + r(AN, 36)),
    ("sendgrid-api-key", lambda: "SG." + r(AN + "-_", 22) + "." + r(AN + "-_", 43)),
    ("postgres-url-password", lambda: "postgres://app:" + r(AN, 20) + "@db.internal:5432/app"),
]
DECOYS = [
    ("decoy-aws-example", lambda: "AKIAIOSFODNN7" + "EXAMPLE"),
    ("decoy-placeholder", lambda: "your-api-key"),
    ("decoy-template", lambda: "${API_TOKEN}"),
]

LANG = {
    ".py": ("{n} = \"{v}\"\n", "# "), ".pyi": ("{n} = \"{v}\"\n", "# "),
    ".java": ("    static final String {n} = \"{v}\";\n", "// "),
    ".js": ("const {n} = \"{v}\";\n", "// "), ".mjs": ("const {n} = \"{v}\";\n", "// "),
    ".pm": ("my ${n} = '{v}';\n", "# "), ".pl": ("my ${n} = '{v}';\n", "# "),
    ".cmake": ("set({n} \"{v}\")\n", "# "),
    ".pas": ("const {n} = '{v}';\n", "// "), ".pp": ("const {n} = '{v}';\n", "// "),
}
DEFAULT = ("static const char *{n} = \"{v}\";\n", "// ")

seeded = []
hosts = [i for i, (p, _) in enumerate(files)
         if os.path.splitext(p)[1] in LANG or p.endswith((".h", ".hpp"))]
rng.shuffle(hosts)
plan = [g for g in GENS for _ in range(2)] + DECOYS * 2
for idx, (kind, gen) in zip(hosts, plan):
    path, data = files[idx]
    ext = os.path.splitext(path)[1]
    fmt, _ = LANG.get(ext, DEFAULT)
    value = gen()
    name = kind.upper().replace("-", "_")
    if kind == "aws-secret-access-key":
        name = "AWS_SECRET_ACCESS_KEY"
    if not data.endswith(b"\n"):
        data += b"\n"
    line = data.count(b"\n") + 1
    data += fmt.format(n=name, v=value).encode()
    files[idx] = (path, data)
    seeded.append((path, line, kind))
# A PEM private key as its own file, and a .env file (dotfiles are skipped by
# some tools' default globs: that is part of what is compared).
files.append(("deploy/keys/service.pem", (pem() + "\n").encode()))
seeded.append(("deploy/keys/service.pem", 1, "private-key"))
env = "DATABASE_URL=postgres://svc:" + r(AN, 22) + "@10.0.0.5/prod\nGITHUB_TOKEN=ghp_" + r(AN, 36) + "\n"
files.append(("services/.env", env.encode()))
seeded.append(("services/.env", 1, "postgres-url-password"))
seeded.append(("services/.env", 2, "github-pat"))

# Tracked binaries: images, archives, a shared object and a font, with real
# magic numbers and random bodies (about 2 MB).
MAGIC = [(".png", b"\x89PNG\r\n\x1a\n"), (".jpg", b"\xff\xd8\xff\xe0"), (".zip", b"PK\x03\x04"),
         (".so", b"\x7fELF\x02\x01\x01\0"), (".woff2", b"wOF2"), (".gz", b"\x1f\x8b\x08\0")]
for i in range(24):
    ext, magic = MAGIC[i % len(MAGIC)]
    size = rng.choice([4096, 16384, 65536, 131072, 262144])
    files.append((f"assets/bin/blob{i:02d}{ext}", magic + rng.randbytes(size - len(magic))))

# Git-ignored build output (about 6 MB): objects, a generated source dir and
# a cache holding one more synthetic secret that a scanner honouring
# .gitignore must not report.
ignored = []
for i in range(40):
    ignored.append((f"build/obj/unit{i:03d}.o", b"\x7fELF\x02\x01\x01\0" + rng.randbytes(rng.choice([32768, 65536, 131072]))))
for i, (p, data) in enumerate(files[:400:4]):
    if not p.startswith("assets/"):
        ignored.append((f"build/gen/{i:03d}_" + os.path.basename(p), data))
ignored.append(("build/gen/leaked_config.py", ("TOKEN = \"ghp_" + r(AN, 36) + "\"\n").encode()))
ignored.append((".cache/tool/state.json", b"{\"runs\": 12}\n"))
files.append((".gitignore", b"# build output\n/build/\n*.o\n*.pyc\n__pycache__/\n.cache/\n"))

h = hashlib.sha256()
nbytes = 0
for p, data in sorted(files + ignored):
    full = os.path.join(root, p)
    os.makedirs(os.path.dirname(full), exist_ok=True)
    with open(full, "wb") as f:
        f.write(data)
    h.update(p.encode() + b"\0" + hashlib.sha256(data).digest())
    nbytes += len(data)
with open(root + ".seeded.tsv", "w") as f:
    f.write("path\tline\tkind\n")
    for p, line, kind in sorted(seeded):
        f.write(f"{p}\t{line}\t{kind}\n")
ig = sum(len(d) for _, d in ignored)
print(f"tree: {len(files)} files to scan ({(nbytes - ig) / 1e6:.1f} MB), "
      f"{len(ignored)} ignored files ({ig / 1e6:.1f} MB); "
      f"{sum(1 for s in seeded if not s[2].startswith('decoy'))} seeded secrets, "
      f"{sum(1 for s in seeded if s[2].startswith('decoy'))} decoys (locations in {root}.seeded.tsv)",
      file=sys.stderr)
print(f"tree digest (paths and contents): {h.hexdigest()}", file=sys.stderr)
PY

# Commit it (fixed identity and dates) so that tools that list files through
# git see every tracked file; .gitignore keeps build/ and .cache/ out.
export GIT_CONFIG_NOSYSTEM=1 GIT_AUTHOR_NAME=bench GIT_AUTHOR_EMAIL=bench@example.invalid \
  GIT_COMMITTER_NAME=bench GIT_COMMITTER_EMAIL=bench@example.invalid \
  GIT_AUTHOR_DATE="2026-01-01T00:00:00Z" GIT_COMMITTER_DATE="2026-01-01T00:00:00Z"
git -C "$dir" init -q -b main
git -C "$dir" add -A
git -C "$dir" -c commit.gpgsign=false commit -q -m "benchmark tree"
echo "committed: $(git -C "$dir" ls-files | wc -l) tracked files, HEAD $(git -C "$dir" rev-parse --short HEAD)" >&2
