// A bare child_process pool worker: the floor Lithops is measured against.
import * as tasks from './tasks.mjs';

const byName = { noop: tasks.noop, cpu: tasks.cpu, mib: tasks.mib };
process.on('message', (m) => {
  process.send({ id: m.id, result: byName[m.task](m.arg) });
});
process.on('disconnect', () => process.exit(0));
process.send('ready');
