module.exports = {
  slack: {
    token: 'xoxb-591391347112-2669846829094-UYxDJp8CUR08hak17u53k9Vu',
    webhook: 'https://hooks.slack.com/services/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',
  },
  github: { token: process.env.GITHUB_TOKEN },
  discordHook: 'https://discord.com/api/webhooks/2495356889442031845/U8zlDcTXq39nFFjElwz87oP4bic4NaeuiEoIzPdmTFfeJNkF8-lfVU3QPb1yJLPoNzX7',
  twilio: { accountSid: 'AC929bdcf05bf91bbd4f702931cb12c0e3', authToken: process.env.TWILIO_AUTH_TOKEN },
  mailchimpKey: '0f59aa2abece8426ad60aaf7c422afea-us21',
  jwtSecret: process.env.JWT_SECRET || 'dev-only-secret',
  requestId: 'c8a3f0d2-17b4-4e9a-b6c1-52d7e8f90a13',
};
