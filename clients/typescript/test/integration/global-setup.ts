import { type ChildProcess, spawn } from 'node:child_process';
import { createWriteStream, existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { TestProject } from 'vitest/node';

declare module 'vitest' {
  export interface ProvidedContext {
    baseUrl: string;
    wsUrl: string;
    jwtSecret: string;
    outputDir: string;
  }
}

const JWT_SECRET = 'e2e-test-secret-please-do-not-use-0123456789';

function freePort(): Promise<number> {
  return new Promise((ok, fail) => {
    const s = createServer();
    s.unref();
    s.on('error', fail);
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => ok(port));
    });
  });
}

async function healthy(url: string, deadline: number, proc: ChildProcess, log: string): Promise<void> {
  while (Date.now() < deadline) {
    if (proc.exitCode !== null) throw new Error(`regen up exited with ${proc.exitCode}; see ${log}`);
    try {
      const r = await fetch(url);
      if (r.ok && (await r.json()).status === 'UP') return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`regen up not healthy within the deadline; see ${log}`);
}

let proc: ChildProcess | null = null;
let logStream: ReturnType<typeof createWriteStream> | null = null;
let dataDir: string | null = null;

export async function setup(project: TestProject): Promise<void> {
  const jar = resolve(process.env.REGEN_JAR ?? '../../platform/target/regen.jar');
  if (!existsSync(jar)) throw new Error(`${jar} is missing: build it first (./regen build)`);
  const outputDir = resolve(process.env.E2E_OUTPUT_DIR ?? 'target');
  mkdirSync(outputDir, { recursive: true });
  dataDir = mkdtempSync(join(tmpdir(), 'regen-e2e-'));
  const [port, registry, kafka, controller] = [await freePort(), await freePort(), await freePort(), await freePort()];
  const log = join(outputDir, 'regen-up.log');
  const out = (logStream = createWriteStream(log));
  const env: NodeJS.ProcessEnv = { ...process.env };
  for (const name of ['KAFKA_BOOTSTRAP_SERVERS', 'SCHEMA_REGISTRY_URL', 'JWT_PUBLIC_KEY', 'REDIS_URL', 'REGEN_NODE_ID', 'FRONTEND_ORIGIN']) delete env[name];
  Object.assign(env, {
    PORT: String(port),
    SCHEMA_REGISTRY_PORT: String(registry),
    KAFKA_PORT: String(kafka),
    KAFKA_CONTROLLER_PORT: String(controller),
    REGEN_DATA_DIR: dataDir,
    TOPIC_PARTITIONS: '3',
    JWT_SECRET,
    // The demo page is served from this origin; the browser's WebSocket must be allowed from it.
    FRONTEND_ORIGIN: `http://localhost:${port},http://127.0.0.1:${port},http://localhost:5173`,
  });
  proc = spawn('java', ['-Xmx768m', '-XX:+UseSerialGC', '-XX:TieredStopAtLevel=1', '-jar', jar, 'up'], { env, stdio: ['ignore', 'pipe', 'pipe'] });
  proc.stdout!.pipe(out);
  proc.stderr!.pipe(out);
  const started = Date.now();
  await healthy(`http://localhost:${port}/actuator/health`, Date.now() + 240_000, proc, log);
  console.log(`regen up healthy on port ${port} after ${((Date.now() - started) / 1000).toFixed(1)} s (log ${log})`);
  project.provide('baseUrl', `http://localhost:${port}`);
  project.provide('wsUrl', `ws://localhost:${port}/ws`);
  project.provide('jwtSecret', JWT_SECRET);
  project.provide('outputDir', outputDir);
}

export async function teardown(): Promise<void> {
  if (proc && proc.exitCode === null) {
    const exited = new Promise((r) => proc!.once('exit', r));
    proc.kill('SIGTERM');
    await Promise.race([exited, new Promise((r) => setTimeout(r, 60_000))]);
    if (proc.exitCode === null) proc.kill('SIGKILL');
  }
  logStream?.end();
  if (dataDir) rmSync(dataDir, { recursive: true, force: true });
}
