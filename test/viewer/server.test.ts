import { mkdtempSync, rmSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LocalStore } from '../../src/store/local-store.js';
import { startViewer, type RunningViewer } from '../../src/viewer/server.js';
import { HOSTILE_OUTPUT, seedCalls } from './seed.js';

const ASSETS = new URL('../../dist/viewer/', import.meta.url);
let dir: string;
let store: LocalStore;
let viewer: RunningViewer;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'tracewire-viewer-'));
  store = LocalStore.open(dir);
  store.write(seedCalls());
  viewer = await startViewer({ store, project: 'demo', port: 0, assetsDir: ASSETS });
});
afterAll(async () => {
  await viewer?.close();
  store?.close();
  rmSync(dir, { recursive: true, force: true });
});

const get = (path: string) => fetch(new URL(path, viewer.url));
const json = async (path: string) => {
  const response = await get(path);
  return { status: response.status, body: (await response.json()) as any };
};

/** A request with a Host header of our choosing (fetch will not send a forged one). */
function rawGet(path: string, host: string, method = 'GET', asWritten = false): Promise<{ status: number; body: string }> {
  const url = new URL(viewer.url);
  return new Promise((resolve, reject) => {
    const target = asWritten ? path : new URL(path, viewer.url).pathname;
    const req = request({ host: url.hostname, port: url.port, path: target, method, headers: { host } }, (res) => {
      let body = '';
      res.on('data', (chunk) => (body += chunk));
      res.on('end', () => resolve({ status: res.statusCode!, body }));
    });
    req.on('error', reject);
    req.end();
  });
}

describe('tracewire ui server', () => {
  it('listens on 127.0.0.1 only', () => {
    expect(viewer.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/$/);
  });

  it('serves the page, its script and its style under a policy that allows no other script', async () => {
    const page = await get('/');
    expect(page.status).toBe(200);
    const html = await page.text();
    expect(html).toContain('<script src="/app.js"></script>');
    expect(html).not.toMatch(/<script>[^<]/);
    const csp = page.headers.get('content-security-policy')!;
    expect(csp).toContain("script-src 'self'");
    expect(csp).toContain("default-src 'none'");
    expect(csp).not.toContain('unsafe-inline');
    expect(page.headers.get('x-content-type-options')).toBe('nosniff');
    const script = await get('/app.js');
    expect(script.headers.get('content-type')).toMatch(/^text\/javascript/);
    const code = await script.text();
    expect(code).not.toMatch(/innerHTML|outerHTML|insertAdjacentHTML|document\.write/);
    expect((await get('/app.css')).status).toBe(200);
  });

  it('answers the table with previews and totals, and the operations to filter by', async () => {
    const { status, body } = await json('/api/traces?sort=cost&dir=desc&limit=2');
    expect(status).toBe(200);
    expect(body.total).toBe(6);
    expect((await json('/api/operations')).body.opNames).toEqual(['classify', 'nightly_batch', 'openai.chat.completions.create', 'research_assistant']);
    expect(body.rows).toHaveLength(2);
    const [agent] = body.rows;
    expect(agent).toMatchObject({ traceId: 'trace-agent', name: 'research_assistant', kind: 'agent', status: 'success', latencyMs: 400, tokens: 150, cost: 0.004, callCount: 5 });
    expect(agent.inputs).toBe('{"question":"How do refunds work?"}');
    const failed = (await json('/api/traces?status=error')).body.rows[0];
    expect(failed.exception).toEqual({ type: 'RateLimitError', message: '429 Rate limit reached', status: 429 });
    // A chat request's preview is its last message.
    expect(failed.inputs).toBe('hello');
  });

  it('searches, filters by op and pages through the query string', async () => {
    expect((await json('/api/traces?q=refund%20timing')).body.rows.map((r: any) => r.id)).toEqual(['agent-root']);
    expect((await json('/api/traces?op=classify')).body.total).toBe(3);
    const second = (await json('/api/traces?op=classify&limit=2&offset=2')).body;
    expect(second.rows).toHaveLength(1);
    expect(second.total).toBe(3);
  });

  it('answers a whole trace, parents first, by trace id or by any call id', async () => {
    const byTrace = await json('/api/trace?id=trace-agent');
    expect(byTrace.status).toBe(200);
    expect(byTrace.body.calls.map((c: any) => c.id)).toEqual(['agent-root', 'agent-search-1', 'agent-search-2', 'agent-llm', 'agent-flaky']);
    expect(byTrace.body.calls[3].output.choices[0].message.content).toBe(HOSTILE_OUTPUT);
    expect((await json('/api/trace?id=agent-flaky')).body.traceId).toBe('trace-agent');
    const missing = await json('/api/trace?id=nope');
    expect(missing.status).toBe(404);
    expect(missing.body.error).toContain('"nope"');
  });

  it('answers what changed in a trace since the last write a reader saw (live views), and nothing when nothing did', async () => {
    const whole = (await json('/api/trace?id=agent-flaky')).body;
    expect(whole.lastWrite).toBe(store.lastWrite());
    const none = await json(`/api/trace?id=trace-agent&since=${whole.lastWrite}`);
    expect(none.body).toEqual({ project: 'demo', traceId: 'trace-agent', calls: [], lastWrite: whole.lastWrite, since: whole.lastWrite });
    const flaky = whole.calls.find((c: any) => c.id === 'agent-flaky');
    store.write([{ ...flaky, displayName: 'flaky, retried' }]);
    const changed = (await json(`/api/trace?id=trace-agent&since=${whole.lastWrite}`)).body;
    expect(changed.calls.map((c: any) => [c.id, c.displayName])).toEqual([['agent-flaky', 'flaky, retried']]);
    expect(changed.lastWrite).toBe(whole.lastWrite + 1);
    store.write([flaky]);
  });

  it('reads other projects when asked', async () => {
    const projects = (await json('/api/projects')).body;
    expect(projects.defaultProject).toBe('demo');
    expect(projects.projects.map((p: any) => p.name)).toEqual(['demo']);
    expect((await json('/api/traces?project=elsewhere')).body).toMatchObject({ project: 'elsewhere', total: 0, rows: [] });
  });

  it('refuses bad parameters by name', async () => {
    for (const [path, named] of [
      ['/api/traces?sort=price', 'sort'],
      ['/api/traces?dir=up', 'dir'],
      ['/api/traces?status=ok', 'status'],
      ['/api/traces?limit=5000', 'limit'],
      ['/api/traces?offset=-1', 'offset'],
      ['/api/trace', 'id'],
      ['/api/trace?id=trace-agent&since=soon', 'since'],
    ] as const) {
      const { status, body } = await json(path);
      expect(status, path).toBe(400);
      expect(body.error.startsWith(named), path).toBe(true);
    }
    expect((await json('/api/nothing')).status).toBe(404);
  });

  it('refuses requests under a host name it was not reached by (DNS rebinding) and anything but reads', async () => {
    const port = new URL(viewer.url).port;
    expect((await rawGet('/api/traces', `evil.example:${port}`)).status).toBe(403);
    expect((await rawGet('/', `127.0.0.1.evil.example:${port}`)).status).toBe(403);
    expect((await rawGet('/api/traces', `localhost:${port}`)).status).toBe(200);
    const post = await rawGet('/api/traces', `127.0.0.1:${port}`, 'POST');
    expect(post.status).toBe(405);
    const head = await rawGet('/api/traces', `127.0.0.1:${port}`, 'HEAD');
    expect(head).toEqual({ status: 200, body: '' });
  });

  it('answers a request target that is no URL with 400, and keeps serving', async () => {
    const port = new URL(viewer.url).port;
    for (const target of ['http://[', 'http://a:99999/']) {
      const answer = await rawGet(target, `127.0.0.1:${port}`, 'GET', true);
      expect(answer.status, target).toBe(400);
      expect(JSON.parse(answer.body).error).toMatch(/not a URL/);
    }
    expect((await json('/api/traces')).status).toBe(200);
  });

  it('names a busy port plainly', async () => {
    const port = Number(new URL(viewer.url).port);
    await expect(startViewer({ store, project: 'demo', port, assetsDir: ASSETS })).rejects.toThrow(`port ${port} is in use`);
  });

  it('says which build step is missing when the page files are absent', async () => {
    await expect(startViewer({ store, project: 'demo', port: 0, assetsDir: new URL('file:///nonexistent/') })).rejects.toThrow(/app\.js is missing .*npm run build/);
  });
});
