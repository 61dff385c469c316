import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

// The staff UI is served by the staff listener under CSP `script-src 'self'`, so the build must
// emit no inline scripts. Paths avoid `node:` imports: the renderer lint boundary covers this file.
export default defineConfig({
  root: import.meta.dirname,
  base: '/',
  plugins: [react()],
  resolve: {
    // The renderer's one door into server/: the shared API contract (zod schemas and types).
    alias: { '@contract': `${import.meta.dirname}/../server/contract` },
  },
  build: {
    outDir: '../dist/renderer',
    emptyOutDir: true,
    sourcemap: true,
    // Keep the module-preload helper out of index.html (it would be an inline script).
    modulePreload: { polyfill: false },
  },
  server: {
    // `npm run dev:renderer` talks to a locally running server on the default staff port.
    proxy: { '/api': { target: 'http://127.0.0.1:4310', changeOrigin: true } },
  },
});
