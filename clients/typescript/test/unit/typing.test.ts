import { describe, expect, it } from 'vitest';
import { createClient } from '../../src/client.js';
import type { JobEvent } from '../../src/generated/events.js';
import { MemoryStorage } from '../../src/storage.js';
import { FakeSocket } from './fake-socket.js';

// Compiled by `tsc -p tsconfig.test.json` (npm test): these lines fail the build if the generated
// types stop matching the schema.
describe('generated event types', () => {
  it('type the handler by the event name', () => {
    const c = createClient({ url: 'ws://x/ws', token: 't', WebSocket: FakeSocket, storage: new MemoryStorage(), autoConnect: false });
    const texts: string[] = [];
    c.on('model:chunk:v1', (e) => texts.push(e.data.text));
    c.on('research:step:v1', (e) => texts.push(e.data.title + (e.data.url ?? '')));
    // @ts-expect-error a chunk has no percent
    c.on('model:chunk:v1', (e) => e.data.percent);
    // @ts-expect-error unknown event names do not type-check
    c.on('model:chunk:v9', () => {});
    const describe = (e: JobEvent): string => {
      switch (e.type) {
        case 'job:progress:v1':
          return `${e.data.percent}%`;
        case 'job:failed:v1':
          return e.data.code;
        default:
          return e.type;
      }
    };
    expect(describe({ type: 'job:progress:v1', eventId: 'e', jobId: 'j', seq: 1, attempt: 1, occurredAt: '', data: { percent: 5, message: '' } })).toBe('5%');
  });
});
