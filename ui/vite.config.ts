import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';
import solid from 'vite-plugin-solid';

const root = fileURLToPath(new URL('.', import.meta.url));

// Built from the repo root with `bunx --bun vite build --config ui/vite.config.ts`;
// `vite --config ui/vite.config.ts` serves it with /api proxied to a local MPR
// (MPR_API overrides the target, e.g. http://127.0.0.1:8090).
export default defineConfig({
  root,
  base: '/',
  plugins: [solid()],
  // hls.js (~580 kB) is only in the lazily loaded player chunk.
  build: { outDir: 'dist', emptyOutDir: true, target: 'es2022', chunkSizeWarningLimit: 700 },
  server: {
    proxy: { '/api': { target: process.env.MPR_API ?? 'http://127.0.0.1:8080', changeOrigin: true } },
  },
  preview: {
    proxy: { '/api': { target: process.env.MPR_API ?? 'http://127.0.0.1:8080', changeOrigin: true } },
  },
});
