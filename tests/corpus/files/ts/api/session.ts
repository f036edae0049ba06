import { randomBytes, randomUUID } from 'crypto';

export function newToken(): string {
  return randomBytes(32).toString('hex');
}

export function newId(): string {
  return randomUUID();
}

export const sessionConfig = {
  csrfToken: Math.random().toString(36).substring(2, 15),
  cookieName: 'sid',
  jwt: 'eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiIxMjM0NTY3ODkwIiwibmFtZSI6IkpvaG4gRG9lIiwiaWF0IjoxNTE2MjM5MDIyfQ.SflKxwRJSMeKKF2QT4fwpMeJf36POk6yJV_adQssw5c',
  serviceJwt: 'eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJ9bcoDOUR2pI2IDfT5qx_eIyOwikrqmqcTwfavQCdfdJVNeAwH1rhVyWV6cs_.sQgxyN5V5PG_AqlM2VssSjB8TuYVXsMy8Gh_I8wYHId',
};
