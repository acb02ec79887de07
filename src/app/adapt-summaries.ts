/**
 * Where the adaptation loop keeps what each running image was built from. `StoreSummaryStore`
 * (what `tessera monitor` and `serve --monitor-interval` use) keeps it in the control-plane store
 * beside the deployment, so whichever node leads on PostgreSQL sees it. `FileSummaryStore` keeps
 * it as files, `<dir>/<sha256 of the id>.json`, written atomically (one node, no store). A leader
 * without a summary takes the recorded tier and today's plan as its baseline (adapt.ts).
 */
import { createHash } from 'node:crypto';
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { DeploymentSummary } from '../monitor/index.js';
import type { DeploymentStore } from '../store/index.js';
import type { SummaryStore } from './adapt.js';

export class FileSummaryStore implements SummaryStore {
  constructor(private readonly dir: string) {}

  private file(id: string): string {
    return join(this.dir, `${createHash('sha256').update(id).digest('hex')}.json`);
  }

  async get(id: string): Promise<DeploymentSummary | undefined> {
    try {
      return (JSON.parse(await readFile(this.file(id), 'utf8')) as { summary: DeploymentSummary }).summary;
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw e;
    }
  }

  async put(id: string, summary: DeploymentSummary): Promise<void> {
    await mkdir(this.dir, { recursive: true });
    const file = this.file(id);
    const temporary = `${file}.${process.pid}.tmp`;
    await writeFile(temporary, JSON.stringify({ deploymentId: id, summary }, null, 2) + '\n');
    await rename(temporary, file);
  }
}

/** For tests and embedding: summaries in memory. */
export class MemorySummaryStore implements SummaryStore {
  private readonly map = new Map<string, DeploymentSummary>();
  async get(id: string): Promise<DeploymentSummary | undefined> {
    return this.map.get(id);
  }
  async put(id: string, summary: DeploymentSummary): Promise<void> {
    this.map.set(id, summary);
  }
}

/** Summaries in the control-plane store, beside their deployment. */
export class StoreSummaryStore implements SummaryStore {
  constructor(private readonly deployments: DeploymentStore) {}
  async get(id: string): Promise<DeploymentSummary | undefined> {
    return (await this.deployments.getBuildSummary(id)) as DeploymentSummary | undefined;
  }
  async put(id: string, summary: DeploymentSummary): Promise<void> {
    await this.deployments.putBuildSummary(id, summary);
  }
}
