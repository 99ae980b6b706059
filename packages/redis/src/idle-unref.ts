import type { Redis } from 'ioredis';

/**
 * Lets a script exit without closing the client: the connection holds the event loop only while
 * commands are in flight (ioredis keeps its socket referenced, so an idle client would otherwise
 * keep the process alive forever). Every command, pipelines and transactions included, passes
 * through `sendCommand`.
 */
export function unrefWhileIdle(client: Redis): void {
  let inFlight = 0;
  const sync = () => {
    const s = client.stream;
    if (!s) return;
    if (inFlight > 0) s.ref();
    else s.unref();
  };
  // A new connection (first connect, reconnect) starts referenced.
  client.on('connect', sync);
  const send = client.sendCommand.bind(client);
  const settle = () => {
    if (--inFlight === 0) sync();
  };
  client.sendCommand = ((command, stream) => {
    if (inFlight++ === 0) sync();
    command.promise.then(settle, settle);
    return send(command, stream);
  }) as Redis['sendCommand'];
}
