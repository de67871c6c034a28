// A project folder laid out as the agent guide's MCP examples assume (for guide.test.ts): the
// addition sample at sample/js-tasks/addition, and weather-api/ at the top, a copy of the sample's
// schemas whose main.js fails like an API refusing a key, without the network (deterministic: the
// guide's "your-real-api-key" is refused with HttpError 401, so the debug steps have a failure).
import { cp, mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SAMPLE_TASKS } from './test-helpers.ts';

export const WEATHER_MAIN = `function main(input) {
  console.debug('looking up ' + input.location);
  console.log('units ' + (input.units || 'metric'));
  if (input.apiKey !== 'test-key') {
    console.error('the API refused the key');
    throw new HttpError(401, 'the weather API refused the key (401)');
  }
  return { location: input.location, country: null, temperature: 12.5, humidity: null, description: 'clear', units: input.units || 'metric' };
}`;

export async function guideProject(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'ratchet-guide-'));
  await cp(join(SAMPLE_TASKS, 'addition'), join(dir, 'sample', 'js-tasks', 'addition'), { recursive: true });
  await cp(join(SAMPLE_TASKS, 'weather-api'), join(dir, 'weather-api'), { recursive: true });
  await writeFile(join(dir, 'weather-api', 'main.js'), WEATHER_MAIN);
  return dir;
}
