#!/usr/bin/env python3
"""Writes gitleaks_full.toml: a gitleaks-format configuration with well over
100 rules shaped like the published gitleaks default config (prefix tokens,
keyword-anchored assignments, allowlists of every kind, [extend]-free). The
providers are illustrative; the text is ours. Run from this directory:
    python3 make_gitleaks_full.py > gitleaks_full.toml
"""

# Keyword-anchored assignment, the shape gitleaks generates for tokens with
# no distinctive prefix: <ident containing keyword> <op> <quoted value>.
def assign(keyword, value):
    return ("(?i)[\\w.-]{0,50}?(?:" + keyword + ")(?:[ \\t\\w.-]{0,20})[\\s'\"]{0,3}"
            "(?:=|>|:{1,3}=|\\|\\||:|=>|\\?=|,)[\\x60'\"\\s=]{0,5}(" + value +
            ")(?:[\\x60'\"\\s;]|\\\\[nr]|$)")

prefixed = [
    ("github-pat", "GitHub personal access token", r"ghp_[0-9a-zA-Z]{36}", ["ghp_"], 3.0),
    ("github-oauth", "GitHub OAuth access token", r"gho_[0-9a-zA-Z]{36}", ["gho_"], 3.0),
    ("github-app-token", "GitHub app token", r"(?:ghu|ghs)_[0-9a-zA-Z]{36}", ["ghu_", "ghs_"], 3.0),
    ("github-refresh-token", "GitHub refresh token", r"ghr_[0-9a-zA-Z]{36}", ["ghr_"], 3.0),
    ("github-fine-grained-pat", "GitHub fine-grained token", r"github_pat_\w{82}", ["github_pat_"], 3.0),
    ("gitlab-pat", "GitLab personal access token", r"glpat-[\w-]{20}", ["glpat-"], 3.0),
    ("gitlab-ptt", "GitLab pipeline trigger token", r"glptt-[0-9a-f]{40}", ["glptt-"], 3.0),
    ("gitlab-rrt", "GitLab runner registration token", r"GR1348941[\w-]{20}", ["gr1348941"], 3.0),
    ("gitlab-deploy-token", "GitLab deploy token", r"gldt-[0-9a-zA-Z_\-]{20}", ["gldt-"], 3.0),
    ("aws-access-token", "AWS access key id", r"(?:A3T[A-Z0-9]|AKIA|ASIA|ABIA|ACCA)[A-Z0-9]{16}", ["akia", "asia", "abia", "acca", "a3t"], 3.0),
    ("slack-bot-token", "Slack bot token", r"xoxb-[0-9]{10,13}-[0-9]{10,13}[a-zA-Z0-9-]*", ["xoxb"], 0),
    ("slack-user-token", "Slack user token", r"xox[pe](?:-[0-9]{10,13}){3}-[a-zA-Z0-9-]{28,34}", ["xoxp-", "xoxe-"], 0),
    ("slack-app-token", "Slack app token", r"(?i)xapp-\d-[A-Z0-9]+-\d+-[a-z0-9]+", ["xapp"], 0),
    ("slack-webhook-url", "Slack webhook", r"(?:https?://)?hooks\.slack\.com/(?:services|workflows)/[A-Za-z0-9+/]{43,46}", ["hooks.slack.com"], 0),
    ("stripe-access-token", "Stripe secret or restricted key", r"(?:sk|rk)_(?:test|live|prod)_[a-zA-Z0-9]{10,99}", ["sk_test", "sk_live", "sk_prod", "rk_test", "rk_live", "rk_prod"], 2.0),
    ("openai-api-key", "OpenAI API key", r"sk-(?:proj|svcacct|admin)-(?:[A-Za-z0-9_-]{74}|[A-Za-z0-9_-]{58})T3BlbkFJ(?:[A-Za-z0-9_-]{74}|[A-Za-z0-9_-]{58})", ["t3blbkfj"], 3.0),
    ("anthropic-api-key", "Anthropic API key", r"sk-ant-api03-[a-zA-Z0-9_\-]{93}AA", ["sk-ant-api03"], 0),
    ("anthropic-admin-key", "Anthropic admin key", r"sk-ant-admin01-[a-zA-Z0-9_\-]{93}AA", ["sk-ant-admin01"], 0),
    ("huggingface-access-token", "Hugging Face access token", r"hf_[a-zA-Z]{34}", ["hf_"], 2.0),
    ("huggingface-org-token", "Hugging Face organisation token", r"api_org_[a-zA-Z]{34}", ["api_org_"], 2.0),
    ("gcp-api-key", "Google API key", r"AIza[\w-]{35}", ["aiza"], 3.0),
    ("groq-api-key", "Groq API key", r"gsk_[a-zA-Z0-9]{52}", ["gsk_"], 3.0),
    ("replicate-api-token", "Replicate API token", r"r8_[A-Za-z0-9]{37}", ["r8_"], 3.0),
    ("perplexity-api-key", "Perplexity API key", r"pplx-[a-zA-Z0-9]{48}", ["pplx-"], 3.0),
    ("npm-access-token", "npm access token", r"npm_[a-z0-9]{36}", ["npm_"], 2.0),
    ("pypi-upload-token", "PyPI upload token", r"pypi-AgEIcHlwaS5vcmc[\w-]{50,1000}", ["pypi-ageichlwas5vcmc"], 0),
    ("rubygems-api-token", "RubyGems API token", r"rubygems_[a-f0-9]{48}", ["rubygems_"], 0),
    ("nuget-api-key", "NuGet API key", r"oy2[a-z0-9]{43}", ["oy2"], 0),
    ("docker-pat", "Docker Hub personal access token", r"dckr_pat_[a-zA-Z0-9_-]{27}", ["dckr_pat_"], 0),
    ("shopify-access-token", "Shopify access token", r"shpat_[a-fA-F0-9]{32}", ["shpat_"], 0),
    ("shopify-shared-secret", "Shopify shared secret", r"shpss_[a-fA-F0-9]{32}", ["shpss_"], 0),
    ("shopify-custom-token", "Shopify custom app token", r"shpca_[a-fA-F0-9]{32}", ["shpca_"], 0),
    ("sendgrid-api-token", "SendGrid API token", r"SG\.(?i)[a-z0-9=_\-\.]{66}", ["sg."], 2.0),
    ("mailchimp-api-key", "Mailchimp API key", r"[0-9a-f]{32}-us[0-9]{1,2}", ["-us"], 3.0),
    ("twilio-api-key", "Twilio API key", r"SK[0-9a-fA-F]{32}", ["sk"], 3.0),
    ("digitalocean-pat", "DigitalOcean personal access token", r"dop_v1_[a-f0-9]{64}", ["dop_v1_"], 3.0),
    ("digitalocean-refresh-token", "DigitalOcean refresh token", r"(?i)dor_v1_[a-f0-9]{64}", ["dor_v1_"], 3.0),
    ("doppler-api-token", "Doppler API token", r"dp\.pt\.(?i)[a-z0-9]{43}", ["dp.pt."], 2.0),
    ("pulumi-api-token", "Pulumi API token", r"pul-[a-f0-9]{40}", ["pul-"], 2.0),
    ("postman-api-token", "Postman API token", r"PMAK-(?i)[a-f0-9]{24}\-[a-f0-9]{34}", ["pmak-"], 3.0),
    ("linear-api-key", "Linear API key", r"lin_api_(?i)[a-z0-9]{40}", ["lin_api_"], 2.0),
    ("grafana-cloud-token", "Grafana cloud API token", r"glc_[A-Za-z0-9+/]{32,400}={0,2}", ["glc_"], 3.0),
    ("grafana-sa-token", "Grafana service account token", r"glsa_[A-Za-z0-9]{32}_[A-Fa-f0-9]{8}", ["glsa_"], 3.0),
    ("age-secret-key", "age secret key", r"AGE-SECRET-KEY-1[QPZRY9X8GF2TVDW0S3JN54KHCE6MUA7L]{58}", ["age-secret-key-1"], 0),
    ("private-key", "Private key block", r"(?i)-----BEGIN[ A-Z0-9_-]{0,100}PRIVATE KEY(?: BLOCK)?-----[\s\S-]{64,}?KEY(?: BLOCK)?-----", ["-----begin"], 0),
    ("jwt", "JSON Web Token", r"\b(ey[a-zA-Z0-9]{17,}\.ey[a-zA-Z0-9\/\\_-]{17,}\.(?:[a-zA-Z0-9\/\\_-]{10,}={0,2})?)(?:['|\"|\n|\r|\s|\x60|;]|$)", ["ey"], 3.0),
    ("databricks-api-token", "Databricks API token", r"dapi[a-f0-9]{32}(?:-\d)?", ["dapi"], 3.0),
    ("flyio-access-token", "Fly.io access token", r"fo1_[\w-]{43}", ["fo1_"], 4.0),
    ("hashicorp-tf-api-token", "Terraform Cloud API token", r"(?i)[a-z0-9]{14}\.atlasv1\.[a-z0-9\-_=]{60,70}", ["atlasv1"], 3.5),
    ("vault-service-token", "Vault service token", r"hvs\.[\w-]{90,120}", ["hvs."], 3.5),
    ("vault-batch-token", "Vault batch token", r"hvb\.[\w-]{138,300}", ["hvb."], 4.0),
    ("new-relic-user-key", "New Relic user API key", r"NRAK-[a-z0-9]{27}", ["nrak"], 0),
    ("sentry-org-token", "Sentry organisation token", r"sntrys_eyJpYXQiO[a-zA-Z0-9+/]{10,200}(?:LCJyZWdpb25fdXJs|InJlZ2lvbl91cmwi|cmVnaW9uX3VybCI6)[a-zA-Z0-9+/]{10,200}={0,2}_[a-zA-Z0-9+/]{43}", ["sntrys_"], 4.5),
    ("square-access-token", "Square access token", r"(?:EAAA|sq0atp-)[\w-]{22,60}", ["sq0atp-", "eaaa"], 0),
    ("atlassian-api-token", "Atlassian API token", r"ATATT3[A-Za-z0-9_\-=]{186}", ["atatt3"], 3.5),
    ("azure-ad-client-secret", "Azure AD client secret", r"(?:^|[\\'\"\x60\s>=:(,)])([a-zA-Z0-9_~.]{3}\dQ~[a-zA-Z0-9_~.-]{31,34})(?:$|[\\'\"\x60\s<),])", ["q~"], 3.0),
    ("prefect-api-token", "Prefect API token", r"pnu_[a-zA-Z0-9]{36}", ["pnu_"], 2.0),
    ("readme-api-token", "Readme API token", r"rdme_[a-z0-9]{70}", ["rdme_"], 2.0),
    ("planetscale-password", "PlanetScale password", r"pscale_pw_(?i)[\w=\.-]{32,64}", ["pscale_pw_"], 3.0),
    ("planetscale-api-token", "PlanetScale API token", r"pscale_tkn_(?i)[\w=\.-]{32,64}", ["pscale_tkn_"], 3.0),
    ("frameio-api-token", "Frame.io API token", r"fio-u-(?i)[a-z0-9\-_=]{64}", ["fio-u-"], 0),
    ("adafruit-io-key", "Adafruit IO key", r"aio_[a-zA-Z0-9]{28}", ["aio_"], 0),
    ("clojars-api-token", "Clojars deploy token", r"(?i)CLOJARS_[a-z0-9]{60}", ["clojars_"], 2.0),
    ("easypost-api-token", "EasyPost API token", r"\bEZAK(?i)[a-z0-9]{54}\b", ["ezak"], 2.0),
    ("cloudflare-origin-ca-key", "Cloudflare origin CA key", r"\b(v1\.0-[a-f0-9]{24}-[a-f0-9]{146})(?:[\x60'\"\s;]|\\[nr]|$)", ["v1.0-"], 2.0),
    ("duffel-api-token", "Duffel API token", r"duffel_(?:test|live)_(?i)[a-z0-9_\-=]{43}", ["duffel_"], 2.0),
    ("shippo-api-token", "Shippo API token", r"shippo_(?:live|test)_[a-fA-F0-9]{40}", ["shippo_"], 2.0),
    ("typeform-api-token", "Typeform API token", r"tfp_[a-z0-9\-_\.=]{59}", ["tfp_"], 0),
    ("openshift-user-token", "OpenShift user token", r"\b(sha256~[\w-]{43})(?:[^\w-]|\z)", ["sha256~"], 3.5),
    ("settlemint-pat", "SettleMint personal access token", r"\b(sm_pat_[a-zA-Z0-9]{16})(?:[\x60'\"\s;]|\\[nr]|$)", ["sm_pat"], 3.0),
]

assigned = [
    ("adobe-client-secret", "Adobe client secret", "adobe", r"p8e-(?i)[a-z0-9]{32}", 2.0),
    ("airtable-api-key", "Airtable API key", "airtable", r"[a-z0-9]{17}", 0),
    ("algolia-api-key", "Algolia API key", "algolia", r"[a-z0-9]{32}", 0),
    ("alibaba-secret-key", "Alibaba Cloud secret key", "alibaba", r"[a-z0-9]{30}", 2.0),
    ("asana-client-secret", "Asana client secret", "asana", r"[a-z0-9]{32}", 0),
    ("beamer-api-token", "Beamer API token", "beamer", r"b_[a-z0-9=_\-]{44}", 0),
    ("bitbucket-client-secret", "Bitbucket client secret", "bitbucket", r"[a-z0-9=_\-]{64}", 0),
    ("bittrex-secret-key", "Bittrex secret key", "bittrex", r"[a-z0-9]{32}", 0),
    ("cohere-api-token", "Cohere API token", "cohere|co_api_key", r"[a-zA-Z0-9]{40}", 4.0),
    ("codecov-access-token", "Codecov access token", "codecov", r"[a-z0-9]{32}", 0),
    ("coinbase-access-token", "Coinbase access token", "coinbase", r"[a-z0-9_-]{64}", 0),
    ("confluent-secret-key", "Confluent secret key", "confluent", r"[a-z0-9]{64}", 0),
    ("contentful-delivery-token", "Contentful delivery token", "contentful", r"[a-z0-9=_\-]{43}", 0),
    ("datadog-access-token", "Datadog access token", "datadog", r"[a-z0-9]{40}", 0),
    ("discord-api-token", "Discord API token", "discord", r"[a-f0-9]{64}", 0),
    ("discord-client-secret", "Discord client secret", "discord", r"[a-z0-9=_\-]{32}", 2.0),
    ("droneci-access-token", "Drone CI access token", "droneci", r"[a-z0-9]{32}", 0),
    ("dropbox-api-token", "Dropbox API token", "dropbox", r"[a-z0-9]{15}", 0),
    ("etsy-access-token", "Etsy access token", "etsy", r"[a-z0-9]{24}", 0),
    ("facebook-secret", "Facebook application secret", "facebook", r"[a-f0-9]{32}", 0),
    ("fastly-api-token", "Fastly API token", "fastly", r"[a-z0-9=_\-]{32}", 0),
    ("finicity-client-secret", "Finicity client secret", "finicity", r"[a-z0-9]{20}", 0),
    ("finnhub-access-token", "Finnhub access token", "finnhub", r"[a-z0-9]{20}", 0),
    ("flickr-access-token", "Flickr access token", "flickr", r"[a-z0-9]{32}", 0),
    ("freshbooks-access-token", "FreshBooks access token", "freshbooks", r"[a-z0-9]{64}", 0),
    ("gitter-access-token", "Gitter access token", "gitter", r"[a-z0-9_-]{40}", 0),
    ("gocardless-api-token", "GoCardless API token", "gocardless", r"live_(?i)[a-z0-9\-_=]{40}", 0),
    ("heroku-api-key", "Heroku API key", "heroku", r"[0-9A-F]{8}-[0-9A-F]{4}-[0-9A-F]{4}-[0-9A-F]{4}-[0-9A-F]{12}", 0),
    ("hubspot-api-key", "HubSpot API key", "hubspot", r"[0-9A-F]{8}-[0-9A-F]{4}-[0-9A-F]{4}-[0-9A-F]{4}-[0-9A-F]{12}", 0),
    ("intercom-api-key", "Intercom API key", "intercom", r"[a-z0-9=_\-]{60}", 0),
    ("jfrog-api-key", "JFrog API key", "jfrog|artifactory|bintray|xray", r"[a-z0-9]{73}", 0),
    ("kraken-access-token", "Kraken access token", "kraken", r"[a-z0-9\/=_\+\-]{80,90}", 0),
    ("kucoin-access-token", "KuCoin access token", "kucoin", r"[a-f0-9]{24}", 0),
    ("launchdarkly-access-token", "LaunchDarkly access token", "launchdarkly", r"[a-z0-9=_\-]{40}", 0),
    ("linkedin-client-secret", "LinkedIn client secret", "linked[_-]?in", r"[a-z0-9]{16}", 2.0),
    ("lob-api-key", "Lob API key", "lob", r"(?:live|test)_[a-f0-9]{35}", 0),
    ("mailgun-private-api-token", "Mailgun private API token", "mailgun", r"key-[a-f0-9]{32}", 0),
    ("mapbox-api-token", "Mapbox API token", "mapbox", r"pk\.[a-z0-9]{60}\.[a-z0-9]{22}", 0),
    ("mattermost-access-token", "Mattermost access token", "mattermost", r"[a-z0-9]{26}", 0),
    ("messagebird-api-token", "MessageBird API token", "messagebird|message-bird|message_bird", r"[a-z0-9]{25}", 0),
    ("mistral-api-key", "Mistral AI API key", "mistral", r"[a-zA-Z0-9]{32}", 4.0),
    ("netlify-access-token", "Netlify access token", "netlify", r"[a-z0-9=_\-]{40,46}", 0),
    ("nytimes-access-token", "New York Times access token", "nytimes|new-york-times|newyorktimes", r"[a-z0-9=_\-]{32}", 0),
    ("okta-access-token", "Okta access token", "okta", r"00[\w=\-]{40}", 4.0),
    ("plaid-secret-key", "Plaid secret key", "plaid", r"[a-z0-9]{30}", 0),
    ("rapidapi-access-token", "RapidAPI access token", "rapidapi", r"[a-z0-9_-]{50}", 0),
    ("sendbird-access-token", "Sendbird access token", "sendbird", r"[a-f0-9]{40}", 0),
    ("sidekiq-secret", "Sidekiq secret", "bundle_enterprise__contribsys__com|bundle_gems__contribsys__com", r"[a-f0-9]{8}:[a-f0-9]{8}", 0),
    ("snyk-api-token", "Snyk API token", "snyk[_.-]?(?:(?:api|oauth)[_.-]?)?(?:key|token)", r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}", 0),
    ("sumologic-access-token", "Sumo Logic access token", "sumo", r"[a-z0-9]{64}", 3.0),
    ("telegram-bot-api-token", "Telegram bot token", "telegr", r"[0-9]{5,16}:A[a-z0-9_\-]{34}", 0),
    ("travisci-access-token", "Travis CI access token", "travis", r"[a-z0-9]{22}", 0),
    ("twitch-api-token", "Twitch API token", "twitch", r"[a-z0-9]{30}", 0),
    ("twitter-api-secret", "Twitter API secret", "twitter", r"[a-z0-9]{50}", 0),
    ("vercel-api-token", "Vercel API token", "vercel", r"[a-zA-Z0-9]{24}", 3.0),
    ("yandex-api-key", "Yandex API key", "yandex", r"AQVN[A-Za-z0-9_\-]{35,38}", 0),
    ("zendesk-secret-key", "Zendesk secret key", "zendesk", r"[a-z0-9]{40}", 0),
    ("azure-openai-key", "Azure OpenAI key", "azure_openai|azure-openai|openai_api_key", r"[a-f0-9]{32}", 3.0),
    ("bedrock-api-key", "AWS Bedrock API key", "bedrock", r"ABSK[A-Za-z0-9+/]{100,140}={0,2}", 4.0),
    ("generic-api-key", "Generic API key", "access|auth|(?-i:[Aa]pi|API)|credential|creds|key|passw(?:or)?d|secret|token", r"[\w.=-]{10,150}|[a-z0-9][a-z0-9+/]{11,}={0,3}", 3.5),
]

out = []
out.append('# A gitleaks-format configuration in the shape of the published default\n'
           '# config (title, [[rules]] with id/description/regex/secretGroup/entropy/\n'
           '# keywords/path/tags, rule and global allowlists in both spellings).\n'
           '# Generated by make_gitleaks_full.py; the text is custody\'s own.\n'
           'title = "custody gitleaks-compatibility fixture"\n\n'
           '[allowlist]\ndescription = "global allow list"\n'
           "paths = [\n    '''gitleaks\\.toml''',\n    '''(?i)\\.(?:bmp|gif|jpe?g|png|svg|tiff?)$''',\n"
           "    '''(?:^|/)node_modules(?:/.*)?$''',\n    '''(?:^|/)vendor/''',\n]\n"
           "regexes = [\n    '''^\\$\\{[A-Z_]+\\}$''',\n    '''^(?i)(?:true|false|null)$''',\n]\n"
           'stopwords = ["abcdefghijklmnop", "example"]\n\n')

def q(s):
    return "'''" + s + "'''"

for id_, desc, regex, kws, ent in prefixed:
    out.append('[[rules]]\nid = "%s"\ndescription = "%s"\n' % (id_, desc))
    if regex.startswith(r"\b(") or "(?:^|" in regex:
        out.append("regex = %s\n" % q(regex))
    else:
        out.append("regex = %s\n" % q(r"\b(" + regex + r")(?:[\x60'\"\s;]|\\[nr]|$)"))
    if ent:
        out.append("entropy = %s\n" % ent)
    out.append("keywords = [%s]\n" % ", ".join('"%s"' % k for k in kws))
    out.append('tags = ["key", "%s"]\n\n' % id_.split("-")[0])

for i, (id_, desc, kw, value, ent) in enumerate(assigned):
    out.append('[[rules]]\nid = "%s"\ndescription = "%s"\n' % (id_, desc))
    out.append("regex = %s\n" % q(assign(kw, value)))
    out.append("secretGroup = 1\n")
    if ent:
        out.append("entropy = %s\n" % ent)
    kws = [k for k in kw.replace("(?-i:[Aa]pi|API)", "api").replace("passw(?:or)?d", "passwd|password").split("|")
           if all(c.isalnum() or c in "_-" for c in k)]
    out.append("keywords = [%s]\n" % ", ".join('"%s"' % k.lower() for k in kws))
    if i % 3 == 0:
        out.append("[[rules.allowlists]]\nregexTarget = \"line\"\nregexes = ['''(?i)(?:sample|dummy)''']\n")
    if i % 5 == 1:
        out.append("[rules.allowlist]\nstopwords = [\"client\", \"endpoint\"]\n")
    if id_ == "generic-api-key":
        out.append("[[rules.allowlists]]\ncondition = \"AND\"\nregexTarget = \"match\"\n"
                   "regexes = ['''(?i)public[_-]?key''']\npaths = ['''(?i)\\.pub$''']\n"
                   "[[rules.allowlists]]\ncommits = [\"0000000000000000000000000000000000000000\"]\n")
    out.append("\n")

# Path-only rule (gitleaks reports the file itself).
out.append('[[rules]]\nid = "pkcs12-file"\ndescription = "PKCS #12 key store"\n'
           "path = '''(?i)(?:^|/)[^/]+\\.p(?:12|fx)$'''\ntags = [\"file\"]\n\n")
out.append('[[allowlists]]\ndescription = "documentation keys"\ntargetRules = ["aws-access-token"]\n'
           "regexes = ['''.+EXAMPLE$''']\n")
print("".join(out), end="")
