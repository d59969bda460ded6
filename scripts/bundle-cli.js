#!/usr/bin/env node
// Bundles the CLI and gateway into dist/bundle/ (ESM, code-split at dynamic imports) so a cold
// start reads one file instead of ~90 modules; the Slack channel stays a separate lazy chunk.
// Native and lazily loaded packages stay external.
import { build } from 'esbuild';

await build({
  entryPoints: ['dist/src/cli/main.js'],
  outdir: 'dist/bundle',
  outExtension: { '.js': '.mjs' },
  entryNames: 'clawgate',
  chunkNames: 'chunk-[hash]',
  splitting: true,
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  external: ['better-sqlite3', 'openai', '@slack/socket-mode', '@slack/web-api', 'bufferutil', 'utf-8-validate'],
  // Bundled CommonJS (ws, json5) may call require() for node built-ins.
  banner: { js: "import { createRequire as __cgRequire } from 'node:module'; const require = __cgRequire(import.meta.url);" },
  logLevel: 'warning',
});
