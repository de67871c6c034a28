// How deeply a JSON text nests, measured on the text without building the value. Values cross
// threads as JSON text, and the receiving side parses them with V8's iterative JSON.parse, but much
// of what the host then does with a value recurses (JSON.stringify to store it fails near 5,000
// levels on the main thread, structured clone earlier): a value nested deeper than
// MAX_CROSSING_DEPTH never leaves the thread that produced it; its run fails instead.

/** Arrays/objects inside each other that a value may have to leave a sandbox thread. */
export const MAX_CROSSING_DEPTH = 1000;

/** True when `json` (valid JSON text) nests arrays/objects more than `max` levels deep. */
export function nestsDeeperThan(json: string, max: number): boolean {
  // Every level costs at least two characters, so short texts need no scan.
  if (json.length <= 2 * max) return false;
  let depth = 0;
  let inString = false;
  for (let i = 0; i < json.length; i++) {
    const c = json.charCodeAt(i);
    if (inString) {
      if (c === 92 /* \ */) i++;
      else if (c === 34 /* " */) inString = false;
    } else if (c === 34) inString = true;
    else if (c === 91 /* [ */ || c === 123 /* { */) {
      if (++depth > max) return true;
    } else if (c === 93 /* ] */ || c === 125 /* } */) depth--;
  }
  return false;
}

/** The error of a run whose output nests too deeply to leave its thread. */
export function tooDeepOutput(max = MAX_CROSSING_DEPTH): { type: string; message: string } {
  return {
    type: 'RangeError',
    message: `the task's output nests arrays/objects more than ${max} levels deep, which the host does not accept; return a flatter value`,
  };
}
