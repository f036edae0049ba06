const payload = 'Y29uc29sZS5sb2coImhpIik7';
eval(Buffer.from(payload, 'base64').toString());
const text = Buffer.from(payload, 'base64').toString('utf8');
module.exports = { text };
