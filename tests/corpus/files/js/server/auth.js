const crypto = require('crypto');
const https = require('https');

function hashPassword(pw) {
  return crypto.createHash('md5').update(pw).digest('hex');
}

function etag(body) {
  return crypto.createHash('sha1').update(body).digest('base64');
}

function newSession() {
  const sessionId = Math.random().toString(36).slice(2);
  return sessionId;
}

const ALGO = 'md5';
function fingerprintPassword(pw) {
  return crypto.createHash(ALGO).update(pw).digest('hex');
}

function jitter(ms) {
  return ms + Math.random() * 100;
}

function encryptLegacy(data, key, iv) {
  const c = crypto.createCipheriv('des-ede3-cbc', key, iv);
  return Buffer.concat([c.update(data), c.final()]);
}

function encrypt(data, key) {
  const iv = crypto.randomBytes(12);
  const c = crypto.createCipheriv('aes-256-gcm', key, iv);
  return Buffer.concat([iv, c.update(data), c.final(), c.getAuthTag()]);
}

const agent = new https.Agent({ rejectUnauthorized: false });

module.exports = { hashPassword, etag, newSession, jitter, encryptLegacy, encrypt, agent };
