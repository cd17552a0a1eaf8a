// Simulated users for scripts/run-demo.sh: each signs in through the dev endpoint and keeps
// running scripted model and research jobs with the real SDK (dist/, built by npm run build).
//   node scripts/simulate-clients.mjs http://localhost:8080 3
import WebSocket from 'ws';
import { MemoryStorage, createClient } from '../dist/index.js';

const [base = 'http://localhost:8080', count = '3'] = process.argv.slice(2);
const ws = base.replace(/^http/, 'ws') + '/ws';
const prompts = ['Explain Kafka partitions', 'Why exactly-once?', 'What is a cursor?', 'Summarize RocksDB'];
const topics = ['consumer groups', 'KRaft', 'schema evolution', 'backpressure'];
const clients = [];

async function signIn(userId) {
  const r = await fetch(`${base}/api/dev/sign-in`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ userId }),
  });
  if (!r.ok) throw new Error(`sign-in ${userId}: ${r.status} ${await r.text()}`);
  return (await r.json()).token;
}

async function run(n) {
  const userId = `sim-${n}`;
  const c = createClient({ url: ws, token: () => signIn(userId), WebSocket, storage: new MemoryStorage() });
  clients.push(c);
  let done = 0;
  c.on('job:completed:v1', () => done++);
  for (let i = 0; ; i++) {
    const research = i % 3 === 2;
    try {
      const jobId = research
        ? await c.startJob('research', { topic: topics[(n + i) % topics.length] })
        : await c.startJob('model', { prompt: prompts[(n + i) % prompts.length], chunks: 40 + ((n * 7 + i * 13) % 60) });
      process.stdout.write(`${userId}: started ${research ? 'research' : 'model'} job ${jobId.slice(0, 8)} (${done} completed)\n`);
    } catch (e) {
      process.stdout.write(`${userId}: ${e.message}\n`);
    }
    await new Promise((r) => setTimeout(r, 4000 + n * 700));
  }
}

for (let n = 1; n <= Number(count); n++) void run(n);
const stop = () => {
  for (const c of clients) c.close();
  process.exit(0);
};
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
