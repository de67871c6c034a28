// Coverage files for other tools, written by istanbul's own reporters: `lcov` (lcov.info, read by
// editors and CI services) and `json` (coverage-final.json, istanbul's format for nyc and merging).
import { resolve } from 'node:path';
import libCoverage from 'istanbul-lib-coverage';
import type { CoverageMapData } from 'istanbul-lib-coverage';
import libReport from 'istanbul-lib-report';
import reports from 'istanbul-reports';

export const COVERAGE_FORMATS = ['lcov', 'json'] as const;
export type CoverageFormat = (typeof COVERAGE_FORMATS)[number];

const FILES: Record<CoverageFormat, { reporter: 'lcovonly' | 'json'; file: string }> = {
  lcov: { reporter: 'lcovonly', file: 'lcov.info' },
  json: { reporter: 'json', file: 'coverage-final.json' },
};

/** Writes the report into `dir` (created when missing) and returns the file's absolute path. */
export function writeCoverageReport(map: CoverageMapData, format: CoverageFormat, dir: string): string {
  const { reporter, file } = FILES[format];
  const context = libReport.createContext({ dir, coverageMap: libCoverage.createCoverageMap(map) });
  reports.create(reporter, { file }).execute(context);
  return resolve(dir, file);
}
