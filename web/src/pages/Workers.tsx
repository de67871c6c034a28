// Workers: every worker node the server knows (GET /api/v1/workers), with its state, load, totals
// and heartbeat, and the figures across them; refreshed every 3 s.
import type { ReactNode } from 'react';
import { api, apiList } from '../api.ts';
import { ErrorBox, Loading, useLoad } from '../components/ui.tsx';
import { WorkersTable } from '../components/WorkersTable.tsx';
import type { Worker } from '../types.ts';

interface WorkerStats {
  online: number;
  capacity: number;
  busy: number;
}

export function Workers(): ReactNode {
  const { data, error } = useLoad(
    async (signal) => {
      const [list, stats] = await Promise.all([
        apiList<Worker>('/workers?limit=200&_sort=lastHeartbeatAt&_order=desc', signal),
        api<WorkerStats>('/workers/stats', { signal }),
      ]);
      return { list, stats };
    },
    [],
    3000,
  );
  return (
    <>
      <h1>Workers</h1>
      <ErrorBox error={error} />
      {!data ? (
        <Loading what="workers" />
      ) : (
        <>
          <p>
            {data.stats.online} online · {data.stats.busy} of {data.stats.capacity} executor slots busy
          </p>
          <WorkersTable workers={data.list.data} detailed />
        </>
      )}
    </>
  );
}
