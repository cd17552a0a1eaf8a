import { defineConfig } from 'vite';

// The demo dashboard: demo/ → dist-demo/, packaged by Maven into the platform jar (regen-demo/).
export default defineConfig({
  root: 'demo',
  base: './',
  build: { outDir: '../dist-demo', emptyOutDir: true, target: 'es2020' },
  server: { proxy: { '/api': 'http://localhost:8080', '/ws': { target: 'ws://localhost:8080', ws: true } } },
});
