// The fake Lambda in its own process, so the client's CPU figures are the client's alone.
// Controlled over IPC by bench/lambda.mjs.
const { startFakeLambda } = await import(new URL('../packages/testkit/dist/index.js', import.meta.url));

const fake = await startFakeLambda({ concurrency: Number(process.env.FAKE_CONCURRENCY ?? 16) });
process.on('message', (m) => {
  if (m.cmd === 'mode') fake.setMode(m.mode);
  if (m.cmd === 'reset') fake.resetRecords();
  if (m.cmd === 'mode' || m.cmd === 'reset') process.send({ id: m.id });
  if (m.cmd === 'stats') {
    const invokes = fake.calls.filter((c) => c.api === 'Invoke');
    process.send({
      id: m.id,
      stats: { ...fake.stats },
      invokes: invokes.length,
      firstInvokeAt: invokes[0]?.at,
      lastInvokeAt: invokes.at(-1)?.at,
      remoteRequests: invokes.filter((c) => c.payload?.includes('"remoteInvoker"')).length,
    });
  }
  if (m.cmd === 'stop') fake.stop().then(() => process.exit(0));
});
process.send({ ready: true, endpoint: fake.endpoint });
// On SIGTERM: print what the sandboxes printed (for diagnosing a stuck benchmark), then stop the
// sandboxes and remove their code folders, which would outlive this process otherwise.
process.on('SIGTERM', () => {
  console.error(fake.logs().slice(-40).join('\n'));
  console.error(JSON.stringify(fake.calls.slice(-10).map((c) => `${c.api} ${c.status}`)));
  fake.stop().finally(() => process.exit(1));
});
