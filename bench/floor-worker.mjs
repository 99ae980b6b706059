// A bare child_process pool worker: the floor Lithops is measured against.
import * as tasks from './tasks.mjs';

process.on('message', (m) => {
  const task = { noop: tasks.noop, cpu: tasks.cpu, mib: tasks.mib }[m.task];
  process.send({ id: m.id, result: task(m.arg) });
});
process.on('disconnect', () => process.exit(0));
