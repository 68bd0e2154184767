import { RivetError } from '../../src/errors/index.js'

/** The RivetError `fn` throws; fails the test when it throws nothing or something else. */
export function caught(fn: () => unknown): RivetError {
  try {
    fn()
  } catch (err) {
    if (err instanceof RivetError) return err
    throw err
  }
  throw new Error('expected a RivetError')
}

/** The RivetError `promise` rejects with; fails the test when it resolves or rejects with something else. */
export async function rejection(promise: Promise<unknown>): Promise<RivetError> {
  try {
    await promise
  } catch (err) {
    if (err instanceof RivetError) return err
    throw err
  }
  throw new Error('expected a RivetError')
}
