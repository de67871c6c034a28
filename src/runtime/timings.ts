// Where one run's time goes, recorded only when a caller asks for a profile (RunTaskOptions.profile):
// the sandbox and runTask note each phase's start and length here, plus the guest heap at phase
// boundaries. Without a profile nothing is timed, so the normal path pays one `undefined` check
// per phase. quality/profile.ts turns this into the profile users see.

/** The phases of a run, in the order they happen. */
export type RunPhase =
  | 'input-validation'
  | 'instance'
  | 'prepare'
  | 'restore'
  | 'load'
  | 'input'
  | 'run'
  | 'output'
  | 'output-validation';

export interface PhaseTiming {
  phase: RunPhase;
  /** Milliseconds from the start of the run. */
  startMs: number;
  durationMs: number;
}

export interface HeapSample {
  /** QuickJS's heap (its malloc_size) right after the pristine context was restored. */
  startBytes: number;
  /** The largest heap seen: at QuickJS's interrupt checks and at every phase boundary. */
  peakBytes: number;
  /** The heap when the run ended (after the output was serialised). */
  endBytes: number;
  /** The sandbox instance's WebAssembly memory when the run ended. */
  memoryBytes: number;
}

export class RunTimings {
  /** performance.now() when the run started; phase offsets count from here. */
  readonly origin = performance.now();
  /** Date.now() at the same moment, to place logs, fetches and progress (ISO timestamps). */
  readonly originEpochMs = Date.now();
  readonly phases: PhaseTiming[] = [];
  /** Time the host slept waiting for a guest timer (setTimeout) during the run phase. */
  timerWaitMs = 0;
  heap?: HeapSample;

  /** A phase that began at `start` (performance.now()) ends now. */
  end(phase: RunPhase, start: number): void {
    this.phases.push({ phase, startMs: start - this.origin, durationMs: performance.now() - start });
  }
}
