// The terminal side of a full-screen view (`monitor`): the alternate screen with the cursor hidden,
// a redraw every interval (and on resize), and the keys read raw while it runs, so `q`, Esc or
// Ctrl-C leave it. Readline is paused meanwhile and gets its keys back afterwards; the terminal is
// restored whatever happens.
import type { Interface } from 'node:readline';
import type { LiveView } from './commands.ts';

interface Key {
  name?: string;
  ctrl?: boolean;
}

type KeyListener = (s: string, key: Key) => void;

export function liveView(rl: Interface, input: NodeJS.ReadStream, output: NodeJS.WriteStream): LiveView {
  return async (draw, intervalMs) => {
    rl.pause();
    const saved = input.listeners('keypress') as KeyListener[];
    for (const l of saved) input.removeListener('keypress', l);
    const wasRaw = input.isRaw;
    input.setRawMode(true);
    output.write('\x1b[?1049h\x1b[?25l');
    let stop!: () => void;
    const stopped = new Promise<void>((r) => (stop = r));
    const onKey: KeyListener = (_s, key) => {
      if (key?.name === 'q' || key?.name === 'escape' || (key?.ctrl === true && key.name === 'c')) stop();
    };
    let done = false;
    let drawing = false;
    const frame = async (): Promise<void> => {
      if (drawing) return;
      drawing = true;
      try {
        const lines = await draw(output.columns ?? 80, output.rows ?? 24);
        if (!done) output.write(`\x1b[H${lines.map((l) => `${l}\x1b[K`).join('\n')}\n\x1b[J`);
      } finally {
        drawing = false;
      }
    };
    const onResize = (): void => void frame();
    input.on('keypress', onKey);
    output.on('resize', onResize);
    input.resume();
    const timer = setInterval(() => void frame(), intervalMs);
    try {
      await Promise.race([frame().then(() => stopped), stopped]);
    } finally {
      done = true;
      clearInterval(timer);
      output.off('resize', onResize);
      input.off('keypress', onKey);
      for (const l of saved) input.on('keypress', l);
      input.setRawMode(wasRaw);
      output.write('\x1b[?25h\x1b[?1049l');
      rl.resume();
    }
  };
}
