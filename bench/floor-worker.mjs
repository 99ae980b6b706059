// A bare child_process pool worker: the floor Lithops is measured against.
import * as tasks from './tasks.mjs';

process.on('message', (m) => {
  process.send({ id: m.id, result: tasks[m.task](m.arg) });
});
process.on('disconnect', () => process.exit(0));
