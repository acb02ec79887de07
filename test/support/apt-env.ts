/**
 * A private apt set up in a directory, to compare with: the signed bookworm index served as a
 * `file:` source (apt checks it against the same InRelease and keyring our reader checks), an
 * empty dpkg status (nothing installed), amd64 only, Recommends off, no locking, no network.
 */
import { spawn, spawnSync } from 'node:child_process';
import { copyFile, mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

export interface AptArchive {
  readonly inRelease: string;
  readonly keyring: string;
  /** The xz-compressed Packages index the InRelease signs. */
  readonly indexXz: string;
}

/** Creates the environment under `dir` and runs `apt-get update`; returns the APT_CONFIG path. */
export function createAptEnvironment(dir: string, archive: AptArchive): Promise<string> {
  return createAptSources(dir, { keyring: archive.keyring, suites: [{ suite: 'bookworm', inRelease: archive.inRelease, indexXz: archive.indexXz }] });
}

export interface AptSources {
  readonly keyring: string;
  /** Each suite's signed InRelease and the xz-compressed main/binary-amd64 Packages it signs, as `file:` sources. */
  readonly suites: readonly { readonly suite: string; readonly inRelease: string; readonly indexXz: string }[];
  /** apt's Check-Valid-Until (default true); false for snapshots that have aged past their Valid-Until. */
  readonly checkValidUntil?: boolean;
}

/** The same environment with several signed suites as sources. */
export async function createAptSources(dir: string, sources: AptSources): Promise<string> {
  for (const { suite, inRelease, indexXz } of sources.suites) {
    const dists = join(dir, 'repo', 'dists', suite);
    await mkdir(join(dists, 'main', 'binary-amd64'), { recursive: true });
    await copyFile(inRelease, join(dists, 'InRelease'));
    // Uncompressed, so apt checks it against the signed SHA-256 of main/binary-amd64/Packages.
    const unpacked = spawnSync('sh', ['-c', 'xz -dc "$0" > "$1"', indexXz, join(dists, 'main', 'binary-amd64', 'Packages')]);
    if (unpacked.status !== 0) throw new Error(`xz failed: ${unpacked.stderr.toString()}`);
  }
  for (const sub of ['state/lists/partial', 'cache/archives/partial', 'etc/apt.conf.d', 'etc/preferences.d', 'etc/sources.list.d', 'log']) await mkdir(join(dir, sub), { recursive: true });
  await writeFile(join(dir, 'state', 'status'), '');
  await writeFile(join(dir, 'etc', 'sources.list'), sources.suites.map(({ suite }) => `deb [signed-by=${sources.keyring}] file:${join(dir, 'repo')} ${suite} main\n`).join(''));
  const config = join(dir, 'apt.conf');
  await writeFile(config, [
    `Dir "${dir}/";`, `Dir::State "${dir}/state";`, `Dir::State::status "${dir}/state/status";`, `Dir::Cache "${dir}/cache";`,
    `Dir::Etc "${dir}/etc";`, `Dir::Log "${dir}/log";`, 'APT::Architecture "amd64";', 'APT::Architectures { "amd64"; };',
    'APT::Install-Recommends "false";', 'Debug::NoLocking "true";', 'Acquire::Languages "none";',
    ...(sources.checkValidUntil === false ? ['Acquire::Check-Valid-Until "false";'] : []),
    'Acquire::CompressionTypes::Order { "uncompressed"; };',
    ...['xz', 'gz', 'lz4', 'bz2', 'lzma', 'zst'].map((t) => `Acquire::CompressionTypes::${t} "false";`),
  ].join('\n') + '\n');
  const update = spawnSync('apt-get', ['update'], { env: { ...process.env, APT_CONFIG: config }, encoding: 'utf8' });
  if (update.status !== 0 || /^(E|Err):/m.test(update.stdout + update.stderr)) throw new Error(`apt-get update failed: ${update.stdout}${update.stderr}`);
  return config;
}

export interface AptSimulation {
  readonly ok: boolean;
  /** `name=version` of every package apt would install, sorted. */
  readonly installs: string[];
  readonly output: string;
  readonly milliseconds: number;
}

/** `apt-get -s install roots...` in the environment. */
export function aptSimulateInstall(config: string, roots: readonly string[]): Promise<AptSimulation> {
  return new Promise((done) => {
    const started = performance.now();
    const child = spawn('apt-get', ['-s', 'install', ...roots], { env: { ...process.env, APT_CONFIG: config } });
    let output = '';
    child.stdout.on('data', (d: Buffer) => (output += d.toString()));
    child.stderr.on('data', (d: Buffer) => (output += d.toString()));
    child.on('close', (code) => done({
      ok: code === 0,
      installs: [...output.matchAll(/^Inst (\S+) \((\S+) /gm)].map((m) => `${m[1]}=${m[2]}`).sort(),
      output,
      milliseconds: performance.now() - started,
    }));
  });
}
