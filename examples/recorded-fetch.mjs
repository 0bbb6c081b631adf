/**
 * A `fetch` that answers from recorded provider exchanges (test/fixtures/wire), so the
 * examples run offline with no API key. Exchanges are served in order per URL path.
 */
import { readFileSync } from 'node:fs';

export function recordedFetch(fixtureFiles) {
  const queue = fixtureFiles.flatMap((file) => JSON.parse(readFileSync(new URL(file, import.meta.url), 'utf8')).exchanges);
  return async (input, init) => {
    const url = new URL(typeof input === 'string' || input instanceof URL ? input : input.url);
    const at = queue.findIndex((x) => url.pathname.endsWith(new URL(x.request.url).pathname.replace(/^\/v\d+/, '').replace(/^\/openai\/deployments\/[^/]+/, '')));
    if (at < 0) throw new Error(`no recorded exchange for ${url.pathname}`);
    const [{ response }] = queue.splice(at, 1);
    if (init?.signal?.aborted) throw init.signal.reason;
    const body = response.bodyText ?? JSON.stringify(response.body);
    return new Response(body, { status: response.status, headers: response.headers });
  };
}
