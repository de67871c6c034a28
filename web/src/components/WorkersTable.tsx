// The worker nodes as a table: the overview shows the short form, the workers page every column.
import type { ReactNode } from 'react';
import { Status, when } from './ui.tsx';
import type { Worker } from '../types.ts';

export function WorkersTable({
  workers,
  detailed = false,
}: {
  workers: Worker[];
  detailed?: boolean;
}): ReactNode {
  if (workers.length === 0) return <p>No worker is registered.</p>;
  return (
    <div className="table-wrap" tabIndex={0}>
      <table>
        <thead>
          <tr>
            <th scope="col">Worker</th>
            {detailed && <th scope="col">Host · pid</th>}
            <th scope="col">Status</th>
            <th scope="col">Running</th>
            <th scope="col">Capacity</th>
            {detailed && <th scope="col">Completed</th>}
            {detailed && <th scope="col">Failed</th>}
            {detailed && <th scope="col">Version</th>}
            {detailed && <th scope="col">Started</th>}
            <th scope="col">Last heartbeat</th>
          </tr>
        </thead>
        <tbody>
          {workers.map((w) => (
            <tr key={w.id}>
              <td>{w.id}</td>
              {detailed && (
                <td>
                  {w.hostname} · {w.pid}
                </td>
              )}
              <td>
                <Status value={w.status} />
              </td>
              <td>{w.runningJobs}</td>
              <td>{w.capacity}</td>
              {detailed && <td>{w.jobsCompleted}</td>}
              {detailed && <td>{w.jobsFailed}</td>}
              {detailed && <td>{w.version}</td>}
              {detailed && <td>{when(w.startedAt)}</td>}
              <td>{when(w.lastHeartbeatAt)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
