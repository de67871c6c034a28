// The job service: putting work on the queue (enqueue.ts) and reading and steering it once queued
// (control.ts). Adapters import this module.
export * from './enqueue.ts';
export * from './control.ts';
