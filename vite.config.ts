import { defineConfig } from 'vite';
import solid from 'vite-plugin-solid';
import { mapShapes } from './client/build/map-shapes';

const server = `http://localhost:${process.env.PORT ?? 3000}`;

export default defineConfig({
  root: 'client',
  plugins: [solid(), mapShapes()],
  build: {
    outDir: '../dist/client',
    emptyOutDir: true,
    sourcemap: true,
    rolldownOptions: {
      output: {
        // Pages are lazy chunks (client/src/app.tsx). The libraries every page runs on (Solid, the
        // router, socket.io, the tRPC client) get a chunk of their own, which changes only with the
        // dependencies and so stays cached across releases; libraries only some pages use (zod for
        // the forms, the map's shapes) stay with those pages, never in this shared chunk.
        codeSplitting: {
          groups: [
            {
              name: 'vendor',
              test: /node_modules[\\/](solid-js[\\/](dist|web)|@solidjs[\\/]router|socket\.io-client|socket\.io-parser|engine\.io-client|engine\.io-parser|@socket\.io|@trpc)[\\/]/,
            },
          ],
        },
      },
    },
  },
  server: {
    port: 5173,
    // The Origin check compares against Host: keep the browser's Host when proxying.
    proxy: {
      '/trpc': { target: server, changeOrigin: false },
      '/api': { target: server, changeOrigin: false },
      '/socket.io': { target: server, ws: true, changeOrigin: false },
    },
  },
});
