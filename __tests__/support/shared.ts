import { describe } from '@jest/globals'
import { existsSync } from 'node:fs'

/**
 * ../shared (the parquet-testing corpus, Forgejo's API description) sits beside the checkout in
 * this project's CI. A fork's CI may not have it: those suites are then skipped, unless
 * IOSTORM_REQUIRE_SHARED=1 (set by .ci/run) makes its absence a failure.
 */
export const SHARED = '../shared'
const present = existsSync(`${SHARED}/corpus`) && existsSync(`${SHARED}/contracts`)
if (!present && process.env.IOSTORM_REQUIRE_SHARED === '1') {
  throw new Error(`${SHARED} is missing: put the shared folder beside the checkout`)
}

export const describeWithShared = present ? describe : describe.skip
