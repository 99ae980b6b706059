/** Runs in a worker: exported from its own module, so it is bundled with what it imports. */
export function greet(name, ctx) {
  return `Hello ${name}! (call ${ctx.id})`;
}
