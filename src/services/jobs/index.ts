// The job service: putting work on the queue (enqueue.ts, one job; enqueue-many.ts, a batch) and reading and steering it once queued
// (control.ts). Adapters import this module.
export * from './enqueue.ts';
export * from './control.ts';
export * from './enqueue-many.ts';
export * from './idle.ts';
