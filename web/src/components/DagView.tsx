// A workflow's DAG drawn as SVG (layout in dag.ts): one box per step with its name, task and,
// for a run, its state, the box's border coloured by that state (and the state written in it, so
// colour is never the only cue). A step that ran is a link to its job, reachable with Tab. The
// drawing scrolls sideways inside its own box on a narrow screen.
import { useMemo, type ReactNode } from 'react';
import { BOX, layoutDag } from '../dag.ts';
import { href } from '../router.ts';

export interface DagViewStep {
  name: string;
  task: string;
  dependencies: string[];
  status?: string;
  jobId?: number | null;
}

function Box({ step, x, y }: { step: DagViewStep; x: number; y: number }): ReactNode {
  const state = step.status ?? 'defined';
  const body = (
    <>
      <rect x={x} y={y} width={BOX.width} height={BOX.height} rx={6} className="dag-box" />
      <text x={x + 10} y={y + 20} className="dag-name">
        {step.name.length > 20 ? `${step.name.slice(0, 19)}…` : step.name}
      </text>
      <text x={x + 10} y={y + 40} className="dag-sub">
        {step.status ? step.status : step.task}
      </text>
    </>
  );
  const label = `step ${step.name}, task ${step.task}${step.status ? `, ${step.status}` : ''}`;
  return (
    <g className={`dag-step dag-${state.toLowerCase()}`} data-step={step.name} data-state={state}>
      {step.jobId ? (
        // Named by its visible text (name and state); the title says where it leads.
        <a href={href(`jobs/${step.jobId}`)}>
          <title>{`${label}: open job #${step.jobId}`}</title>
          {body}
        </a>
      ) : (
        <g role="img" aria-label={label}>
          {body}
        </g>
      )}
    </g>
  );
}

export function DagView({ steps, title }: { steps: DagViewStep[]; title: string }): ReactNode {
  const layout = useMemo(
    () => layoutDag(steps.map((s) => ({ name: s.name, dependencies: s.dependencies }))),
    // The layout depends only on names and dependencies, not on states.
    [steps.map((s) => `${s.name}<${s.dependencies.join(',')}`).join(';')],
  );
  const byName = new Map(steps.map((s) => [s.name, s]));
  return (
    <div className="dag-wrap" tabIndex={0} role="group" aria-label={`${title} (scrolls sideways)`}>
      <svg
        className="dag"
        width={layout.width}
        height={layout.height}
        viewBox={`0 0 ${layout.width} ${layout.height}`}
        aria-labelledby="dag-title"
      >
        <title id="dag-title">{title}</title>
        <defs>
          <marker
            id="dag-arrow"
            viewBox="0 0 10 10"
            refX="9"
            refY="5"
            markerWidth="7"
            markerHeight="7"
            orient="auto"
          >
            <path d="M0,0 L10,5 L0,10 z" className="dag-arrow" />
          </marker>
        </defs>
        {layout.edges.map((e) => (
          <path key={`${e.from}>${e.to}`} d={e.d} className="dag-edge" markerEnd="url(#dag-arrow)" />
        ))}
        {layout.nodes.map((n) => (
          <Box key={n.name} step={byName.get(n.name)!} x={n.x} y={n.y} />
        ))}
      </svg>
    </div>
  );
}
