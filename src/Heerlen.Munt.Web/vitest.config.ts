import { defineConfig } from 'vitest/config';

// The core tests only; Argon2id (munt card) takes about half a second per call, hence the longer timeout.
export default defineConfig({
  test: {
    include: ['src/core/**/*.test.ts'],
    environment: 'node',
    testTimeout: 30_000,
  },
});
