/**
 * Response bodies for the in-memory fake SDK services used by child-process tests: a body
 * that arrives part by part, each on a later turn of the event loop, and that errors when the
 * request is aborted, as Node's fetch does.
 */
'use strict';

function streamedResponse(parts, headers, signal) {
  const encoder = new TextEncoder();
  let next = 0;
  let gone = false;
  const body = new ReadableStream({
    start(controller) {
      signal?.addEventListener('abort', () => {
        if (gone) return;
        gone = true;
        controller.error(new DOMException('This operation was aborted', 'AbortError'));
      });
    },
    async pull(controller) {
      await new Promise((resolve) => setImmediate(resolve));
      if (gone) return;
      if (next < parts.length) controller.enqueue(encoder.encode(parts[next++]));
      else {
        gone = true;
        controller.close();
      }
    },
    cancel() {
      gone = true;
    },
  });
  return new Response(body, { status: 200, headers });
}

module.exports = { streamedResponse };
