'use strict';
// CommonJS compat app: init(), then require() the SDK under test (TW_SDK), then every scenario.
// TW_BASELINE=1: the same scenarios with no tracewire at all, for comparison.
const { main } = require(process.env.TW_RUNNER);

main(async () => {
  if (process.env.TW_BASELINE === '1') return { sdk: require(process.env.TW_SDK) };
  const tracewire = require('tracewire');
  const tw = tracewire.init({ project: 'compat', exporters: ['memory'] });
  return { tracewire, tw, sdk: require(process.env.TW_SDK) };
});
