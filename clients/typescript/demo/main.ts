// The demo dashboard: everything after the first load arrives over the WebSocket (events, acks,
// the metrics push). REST is used for sign-in, the job list on load and a job's snapshot (openJob).
import { type ConnectionStatus, type JobEvent, type JobSnapshot, type LiveMetrics, createClient } from '../src/index.js';

type Session = { user: string; token: string; expiresAt: number; dev: boolean };
const SESSION_KEY = 'regen.demo.session';
const OPEN_JOB_KEY = 'regen.demo.job';

const $ = <T extends Element = HTMLElement>(id: string): T => document.querySelector(`[data-testid="${id}"]`) as T;
const timings = {
  loadToFirstEventMs: null as number | null,
  reconnects: [] as Array<{ killedAt: number; openAt: number | null; ms: number | null }>,
  /** Every connection state the page went through, for the E2E test and curious developers. */
  states: [] as string[],
};
(window as unknown as { regenDemo: unknown }).regenDemo = { timings };

function storedSession(): Session | null {
  try {
    return JSON.parse(sessionStorage.getItem(SESSION_KEY) ?? 'null') as Session | null;
  } catch {
    return null;
  }
}

async function devSignIn(user: string): Promise<Session> {
  const res = await fetch('/api/dev/sign-in', {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ userId: user }),
  });
  const body = await res.json();
  if (!res.ok) throw new Error(body.message ?? `sign-in failed (${res.status})`);
  const s: Session = { user: body.userId, token: body.token, expiresAt: body.expiresAt, dev: true };
  sessionStorage.setItem(SESSION_KEY, JSON.stringify(s));
  return s;
}

function start(session: Session): void {
  $('signin').hidden = true;
  (document.getElementById('app') as HTMLElement).hidden = false;
  let current = session;
  const wsUrl = `${location.protocol === 'https:' ? 'wss' : 'ws'}://${location.host}/ws`;
  const client = createClient({
    url: wsUrl,
    // Dev tokens are short-lived: the SDK asks again on reconnect and on token_expiring.
    token: async () => {
      if (current.dev && current.expiresAt - Date.now() < 90_000) current = await devSignIn(current.user);
      return current.token;
    },
  });
  (window as unknown as { regenDemo: object }).regenDemo = { client, timings };

  // --- connection status ---
  let status: ConnectionStatus = client.connection;
  const renderStatus = () => {
    const el = $('status');
    el.dataset.state = status.state;
    $('status-state').textContent = status.state;
    const parts: string[] = [];
    if (status.nextRetryAt) parts.push(`retry in ${Math.max(0, (status.nextRetryAt - Date.now()) / 1000).toFixed(1)} s`);
    if (status.attempt) parts.push(`attempt ${status.attempt}`);
    if (status.lastCloseCode !== null) parts.push(`last close ${status.lastCloseCode}`);
    if (status.closedReason) parts.push(status.closedReason);
    $('status-detail').textContent = parts.join(' · ');
    $('queued').textContent = String(client.stats.queuedActions);
  };
  client.on('status', (s) => {
    if (timings.states[timings.states.length - 1] !== s.state) timings.states.push(s.state);
    status = s;
    if (s.state === 'open') {
      const pending = timings.reconnects.find((r) => r.openAt === null);
      if (pending) {
        pending.openAt = performance.now();
        pending.ms = Math.round(pending.openAt - pending.killedAt);
      }
    }
    renderStatus();
  });
  // The countdown ticks locally; it asks the server nothing.
  setInterval(() => status.nextRetryAt && renderStatus(), 100);

  $('kill').addEventListener('click', () => {
    timings.reconnects.push({ killedAt: performance.now(), openAt: null, ms: null });
    client.disconnect();
  });

  // --- job view ---
  let closeView: (() => void) | null = null;
  const openJob = (jobId: string) => {
    closeView?.();
    sessionStorage.setItem(OPEN_JOB_KEY, jobId);
    $('job-id').textContent = jobId;
    $('job-status').textContent = 'loading…';
    $('answer').replaceChildren();
    $('steps').replaceChildren();
    ($('job-progress') as HTMLProgressElement).value = 0;
    const view = client.openJob(jobId, (e) => renderJobEvent(e), {
      // A worker ran the job again (it crashed mid-job): what the older run showed is replaced.
      onRestart: (attempt) => {
        $('answer').replaceChildren();
        $('steps').replaceChildren();
        ($('job-progress') as HTMLProgressElement).value = 0;
        const note = document.createElement('span');
        note.className = 'restart';
        note.dataset.attempt = String(attempt);
        note.textContent = `⟲ restarted (attempt ${attempt}) `;
        $('answer').append(note);
      },
    });
    closeView = view.close;
    view.snapshot.then(renderSnapshot, (err) => {
      // The view still completes: without a snapshot the SDK reads the whole history from the topic.
      $('app-error').textContent = `snapshot: ${err.message}`;
      renderSnapshot(null);
    });
  };
  const renderSnapshot = (s: JobSnapshot | null) => {
    // Always marks where the snapshot ends (seq -1: no snapshot yet), so what follows can be checked.
    const span = document.createElement('span');
    span.className = 'snapshot';
    span.dataset.through = String(s ? s.lastSeq : -1);
    span.textContent = s?.responseSoFar ?? '';
    $('answer').prepend(span);
    if (!s) {
      $('job-status').textContent = 'REQUESTED';
      return;
    }
    $('job-status').textContent = s.status;
    ($('job-progress') as HTMLProgressElement).value = s.progressPercent;
    for (const step of s.researchSteps ?? []) addStep(step.step, step.title, step.url, String(s.lastSeq));
  };
  const addStep = (n: number, title: string, url: string | null, seq: string) => {
    const li = document.createElement('li');
    li.dataset.seq = seq;
    li.textContent = `${n}. ${title}${url ? ` — ${url}` : ''}`;
    $('steps').append(li);
  };
  const renderJobEvent = (e: JobEvent) => {
    if (timings.loadToFirstEventMs === null) timings.loadToFirstEventMs = Math.round(performance.now());
    switch (e.type) {
      case 'model:chunk:v1': {
        const span = document.createElement('span');
        span.dataset.seq = String(e.seq);
        span.dataset.attempt = String(e.attempt);
        span.textContent = e.data.text;
        $('answer').append(span);
        break;
      }
      case 'research:step:v1':
        addStep(e.data.step, e.data.title, e.data.url, String(e.seq));
        break;
      case 'job:progress:v1':
        ($('job-progress') as HTMLProgressElement).value = e.data.percent;
        break;
      default:
        break;
    }
    const s = statusOf(e);
    if (s) $('job-status').textContent = s;
  };

  // --- the user's jobs: loaded once, then kept current by live events ---
  const rows = new Map<string, HTMLTableRowElement>();
  const upsertRow = (jobId: string, jobType: string, st: string) => {
    let row = rows.get(jobId);
    if (!row) {
      row = document.createElement('tr');
      row.dataset.job = jobId;
      row.innerHTML = '<td class="id"></td><td class="type"></td><td class="st"></td><td><button class="open">open</button> <button class="replay">replay</button></td>';
      (row.querySelector('.id') as HTMLElement).textContent = jobId.slice(0, 8);
      row.querySelector('.open')!.addEventListener('click', () => openJob(jobId));
      row.querySelector('.replay')!.addEventListener('click', () => void replay(jobId));
      rows.set(jobId, row);
      $('jobs').prepend(row);
    }
    if (jobType) (row.querySelector('.type') as HTMLElement).textContent = jobType;
    (row.querySelector('.st') as HTMLElement).textContent = st;
  };
  fetch('/api/users/me/jobs?limit=20', { headers: { Authorization: `Bearer ${current.token}` } })
    .then((r) => (r.ok ? r.json() : { jobs: [] }))
    .then((body: { jobs: Array<{ jobId: string; jobType: string; status: string }> }) => {
      for (const j of [...body.jobs].reverse()) if (!rows.has(j.jobId)) upsertRow(j.jobId, j.jobType, j.status);
    })
    .catch(() => {});
  client.on('*', (e) => {
    if (timings.loadToFirstEventMs === null) timings.loadToFirstEventMs = Math.round(performance.now());
    upsertRow(e.jobId, e.type === 'job:started:v1' ? e.data.jobType : '', statusOf(e) ?? 'RUNNING');
    $('duplicates').textContent = String(client.stats.duplicatesDropped);
  });
  client.on('duplicate', () => ($('duplicates').textContent = String(client.stats.duplicatesDropped)));
  client.on('action', () => renderStatus());

  // --- replay of a job's history from the topic ---
  const replay = async (jobId: string) => {
    $('replay-id').textContent = jobId.slice(0, 8);
    const out = $('replay');
    out.replaceChildren();
    try {
      for await (const e of client.replay(jobId)) {
        const span = document.createElement('span');
        span.dataset.seq = String(e.seq);
        span.textContent = e.type === 'model:chunk:v1' ? e.data.text : e.type === 'research:step:v1' ? `[${e.data.title}] ` : `⟨${e.type}⟩ `;
        out.append(span);
      }
      out.dataset.done = 'true';
    } catch (err) {
      $('app-error').textContent = `replay: ${(err as Error).message}`;
    }
  };

  // --- actions (queued while offline, sent once) ---
  const startJob = (jobType: string, input: Record<string, unknown>) => {
    $('app-error').textContent = '';
    const p = client.startJob(jobType, input);
    renderStatus();
    // The job view opens from the `action` event below (also for actions of an earlier page).
    p.then(
      (jobId) => {
        upsertRow(jobId, jobType, 'REQUESTED');
        renderStatus();
      },
      (err) => ($('app-error').textContent = `${jobType}: ${err.message}`),
    );
  };
  document.getElementById('model-form')!.addEventListener('submit', (ev) => {
    ev.preventDefault();
    const f = new FormData(ev.target as HTMLFormElement);
    startJob('model', { prompt: String(f.get('prompt')), chunks: Number(f.get('chunks')) });
  });
  document.getElementById('research-form')!.addEventListener('submit', (ev) => {
    ev.preventDefault();
    const f = new FormData(ev.target as HTMLFormElement);
    startJob('research', { topic: String(f.get('topic')) });
  });
  // A started job opens when its ack arrives, also one queued by the previous page (reload offline).
  client.on('action', (r) => r.kind === 'start_job' && r.jobId && openJob(r.jobId));

  // --- live metrics ---
  const series: Record<string, number[]> = { connections: [], latency: [], dau: [] };
  const plot = (name: string, value: number | null) => {
    const s = series[name];
    s.push(value ?? 0);
    if (s.length > 60) s.shift();
    const max = Math.max(1, ...s);
    const points = s.map((v, i) => `${(i * 120) / 59},${40 - (v / max) * 36 - 2}`).join(' ');
    document.querySelector(`svg[data-chart="${name}"]`)!.innerHTML = `<polyline points="${points}" />`;
  };
  client.subscribeMetrics((m: LiveMetrics) => {
    $('m-connections').textContent = String(m.connections);
    $('m-latency').textContent = m.deliveryLatencyMs.mean === null ? '–' : m.deliveryLatencyMs.mean.toFixed(1);
    $('m-dau').textContent = m.dau === null ? '–' : String(m.dau);
    plot('connections', m.connections);
    plot('latency', m.deliveryLatencyMs.mean);
    plot('dau', m.dau);
    if (m.jobs) {
      const j = m.jobs;
      $('m-jobs').textContent = String(j.started);
      const max = Math.max(1, j.running, j.completed, j.failed, j.cancelled);
      $('m-bars').innerHTML = (['running', 'completed', 'failed', 'cancelled'] as const)
        .map((k) => `<div style="height:${Math.max(16, (j[k] / max) * 60)}px" title="${k}">${k[0]}:${j[k]}</div>`)
        .join('');
    }
  });

  const reopen = sessionStorage.getItem(OPEN_JOB_KEY);
  if (reopen) openJob(reopen);
  renderStatus();
}

function statusOf(e: JobEvent): string | null {
  switch (e.type) {
    case 'job:started:v1':
    case 'job:progress:v1':
    case 'model:chunk:v1':
    case 'research:step:v1':
      return 'RUNNING';
    case 'job:completed:v1':
      return 'COMPLETED';
    case 'job:failed:v1':
      return 'FAILED';
    case 'job:cancelled:v1':
      return 'CANCELLED';
    default:
      return null;
  }
}

document.getElementById('signin-form')!.addEventListener('submit', async (ev) => {
  ev.preventDefault();
  const user = String(new FormData(ev.target as HTMLFormElement).get('user') ?? '').trim();
  try {
    start(await devSignIn(user));
  } catch (err) {
    $('signin-error').textContent = (err as Error).message;
  }
});
document.getElementById('token-form')!.addEventListener('submit', (ev) => {
  ev.preventDefault();
  const token = String(new FormData(ev.target as HTMLFormElement).get('token') ?? '').trim();
  if (!token) return;
  let user = '?';
  let expiresAt = Date.now() + 3_600_000;
  try {
    const claims = JSON.parse(atob(token.split('.')[1].replace(/-/g, '+').replace(/_/g, '/')));
    user = claims.sub;
    expiresAt = claims.exp * 1000;
  } catch {
    // The server decides whether it is valid.
  }
  const s: Session = { user, token, expiresAt, dev: false };
  sessionStorage.setItem(SESSION_KEY, JSON.stringify(s));
  start(s);
});

const resumed = storedSession();
if (resumed) start(resumed);
