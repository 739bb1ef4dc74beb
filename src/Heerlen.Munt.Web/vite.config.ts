// Vite builds the four apps as separate pages that share one core (src/core) and one UI kit (src/ui).
// Output: dist/, which the server's build copies to apps/ and serves (src/Heerlen.Munt.Server/Heerlen.Munt.Server.csproj).
import { defineConfig } from 'vite';
import { resolve } from 'node:path';

export default defineConfig({
  base: '/',
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    target: 'es2020', // old phones: Chrome 80+, Safari 14+
    sourcemap: true,
    rollupOptions: {
      input: {
        index: resolve(import.meta.dirname, 'index.html'),
        app: resolve(import.meta.dirname, 'app/index.html'),
        kassa: resolve(import.meta.dirname, 'kassa/index.html'),
        gemeente: resolve(import.meta.dirname, 'gemeente/index.html'),
        controle: resolve(import.meta.dirname, 'controle/index.html'),
      },
    },
  },
  server: {
    // `npm run dev` next to a running server (scripts/run): the API is proxied to it.
    proxy: { '/v1': 'http://127.0.0.1:5080', '/healthz': 'http://127.0.0.1:5080' },
  },
});
