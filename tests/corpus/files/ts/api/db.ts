import { Pool } from 'pg';

const pool = new Pool({ connectionString: process.env.DATABASE_URL });

export async function findByName(name: string) {
  return pool.query("SELECT * FROM customers WHERE name = '" + name + "'");
}

export async function findById(id: number) {
  return pool.query('SELECT * FROM customers WHERE id = $1', [id]);
}

export const REDIS_URL = 'rediss://default:GJdTpserQP9rfVE0jygIv35eNs5TUNXA@cache-7.acme.cloud:6380';
export const AMQP_URL = 'amqps://worker:jJOUQlnEG1KpRikfUtFN@mq.acme.cloud/vhost';
