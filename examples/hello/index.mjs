// Hello world: a map over three names on the localhost backend (no config needed).
import { FunctionExecutor } from '@lithops/core';
import { greet } from './jobs.mjs';

const fexec = new FunctionExecutor();
try {
  const futures = await fexec.map(greet, ['Ada', 'Grace', 'Linus']);
  for (const line of await fexec.getResult(futures)) console.log(line);
  // A self-contained inline function travels by source.
  const squares = await fexec.getResult(await fexec.map((x) => x * x, [1, 2, 3, 4]));
  console.log('squares:', squares.join(', '));
} finally {
  await fexec.close();
}
