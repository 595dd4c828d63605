import { defineConfig } from 'vite';
import solid from 'vite-plugin-solid';

const server = `http://localhost:${process.env.PORT ?? 3000}`;

export default defineConfig({
  root: 'client',
  plugins: [solid()],
  build: { outDir: '../dist/client', emptyOutDir: true, sourcemap: true },
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
