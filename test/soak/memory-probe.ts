/**
 * Loaded into the soak's server process only (`node --expose-gc --import tsx --import
 * ./test/soak/memory-probe.ts server/main.ts`): on request over the IPC channel, a full collection
 * then `process.memoryUsage()`. A heap that still grows after a full collection is kept, not
 * garbage waiting for its turn — which the RSS alone cannot tell.
 */
const collect = (globalThis as { gc?: () => void }).gc;

process.on('message', (message: unknown) => {
  if ((message as { type?: unknown } | null)?.type !== 'memory') return;
  collect?.();
  process.send?.({ type: 'memory', collected: !!collect, usage: process.memoryUsage() });
});
// The channel must not keep the server alive once it has been told to stop, and a soak that
// died without stopping it must not leave it running.
process.channel?.unref();
process.once('disconnect', () => process.kill(process.pid, 'SIGTERM'));
