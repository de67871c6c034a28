// Task files per stored version, loaded once per process (versions never change once stored) and
// sent to each executor thread the first time it runs that version.
import type { Db } from '../store/codec.ts';
import { NotFoundError } from '../store/codec.ts';
import { getTask, getTaskVersionById } from '../store/repos/tasks.ts';
import { filesOfVersion } from '../tasks/stored-versions.ts';

export interface VersionInfo {
  files: Record<string, string>;
  label: string;
  taskUuid: string;
  version: string;
}

const CACHE_SIZE = 500;

export class VersionFiles {
  private readonly db: Db;
  private readonly cache = new Map<number, Promise<VersionInfo>>();

  constructor(db: Db) {
    this.db = db;
  }

  get(versionId: number): Promise<VersionInfo> {
    let hit = this.cache.get(versionId);
    if (!hit) {
      hit = this.load(versionId);
      hit.catch(() => this.cache.delete(versionId));
      if (this.cache.size >= CACHE_SIZE) this.cache.delete(this.cache.keys().next().value!);
      this.cache.set(versionId, hit);
    }
    return hit;
  }

  private async load(versionId: number): Promise<VersionInfo> {
    const v = await getTaskVersionById(this.db, versionId);
    if (!v) throw new NotFoundError(`task version ${versionId} does not exist`);
    const task = await getTask(this.db, v.taskId, { includeDeleted: true });
    if (!task) throw new NotFoundError(`task ${v.taskId} of version ${versionId} does not exist`);
    return {
      files: filesOfVersion(task, v),
      label: `${task.name}@${v.version}`,
      taskUuid: task.uuid,
      version: v.version,
    };
  }
}
