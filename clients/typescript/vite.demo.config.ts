import { defineConfig } from 'vite';

// The demo dashboard: demo/ → dist-demo/ (or DEMO_OUT_DIR: Maven builds it straight into
// target/classes/regen-demo/, which the platform jar serves in `up`).
export default defineConfig({
  root: 'demo',
  base: './',
  build: { outDir: process.env.DEMO_OUT_DIR ?? '../dist-demo', emptyOutDir: true, target: 'es2020' },
  server: { proxy: { '/api': 'http://localhost:8080', '/ws': { target: 'ws://localhost:8080', ws: true } } },
});
