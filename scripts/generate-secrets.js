#!/usr/bin/env node
// Prints a fresh secrets document (JSON) for SECRETS_FILE: node scripts/generate-secrets.js > secrets.json
const { randomBytes } = require('crypto');
const b = () => randomBytes(32).toString('base64');
process.stdout.write(
  JSON.stringify({ JWT_SECRET: b(), MASTER_KEYS: `1:${b()}`, MASTER_KEY_CURRENT: 1, BLIND_INDEX_KEY: b(), AUDIT_SIGNING_KEY: b(), TRACKER_KEY: b(), RECEIPT_PEPPER: b(), PASSWORD_PEPPER: `1:${b()}` }, null, 2) + '\n',
);
