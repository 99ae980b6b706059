/**
 * Deletes keys one request each, at most `concurrency` in flight, for services without a
 * multi-delete (GCS's JSON API in its SDK, Azure Blob). Stops starting new deletes after the first
 * failure and throws it once the deletes in flight have settled.
 */
export async function deleteEach(
  keys: readonly string[],
  concurrency: number,
  deleteOne: (key: string) => Promise<void>,
): Promise<void> {
  let next = 0;
  let failed: { error: unknown } | undefined;
  const worker = async () => {
    while (next < keys.length && failed === undefined) {
      const key = keys[next++]!;
      try {
        await deleteOne(key);
      } catch (error) {
        failed ??= { error };
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, keys.length) }, worker));
  if (failed) throw failed.error;
}
