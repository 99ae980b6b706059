import { type CommandLine, expectArgs, parseCommandLine, USAGE } from './args.js';
import { clean } from './commands/clean.js';
import { hello } from './commands/hello.js';
import { storageCommand } from './commands/storage.js';
import { test } from './commands/test.js';
import { reportError } from './report-error.js';
import { cleanRuntimes, runtimeCommand } from './runtime-command.js';
import { UsageError } from './usage-error.js';
import { cliVersion } from './version.js';

const COMMANDS: Record<string, (cl: CommandLine) => Promise<void>> = {
  async hello(cl) {
    expectArgs(cl.positionals.slice(1), 0, 0, 'hello');
    await hello(cl.config);
  },
  async test(cl) {
    expectArgs(cl.positionals.slice(1), 0, 0, 'test [--calls N]');
    await test(cl.config, cl.calls);
  },
  async clean(cl) {
    expectArgs(cl.positionals.slice(1), 0, 0, 'clean [--older-than AGE] | clean --all [--yes]');
    await clean(cl.config, { olderThan: cl.olderThan, all: cl.all, yes: cl.yes });
    // Deployed runtimes serve executors still running: only --all removes them.
    if (cl.all) await cleanRuntimes(cl.config);
  },
  runtime: (cl) => runtimeCommand(cl.config, cl.positionals.slice(1)),
  storage: (cl) => storageCommand(cl.config, cl),
};

/**
 * Runs the `lithops` command line (without the node and script words) and returns the exit
 * code: 0 done, 1 the command failed, 2 the command line is wrong.
 */
export async function main(argv: readonly string[]): Promise<number> {
  let debug = false;
  try {
    const cl = parseCommandLine(argv);
    debug = cl.config.logLevel === 'DEBUG';
    if (cl.version) {
      console.log(cliVersion());
      return 0;
    }
    const name = cl.positionals[0];
    if (cl.help || name === 'help') {
      process.stdout.write(USAGE);
      return 0;
    }
    if (name === undefined) throw new UsageError('Missing command.');
    const command = Object.hasOwn(COMMANDS, name) ? COMMANDS[name] : undefined;
    if (!command) throw new UsageError(`Unknown command "${name}".`);
    await command(cl);
    return 0;
  } catch (e) {
    return reportError(e, debug);
  }
}
