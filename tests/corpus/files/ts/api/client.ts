import axios from 'axios';
import { createHash } from 'crypto';

const STRIPE_KEY = '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';
const SUPABASE_URL = 'https://xyzcompany.supabase.co';
const NOTION_API_KEY = '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';
const LINEAR_KEY = 'lin_api_XahTiQ4SCpCZUgdWUoyoMsVUrkCQWUJAhgQYIGdF';
const firebaseConfig = {
  apiKey: 'AIzahw6pRTjaNlBf7wDX3aZS0pVrBGtXoSO4w0s',
  authDomain: 'acme-app.firebaseapp.com',
  projectId: 'acme-app',
};

export function signature(body: string): string {
  return createHash('sha1').update(body).digest('hex');
}

export async function sendReport(data: unknown) {
  return axios.post('https://ingest.tsreport-cloud.com/v2/batch', data);
}

export async function getUser(id: string) {
  return axios.get(`/api/users/${id}`);
}

export { STRIPE_KEY, SUPABASE_URL, NOTION_API_KEY, LINEAR_KEY, firebaseConfig };
