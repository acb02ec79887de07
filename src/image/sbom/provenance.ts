/**
 * An in-toto Statement v1 with a SLSA Provenance v1 predicate for the image: the subject is the
 * image manifest; the resolved dependencies are the signed indexes the plan was resolved on, the
 * plan itself and every .deb (pool filename and SHA-256); the external parameters name the plan,
 * SOURCE_DATE_EPOCH and the intel snapshots (KEV, EPSS) the risk assessment used. Unsigned: a
 * signature (DSSE) is for whoever holds the key. Every time is SOURCE_DATE_EPOCH.
 */
import { digestHex, isoSeconds, sortedPackages, type ImageDocumentsInput } from './input.js';

export const IN_TOTO_MEDIA_TYPE = 'application/vnd.in-toto+json';
export const BUILD_TYPE = 'https://tessera.dev/image-build/v1';

const sha256Of = (value: string) => (/^[0-9a-f]{64}$/.test(value) ? value : digestHex(value));

export function provenanceStatement(input: ImageDocumentsInput): Record<string, unknown> {
  const time = isoSeconds(input.sourceDateEpoch);
  return {
    _type: 'https://in-toto.io/Statement/v1',
    subject: [{ name: input.app, digest: { sha256: digestHex(input.imageDigest) } }],
    predicateType: 'https://slsa.dev/provenance/v1',
    predicate: {
      buildDefinition: {
        buildType: BUILD_TYPE,
        externalParameters: {
          plan: { digest: input.planDigest },
          sourceDateEpoch: input.sourceDateEpoch,
          intel: { kev: input.intel?.kev ?? null, epss: input.intel?.epss ?? null },
        },
        resolvedDependencies: [
          ...input.sources.map((s) => ({ name: `${s.label}/${s.path}`, digest: { sha256: s.sha256 }, annotations: { kind: 'apt-index', codename: s.codename } })),
          { name: 'plan', digest: { sha256: sha256Of(input.planDigest) }, annotations: { kind: 'tessera-plan' } },
          ...sortedPackages(input.packages).map((p) => ({ name: p.filename, digest: { sha256: p.sha256 }, annotations: { kind: 'deb', package: p.name, version: p.version } })),
        ],
      },
      runDetails: {
        builder: { id: 'tessera', version: { tessera: input.toolVersion } },
        metadata: { startedOn: time, finishedOn: time },
      },
    },
  };
}

/** The statement as text (2-space indented JSON, newline-terminated). */
export function provenanceJson(input: ImageDocumentsInput): string {
  return JSON.stringify(provenanceStatement(input), null, 2) + '\n';
}
