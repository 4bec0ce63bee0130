/**
 * A plain Express 5 app in a process of its own, with none of the bench's modules: the
 * reference a skeptic measures by hand (`app.get('/hello', (req, res) => res.json(...))`).
 * It speaks just enough of the bench's IPC protocol (lib/rpc.mjs: `ready`, then `start` and
 * `stop` calls) to be started, measured and stopped like the other servers, so the report
 * can compare the harness's no-auth ceiling against it.
 */
import express from 'express';

let server;

const answer = (id, value) => process.send({ kind: 'result', id, ok: true, value });

process.on('message', (message) => {
  if (message?.kind !== 'call') return;
  if (message.method === 'start') {
    const app = express();
    app.get('/hello', (_req, res) => {
      res.json({ hello: 'world' });
    });
    server = app.listen(0, '127.0.0.1', () => {
      answer(message.id, { port: server.address().port, pid: process.pid });
    });
  } else if (message.method === 'stop') {
    server?.closeAllConnections();
    server?.close(() => answer(message.id, undefined));
  }
});
process.on('disconnect', () => process.exit(0));
process.on('SIGTERM', () => process.exit(0));
process.send({ kind: 'ready' });
