// `repo verify`: is each source reachable, and does every task in it load? Read-only for the
// store; git sources are fetched into the cache folder to be read.
import { checkGitReachable, refreshGitCheckout } from './git.ts';
import { indexFileOf, loadTree, readIndex, sameTasks } from './repo-index.ts';
import type { IndexEntry } from './repo-index.ts';
import type { ResolvedSource } from './sources.ts';
import type { SyncFailure } from './sync.ts';

export interface VerifyResult {
  source: string;
  kind: ResolvedSource['kind'];
  uri: string;
  /** Why the source could not be read at all. */
  error?: string;
  commit?: string;
  tasks: IndexEntry[];
  failed: SyncFailure[];
}

export async function verifySource(source: ResolvedSource, cacheDir: string): Promise<VerifyResult> {
  const result: VerifyResult = {
    source: source.name,
    kind: source.kind,
    uri: source.uri,
    tasks: [],
    failed: [],
  };
  let root: string;
  try {
    if (source.kind === 'git') {
      await checkGitReachable(source);
      const checkout = await refreshGitCheckout(source, cacheDir);
      root = checkout.dir;
      result.commit = checkout.commit;
    } else {
      root = source.path!;
    }
    const tree = await loadTree(root);
    result.tasks = tree.entries;
    result.failed = tree.failed;
    const indexFile = indexFileOf(root);
    if (indexFile) {
      const index = await readIndex(indexFile);
      if (!sameTasks(index.tasks, tree.entries)) {
        result.failed.push({
          path: indexFile.slice(root.length + 1),
          problems: ['does not match the task folders: run `ratchet repo refresh-metadata`'],
        });
      }
    }
  } catch (err) {
    result.error =
      source.kind === 'git'
        ? (err as Error).message
        : `folder source "${source.name}": ${(err as Error).message}`;
  }
  return result;
}

export function verifyFailed(results: VerifyResult[]): boolean {
  return results.some((r) => r.error !== undefined || r.failed.length > 0);
}
