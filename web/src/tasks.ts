// Task names by id, for the job and execution lists (which carry task ids only). Loaded once per
// page view; a task added later shows as its id until the next load.
import { apiList } from './api.ts';
import { useLoad } from './components/ui.tsx';

export interface TaskSummary {
  id: number;
  name: string;
  description: string | null;
  enabled: boolean;
  available: boolean;
  latestVersion: string | null;
}

export function useTaskNames(): Map<number, string> {
  const { data } = useLoad((signal) => apiList<TaskSummary>('/tasks?limit=1000', signal), []);
  return new Map((data?.data ?? []).map((t) => [t.id, t.name]));
}
