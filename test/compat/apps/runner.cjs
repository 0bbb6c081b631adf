'use strict';
/**
 * Runs every scenario of one SDK's scenario file (TW_SCENARIOS) inside a compat app and prints
 * one `@@result` line: what each scenario received, and every call tracewire recorded. Each
 * scenario runs under `withAttributes({ scenario })` so the parent can match records to it;
 * an untraced baseline app passes no tracewire.
 */

async function runScenarios({ tracewire, tw, sdk }) {
  const { scenarios } = require(process.env.TW_SCENARIOS);
  const results = {};
  for (const [name, scenario] of Object.entries(scenarios)) {
    try {
      const run = () => scenario(sdk);
      results[name] = { received: await (tracewire ? tracewire.withAttributes({ scenario: name }, run) : run()) };
    } catch (error) {
      results[name] = { failed: `${(error && error.stack) || error}` };
    }
  }
  const calls = tw ? await tw.getCalls() : [];
  process.stdout.write(`@@result ${JSON.stringify({ node: process.versions.node, results, calls })}\n`);
}

function main(load) {
  load().then(runScenarios).catch((error) => {
    process.stderr.write(`compat app failed: ${(error && error.stack) || error}\n`);
    process.exitCode = 1;
  });
}

module.exports = { runScenarios, main };
