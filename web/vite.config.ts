// The dashboard's build: web/ → dist/web, served by `ratchet serve` at /ui (src/server/ui.ts).
// No React plugin: Vite's own transform compiles TSX with the automatic JSX runtime, and the
// dashboard needs no fast refresh in production builds; one fewer dependency and a faster build.
import { defineConfig } from 'vite';
import { fileURLToPath } from 'node:url';

export default defineConfig({
  root: fileURLToPath(new URL('.', import.meta.url)),
  base: '/ui/',
  oxc: { jsx: { runtime: 'automatic' } },
  build: {
    outDir: fileURLToPath(new URL('../dist/web', import.meta.url)),
    emptyOutDir: true,
    target: 'es2022',
    sourcemap: false,
    reportCompressedSize: false,
    rolldownOptions: {
      // @rjsf marks its hooks 'use client' (a React Server Components hint); meaningless in an SPA.
      onwarn(warning, warn) {
        if (warning.code !== 'MODULE_LEVEL_DIRECTIVE') warn(warning);
      },
    },
  },
  logLevel: 'warn',
});
