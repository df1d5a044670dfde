import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';
import react from '@vitejs/plugin-react';

/**
 * Web UI build. The app lives in `web/`; `vite build` writes `web/dist`, which the
 * server serves as static files. In development `/api` is proxied to the server.
 */
export default defineConfig({
  root: fileURLToPath(new URL('./web', import.meta.url)),
  plugins: [react()],
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    // antd is large; route chunks stay small, the shared vendor chunk is expected to be big.
    chunkSizeWarningLimit: 1200,
  },
  server: {
    proxy: {
      '/api': 'http://localhost:3000',
    },
  },
});
