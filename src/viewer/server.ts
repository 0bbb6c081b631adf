/**
 * `tracewire ui`: serves the viewer on loopback only. The page is a built script and style
 * (dist/viewer) plus a JSON API over the store. Recorded data is LLM output and user input,
 * untrusted: it leaves here only as JSON, the page renders it as text, and the Content
 * Security Policy forbids any script but the viewer's own. Requests naming another host are
 * refused, so a web page cannot reach the API through DNS rebinding.
 */
import { readFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import type { LocalStore } from '../store/local-store.js';
import { answerApi, BadRequest } from './api.js';

export const VIEWER_HOST = '127.0.0.1';
export const DEFAULT_VIEWER_PORT = 4747;

const SECURITY_HEADERS = {
  'content-security-policy':
    "default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self'; img-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'",
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
  'cross-origin-resource-policy': 'same-origin',
  'cache-control': 'no-store',
};

const PAGE = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>tracewire</title>
<link rel="stylesheet" href="/app.css">
</head>
<body>
<div id="app"></div>
<script src="/app.js"></script>
</body>
</html>
`;

export interface ViewerOptions {
  store: LocalStore;
  project: string;
  /** 0 picks a free port. */
  port?: number;
  /** Where app.js and app.css are: dist/viewer, beside dist/cli. */
  assetsDir?: URL;
}

export interface RunningViewer {
  url: string;
  close(): Promise<void>;
}

const ASSET_TYPES: Record<string, string> = {
  '/app.js': 'text/javascript; charset=utf-8',
  '/app.css': 'text/css; charset=utf-8',
};

function readAssets(dir: URL): Map<string, Buffer> {
  const assets = new Map<string, Buffer>();
  for (const path of Object.keys(ASSET_TYPES)) {
    const file = new URL(`.${path}`, dir);
    try {
      assets.set(path, readFileSync(file));
    } catch (error) {
      throw new Error(`the viewer's ${path.slice(1)} is missing from ${fileURLToPath(dir)} (run \`npm run build\`): ${(error as Error).message}`);
    }
  }
  return assets;
}

/** Host headers that name this server: anything else reached us under a name we did not choose. */
function allowedHosts(port: number): Set<string> {
  return new Set([`${VIEWER_HOST}:${port}`, `localhost:${port}`, `[::1]:${port}`]);
}

function send(res: ServerResponse, status: number, type: string, body: string | Buffer, head: boolean): void {
  res.writeHead(status, { ...SECURITY_HEADERS, 'content-type': type, 'content-length': Buffer.byteLength(body) });
  res.end(head ? undefined : body);
}

function sendJson(res: ServerResponse, status: number, body: unknown, head: boolean): void {
  send(res, status, 'application/json; charset=utf-8', JSON.stringify(body), head);
}

export async function startViewer(options: ViewerOptions): Promise<RunningViewer> {
  const assets = readAssets(options.assetsDir ?? new URL('../viewer/', import.meta.url));
  let hosts = new Set<string>();
  const server: Server = createServer((req, res) => handle(req, res));

  function handle(req: IncomingMessage, res: ServerResponse): void {
    const head = req.method === 'HEAD';
    if (!hosts.has(req.headers.host ?? '')) return sendJson(res, 403, { error: `host "${req.headers.host ?? ''}" is not this viewer's` }, head);
    if (req.method !== 'GET' && !head) {
      res.setHeader('allow', 'GET, HEAD');
      return sendJson(res, 405, { error: `${req.method} is not allowed: the viewer only reads` }, head);
    }
    const url = URL.canParse(req.url ?? '/', 'http://viewer.invalid') ? new URL(req.url ?? '/', 'http://viewer.invalid') : undefined;
    if (url === undefined) return sendJson(res, 400, { error: `the request target ${JSON.stringify(req.url)} is not a URL` }, head);
    if (url.pathname === '/' || url.pathname === '/index.html') return send(res, 200, 'text/html; charset=utf-8', PAGE, head);
    // Browsers ask for one unprompted; there is none, and saying so plainly keeps their consoles quiet.
    if (url.pathname === '/favicon.ico') return send(res, 204, 'image/x-icon', '', head);
    const asset = assets.get(url.pathname);
    if (asset) return send(res, 200, ASSET_TYPES[url.pathname]!, asset, head);
    try {
      const answer = answerApi(options.store, url.pathname, url.searchParams, options.project);
      if (answer) return sendJson(res, answer.status, answer.body, head);
      return sendJson(res, 404, { error: `no such page: ${url.pathname}` }, head);
    } catch (error) {
      if (error instanceof BadRequest) return sendJson(res, 400, { error: error.message }, head);
      return sendJson(res, 500, { error: `could not read the store: ${(error as Error).message}` }, head);
    }
  }

  await new Promise<void>((resolve, reject) => {
    server.once('error', (error: NodeJS.ErrnoException) => {
      const port = options.port ?? DEFAULT_VIEWER_PORT;
      reject(error.code === 'EADDRINUSE' ? new Error(`port ${port} is in use; pick another with --port (0 for any free one)`) : error);
    });
    server.listen(options.port ?? DEFAULT_VIEWER_PORT, VIEWER_HOST, () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  hosts = allowedHosts(port);
  return {
    url: `http://${VIEWER_HOST}:${port}/`,
    close: () => new Promise<void>((resolve) => {
      server.close(() => resolve());
      server.closeAllConnections();
    }),
  };
}
