import { FunctionExecutor } from '@lithops/core';
import { noop } from './tasks.mjs';

const fexec = new FunctionExecutor();
try {
  console.log(await fexec.getResult(await fexec.callAsync(noop, 1)));
} finally {
  await fexec.close();
}
