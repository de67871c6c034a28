// The worker threads' entry files in dist/ other than the executor thread's (which loads its own
// bundle, workers/executor-thread.bundle.js): `npm run build` replaces each by a bundle of itself
// (tools/bundle.ts). A thread is started by the URL of its compiled file, which stays the same, so
// nothing that starts one changes. test/executor-bundle.test.ts checks each is one file.
export const THREAD_ENTRIES = [
  'testing/case-worker.js',
  'quality/fuzz-worker.js',
  'services/quality-thread.js',
  'services/task-test-thread.js',
  'tasks/unzip-worker.js',
  'http/fetch-worker.js',
];
