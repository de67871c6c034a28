// The overview's two small charts over the last hour (uPlot, loaded as its own chunk after the
// overview's figures are on screen): jobs finished per second and the success rate, one point per
// minute, from GET /api/v1/executions/timeline. Each chart is a figure whose text alternative
// states the latest and highest values, so the canvas is not the only way to read it.
import { useEffect, useMemo, useRef, type ReactNode } from 'react';
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';
import { seriesOf, type Timeline } from '../timeline.ts';

function colour(name: string): string {
  return getComputedStyle(document.documentElement).getPropertyValue(name).trim() || 'currentColor';
}

function Chart({
  label,
  x,
  y,
  format,
  colourVar,
  max,
  dots = false,
}: {
  label: string;
  x: number[];
  y: (number | null)[];
  format: (v: number) => string;
  colourVar: string;
  max?: number;
  dots?: boolean;
}): ReactNode {
  const box = useRef<HTMLDivElement>(null);
  const plot = useRef<uPlot | null>(null);
  useEffect(() => {
    const el = box.current;
    if (!el) return;
    const build = (): void => {
      plot.current?.destroy();
      const fg = colour('--muted');
      const grid = colour('--line');
      const axis = { stroke: fg, grid: { stroke: grid, width: 1 }, ticks: { stroke: grid, width: 1 } };
      plot.current = new uPlot(
        {
          width: Math.max(200, el.clientWidth),
          height: 140,
          legend: { show: false },
          cursor: { show: false },
          scales: {
            x: { time: true },
            // From zero; a flat line at zero gets a small scale, not one invented around it.
            y: { range: (_u, _min, top) => [0, max ?? (top > 0 ? top * 1.15 : 1)] },
          },
          axes: [axis, { ...axis, size: 64, values: (_u, vals) => vals.map(format) }],
          series: [
            {},
            {
              stroke: colour(colourVar),
              width: 2,
              fill: `${colour(colourVar)}22`,
              spanGaps: false,
              // A minute with data between empty ones has no line to draw: show each point.
              points: { show: dots, size: 5 },
            },
          ],
        },
        [x, y],
        el,
      );
    };
    build();
    const resize = new ResizeObserver(() =>
      plot.current?.setSize({ width: Math.max(200, el.clientWidth), height: 140 }),
    );
    resize.observe(el);
    const scheme = matchMedia('(prefers-color-scheme: dark)');
    scheme.addEventListener('change', build);
    return () => {
      resize.disconnect();
      scheme.removeEventListener('change', build);
      plot.current?.destroy();
      plot.current = null;
    };
    // Rebuilt when the data changes (each poll of the overview): cheap at 60 points.
  }, [x, y, max, colourVar, format, dots]);
  const values = y.filter((v): v is number => v !== null);
  const summary =
    values.length === 0
      ? `${label}: no finished execution in the last hour`
      : `${label}: latest ${format(values.at(-1)!)}, highest ${format(Math.max(...values))}, over the last hour`;
  return (
    <figure className="chart">
      <figcaption>{label}</figcaption>
      <div ref={box} role="img" aria-label={summary} />
    </figure>
  );
}

const perSecond = (v: number): string => (v >= 10 ? v.toFixed(0) : v >= 1 ? v.toFixed(1) : v.toFixed(2));
const percent = (v: number): string => `${Math.round(v * 100)} %`;

export default function Charts({ timeline }: { timeline: Timeline }): ReactNode {
  const s = useMemo(() => seriesOf(timeline), [timeline]);
  return (
    <div className="charts">
      <Chart label="Jobs per second" x={s.x} y={s.perSecond} format={perSecond} colourVar="--accent" />
      <Chart label="Success rate" x={s.x} y={s.successRate} format={percent} colourVar="--ok" max={1} dots />
    </div>
  );
}
