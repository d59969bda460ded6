#!/usr/bin/env node
// Builds the control UI into dist/ui (bundled, minified) with esbuild. Runs at install time
// (npm prepare) so the gateway serves prebuilt static files.
import { build } from 'esbuild';
import { copyFileSync, mkdirSync } from 'node:fs';

mkdirSync('dist/ui', { recursive: true });
await build({
  entryPoints: ['src/ui/app.tsx'],
  outfile: 'dist/ui/app.js',
  bundle: true,
  minify: true,
  format: 'esm',
  target: ['chrome110', 'firefox110', 'safari16'],
  jsx: 'automatic',
  jsxImportSource: 'preact',
  sourcemap: false,
  logLevel: 'warning',
});
copyFileSync('src/ui/index.html', 'dist/ui/index.html');
copyFileSync('src/ui/app.css', 'dist/ui/app.css');
