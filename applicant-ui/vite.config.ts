import { defineConfig } from 'vite';
import react from '@vitejs/plugin-react';
import { fileURLToPath } from 'node:url';

// The applicant app is served by the service under /v (/v/<token>); its own small bundle, nothing from
// third-party origins.
export default defineConfig({
  root: fileURLToPath(new URL('.', import.meta.url)),
  base: '/v/',
  plugins: [react()],
  build: {
    outDir: fileURLToPath(new URL('../dist/applicant-ui', import.meta.url)),
    emptyOutDir: true,
    sourcemap: false,
    target: 'es2020',
  },
});
