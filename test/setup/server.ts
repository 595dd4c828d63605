import { serve } from '@hono/node-server';
import type { AddressInfo } from 'node:net';
import type { Server as HttpServer } from 'node:http';
import { attachRealtime } from '../../server/realtime/io';
import type { TestApp } from './app';

/** The app on a real HTTP server (loopback, random port) with socket.io attached. */
export async function startTestServer(testApp: TestApp) {
  const server = await new Promise<HttpServer>((resolve) => {
    const s = serve({ fetch: testApp.app.fetch, port: 0, hostname: '127.0.0.1' }, () => resolve(s as HttpServer)) as HttpServer;
  });
  const io = attachRealtime(server, testApp.deps);
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    io,
    async close() {
      await io.close(); // also closes the HTTP server
    },
  };
}
