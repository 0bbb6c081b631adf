import { defineConfig } from 'tsup';

export default defineConfig([
  {
    entry: { index: 'src/index.ts', register: 'src/register.ts' },
    format: ['esm', 'cjs'],
    dts: { entry: { index: 'src/index.ts' } },
    target: 'node20',
    platform: 'node',
    sourcemap: true,
    clean: true,
    splitting: false,
    shims: true,
  },
  {
    entry: { 'cli/main': 'src/cli/main.ts' },
    format: ['esm'],
    target: 'node20',
    platform: 'node',
    sourcemap: true,
    splitting: false,
    banner: { js: '#!/usr/bin/env node' },
  },
  {
    // The viewer's page script and its stylesheet (imported by it), served by `tracewire ui`.
    entry: { 'viewer/app': 'src/viewer/client/app.ts' },
    format: ['iife'],
    outExtension: () => ({ js: '.js' }),
    target: 'es2020',
    platform: 'browser',
    sourcemap: false,
    splitting: false,
  },
]);
