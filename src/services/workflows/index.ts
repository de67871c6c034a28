// Workflows (docs/workflows.md): definitions and runs.
export * from './definitions.ts';
export * from './runs.ts';
export * from './local.ts';
export * from './delivery.ts';
