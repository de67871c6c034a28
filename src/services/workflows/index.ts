// Workflows (docs/workflows.md): definitions and runs.
export * from './definitions.ts';
export * from './runs.ts';
