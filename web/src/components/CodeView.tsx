// Task code with line numbers (the numbers the failing-line display refers to).
import type { ReactNode } from 'react';

export function CodeView({ code, label }: { code: string; label: string }): ReactNode {
  const lines = code.replace(/\n$/, '').split('\n');
  const width = String(lines.length).length;
  return (
    <pre className="code" aria-label={label} tabIndex={0}>
      {lines.map((l, i) => (
        <span key={i} className="code-line">
          <span className="ln" aria-hidden="true">
            {String(i + 1).padStart(width)}
          </span>
          {l}
          {'\n'}
        </span>
      ))}
    </pre>
  );
}
