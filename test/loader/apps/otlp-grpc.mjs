// Sends over OTLP/gRPC (configured by the environment) and ends without flush() or shutdown():
// the exit's flush must deliver the span, and the HTTP/2 session must not keep the process alive.
import { init, op } from 'tracewire';

init({ exporters: ['otlp'], implicitlyPatchIntegrations: false });
const answer = op(function answer(question) {
  return question.length;
});
answer('How long is this?');
console.log('done');
