import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';

describe('npm pack', () => {
  it('ships only what users need: the build, its types, the viewer page, README, LICENSE and package.json', () => {
    const [pack] = JSON.parse(execFileSync('npm', ['pack', '--dry-run', '--json', '--ignore-scripts'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }));
    const files: string[] = pack.files.map((f: { path: string }) => f.path).sort();
    for (const file of files) expect(file).toMatch(/^(dist\/.+\.(c?js|d\.c?ts|map)|dist\/viewer\/app\.css|README\.md|LICENSE|package\.json)$/);
    for (const needed of ['dist/index.js', 'dist/index.cjs', 'dist/index.d.ts', 'dist/index.d.cts', 'dist/register.js', 'dist/register.cjs', 'dist/cli/main.js', 'dist/viewer/app.js', 'dist/viewer/app.css', 'LICENSE']) {
      expect(files).toContain(needed);
    }
  });
});
