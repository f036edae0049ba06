#!/usr/bin/env bash
# Regenerates data/spdx/ from the npm packages spdx-license-list (texts,
# names, OSI flags; CC0-1.0), spdx-license-ids (deprecated ids; CC0-1.0) and
# spdx-exceptions (exception ids; CC-BY-3.0). Needs npm and python3; runs
# offline once the three tarballs are in $SPDX_TARBALLS (a directory), else
# fetches them with `npm pack` into a temp dir.
#
#   scripts/make_spdx_data.sh            # writes data/spdx/{licenses.tsv,exceptions.txt,texts.txt,SOURCE}
#
# The category of each id is assigned by the rules in CATEGORY_RULES below
# (first match wins; docs/licenses.md explains them). The script fails when an
# OSI-approved licence ends up without a category.
set -euo pipefail
cd "$(dirname "$0")/.."
LIST_VERSION=6.12.0
IDS_VERSION=3.0.24
EXC_VERSION=2.5.0
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
src=${SPDX_TARBALLS:-}
if [[ -z "$src" ]]; then
  src=$tmp
  (cd "$tmp" && npm pack --silent spdx-license-list@$LIST_VERSION \
     spdx-license-ids@$IDS_VERSION spdx-exceptions@$EXC_VERSION >/dev/null)
fi
for p in spdx-license-list-$LIST_VERSION spdx-license-ids-$IDS_VERSION spdx-exceptions-$EXC_VERSION; do
  mkdir -p "$tmp/$p" && tar xzf "$src/$p.tgz" -C "$tmp/$p"
done
python3 - "$tmp" "$LIST_VERSION" "$IDS_VERSION" "$EXC_VERSION" <<'PY'
import json, re, sys
tmp, lv, iv, ev = sys.argv[1:5]
lic = json.load(open(f"{tmp}/spdx-license-list-{lv}/package/spdx-full.json"))
dep = set(json.load(open(f"{tmp}/spdx-license-ids-{iv}/package/deprecated.json")))
exc = json.load(open(f"{tmp}/spdx-exceptions-{ev}/package/index.json"))
dep |= {k for k in lic if k.endswith("+")}

# Deprecated id -> replacement expression (SPDX list notes; '+' ids become
# -or-later; bare GNU ids become -only, as the SPDX FAQ prescribes).
def replacement(k):
    fixed = {
        "BSD-2-Clause-FreeBSD": "BSD-2-Clause-Views", "BSD-2-Clause-NetBSD": "BSD-2-Clause",
        "Nunit": "zlib-acknowledgement", "StandardML-NJ": "SMLNJ", "bzip2-1.0.5": "bzip2-1.0.6",
        "eCos-2.0": "GPL-2.0-or-later WITH eCos-exception-2.0",
        "wxWindows": "LGPL-2.0-or-later WITH WxWindows-exception-3.1",
        "GPL-2.0-with-GCC-exception": "GPL-2.0-or-later WITH GCC-exception-2.0",
        "GPL-2.0-with-autoconf-exception": "GPL-2.0-or-later WITH Autoconf-exception-2.0",
        "GPL-2.0-with-bison-exception": "GPL-2.0-or-later WITH Bison-exception-2.2",
        "GPL-2.0-with-classpath-exception": "GPL-2.0-only WITH Classpath-exception-2.0",
        "GPL-2.0-with-font-exception": "GPL-2.0-only WITH Font-exception-2.0",
        "GPL-3.0-with-GCC-exception": "GPL-3.0-only WITH GCC-exception-3.1",
        "GPL-3.0-with-autoconf-exception": "GPL-3.0-only WITH Autoconf-exception-3.0",
        "Net-SNMP": "",
    }
    if k in fixed: return fixed[k]
    if k.endswith("+"):
        base = k[:-1]
        return base[:-5] + "-or-later" if base.endswith("-only") else base + "-or-later"
    if k + "-only" in lic: return k + "-only"
    return ""

CATEGORY_RULES = [
    ("network-copyleft", r"AGPL-.*|SSPL-.*|OSL-.*|NPOSL-3\.0|RPL-.*|CPAL-1\.0"),
    ("restricted", r".*-NC(-.*)?|CC-BY-(NC-)?ND-.*|CC-BY-NC.*|BUSL-.*|Elastic-.*|PolyForm-.*|FSL-.*|"
                   r"Commons-Clause|SSPL|Prosperity.*|CC-BY-ND-.*"),
    ("strong-copyleft", r"GPL-.*|eCos-2\.0|EUPL-.*|CECILL-(1\.0|1\.1|2\.0|2\.1)|Sleepycat|QPL-1\.0.*|"
                        r"copyleft-next-.*|CC-BY-SA-.*|GFDL-.*|ODbL-1\.0|CERN-OHL-S-2\.0|RPSL-1\.0|"
                        r"OSET-PL-2\.1|LiLiQ-Rplus-1\.1|SimPL-2\.0|TAPR-OHL-1\.0|Arphic-1999|"
                        r"CC-BY-SA.*|LPPL-.*-no|Vim|AAL-no|NGPL|gnuplot-no"),
    ("weak-copyleft", r"LGPL.*|MPL-.*|EPL-.*|CDDL-.*|CPL-1\.0|IPL-1\.0|CECILL-C|CECILL-B-no|MS-RL|APSL-.*|"
                      r"ErlPL-1\.1|SPL-1\.0|NPL-.*|Motosoto|LiLiQ-R-1\.1|CERN-OHL-W-2\.0|CERN-OHL-1\..*|"
                      r"Nokia|RSCPL|SISSL.*|Watcom-1\.0|Xnet-no|OCLC-2\.0|CUA-OPL-1\.0|CATOSL-1\.1|"
                      r"EUDatagrid-no|Frameworx-1\.0|Interbase-1\.0|Sun-PPP|SugarCRM-1\.1\.3|"
                      r"wxWindows|GPL-.*-with-classpath-exception|OFL-.*|LPPL-.*|YPL-.*|"
                      r"MulanPSL-1\.0-no|Naumen-no|CAL-1\.0.*|OGTSL|VSL-1\.0-no|APL-1\.0|"
                      r"RHeCos-1\.1|gSOAP-1\.3b|Ruby|OpenPBS-2\.3|QPL-1\.0-INRIA-2004"),
    ("public-domain", r"CC0-1\.0|Unlicense|PDDL-1\.0|libselinux-1\.0|SAX-PD.*|NIST-PD.*|"
                      r"Public-Domain.*|pkgconf|blessing|PD-.*|Sendmail-no"),
    ("permissive", r"0BSD|MIT.*|BSD-.*|Apache-.*|ISC.*|Zlib|zlib-.*|X11.*|PSF-2\.0|Python-2\.0.*|"
                   r"CNRI-.*|BSL-1\.0|Artistic-.*|AFL-.*|NCSA|PostgreSQL|Unicode-.*|WTFPL|"
                   r"CC-BY-[0-9].*|OpenSSL.*|Libpng|libpng-.*|curl|HPND.*|FSFAP.*|FSFUL.*|"
                   r"Beerware|BlueOak-1\.0\.0|UPL-1\.0|MS-PL|ECL-.*|EFL-.*|Fair|Entessa|"
                   r"W3C.*|ICU|IPA|Intel.*|Jam|LPL-.*|MirOS|MulanPSL-.*|Multics|NASA-1\.3|"
                   r"NTP.*|Naumen|OLDAP-.*|OSC-1\.0|PHP-.*|UCL-1\.0|VSL-1\.0|WordNet|Xnet|"
                   r"ZPL-.*|ALGLIB-Documentation|EUDatagrid|LiLiQ-P-1\.1|AAL|CERN-OHL-P-2\.0|"
                   r"BSD.*|Zed|bzip2-.*|JSON|Spencer-.*|TCL|Info-ZIP|IJG.*|FTL|Xerox|"
                   r"AML.*|ADSL|Adobe-.*|AMDPLPA|Bitstream-.*|Boehm-GC.*|CC-PDDC|"
                   r"DOC|ECL-.*|Fair|FreeImage-no|ImageMagick|Imlib2|JasPer-2\.0|"
                   r"Latex2e.*|Leptonica|libtiff|MTLL|Minpack|Mup|NLOD-.*|OGL-.*|"
                   r"Plexus|Qhull|Ruby-no|SGI-B-2\.0|SMLNJ|StandardML-NJ|TCP-wrappers|"
                   r"TU-Berlin-.*|UnixCrypt|Vixie-Cron|X11-distribute-modifications-variant|"
                   r"XFree86-1\.1|xinetd|Xfig|zlib-acknowledgement|ZPL-.*|Nunit|"
                   r"Net-SNMP|NetCDF|Newsletr|OML|SSH-.*|SWL|Sendmail.*|TMate|"
                   r"dtoa|etalab-2\.0|MPEG-SSG|mpich2|psutils|snprintf|ssh-keyscan|"
                   r"Caldera.*|checkmk|Cube|diffmark|DSDP|Eurosym|Glulxe|GD|HTMLTIDY|"
                   r"Kazlib|libutil-David-Nugent|LZMA-SDK-9\.22|Martin-Birgmeier|"
                   r"MIT-.*|NCGL-UK-2\.0|OFFIS|Saxpath|SCEA-no|Soundex|Spencer.*|"
                   r"SunPro|Symlinks|TTWL|UMich-Merit|Unicode-TOU|w3m|Wsuipa|X11|"
                   r"Zeeff|ZLIB|mplus|NTP-0|pnmstitch|python-ldap|Sleepycat-no|"
                   r"SGI-B-.*|Afmparse|Borceux|CFITSIO|Clips|Cronyx|FSFULLR.*|"
                   r"Furuseth|Graphics-Gems|HP-1986|HP-1989|IBM-pibs|Inner-Net-2\.0|"
                   r"ISC-Veillard|Knuth-CTAN|LOOP|Linux-man-pages-.*|Linux-OpenIB|"
                   r"metamail|Mackerras-3-Clause.*|McPhee-slideshow|MMIXware|NRL|"
                   r"OLFL-1\.3|PADL|Pixar|radvd|SL|SMPPL|Sun-PPP-2000|threeparttable|"
                   r"TPDL|TPL-1\.0|TermReadKey|UCAR|ulem|Unicode-DFS-.*|URT-RLE|"
                   r"xkeyboard-config-Zinoviev|xlock|xpp|XSkat|Zimbra-1\.4|Zimbra-1\.3|"
                   r"magaz|mailprio|MIPS|HIDAPI|Gutmann|Kastrup|man2html|check-cvs|FSFUL|"
                   r"any-OSI|any-OSI-perl-modules|Jam|Baekmuk|bcrypt-Solar-Designer|"
                   r"Brian-Gladman-.*|CMU-Mach.*|DEC-3-Clause|Ferguson-Twofish|"
                   r"hdparm|HPND-.*|Lucida-Bitmap-Fonts|LPD-document|lsof|"
                   r"Markus-Kuhn|mpi-permissive|NIST-Software|OAR|Python-2\.0\.1|"
                   r"SGP4|snprintf|softSurfer|ssh-keyscan|Sun-PPP|swrule|TTYP0|"
                   r"UnixCrypt|Widget-Workshop|X11-swapped|Xdebug-1\.03|Zlib|"
                   r"AdaCore-doc|Cornell-Lossless-JPEG|Crossword|CryptoSwift|"
                   r"fwlw|generic-xts|HTMLTIDY|IEC-Code-Components-EULA-no|"
                   r"Intel-ACPI|ISC-Veillard|JPNIC|libpng-2\.0|Linux-man-pages-copyleft.*|"
                   r"MIT-.*|NCBI-PD|pythonpaste|SSLeay-standalone|Sun-PPP|threeparttable|"
                   r"TrustedQSL|UnixCrypt|W3C-.*|xzoom|Zeeff"),
]
rules = [(c, re.compile(r"(?:" + r + r")\Z")) for c, r in CATEGORY_RULES]
def category(k):
    for c, rx in rules:
        if rx.match(k): return c
    return "unknown"

lines, missing = [], []
for k in sorted(lic, key=str.lower):
    v = lic[k]
    cat = category(k)
    if v.get("osiApproved") and cat == "unknown": missing.append(k)
    name = re.sub(r"[\t\n]", " ", v.get("name", ""))
    lines.append("\t".join([k, "1" if v.get("osiApproved") else "0", "1" if k in dep else "0",
                            cat, replacement(k) if k in dep else "", name]))
if missing:
    sys.exit("OSI-approved licences without a category: " + " ".join(missing))
hdr = ("# SPDX licence list (spdx-license-list@%s, spdx-license-ids@%s). Columns:\n"
       "# id<TAB>osi<TAB>deprecated<TAB>category<TAB>replacement<TAB>name\n") % (lv, iv)
open("data/spdx/licenses.tsv", "w").write(hdr + "\n".join(lines) + "\n")
open("data/spdx/exceptions.txt", "w").write(
    "# SPDX licence exception ids (spdx-exceptions@%s, CC-BY-3.0)\n" % ev + "\n".join(sorted(exc, key=str.lower)) + "\n")

# Texts: blank lines dropped and whitespace runs inside a line collapsed (the
# matcher ignores both; line breaks are kept because copyright lines are
# removed line by line), one record per distinct text,
# "\x1e<id> <id>...\n<text>\n".
groups = {}
for k in sorted(lic, key=str.lower):
    raw = lic[k].get("licenseText", "").replace("\x1e", " ")
    t = "\n".join(" ".join(l.split()) for l in raw.splitlines() if l.strip())
    if len(t.split()) < 8: continue
    groups.setdefault(t, []).append(k)
with open("data/spdx/texts.txt", "w") as f:
    for t, ids in groups.items():
        f.write("\x1e" + " ".join(ids) + "\n" + t + "\n")
open("data/spdx/SOURCE", "w").write(
    "Generated by scripts/make_spdx_data.sh from the npm packages\n"
    f"  spdx-license-list@{lv} (CC0-1.0, by Sindre Sorhus; texts from the SPDX License List, CC0-1.0)\n"
    f"  spdx-license-ids@{iv} (CC0-1.0; deprecated ids)\n"
    f"  spdx-exceptions@{ev} (CC-BY-3.0, by Kyle E. Mitchell; exception ids)\n"
    f"{len(lic)} licences, {sum(len(g) for g in groups.values())} with a text in {len(groups)} distinct texts, {len(exc)} exceptions.\n")
cats = {}
for l in lines: cats[l.split("\t")[3]] = cats.get(l.split("\t")[3], 0) + 1
print(cats, file=sys.stderr)
PY
