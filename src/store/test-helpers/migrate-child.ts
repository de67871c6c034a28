// Child process for the concurrent-migration test: migrates the database at argv[2] and prints
// the migrations this process applied as JSON.
import { openDatabase } from '../database.ts';
import { migrateToLatest } from '../migrate.ts';

const store = await openDatabase({ url: process.argv[2]! });
try {
  process.stdout.write(JSON.stringify(await migrateToLatest(store)));
} finally {
  await store.close();
}
