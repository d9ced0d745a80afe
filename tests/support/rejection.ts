/** The error `promise` rejects with; throws when it resolves (for asserting on a client's typed errors). */
export async function rejection(promise: Promise<unknown>): Promise<Error> {
  try {
    await promise;
  } catch (error) {
    return error as Error;
  }
  throw new Error('expected a rejection');
}
