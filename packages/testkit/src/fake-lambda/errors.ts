/** A Lambda API error: the SDK maps it to a typed exception by `x-amzn-ErrorType`. */
export class LambdaApiError extends Error {
  constructor(
    readonly status: number,
    readonly type: string,
    message: string,
    readonly extra: Record<string, unknown> = {},
  ) {
    super(message);
  }
}

export const notFound = (what: string) =>
  new LambdaApiError(404, 'ResourceNotFoundException', `Function not found: ${what}`, { Type: 'User' });
