"""Provider formats for rules/secrets.toml (the authoring source; rulegen.py emits the TOML).

Each S(...) is one rule: id, vendor, what, severity, regex, keywords, sample shape (see
shapes.py) and the line the sample is shown in. Regexes stay inside the common subset of
Vectorscan and RE2: no lookaround, no backreferences, only a leading (?i).
"""

END = r"(?:[^A-Za-z0-9_\-]|$)"
END64 = r"(?:[^A-Za-z0-9_\-+/=]|$)"
UUID = r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}"
UUID_S = "{h:8}-{h:4}-{h:4}-{h:4}-{h:12}"


def tok(body, end=END):
    """A token with a distinctive prefix: word boundary, captured, then a non-token char."""
    return r"\b(" + body + ")" + end


def kv(kw, val):
    """A value assigned to a name that contains one of kw (env, JSON, YAML, code, call args)."""
    return (r"(?i)(?:" + kw + r")[\w.\-\[\]]{0,25}(?:\([ \t]{0,3}\w{0,20})?[\"']?[ \t]{0,3}(?:=|:=|:|=>|,|\()[ \t]{0,3}[\"'\x60]?("
            + val + r")(?:[\"'\x60\s;,)]|$)")


SPECS = []


def S(id, vendor, what, sev, regex, keywords, sample, ctx=None, entropy=None, neg=None, **extra):
    if ctx is None:
        ctx = id.upper().replace("-", "_") + ' = "{}"'
    SPECS.append(dict(id=id, vendor=vendor, what=what, severity=sev, regex=regex,
                      keywords=keywords, sample=sample, ctx=ctx, entropy=entropy, neg=neg, **extra))


# ---------------------------------------------------------------- AI providers
S("anthropic-api-key", "Anthropic", "API key", "critical", tok(r"sk-ant-api03-[A-Za-z0-9_\-]{93}AA"), ["sk-ant-api03-"],
  "sk-ant-api03-{u:93}AA", 'client = anthropic.Anthropic(api_key="{}")')
S("anthropic-admin-key", "Anthropic", "Admin API key", "critical", tok(r"sk-ant-admin01-[A-Za-z0-9_\-]{93}AA"), ["sk-ant-admin01-"],
  "sk-ant-admin01-{u:93}AA")
S("openai-api-key", "OpenAI", "legacy user API key", "critical", tok(r"sk-[A-Za-z0-9]{20}T3BlbkFJ[A-Za-z0-9]{20}"), ["T3BlbkFJ"],
  "sk-{A:20}T3BlbkFJ{A:20}", 'openai.api_key = "{}"')
S("openai-project-key", "OpenAI", "project API key", "critical", tok(r"sk-proj-[A-Za-z0-9_\-]{20,200}T3BlbkFJ[A-Za-z0-9_\-]{20,200}"), ["sk-proj-"],
  "sk-proj-{u:74}T3BlbkFJ{u:74}", 'OPENAI_API_KEY="{}"')
S("openai-service-account-key", "OpenAI", "service-account key", "critical", tok(r"sk-svcacct-[A-Za-z0-9_\-]{20,200}T3BlbkFJ[A-Za-z0-9_\-]{20,200}"), ["sk-svcacct-"],
  "sk-svcacct-{u:74}T3BlbkFJ{u:74}")
S("openai-admin-key", "OpenAI", "admin key", "critical", tok(r"sk-admin-[A-Za-z0-9_\-]{20,200}T3BlbkFJ[A-Za-z0-9_\-]{20,200}"), ["sk-admin-"],
  "sk-admin-{u:58}T3BlbkFJ{u:58}")
S("huggingface-access-token", "Hugging Face", "user access token", "high", tok(r"hf_[A-Za-z]{34}"), ["hf_"],
  "hf_{L:34}", 'login(token="{}")', entropy=3.5)
S("huggingface-org-token", "Hugging Face", "organisation API token", "high", tok(r"api_org_[A-Za-z]{34}"), ["api_org_"],
  "api_org_{L:34}", entropy=3.5)
S("google-api-key", "Google", "API key (Gemini / Google AI Studio, Maps, Firebase)", "high", tok(r"AIza[0-9A-Za-z_\-]{35}"), ["AIza"],
  "AIza{u:35}", 'genai.configure(api_key="{}")', entropy=3.5)
S("azure-ai-services-key", "Microsoft Azure", "AI services / Azure OpenAI key (84-character format)", "critical",
  tok(r"[A-Za-z0-9]{52}JQQJ99[A-Za-z0-9]{18}ACOG[A-Za-z0-9]{4}"), ["JQQJ99"], "{A:52}JQQJ99{A:18}ACOG{A:4}",
  'AzureOpenAI(api_key="{}", api_version="2024-06-01")')
S("azure-openai-key", "Microsoft Azure", "Azure OpenAI / Cognitive Services key (32 hex)", "critical",
  kv(r"azure[_.\-]?openai|openai[_.\-]?azure|azure[_.\-]?(?:ai|cognitive|speech)|ocp-apim-subscription-key", r"[a-f0-9]{32}"),
  ["azure", "ocp-apim"], "{h:32}", 'AZURE_OPENAI_API_KEY = "{}"', entropy=3.0)
S("cohere-api-key", "Cohere", "API key", "critical", kv(r"cohere|co_api_key", r"[A-Za-z0-9]{40}"), ["cohere", "co_api_key"],
  "{A:40}", 'co = cohere.Client("{}")', entropy=3.8)
S("mistral-api-key", "Mistral AI", "API key", "critical", kv(r"mistral", r"[A-Za-z0-9]{32}"), ["mistral"],
  "{A:32}", 'MISTRAL_API_KEY="{}"', entropy=3.8)
S("groq-api-key", "Groq", "API key", "critical", tok(r"gsk_[A-Za-z0-9]{52}"), ["gsk_"], "gsk_{A:52}", 'Groq(api_key="{}")')
S("replicate-api-token", "Replicate", "API token", "critical", tok(r"r8_[A-Za-z0-9]{37}"), ["r8_"], "r8_{A:37}", entropy=3.5)
S("perplexity-api-key", "Perplexity", "API key", "critical", tok(r"pplx-[A-Za-z0-9]{48}"), ["pplx-"], "pplx-{A:48}")
S("together-api-key", "Together AI", "API key", "critical", tok(r"tgp_v1_[A-Za-z0-9_\-]{43}"), ["tgp_v1_"], "tgp_v1_{u:43}")
S("together-legacy-api-key", "Together AI", "legacy API key (64 hex)", "critical", kv(r"together", r"[a-f0-9]{64}"), ["together"],
  "{h:64}", 'TOGETHER_API_KEY = "{}"', entropy=3.5)
S("fireworks-api-key", "Fireworks AI", "API key", "critical", tok(r"fw_[A-Za-z0-9]{24}"), ["fw_"], "fw_{A:24}", entropy=3.8)
S("deepseek-api-key", "DeepSeek", "API key", "critical", kv(r"deepseek", r"sk-[a-f0-9]{32}"), ["deepseek"],
  "sk-{h:32}", 'DEEPSEEK_API_KEY="{}"', entropy=3.0)
S("xai-api-key", "xAI", "Grok API key", "critical", tok(r"xai-[A-Za-z0-9]{80}"), ["xai-"], "xai-{A:80}")
S("openrouter-api-key", "OpenRouter", "API key", "critical", tok(r"sk-or-v1-[a-f0-9]{64}"), ["sk-or-v1-"], "sk-or-v1-{h:64}")
S("langsmith-api-key", "LangChain LangSmith", "API key", "high", tok(r"lsv2_(?:pt|sk)_[a-f0-9]{32}_[a-f0-9]{10}"), ["lsv2_"],
  "lsv2_pt_{h:32}_{h:10}")
S("langfuse-secret-key", "Langfuse", "secret key", "high", tok(r"sk-lf-" + UUID), ["sk-lf-"], "sk-lf-" + UUID_S)
S("pinecone-api-key", "Pinecone", "API key", "critical", tok(r"pcsk_[A-Za-z0-9]{4,8}_[A-Za-z0-9]{40,80}"), ["pcsk_"],
  "pcsk_{A:6}_{A:63}")
S("wandb-api-key", "Weights & Biases", "API key", "high", kv(r"wandb|weights[_.\-]?and[_.\-]?biases", r"[a-f0-9]{40}"), ["wandb", "weights"],
  "{h:40}", 'wandb.login(key="{}")', entropy=3.2)
S("elevenlabs-api-key", "ElevenLabs", "API key", "high", kv(r"elevenlabs|eleven[_.\-]?labs|xi-api-key", r"sk_[a-f0-9]{48}"),
  ["elevenlabs", "eleven_labs", "xi-api-key"], "sk_{h:48}", 'ELEVENLABS_API_KEY="{}"', entropy=3.2)
S("assemblyai-api-key", "AssemblyAI", "API key", "high", kv(r"assemblyai|assembly[_.\-]ai", r"[a-f0-9]{32}"), ["assembly"],
  "{h:32}", 'ASSEMBLYAI_API_KEY = "{}"', entropy=3.2)
S("deepgram-api-key", "Deepgram", "API key", "high", kv(r"deepgram", r"[a-f0-9]{40}"), ["deepgram"], "{h:40}",
  'DEEPGRAM_API_KEY="{}"', entropy=3.2)
S("stability-api-key", "Stability AI", "API key", "high", kv(r"stability|dreamstudio", r"sk-[A-Za-z0-9]{48}"), ["stability", "dreamstudio"],
  "sk-{A:48}", 'STABILITY_API_KEY = "{}"', entropy=3.8)
S("aws-bedrock-api-key", "AWS Bedrock", "long-term API key", "critical", tok(r"ABSK[A-Za-z0-9+/]{100,400}={0,2}", END64), ["ABSK"],
  "ABSK{b:128}", 'AWS_BEARER_TOKEN_BEDROCK="{}"', entropy=4.5)
S("cerebras-api-key", "Cerebras", "API key", "high", tok(r"csk-[a-z0-9]{48}"), ["csk-"], "csk-{a:48}", entropy=3.8)
S("nvidia-api-key", "NVIDIA NIM", "API key", "high", tok(r"nvapi-[A-Za-z0-9_\-]{64}"), ["nvapi-"], "nvapi-{u:64}")
S("voyage-api-key", "Voyage AI", "API key", "high", kv(r"voyage", r"pa-[A-Za-z0-9_\-]{43}"), ["voyage"], "pa-{u:43}",
  'VOYAGE_API_KEY="{}"', entropy=4.0)

# ---------------------------------------------------------------- clouds
S("aws-access-key-id", "AWS", "access key id (also used for Bedrock)", "critical",
  tok(r"(?:AKIA|ASIA|ABIA|ACCA|A3T[A-Z0-9])[A-Z2-7]{16}"), ["AKIA", "ASIA", "ABIA", "ACCA", "A3T"], "AKIA{B:16}",
  'aws_access_key_id = {}', entropy=3.0, allow_regexes=[r"EXAMPLE$"])
S("aws-secret-access-key", "AWS", "secret access key", "critical",
  kv(r"aws[_.\-]?secret[_.\-]?(?:access[_.\-]?)?key|secret[_.\-]?access[_.\-]?key", r"[A-Za-z0-9/+=]{40}"),
  ["secret_access_key", "secret-access-key", "secretaccesskey", "aws_secret", "aws-secret", "awssecret", "secret_key"],
  "{b:40}", 'aws_secret_access_key = {}', entropy=4.0, allow_regexes=[r"EXAMPLEKEY$"])
S("aws-session-token", "AWS", "session token", "high", kv(r"aws[_.\-]?session[_.\-]?token", r"[A-Za-z0-9/+=]{100,1000}"),
  ["session_token", "session-token", "sessiontoken"], "{b:180}", 'AWS_SESSION_TOKEN="{}"', entropy=4.5)
S("aws-mws-key", "Amazon", "Marketplace Web Service auth token", "high", tok(r"amzn\.mws\." + UUID), ["amzn.mws."],
  "amzn.mws." + UUID_S)
S("gcp-service-account-key-id", "Google Cloud", "service-account private_key_id", "high",
  r"\"private_key_id\"[ \t]{0,3}:[ \t]{0,3}\"([a-f0-9]{40})\"", ["private_key_id"], "{h:40}", '  "private_key_id": "{}",', entropy=3.2)
S("gcp-oauth-client-secret", "Google Cloud", "OAuth client secret", "high", tok(r"GOCSPX-[A-Za-z0-9_\-]{28}"), ["GOCSPX-"], "GOCSPX-{u:28}")
S("google-oauth-access-token", "Google", "OAuth access token", "high", tok(r"ya29\.[0-9A-Za-z_\-]{30,400}"), ["ya29."], "ya29.{u:120}",
  'headers["Authorization"] = "Bearer {}"')
S("google-oauth-refresh-token", "Google", "OAuth refresh token", "high", tok(r"1//0[0-9A-Za-z_\-]{60,120}"), ["1//0"], "1//0{u:99}",
  'refresh_token = "{}"', entropy=4.0)
S("firebase-cloud-messaging-key", "Google Firebase", "Cloud Messaging server key", "high",
  tok(r"AAAA[A-Za-z0-9_\-]{7}:APA91b[A-Za-z0-9_\-]{134}"), ["APA91b"], "AAAA{u:7}:APA91b{u:134}")
S("azure-storage-account-key", "Microsoft Azure", "storage account key", "critical",
  r"(?i)AccountKey=([A-Za-z0-9+/]{86}==)", ["AccountKey="], "{b:86}==",
  'conn = "DefaultEndpointsProtocol=https;AccountName=acmedata;AccountKey={};EndpointSuffix=core.windows.net"', entropy=4.5)
S("azure-shared-access-key", "Microsoft Azure", "Service Bus / Event Hubs shared access key", "critical",
  r"(?i)SharedAccessKey=([A-Za-z0-9+/]{42,44}=)", ["SharedAccessKey="], "{b:43}=",
  'sb = "Endpoint=sb://acme-bus.servicebus.windows.net/;SharedAccessKeyName=RootManageSharedAccessKey;SharedAccessKey={}"', entropy=4.2)
S("azure-sas-token", "Microsoft Azure", "SAS token signature", "high",
  r"(?i)[?&]sv=\d{4}-\d{2}-\d{2}&[^\s\"'<>]{0,300}[?&]sig=([A-Za-z0-9%+/]{40,120})", ["sig="], "{A:40}%3D",
  'url = "https://acme.blob.core.windows.net/backups?sv=2022-11-02&ss=b&srt=co&sp=rl&se=2026-12-31&sig={}"', entropy=4.0)
S("azure-ad-client-secret", "Microsoft Entra ID", "client secret", "critical",
  r"(?:^|[\\'\"\x60\s>=:(,)])([A-Za-z0-9_~.]{3}\dQ~[A-Za-z0-9_~.\-]{31,34})(?:$|[\\'\"\x60\s<),])", ["Q~"], "{A:3}8Q~{A:34}",
  'AZURE_CLIENT_SECRET="{}"', entropy=3.5)
S("azure-devops-pat", "Azure DevOps", "personal access token (84-character format)", "critical",
  tok(r"[A-Za-z0-9]{52}JQQJ99[A-Za-z0-9]{18}AZDO[A-Za-z0-9]{4}"), ["JQQJ99"], "{A:52}JQQJ99{A:18}AZDO{A:4}")
S("azure-devops-legacy-pat", "Azure DevOps", "legacy personal access token", "critical",
  kv(r"azure[_.\-]?devops|ado[_.\-]?pat|devops[_.\-]?pat|system[_.\-]?accesstoken", r"[a-z2-7]{52}"),
  ["devops", "ado_pat", "ado-pat", "accesstoken"], "{B:52}", 'AZURE_DEVOPS_EXT_PAT={}', entropy=3.5, lower_sample=True)
S("digitalocean-pat", "DigitalOcean", "personal access token", "critical", tok(r"dop_v1_[a-f0-9]{64}"), ["dop_v1_"], "dop_v1_{h:64}")
S("digitalocean-oauth-token", "DigitalOcean", "OAuth access token", "critical", tok(r"doo_v1_[a-f0-9]{64}"), ["doo_v1_"], "doo_v1_{h:64}")
S("digitalocean-refresh-token", "DigitalOcean", "OAuth refresh token", "high", tok(r"dor_v1_[a-f0-9]{64}"), ["dor_v1_"], "dor_v1_{h:64}")
S("digitalocean-spaces-key", "DigitalOcean", "Spaces access key", "high", tok(r"DO00[A-Z0-9]{16}"), ["DO00"], "DO00{U:16}", entropy=3.0)
S("alibaba-access-key-id", "Alibaba Cloud", "AccessKey ID", "high", tok(r"LTAI[A-Za-z0-9]{12,20}"), ["LTAI"], "LTAI{A:20}", entropy=3.0)
S("alibaba-secret-key", "Alibaba Cloud", "AccessKey secret", "critical", kv(r"alibaba|aliyun|alicloud", r"[A-Za-z0-9]{30}"),
  ["alibaba", "aliyun", "alicloud"], "{A:30}", 'ALIBABA_CLOUD_ACCESS_KEY_SECRET="{}"', entropy=3.8)
S("tencent-secret-id", "Tencent Cloud", "SecretId", "high", tok(r"AKID[A-Za-z0-9]{32}"), ["AKID"], "AKID{A:32}", entropy=3.5)
S("ibm-cloud-api-key", "IBM Cloud", "API key", "critical", kv(r"ibm[_.\-]?cloud|ibmcloud|ic_api_key|ibm[_.\-]?api[_.\-]?key", r"[A-Za-z0-9_\-]{44}"),
  ["ibm", "ic_api_key"], "{u:44}", 'IBMCLOUD_API_KEY="{}"', entropy=4.0)
S("oracle-oci-auth-token", "Oracle Cloud", "OCI auth token", "high",
  kv(r"oci[_.\-]?auth[_.\-]?token|oracle[_.\-]?(?:cloud[_.\-]?)?auth[_.\-]?token", r"[A-Za-z0-9+;:<>()_.#]{20}"),
  ["oci", "oracle"], "{x:20}", 'OCI_AUTH_TOKEN="{}"', entropy=3.8)
S("heroku-api-key", "Heroku", "API key", "critical", kv(r"heroku", UUID), ["heroku"], UUID_S, 'HEROKU_API_KEY={}', entropy=3.0)
S("heroku-api-key-v2", "Heroku", "API key (HRKU format)", "critical", tok(r"HRKU-[A-Za-z0-9_\-]{58,64}"), ["HRKU-"], "HRKU-{u:60}")
S("cloudflare-api-token", "Cloudflare", "API token", "critical", kv(r"cloudflare|cf[_.\-]api[_.\-]token", r"[A-Za-z0-9_\-]{40}"),
  ["cloudflare", "cf_api", "cf-api"], "{u:40}", 'CLOUDFLARE_API_TOKEN="{}"', entropy=3.8)
S("cloudflare-global-api-key", "Cloudflare", "global API key", "critical", kv(r"cloudflare|cf[_.\-]api[_.\-]key", r"[a-f0-9]{37}"),
  ["cloudflare", "cf_api", "cf-api"], "{h:37}", 'CF_API_KEY="{}"', entropy=3.2)
S("cloudflare-origin-ca-key", "Cloudflare", "Origin CA key", "high", tok(r"v1\.0-[a-f0-9]{24}-[a-f0-9]{146}"), ["v1.0-"],
  "v1.0-{h:24}-{h:146}")
S("fastly-api-token", "Fastly", "API token", "critical", kv(r"fastly", r"[A-Za-z0-9_\-]{32}"), ["fastly"], "{u:32}",
  'FASTLY_API_TOKEN="{}"', entropy=3.8)
S("vercel-token", "Vercel", "access token", "critical", kv(r"vercel", r"[A-Za-z0-9]{24}"), ["vercel"], "{A:24}",
  'VERCEL_TOKEN="{}"', entropy=3.8)
S("netlify-access-token", "Netlify", "personal access token", "critical", tok(r"nfp_[A-Za-z0-9]{36}"), ["nfp_"], "nfp_{A:36}")
S("netlify-legacy-token", "Netlify", "legacy access token", "high", kv(r"netlify", r"[A-Za-z0-9_\-]{43}"), ["netlify"], "{u:43}",
  'NETLIFY_AUTH_TOKEN="{}"', entropy=4.0)
S("linode-api-token", "Linode (Akamai)", "API token", "critical", kv(r"linode", r"[a-f0-9]{64}"), ["linode"], "{h:64}",
  'LINODE_TOKEN="{}"', entropy=3.5)
S("vultr-api-key", "Vultr", "API key", "critical", kv(r"vultr", r"[A-Z0-9]{36}"), ["vultr"], "{U:36}", 'VULTR_API_KEY="{}"', entropy=3.8)
S("hetzner-cloud-token", "Hetzner", "Cloud API token", "critical", kv(r"hetzner|hcloud", r"[A-Za-z0-9]{64}"), ["hetzner", "hcloud"],
  "{A:64}", 'HCLOUD_TOKEN="{}"', entropy=4.2)
S("scaleway-secret-key", "Scaleway", "secret key", "critical", kv(r"scaleway|scw[_.\-]secret", UUID), ["scaleway", "scw_", "scw-"],
  UUID_S, 'SCW_SECRET_KEY="{}"', entropy=3.0)
S("scaleway-access-key", "Scaleway", "access key", "medium", tok(r"SCW[A-Z0-9]{17}"), ["SCW"], "SCW{U:17}", entropy=3.5)
S("supabase-access-token", "Supabase", "personal access token", "critical", tok(r"sbp_[a-f0-9]{40}"), ["sbp_"], "sbp_{h:40}")
S("supabase-secret-key", "Supabase", "secret API key", "critical", tok(r"sb_secret_[A-Za-z0-9_\-]{31,64}"), ["sb_secret_"], "sb_secret_{u:31}")
S("planetscale-token", "PlanetScale", "service token", "critical", tok(r"pscale_tkn_[A-Za-z0-9_.\-]{43}"), ["pscale_tkn_"], "pscale_tkn_{u:43}")
S("planetscale-password", "PlanetScale", "database password", "critical", tok(r"pscale_pw_[A-Za-z0-9_.\-]{43}"), ["pscale_pw_"], "pscale_pw_{u:43}")
S("planetscale-oauth-token", "PlanetScale", "OAuth token", "high", tok(r"pscale_oauth_[A-Za-z0-9_.\-]{32,64}"), ["pscale_oauth_"], "pscale_oauth_{u:43}")
S("databricks-token", "Databricks", "personal access token", "critical", tok(r"dapi[a-f0-9]{32}(?:-\d)?"), ["dapi"], "dapi{h:32}", entropy=3.0)
S("doppler-token", "Doppler", "service token", "critical", tok(r"dp\.(?:pt|st|sa|ct|scim|audit)\.[A-Za-z0-9]{40,44}"), ["dp.pt.", "dp.st.", "dp.sa.", "dp.ct."],
  "dp.st.{A:43}")
S("hashicorp-vault-token", "HashiCorp Vault", "service token", "critical", tok(r"hvs\.[A-Za-z0-9_\-]{90,120}"), ["hvs."], "hvs.{u:95}")
S("hashicorp-vault-batch-token", "HashiCorp Vault", "batch token", "high", tok(r"hvb\.[A-Za-z0-9_\-]{138,300}"), ["hvb."], "hvb.{u:140}")
S("terraform-cloud-token", "HashiCorp Terraform Cloud", "API token", "critical", tok(r"[A-Za-z0-9]{14}\.atlasv1\.[A-Za-z0-9_=\-]{60,70}"), ["atlasv1"],
  "{A:14}.atlasv1.{u:67}")
S("pulumi-access-token", "Pulumi", "access token", "critical", tok(r"pul-[a-f0-9]{40}"), ["pul-"], "pul-{h:40}")
S("grafana-cloud-token", "Grafana", "Cloud API token", "high", tok(r"glc_[A-Za-z0-9+/]{32,400}={0,2}", END64), ["glc_"], "glc_{b:80}", entropy=4.0)
S("grafana-service-account-token", "Grafana", "service account token", "high", tok(r"glsa_[A-Za-z0-9]{32}_[A-Fa-f0-9]{8}"), ["glsa_"], "glsa_{A:32}_{h:8}")
S("new-relic-user-api-key", "New Relic", "user API key", "high", tok(r"NRAK-[A-Z0-9]{27}"), ["NRAK-"], "NRAK-{U:27}")
S("new-relic-insert-key", "New Relic", "insights insert key", "high", tok(r"NRII-[A-Za-z0-9_\-]{32}"), ["NRII-"], "NRII-{u:32}")
S("new-relic-browser-key", "New Relic", "browser API token", "medium", tok(r"NRJS-[a-f0-9]{19}"), ["NRJS-"], "NRJS-{h:19}")
S("datadog-api-key", "Datadog", "API key", "high", kv(r"datadog|dd[_.\-]api[_.\-]key", r"[a-f0-9]{32}"), ["datadog", "dd_api", "dd-api"],
  "{h:32}", 'DD_API_KEY={}', entropy=3.2)
S("datadog-app-key", "Datadog", "application key", "high", kv(r"datadog[_.\-]?app|dd[_.\-]app(?:lication)?[_.\-]key", r"[a-f0-9]{40}"),
  ["datadog", "dd_app", "dd-app"], "{h:40}", 'DD_APP_KEY={}', entropy=3.2)
S("sentry-org-token", "Sentry", "organisation auth token", "high", tok(r"sntrys_eyJ[A-Za-z0-9+/=_\-]{80,400}", END64), ["sntrys_"], "sntrys_eyJ{u:120}")
S("sentry-user-token", "Sentry", "user auth token", "high", tok(r"sntryu_[a-f0-9]{64}"), ["sntryu_"], "sntryu_{h:64}")
S("dynatrace-api-token", "Dynatrace", "API token", "high", tok(r"dt0c01\.[A-Z0-9]{24}\.[A-Z0-9]{64}"), ["dt0c01."], "dt0c01.{U:24}.{U:64}")
S("splunk-hec-token", "Splunk", "HTTP Event Collector token", "high", kv(r"splunk", UUID), ["splunk"], UUID_S,
  'SPLUNK_HEC_TOKEN="{}"', entropy=3.0)
S("pagerduty-api-key", "PagerDuty", "API key", "high", kv(r"pagerduty|pager[_.\-]duty", r"u\+[A-Za-z0-9_+\-]{18}|[A-Za-z0-9_\-]{20}"),
  ["pagerduty", "pager_duty"], "{u:20}", 'PAGERDUTY_TOKEN="{}"', entropy=3.8)
S("algolia-admin-key", "Algolia", "admin API key", "high", kv(r"algolia", r"[a-f0-9]{32}"), ["algolia"], "{h:32}",
  'ALGOLIA_ADMIN_KEY="{}"', entropy=3.2)
S("mapbox-secret-token", "Mapbox", "secret access token", "high", tok(r"sk\.eyJ[A-Za-z0-9_\-]{50,120}\.[A-Za-z0-9_\-]{20,40}"), ["sk.eyJ"],
  "sk.eyJ{u:60}.{u:22}")
S("shopify-access-token", "Shopify", "Admin API access token", "critical", tok(r"shpat_[a-fA-F0-9]{32}"), ["shpat_"], "shpat_{h:32}")
S("shopify-custom-app-token", "Shopify", "custom app access token", "critical", tok(r"shpca_[a-fA-F0-9]{32}"), ["shpca_"], "shpca_{h:32}")
S("shopify-private-app-token", "Shopify", "private app password", "critical", tok(r"shppa_[a-fA-F0-9]{32}"), ["shppa_"], "shppa_{h:32}")
S("shopify-shared-secret", "Shopify", "app shared secret", "high", tok(r"shpss_[a-fA-F0-9]{32}"), ["shpss_"], "shpss_{h:32}")
S("okta-api-token", "Okta", "API token", "critical", kv(r"okta", r"00[A-Za-z0-9_\-]{40}"), ["okta"], "00{u:40}", 'OKTA_API_TOKEN="{}"', entropy=4.0)
S("onepassword-service-account-token", "1Password", "service account token", "critical",
  tok(r"ops_eyJ[A-Za-z0-9+/]{250,1000}={0,3}", END64), ["ops_eyJ"], "ops_eyJ{b:260}", 'OP_SERVICE_ACCOUNT_TOKEN={}')
S("onepassword-secret-key", "1Password", "account secret key", "critical", tok(r"A3-[A-Z0-9]{6}-[A-Z0-9]{11}-[A-Z0-9]{5}-[A-Z0-9]{5}-[A-Z0-9]{5}"), ["A3-"],
  "A3-{U:6}-{U:11}-{U:5}-{U:5}-{U:5}", entropy=3.5)
S("age-secret-key", "age", "secret key", "critical", tok(r"AGE-SECRET-KEY-1[QPZRY9X8GF2TVDW0S3JN54KHCE6MUA7L]{58}"), ["AGE-SECRET-KEY-1"],
  "AGE-SECRET-KEY-1{c:58}", "{}")
S("atlassian-api-token", "Atlassian", "API token (Jira, Confluence)", "high", tok(r"ATATT3[A-Za-z0-9_\-=]{186}"), ["ATATT3"], "ATATT3{u:186}")
S("linear-api-key", "Linear", "API key", "high", tok(r"lin_api_[A-Za-z0-9]{40}"), ["lin_api_"], "lin_api_{A:40}")
S("notion-integration-token", "Notion", "integration token", "high", tok(r"ntn_[0-9]{11}[A-Za-z0-9]{35}"), ["ntn_"], "ntn_{d:11}{A:35}")
S("notion-legacy-token", "Notion", "legacy integration secret", "high", kv(r"notion", r"secret_[A-Za-z0-9]{43}"), ["notion"],
  "secret_{A:43}", 'NOTION_TOKEN="{}"', entropy=4.0)
S("airtable-pat", "Airtable", "personal access token", "high", tok(r"pat[A-Za-z0-9]{14}\.[a-f0-9]{64}"), ["pat"], "pat{A:14}.{h:64}")
S("figma-pat", "Figma", "personal access token", "medium", tok(r"figd_[A-Za-z0-9_\-]{40}"), ["figd_"], "figd_{u:40}")
S("postman-api-key", "Postman", "API key", "high", tok(r"PMAK-[a-f0-9]{24}-[a-f0-9]{34}"), ["PMAK-"], "PMAK-{h:24}-{h:34}")
S("dropbox-access-token", "Dropbox", "short-lived access token", "high", kv(r"dropbox", r"sl\.[A-Za-z0-9_\-]{130,160}"), ["dropbox"],
  "sl.{u:138}", 'DROPBOX_TOKEN="{}"', entropy=4.0)
S("zendesk-api-token", "Zendesk", "API token", "high", kv(r"zendesk", r"[A-Za-z0-9]{40}"), ["zendesk"], "{A:40}", 'ZENDESK_API_TOKEN="{}"', entropy=4.0)
S("hubspot-private-app-token", "HubSpot", "private app token", "high", tok(r"pat-(?:na|eu)1-" + UUID), ["pat-na1-", "pat-eu1-"], "pat-na1-" + UUID_S)
S("intercom-access-token", "Intercom", "access token", "high", kv(r"intercom", r"[A-Za-z0-9=_\-]{60}"), ["intercom"], "{u:60}",
  'INTERCOM_TOKEN="{}"', entropy=4.0)
S("facebook-app-secret", "Meta (Facebook)", "app secret", "high", kv(r"facebook[_.\-]?(?:app[_.\-]?)?secret|fb[_.\-]app[_.\-]secret", r"[a-f0-9]{32}"),
  ["facebook", "fb_app", "fb-app"], "{h:32}", 'FACEBOOK_APP_SECRET="{}"', entropy=3.2)
S("facebook-access-token", "Meta (Facebook)", "long-lived access token", "high", tok(r"EAA[A-Za-z0-9]{3}[A-Za-z0-9]{150,300}"),
  ["EAA"], "EAAB{A:170}", 'FB_ACCESS_TOKEN="{}"', entropy=4.5)
S("twitter-api-secret", "X (Twitter)", "API secret / bearer token", "high",
  kv(r"twitter[_.\-]?(?:api[_.\-]?|consumer[_.\-]?)?secret|twitter[_.\-]?bearer", r"[A-Za-z0-9%]{50,120}"), ["twitter"],
  "{A:50}", 'TWITTER_CONSUMER_SECRET="{}"', entropy=4.2)
S("launchdarkly-access-token", "LaunchDarkly", "API access token", "high", tok(r"api-" + UUID), ["api-"], "api-" + UUID_S,
  'LD_API_KEY="{}"', entropy=3.0)
S("launchdarkly-sdk-key", "LaunchDarkly", "server-side SDK key", "high", tok(r"sdk-" + UUID), ["sdk-"], "sdk-" + UUID_S,
  'LAUNCHDARKLY_SDK_KEY="{}"', entropy=3.0)
S("contentful-token", "Contentful", "delivery / management token", "medium", kv(r"contentful", r"[A-Za-z0-9_\-]{43}"), ["contentful"],
  "{u:43}", 'CONTENTFUL_ACCESS_TOKEN="{}"', entropy=4.0)
S("prefect-api-key", "Prefect", "API key", "high", tok(r"pnu_[A-Za-z0-9]{36}"), ["pnu_"], "pnu_{A:36}")
S("flyio-token", "Fly.io", "access token", "critical", tok(r"fm[12][ar]?_[A-Za-z0-9+/=_\-]{100,400}", END64), ["fm1", "fm2"],
  "fm2_{u:120}", 'FLY_API_TOKEN="FlyV1 {}"', entropy=4.2)
S("render-api-key", "Render", "API key", "high", tok(r"rnd_[A-Za-z0-9]{32}"), ["rnd_"], "rnd_{A:32}")
S("readme-api-key", "ReadMe", "API key", "medium", tok(r"rdme_[a-z0-9]{70}"), ["rdme_"], "rdme_{a:70}")
S("snyk-api-token", "Snyk", "API token", "high", kv(r"snyk", UUID), ["snyk"], UUID_S, 'SNYK_TOKEN={}', entropy=3.0)
S("codecov-token", "Codecov", "upload token", "medium", kv(r"codecov", UUID + r"|[a-f0-9]{32}"), ["codecov"], UUID_S,
  'CODECOV_TOKEN={}', entropy=3.0)
S("sonar-token", "SonarQube / SonarCloud", "token", "high", tok(r"sq[upa]_[a-f0-9]{40}"), ["squ_", "sqp_", "sqa_"], "squ_{h:40}")
S("easypost-api-key", "EasyPost", "production API key", "high", tok(r"EZAK[A-Za-z0-9]{54}"), ["EZAK"], "EZAK{A:54}")
S("shippo-api-token", "Shippo", "live API token", "high", tok(r"shippo_live_[a-f0-9]{40}"), ["shippo_live_"], "shippo_live_{h:40}")

# ---------------------------------------------------------------- VCS and CI
S("github-pat", "GitHub", "classic personal access token", "critical", tok(r"ghp_[A-Za-z0-9]{36}"), ["ghp_"], "ghp_{A:36}",
  'g = Github("{}")')
S("github-fine-grained-pat", "GitHub", "fine-grained personal access token", "critical", tok(r"github_pat_[A-Za-z0-9]{22}_[A-Za-z0-9]{59}"),
  ["github_pat_"], "github_pat_{A:22}_{A:59}")
S("github-oauth-token", "GitHub", "OAuth access token", "critical", tok(r"gho_[A-Za-z0-9]{36}"), ["gho_"], "gho_{A:36}")
S("github-app-user-token", "GitHub", "App user-to-server token", "critical", tok(r"ghu_[A-Za-z0-9]{36}"), ["ghu_"], "ghu_{A:36}")
S("github-app-installation-token", "GitHub", "App installation (server-to-server) token", "critical", tok(r"ghs_[A-Za-z0-9]{36}"), ["ghs_"], "ghs_{A:36}")
S("github-refresh-token", "GitHub", "App refresh token", "high", tok(r"ghr_[A-Za-z0-9]{36,76}"), ["ghr_"], "ghr_{A:76}")
S("github-oauth-client-secret", "GitHub", "OAuth app client secret", "high", kv(r"github[_.\-]?(?:oauth[_.\-]?)?client[_.\-]?secret", r"[a-f0-9]{40}"),
  ["github"], "{h:40}", 'GITHUB_CLIENT_SECRET="{}"', entropy=3.2)
S("gitlab-pat", "GitLab", "personal access token", "critical", tok(r"glpat-[A-Za-z0-9_\-]{20,64}(?:\.[a-z0-9]{2}\.[a-z0-9]{7,9})?"), ["glpat-"], "glpat-{u:20}")
S("gitlab-deploy-token", "GitLab", "deploy token", "high", tok(r"gldt-[A-Za-z0-9_\-]{20}"), ["gldt-"], "gldt-{u:20}")
S("gitlab-runner-registration-token", "GitLab", "runner registration token", "high", tok(r"GR1348941[A-Za-z0-9_\-]{20}"), ["GR1348941"], "GR1348941{u:20}")
S("gitlab-runner-auth-token", "GitLab", "runner authentication token", "high", tok(r"glrt-[A-Za-z0-9_\-]{20,64}"), ["glrt-"], "glrt-{u:20}")
S("gitlab-pipeline-trigger-token", "GitLab", "pipeline trigger token", "high", tok(r"glptt-[a-f0-9]{40}"), ["glptt-"], "glptt-{h:40}")
S("gitlab-ci-job-token", "GitLab", "CI/CD job token", "medium", tok(r"glcbt-[A-Za-z0-9_\-]{20}"), ["glcbt-"], "glcbt-{u:20}")
S("gitlab-feed-token", "GitLab", "feed token", "medium", tok(r"glft-[A-Za-z0-9_\-]{20}"), ["glft-"], "glft-{u:20}")
S("gitlab-incoming-mail-token", "GitLab", "incoming mail token", "medium", tok(r"glimt-[A-Za-z0-9_\-]{25}"), ["glimt-"], "glimt-{a:25}")
S("gitlab-oauth-app-secret", "GitLab", "OAuth application secret", "high", tok(r"gloas-[a-f0-9]{64}"), ["gloas-"], "gloas-{h:64}")
S("gitlab-scim-token", "GitLab", "SCIM OAuth token", "high", tok(r"glsoat-[A-Za-z0-9_\-]{20}"), ["glsoat-"], "glsoat-{u:20}")
S("gitlab-feature-flag-token", "GitLab", "feature flags client token", "medium", tok(r"glffct-[A-Za-z0-9_\-]{20}"), ["glffct-"], "glffct-{u:20}")
S("gitlab-agent-token", "GitLab", "Kubernetes agent token", "high", tok(r"glagent-[A-Za-z0-9_\-]{50}"), ["glagent-"], "glagent-{u:50}")
S("bitbucket-app-password", "Bitbucket", "app password / API token", "critical", tok(r"ATBB[A-Za-z0-9_=.\-]{32}"), ["ATBB"], "ATBB{A:32}")
S("bitbucket-client-secret", "Bitbucket", "OAuth consumer secret", "high", kv(r"bitbucket", r"[A-Za-z0-9=_\-]{64}"), ["bitbucket"], "{u:64}",
  'BITBUCKET_CLIENT_SECRET="{}"', entropy=4.2)
S("circleci-pat", "CircleCI", "personal API token", "critical", tok(r"CCIPAT_[A-Za-z0-9]{22}_[a-f0-9]{40}"), ["CCIPAT_"], "CCIPAT_{A:22}_{h:40}")
S("circleci-token", "CircleCI", "legacy API token", "high", kv(r"circle[_.\-]?(?:ci)?[_.\-]?token", r"[a-f0-9]{40}"), ["circle"], "{h:40}",
  'CIRCLE_TOKEN={}', entropy=3.2)
S("travis-ci-token", "Travis CI", "API token", "high", kv(r"travis", r"[A-Za-z0-9_\-]{22}"), ["travis"], "{u:22}", 'TRAVIS_API_TOKEN="{}"', entropy=3.8)
S("buildkite-api-token", "Buildkite", "API access token", "high", tok(r"bkua_[a-f0-9]{40}"), ["bkua_"], "bkua_{h:40}")
S("buildkite-agent-token", "Buildkite", "agent token", "high", kv(r"buildkite[_.\-]?agent", r"[a-f0-9]{50}"), ["buildkite"], "{h:50}",
  'BUILDKITE_AGENT_TOKEN="{}"', entropy=3.2)
S("jenkins-api-token", "Jenkins", "API token", "high", kv(r"jenkins", r"11[a-f0-9]{32}"), ["jenkins"], "11{h:32}", 'JENKINS_API_TOKEN="{}"', entropy=3.2)
S("drone-ci-token", "Drone CI", "access token", "high", kv(r"drone[_.\-]?(?:ci[_.\-]?)?token", r"[A-Za-z0-9]{32}"), ["drone"], "{A:32}",
  'DRONE_TOKEN="{}"', entropy=3.8)
S("npm-access-token", "npm", "access token", "critical", tok(r"npm_[A-Za-z0-9]{36}"), ["npm_"], "npm_{A:36}", '//npm.internal/:_authToken={}')
S("npmrc-auth-token", "npm", "legacy _authToken in .npmrc", "high", r"(?i)_authToken[ \t]{0,3}=[ \t]{0,3}(" + UUID + r")(?:\s|$)", ["_authToken"],
  UUID_S, '//npm.internal/:_authToken={}', entropy=3.0)
S("pypi-upload-token", "PyPI", "upload token", "critical", tok(r"pypi-AgE[A-Za-z0-9_\-]{70,300}"), ["pypi-AgE"], "pypi-AgE{u:140}",
  'password = {}')
S("rubygems-api-key", "RubyGems", "API key", "critical", tok(r"rubygems_[a-f0-9]{48}"), ["rubygems_"], "rubygems_{h:48}")
S("nuget-api-key", "NuGet", "API key", "critical", tok(r"oy2[a-z0-9]{43}"), ["oy2"], "oy2{a:43}", entropy=3.8)
S("docker-hub-pat", "Docker Hub", "personal access token", "critical", tok(r"dckr_pat_[A-Za-z0-9_\-]{27}"), ["dckr_pat_"], "dckr_pat_{u:27}")
S("docker-hub-org-token", "Docker Hub", "organisation access token", "critical", tok(r"dckr_oat_[A-Za-z0-9_\-]{32}"), ["dckr_oat_"], "dckr_oat_{u:32}")
S("jfrog-api-key", "JFrog Artifactory", "API key", "critical", tok(r"AKCp[A-Za-z0-9]{69}"), ["AKCp"], "AKCp{A:69}", entropy=4.5)
S("jfrog-reference-token", "JFrog Artifactory", "reference token", "critical", tok(r"cmVmd[A-Za-z0-9]{59}"), ["cmVmd"], "cmVmd{A:59}", entropy=4.5)
S("clojars-token", "Clojars", "deploy token", "high", tok(r"CLOJARS_[a-z0-9]{60}"), ["CLOJARS_"], "CLOJARS_{a:60}")
S("crates-io-token", "Cargo registry", "API token", "critical", tok(r"cio[A-Za-z0-9]{32}"), ["cio"], "cio{A:32}", 'CARGO_REGISTRY_TOKEN={}', entropy=4.0)
S("gitea-token", "Gitea / Forgejo", "access token", "high", kv(r"gitea|forgejo", r"[a-f0-9]{40}"), ["gitea", "forgejo"], "{h:40}",
  'GITEA_TOKEN="{}"', entropy=3.2)

# ---------------------------------------------------------------- payment
S("stripe-live-secret-key", "Stripe", "live secret key", "critical", tok(r"sk_live_[A-Za-z0-9]{24,99}"), ["sk_live_"], "sk_live_{A:99}",
  'stripe.api_key = "{}"')
S("stripe-live-restricted-key", "Stripe", "live restricted key", "critical", tok(r"rk_live_[A-Za-z0-9]{24,99}"), ["rk_live_"], "rk_live_{A:99}")
S("stripe-test-secret-key", "Stripe", "test-mode secret key", "medium", tok(r"sk_test_[A-Za-z0-9]{24,99}"), ["sk_test_"], "sk_test_{A:99}")
S("stripe-webhook-secret", "Stripe", "webhook signing secret", "high", tok(r"whsec_[A-Za-z0-9]{32,64}"), ["whsec_"], "whsec_{A:32}")
S("square-access-token", "Square", "production access token", "critical", tok(r"EAAA[A-Za-z0-9_\-]{60}"), ["EAAA"], "EAAA{u:60}", entropy=4.2)
S("square-legacy-access-token", "Square", "legacy access token", "critical", tok(r"sq0atp-[A-Za-z0-9_\-]{22}"), ["sq0atp-"], "sq0atp-{u:22}")
S("square-oauth-secret", "Square", "OAuth application secret", "critical", tok(r"sq0csp-[A-Za-z0-9_\-]{43}"), ["sq0csp-"], "sq0csp-{u:43}")
S("braintree-access-token", "PayPal Braintree", "production access token", "critical",
  tok(r"access_token\$production\$[a-z0-9]{16}\$[a-f0-9]{32}"), ["access_token$production$"], "access_token$production${a:16}${h:32}")
S("paypal-client-secret", "PayPal", "REST client secret", "critical", kv(r"paypal", r"E[A-Za-z0-9_\-]{79}"), ["paypal"], "E{u:79}",
  'PAYPAL_CLIENT_SECRET="{}"', entropy=4.5)
S("adyen-api-key", "Adyen", "API key", "critical", kv(r"adyen", r"AQE[A-Za-z0-9+/=_\-]{80,300}"), ["adyen"], "AQE{u:120}",
  'ADYEN_API_KEY="{}"', entropy=4.5)
S("razorpay-key-secret", "Razorpay", "key secret", "critical", kv(r"razorpay", r"[A-Za-z0-9]{24}"), ["razorpay"], "{A:24}",
  'RAZORPAY_KEY_SECRET="{}"', entropy=3.8)
S("razorpay-live-key-id", "Razorpay", "live key id", "medium", tok(r"rzp_live_[A-Za-z0-9]{14}"), ["rzp_live_"], "rzp_live_{A:14}", entropy=3.0)
S("plaid-secret", "Plaid", "API secret", "critical", kv(r"plaid", r"[a-f0-9]{30}"), ["plaid"], "{h:30}", 'PLAID_SECRET="{}"', entropy=3.2)
S("plaid-access-token", "Plaid", "access token", "critical", tok(r"access-(?:production|development)-" + UUID), ["access-production-", "access-development-"],
  "access-production-" + UUID_S)
S("flutterwave-secret-key", "Flutterwave", "secret key", "critical", tok(r"FLWSECK(?:_TEST)?-[a-f0-9]{32}-X"), ["FLWSECK"], "FLWSECK-{h:32}-X")
S("mollie-api-key", "Mollie", "live API key", "critical", tok(r"live_[A-Za-z0-9]{30}"), ["live_"], "live_{A:30}", 'MOLLIE_API_KEY="{}"', entropy=4.0)
S("gocardless-access-token", "GoCardless", "live access token", "critical", tok(r"live_[A-Za-z0-9_\-=]{40}"), ["live_"], "live_{u:40}",
  'GOCARDLESS_ACCESS_TOKEN="{}"', entropy=4.2)
S("coinbase-api-secret", "Coinbase", "API secret", "critical", kv(r"coinbase", r"[A-Za-z0-9_\-]{64}"), ["coinbase"], "{u:64}",
  'COINBASE_API_SECRET="{}"', entropy=4.2)

# ---------------------------------------------------------------- chat and messaging
S("slack-bot-token", "Slack", "bot token", "critical", tok(r"xoxb-[0-9]{10,13}-[0-9]{10,13}-[A-Za-z0-9]{24}"), ["xoxb-"],
  "xoxb-{d:12}-{d:13}-{A:24}", 'app = App(token="{}")')
S("slack-user-token", "Slack", "user token", "critical", tok(r"xoxp-[0-9]{10,13}-[0-9]{10,13}-[0-9]{10,13}-[a-f0-9]{32}"), ["xoxp-"],
  "xoxp-{d:12}-{d:12}-{d:13}-{h:32}")
S("slack-app-token", "Slack", "app-level token", "high", tok(r"xapp-1-[A-Z0-9]{9,11}-[0-9]{10,13}-[a-f0-9]{64}"), ["xapp-"],
  "xapp-1-A{U:10}-{d:13}-{h:64}")
S("slack-config-token", "Slack", "configuration token", "high", tok(r"xoxe\.xox[bp]-1-[A-Za-z0-9]{160,170}"), ["xoxe."], "xoxe.xoxp-1-{A:163}")
S("slack-legacy-token", "Slack", "legacy workspace / bot token", "high", tok(r"xox[ar]-(?:[0-9]{10,13}-){1,3}[A-Za-z0-9]{24,40}"), ["xoxa-", "xoxr-"],
  "xoxa-{d:12}-{d:12}-{A:32}")
S("slack-webhook-url", "Slack", "incoming webhook URL", "high",
  r"(https://hooks\.slack\.com/(?:services|workflows|triggers)/T[A-Z0-9]{8,12}/[A-Z0-9]{8,12}/[A-Za-z0-9]{24,48})", ["hooks.slack.com"],
  "https://hooks.slack.com/services/T{U:10}/B{U:10}/{A:24}", 'WEBHOOK = "{}"', entropy=3.5)
S("discord-webhook-url", "Discord", "webhook URL", "high",
  r"(https://(?:ptb\.|canary\.)?discord(?:app)?\.com/api/webhooks/[0-9]{17,20}/[A-Za-z0-9_\-]{60,68})", ["discord"],
  "https://discord.com/api/webhooks/{d:19}/{u:68}", 'hook = "{}"', entropy=3.5)
S("discord-bot-token", "Discord", "bot token", "critical",
  kv(r"discord|bot[_.\-]?token", r"[MNO][A-Za-z0-9_\-]{23,25}\.[A-Za-z0-9_\-]{6}\.[A-Za-z0-9_\-]{27,38}"), ["discord", "bot_token", "bot-token", "bottoken"],
  "M{u:25}.{u:6}.{u:38}", 'DISCORD_TOKEN="{}"', entropy=4.0)
S("telegram-bot-token", "Telegram", "bot token", "critical", r"\b([0-9]{8,10}:AA[A-Za-z0-9_\-]{33})" + END, [":AA"],
  "{d:10}:AA{u:33}", 'bot = telebot.TeleBot("{}")', entropy=3.5)
S("teams-webhook-url", "Microsoft Teams", "incoming webhook URL", "high",
  r"(https://[a-z0-9\-]+\.webhook\.office\.com/webhookb2/" + UUID + "@" + UUID + r"/IncomingWebhook/[a-f0-9]{32}/" + UUID + ")",
  ["webhook.office.com"], "https://acme.webhook.office.com/webhookb2/" + UUID_S + "@" + UUID_S + "/IncomingWebhook/{h:32}/" + UUID_S,
  'TEAMS_HOOK = "{}"', entropy=3.5)
S("twilio-api-key", "Twilio", "API key SID", "high", tok(r"SK[a-f0-9]{32}"), ["SK"], "SK{h:32}", 'TWILIO_API_KEY="{}"', entropy=3.2)
S("twilio-auth-token", "Twilio", "auth token", "critical", kv(r"twilio[_.\-]?(?:auth[_.\-]?token|api[_.\-]?secret)", r"[a-f0-9]{32}"), ["twilio"],
  "{h:32}", 'TWILIO_AUTH_TOKEN="{}"', entropy=3.2)
S("sendgrid-api-key", "SendGrid", "API key", "critical", tok(r"SG\.[A-Za-z0-9_\-]{22}\.[A-Za-z0-9_\-]{43}"), ["SG."], "SG.{u:22}.{u:43}",
  'sg = SendGridAPIClient("{}")')
S("mailgun-api-key", "Mailgun", "private API key", "critical", kv(r"mailgun", r"key-[a-f0-9]{32}|[a-f0-9]{32}-[a-f0-9]{8}-[a-f0-9]{8}"), ["mailgun"],
  "key-{h:32}", 'MAILGUN_API_KEY="{}"', entropy=3.2)
S("mailchimp-api-key", "Mailchimp", "API key", "high", tok(r"[a-f0-9]{32}-us[0-9]{1,2}"), ["-us"], "{h:32}-us21", 'MAILCHIMP_KEY="{}"', entropy=3.2)
S("mandrill-api-key", "Mailchimp Transactional (Mandrill)", "API key", "high", kv(r"mandrill", r"[A-Za-z0-9_\-]{22}"), ["mandrill"], "{u:22}",
  'MANDRILL_API_KEY="{}"', entropy=3.8)
S("brevo-api-key", "Brevo (Sendinblue)", "API key", "high", tok(r"xkeysib-[a-f0-9]{64}-[A-Za-z0-9]{16}"), ["xkeysib-"], "xkeysib-{h:64}-{A:16}")
S("brevo-smtp-key", "Brevo (Sendinblue)", "SMTP key", "high", tok(r"xsmtpsib-[a-f0-9]{64}-[A-Za-z0-9]{16}"), ["xsmtpsib-"], "xsmtpsib-{h:64}-{A:16}")
S("postmark-server-token", "Postmark", "server token", "high", kv(r"postmark", UUID), ["postmark"], UUID_S, 'POSTMARK_SERVER_TOKEN="{}"', entropy=3.0)
S("vonage-api-secret", "Vonage (Nexmo)", "API secret", "high", kv(r"vonage|nexmo", r"[A-Za-z0-9]{16}"), ["vonage", "nexmo"], "{A:16}",
  'VONAGE_API_SECRET="{}"', entropy=3.5)
S("mattermost-token", "Mattermost", "access token", "medium", kv(r"mattermost", r"[a-z0-9]{26}"), ["mattermost"], "{a:26}",
  'MATTERMOST_TOKEN="{}"', entropy=3.5)
S("zoom-client-secret", "Zoom", "OAuth / server-to-server client secret", "high", kv(r"zoom[_.\-]?(?:client[_.\-]?|api[_.\-]?)?secret", r"[A-Za-z0-9]{32}"),
  ["zoom"], "{A:32}", 'ZOOM_CLIENT_SECRET="{}"', entropy=3.8)

# ---------------------------------------------------------------- database and service URLs with passwords
def _url(scheme, sample_scheme, host="db.internal.acme.io"):
    return dict(regex=r"(?i)\b(?:" + scheme + r")://[^:/\s\"'@]{1,64}:([^@/\s\"']{3,128})@[A-Za-z0-9.\-_\[\]]{1,253}",
                sample=sample_scheme + "://app_user:{A:20}@" + host)
for _id, _vendor, _scheme, _s, _kw in [
        ("postgres-url-password", "PostgreSQL", r"postgres(?:ql)?(?:\+[a-z0-9]+)?", "postgresql", ["postgres"]),
        ("mysql-url-password", "MySQL / MariaDB", r"mysql(?:\+[a-z0-9]+)?|mariadb", "mysql", ["mysql", "mariadb"]),
        ("mongodb-url-password", "MongoDB", r"mongodb(?:\+srv)?", "mongodb+srv", ["mongodb"]),
        ("redis-url-password", "Redis", r"rediss?", "rediss", ["redis"]),
        ("amqp-url-password", "RabbitMQ / AMQP", r"amqps?", "amqps", ["amqp"]),
        ("mssql-url-password", "SQL Server", r"mssql|sqlserver", "mssql", ["mssql", "sqlserver"]),
        ("smtp-url-password", "SMTP / FTP", r"smtps?|ftps?|sftp", "smtps", ["smtp", "ftp"])]:
    _u = _url(_scheme, _s)
    S(_id, _vendor, "connection URL with an embedded password", "critical", _u["regex"], _kw, _u["sample"],
      'DATABASE_URL = "{}"', entropy=3.0, cwe="CWE-798", generic=True)
S("http-basic-auth-url", "HTTP", "URL with embedded basic-auth credentials", "high",
  r"(?i)\bhttps?://[A-Za-z0-9._~%\-]{1,64}:([A-Za-z0-9._~%!$&*+,;=\-]{6,128})@[A-Za-z0-9.\-]{1,253}", ["http"],
  "https://deploy:{A:20}@artifacts.acme.io/repo", 'REPO_URL = "{}"', entropy=3.2, generic=True)
S("jdbc-url-password", "JDBC", "connection string with a password parameter", "critical",
  r"(?i)\bjdbc:[a-z0-9]{2,20}:[^\s\"']{0,200}[;?&]password=([^;&\s\"']{4,128})", ["jdbc:"],
  "jdbc:postgresql://db.acme.io:5432/orders?user=svc&password={A:18}", 'spring.datasource.url={}', entropy=3.0, generic=True)
S("ado-connection-string-password", "ADO.NET / ODBC", "connection string with a password", "critical",
  r"(?i)\b(?:server|data source|host)=[^;\"'\n]{1,120};[^\"'\n]{0,200}\b(?:password|pwd)=([^;\"'\s]{4,128})", ["password=", "pwd="],
  "Server=sql.acme.io;Database=orders;User Id=svc;Password={A:18};", 'var cs = "{}";', entropy=3.0, generic=True)

# ---------------------------------------------------------------- private keys (multi-line PEM blocks; the body must follow)
_PEM_BODY = r"(?:\\r)?(?:\\n|\r?\n)[ \t]{0,8}(?:Proc-Type:[^\r\n]{1,60}\r?\nDEK-Info:[^\r\n]{1,80}\r?\n\r?\n)?([A-Za-z0-9+/]{60,})"
for _id, _label, _kind in [("rsa-private-key", "RSA PRIVATE KEY", "RSA"), ("ec-private-key", "EC PRIVATE KEY", "EC"),
                            ("dsa-private-key", "DSA PRIVATE KEY", "DSA"), ("openssh-private-key", "OPENSSH PRIVATE KEY", "OpenSSH"),
                            ("pkcs8-private-key", "PRIVATE KEY", "PKCS#8"), ("pkcs8-encrypted-private-key", "ENCRYPTED PRIVATE KEY", "encrypted PKCS#8")]:
    S(_id, _kind, "private key (PEM block)", "medium" if "ENCRYPTED" in _label else "critical",
      r"-----BEGIN " + _label + r"-----" + _PEM_BODY, ["BEGIN " + _label], "{b:64}",
      "-----BEGIN " + _label + "-----\n{}\n{b:64}\n-----END " + _label + "-----", entropy=4.5, pem=True)
S("pgp-private-key-block", "OpenPGP", "private key block", "critical",
  r"-----BEGIN PGP PRIVATE KEY BLOCK-----\r?\n(?:[A-Za-z]{2,20}: [^\r\n]{0,100}\r?\n){0,5}\r?\n([A-Za-z0-9+/]{60,})", ["BEGIN PGP PRIVATE KEY BLOCK"],
  "{b:64}", "-----BEGIN PGP PRIVATE KEY BLOCK-----\nComment: exported\n\n{}\n{b:64}\n-----END PGP PRIVATE KEY BLOCK-----", entropy=4.5, pem=True)
S("putty-private-key", "PuTTY", "private key file", "critical",
  r"PuTTY-User-Key-File-[23]: [a-z0-9\-]{3,30}\r?\n(?:[^\r\n]*\r?\n){1,12}Private-Lines: [0-9]{1,3}\r?\n([A-Za-z0-9+/]{40,})",
  ["PuTTY-User-Key-File"], "{b:64}",
  "PuTTY-User-Key-File-3: ssh-ed25519\nEncryption: none\nComment: deploy\nPublic-Lines: 2\n{b:64}\n{b:16}\nPrivate-Lines: 1\n{}\nPrivate-MAC: {h:64}",
  entropy=4.5, pem=True)

# ---------------------------------------------------------------- JWT and generic assignments
S("jwt", "JSON Web Token", "signed token (may carry a live session or service credential)", "medium",
  r"\b(eyJ[A-Za-z0-9_\-]{10,}\.eyJ[A-Za-z0-9_\-]{10,}\.[A-Za-z0-9_\-]{20,})" + END, ["eyJ"],
  "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJ{u:60}.{u:43}", 'auth = "Bearer {}"', entropy=3.5,
  allow_regexes=[r"SflKxwRJSMeKKF2QT4fwpMeJf36POk6yJV_adQssw5c"])
S("generic-password-assignment", "Generic", "hard-coded password", "high",
  r"(?i)[\w.\-]{0,40}(?:password|passwd|passwort|pwd)[\w.\-]{0,20}[\"']?[ \t]{0,3}(?:=|:=|:|=>)[ \t]{0,3}[\"'\x60]([^\"'\x60\s]{8,100})[\"'\x60]",
  ["password", "passwd", "passwort", "pwd"], "{A:8}!{d:3}", 'DB_PASSWORD = "{}"', entropy=3.0, generic=True,
  allow_regexes=[r"^\$\{?[A-Za-z_]", r"^\{\{", r"^%\(?[A-Za-z_]", r"^<[^>]*>$", r"^[a-f0-9]{32}$|^[a-f0-9]{40}$|^[a-f0-9]{64}$",
                 r"^\$2[aby]?\$", r"^\$argon2", r"^\*+$", r"^(?:[A-Za-z_][A-Za-z0-9_]*\.)+[A-Za-z_][A-Za-z0-9_]*$"],
  stopwords=["password", "passwd", "changeme", "example", "placeholder", "redacted", "dummy", "sample", "secret", "xxxx",
             "your", "enter", "insert", "replace", "fixme", "todo", "notreal", "none", "null", "undefined", "hunter2"])
S("generic-api-key-assignment", "Generic", "high-entropy API key, token or secret assignment", "high",
  r"(?i)[\w.\-]{0,40}(?:api[_.\-]?key|apikey|api[_.\-]?secret|access[_.\-]?key|secret[_.\-]?key|client[_.\-]?secret|auth[_.\-]?token|api[_.\-]?token|access[_.\-]?token|bearer[_.\-]?token|private[_.\-]?token|app[_.\-]?secret|signing[_.\-]?key|encryption[_.\-]?key)[\w.\-]{0,20}[\"']?[ \t]{0,3}(?:=|:=|:|=>)[ \t]{0,3}[\"'\x60]?([A-Za-z0-9_+/=.~\-]{20,200})(?:[\"'\x60\s;,)]|$)",
  ["key", "secret", "token"], "{A:32}", 'PAYMENTS_API_KEY = "{}"', entropy=3.8, generic=True,
  allow_regexes=[r"^[A-Za-z_][A-Za-z0-9_]*(?:\.[A-Za-z_][A-Za-z0-9_]*)+$", r"^[a-z]+(?:[_\-][a-z]+)+$", r"^[A-Z]+(?:_[A-Z]+)+$",
                 r"^" + UUID + r"$", r"^[0-9a-f]{40}$"],
  stopwords=["example", "placeholder", "redacted", "dummy", "sample", "xxxx", "your", "insert", "replace", "fixme", "notreal",
             "changeme", "abcdefghij", "0123456789", "process.env", "os.environ", "getenv"])


# Negative examples for the rules whose secret is free-form (URLs, passwords, generic keys).
_URL_STOP = ["password", "passwd", "changeme", "example", "secret", "xxxx", "your", "pass", "pwd", "dbpass", "admin", "root",
             "postgres", "mysql", "guest", "redacted", "placeholder"]
_URL_ALLOW = [r"^\$\{?[A-Za-z_]", r"^\{\{", r"^<[^>]*>$", r"^%\(?[A-Za-z_]", r"^\*+$"]
_SCHEME = {"postgres-url-password": "postgresql", "mysql-url-password": "mysql", "mongodb-url-password": "mongodb+srv",
           "redis-url-password": "rediss", "amqp-url-password": "amqps", "mssql-url-password": "mssql",
           "smtp-url-password": "smtps"}
for _s in SPECS:
    if _s["id"] in _SCHEME:
        sc = _SCHEME[_s["id"]]
        _s["stopwords"] = _URL_STOP
        _s["allow_regexes"] = _URL_ALLOW
        _s["negatives"] = [f'DATABASE_URL = "{sc}://app_user:${{DB_PASSWORD}}@db.internal.acme.io/app"',
                           f'DATABASE_URL = "{sc}://db.internal.acme.io:5432/app"',
                           f'# e.g. {sc}://user:password@localhost/app']
_GEN_NEG = {
    "http-basic-auth-url": ['REPO_URL = "https://artifacts.acme.io/repo"', 'url = "https://user:<password>@host/path"',
                            'see https://deploy:${DEPLOY_TOKEN}@artifacts.acme.io/repo'],
    "jdbc-url-password": ["spring.datasource.url=jdbc:postgresql://db.acme.io:5432/orders?user=svc&password=${DB_PASSWORD}",
                          "spring.datasource.url=jdbc:postgresql://db.acme.io:5432/orders"],
    "ado-connection-string-password": ['var cs = "Server=sql.acme.io;Database=orders;Integrated Security=true;";',
                                       'var cs = "Server=sql.acme.io;Database=orders;User Id=svc;Password=<password>;";'],
    "generic-password-assignment": ['password = os.environ["DB_PASSWORD"]', 'DB_PASSWORD = "changeme"', 'password: "${DB_PASSWORD}"',
                                    '<input type="password" placeholder="Enter your password">',
                                    'password_hash = "5f1c8e0a9b7d3c2e4f6a8b0c1d3e5f7a"', 'PASSWORD_FIELD = "user.password"'],
    "generic-api-key-assignment": ['api_key = os.environ.get("PAYMENTS_API_KEY")', 'API_KEY = "your-api-key-here"',
                                   'access_token = "<token>"', 'secret_key_name = "payments_secret_key_reference"',
                                   'API_KEY_HEADER = "X_PAYMENTS_API_KEY_HEADER"', 'apiKey: process.env.PAYMENTS_API_KEY,'],
}
for _s in SPECS:
    if _s["id"] in _GEN_NEG:
        _s["negatives"] = _GEN_NEG[_s["id"]]
