// The ordered list of migrations. Names sort lexically, so keep the three-digit prefix.
import type { Migration } from 'kysely';
import { initial } from './001_initial.ts';

export const MIGRATIONS: Readonly<Record<string, Migration>> = {
  '001_initial': initial,
};
