// `ratchet test <dir> --update-from <session>`: before running the suite, turn a recording
// (run-once --record) into tests/recorded-<stamp>.json with mock_http, so the run that follows
// already proves the new case passes offline.
import { saveRecordedTest } from '../services/recorded-test.ts';
import { RecordingError } from '../services/recording.ts';
import { loadTask } from '../tasks/load.ts';
import { TaskLoadError } from '../tasks/types.ts';
import { UsageError } from './errors.ts';
import { readSessionOrExit } from './replay.ts';

export async function saveTestFromRecording(dirs: readonly string[], sessionPath: string): Promise<string> {
  if (dirs.length !== 1) {
    throw new UsageError(
      `test --update-from: give exactly one task folder to add the test to (got ${dirs.length})`,
    );
  }
  const dir = dirs[0]!;
  const session = await readSessionOrExit(sessionPath);
  let name: string;
  try {
    const pkg = await loadTask(dir);
    if (pkg.origin.kind !== 'dir') {
      throw new UsageError(`test --update-from: ${dir} is not a task folder (tests are written into tests/)`);
    }
    name = pkg.metadata.name;
  } catch (err) {
    if (err instanceof TaskLoadError)
      throw new UsageError(`test --update-from: cannot load ${dir}:\n${err.message}`);
    throw err;
  }
  let file: string;
  try {
    file = await saveRecordedTest(dir, session);
  } catch (err) {
    if (err instanceof RecordingError) throw new UsageError(`test --update-from: ${err.message}`);
    throw err;
  }
  const recordedName = session.info?.task.name;
  if (recordedName !== undefined && recordedName !== name) {
    process.stderr.write(`warning: the recording was made by task "${recordedName}", not "${name}"\n`);
  }
  process.stderr.write(`saved test ${file}\n`);
  return file;
}
