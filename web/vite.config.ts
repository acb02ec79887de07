// Builds the delegated-admin UI into web/dist, which the Fastify server serves at `/`
// (src/server/static-ui.ts). `npx vite --config web/vite.config.ts` runs it against a local
// `tessera serve` on the default port, so the UI and the API share one origin as in production.
import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

const API = process.env.TESSERA_API ?? 'http://127.0.0.1:8750';

export default defineConfig({
  root: import.meta.dirname,
  plugins: [react()],
  build: { outDir: 'dist', emptyOutDir: true, assetsDir: 'assets' },
  server: { proxy: { '/v1': API, '/openapi.json': API } },
});
