/**
 * The image's documents: the CycloneDX SBOM passes the library's strict 1.6 JSON validator and the
 * SPDX document the SPDX 2.3 JSON schema (testdata/schemas); both list exactly the plan's packages
 * (name and version); purls encode epochs and `+`; the provenance names the image, the plan, the
 * indexes, every .deb and the intel snapshots; everything is byte-identical when made again.
 * Attached to a real image (Debian 12 .debs) through `buildImage`'s `documents` option: index.json
 * lists three referrer manifests whose subject is the image, `skopeo inspect oci:<dir>:<ref>` (and
 * the oci-archive) still read the image, and a second build gives the same documents, referrer
 * digests and archive bytes.
 */
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { Version } from '@cyclonedx/cyclonedx-library/Spec';
import { JsonStrictValidator } from '@cyclonedx/cyclonedx-library/Validation';
import { Ajv } from 'ajv';
import { afterAll, describe, expect, it } from 'vitest';
import { debianPackages, dpkgField } from '../../../test/support/debs.js';
import { hasTool } from '../../../test/support/tools.js';
import { buildImage } from '../build.js';
import { REF_NAME_ANNOTATION } from '../oci/layout.js';
import { attachDocuments, documentPaths, EMPTY_MEDIA_TYPE } from './attach.js';
import { CYCLONEDX_MEDIA_TYPE, cycloneDxSbom, serialNumber } from './cyclonedx.js';
import { debPurl, type ImageDocumentsInput, type SbomPackage } from './input.js';
import { IN_TOTO_MEDIA_TYPE, provenanceStatement } from './provenance.js';
import { SPDX_MEDIA_TYPE, spdxDocument, spdxSbom } from './spdx.js';

const EPOCH = 1_700_000_000;
const hex = (s: string) => createHash('sha256').update(s).digest('hex');
const pkg = (name: string, version: string, layer = 'base', why: SbomPackage['why'] = { kind: 'essential' }): SbomPackage => ({
  name, version, architecture: 'amd64', filename: `pool/main/${name[0]}/${name}/${name}_${version.replace(/^\d+:/, '')}_amd64.deb`, sha256: hex(name), layer, why,
});
const INPUT: ImageDocumentsInput = {
  app: 'payments',
  imageDigest: `sha256:${hex('image')}`,
  planDigest: `sha256:${hex('plan')}`,
  sourceDateEpoch: EPOCH,
  packages: [
    pkg('zlib1g', '1:1.2.13.dfsg-1', 'base', { kind: 'dependency', of: 'libssl3', relation: 'Depends' }),
    pkg('libstdc++6', '12.2.0-14'),
    pkg('nftables', '1.0.6-2+deb12u2', 'security', { kind: 'control', control: 'nftables' }),
    pkg('dash', '0.5.12-2', 'base', { kind: 'app' }),
  ],
  sources: [{ label: 'bookworm/main', codename: 'bookworm', path: 'main/binary-amd64/Packages', sha256: hex('index') }],
  intel: { kev: 'kev:2026-11-20', epss: null },
  toolVersion: '0.1.0',
};
const nameVersions = (packages: readonly { name: string; version: string }[]) => packages.map((p) => `${p.name} ${p.version}`).sort();

const spdxSchema = JSON.parse(readFileSync(join(import.meta.dirname, '..', '..', '..', 'testdata', 'schemas', 'spdx-2.3.schema.json'), 'utf8')) as object;
// A third-party schema: Ajv's strict mode would refuse keywords it does not know.
const validateSpdx = new Ajv({ allErrors: true, strict: false }).compile(spdxSchema);

describe('CycloneDX 1.6 SBOM', () => {
  it('passes the strict 1.6 JSON validator and lists exactly the plan\'s packages', async () => {
    const text = cycloneDxSbom(INPUT);
    expect(await new JsonStrictValidator(Version.v1dot6).validate(text)).toBeNull();
    const bom = JSON.parse(text) as { specVersion: string; serialNumber: string; metadata: { timestamp: string; component: { type: string; name: string; version: string }; tools: { components: { name: string; version: string }[] } }; components: { name: string; version: string; purl: string; hashes: { alg: string; content: string }[]; properties: { name: string; value: string }[] }[] };
    expect(bom.specVersion).toBe('1.6');
    expect(nameVersions(bom.components)).toEqual(nameVersions(INPUT.packages));
    expect(bom.components.map((c) => c.name)).toEqual(['dash', 'libstdc++6', 'nftables', 'zlib1g']);
    expect(bom.metadata).toMatchObject({ timestamp: '2023-11-14T22:13:20.000Z', component: { type: 'container', name: 'payments', version: INPUT.imageDigest }, tools: { components: [{ name: 'tessera', version: '0.1.0' }] } });
    const zlib = bom.components.find((c) => c.name === 'zlib1g')!;
    expect(zlib.purl).toBe('pkg:deb/debian/zlib1g@1%3A1.2.13.dfsg-1?arch=amd64&distro=debian-12');
    expect(zlib.hashes).toEqual([{ alg: 'SHA-256', content: hex('zlib1g') }]);
    expect(zlib.properties).toEqual(expect.arrayContaining([{ name: 'tessera:layer', value: 'base' }, { name: 'tessera:why', value: 'dependency of libssl3 (Depends)' }]));
    expect(bom.components.find((c) => c.name === 'libstdc++6')!.purl).toBe('pkg:deb/debian/libstdc%2B%2B6@12.2.0-14?arch=amd64&distro=debian-12');
  });

  it('is byte-identical when made again, whatever the order of the packages, with a serial number from the digest', () => {
    expect(cycloneDxSbom({ ...INPUT, packages: [...INPUT.packages].reverse() })).toBe(cycloneDxSbom(INPUT));
    const serial = serialNumber(INPUT.imageDigest);
    expect(serial).toMatch(/^urn:uuid:[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(serial.replace(/-/g, '').slice('urn:uuid:'.length, 'urn:uuid:'.length + 12)).toBe(hex('image').slice(0, 12));
    expect(serialNumber(`sha256:${hex('other')}`)).not.toBe(serial);
  });
});

describe('SPDX 2.3 document', () => {
  it('passes the SPDX 2.3 JSON schema, describes the image, which contains exactly the plan\'s packages', () => {
    const doc = spdxDocument(INPUT) as { packages: { SPDXID: string; name: string; versionInfo: string; checksums: unknown[]; externalRefs: { referenceLocator: string }[] }[]; relationships: { spdxElementId: string; relationshipType: string; relatedSpdxElement: string }[]; creationInfo: unknown; documentNamespace: string };
    expect(validateSpdx(doc), JSON.stringify(validateSpdx.errors)).toBe(true);
    const [image, ...debs] = doc.packages;
    expect(image).toMatchObject({ SPDXID: 'SPDXRef-Image', name: 'payments', versionInfo: INPUT.imageDigest });
    expect(nameVersions(debs.map((d) => ({ name: d.name, version: d.versionInfo })))).toEqual(nameVersions(INPUT.packages));
    expect(debs.find((d) => d.name === 'libstdc++6')!.SPDXID).toBe('SPDXRef-Package-libstdc--6');
    expect(debs.find((d) => d.name === 'zlib1g')).toMatchObject({ checksums: [{ algorithm: 'SHA256', checksumValue: hex('zlib1g') }], externalRefs: [{ referenceLocator: debPurl(INPUT.packages[0]!, 'debian-12') }] });
    expect(doc.relationships[0]).toEqual({ spdxElementId: 'SPDXRef-DOCUMENT', relationshipType: 'DESCRIBES', relatedSpdxElement: 'SPDXRef-Image' });
    expect(doc.relationships.slice(1).map((r) => [r.spdxElementId, r.relationshipType, r.relatedSpdxElement])).toEqual(debs.map((d) => ['SPDXRef-Image', 'CONTAINS', d.SPDXID]));
    expect(doc.creationInfo).toEqual({ created: '2023-11-14T22:13:20Z', creators: ['Tool: tessera-0.1.0'] });
    expect(doc.documentNamespace).toBe(`https://tessera.dev/spdx/payments/sha256-${hex('image')}`);
  });

  it('is byte-identical when made again, and refuses what the schema refuses', () => {
    expect(spdxSbom({ ...INPUT, packages: [...INPUT.packages].reverse() })).toBe(spdxSbom(INPUT));
    const broken = { ...spdxDocument(INPUT), creationInfo: { created: '2023-11-14 22:13', creators: [] } };
    expect(validateSpdx(broken)).toBe(false);
  });
});

describe('in-toto provenance', () => {
  it('names the image as subject and the indexes, the plan, every .deb and the intel snapshots as inputs', () => {
    const st = provenanceStatement(INPUT) as { _type: string; subject: unknown; predicateType: string; predicate: { buildDefinition: { externalParameters: Record<string, unknown>; resolvedDependencies: { name: string; digest: { sha256: string } }[] }; runDetails: { metadata: unknown } } };
    expect(st._type).toBe('https://in-toto.io/Statement/v1');
    expect(st.predicateType).toBe('https://slsa.dev/provenance/v1');
    expect(st.subject).toEqual([{ name: 'payments', digest: { sha256: hex('image') } }]);
    expect(st.predicate.buildDefinition.externalParameters).toEqual({ plan: { digest: INPUT.planDigest }, sourceDateEpoch: EPOCH, intel: { kev: 'kev:2026-11-20', epss: null } });
    const deps = st.predicate.buildDefinition.resolvedDependencies;
    expect(deps.slice(0, 2).map((d) => [d.name, d.digest.sha256])).toEqual([['bookworm/main/main/binary-amd64/Packages', hex('index')], ['plan', hex('plan')]]);
    expect(deps.slice(2).map((d) => d.digest.sha256).sort()).toEqual(INPUT.packages.map((p) => p.sha256).sort());
    expect(st.predicate.runDetails.metadata).toEqual({ startedOn: '2023-11-14T22:13:20Z', finishedOn: '2023-11-14T22:13:20Z' });
  });
});

const BASE = ['base-files', 'gcc-12-base', 'libgcc-s1', 'libc6', 'dash'];
const debs = debianPackages(BASE);
const work = mkdtempSync(join(tmpdir(), 'tessera-sbom-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

interface Descriptor { mediaType: string; digest: string; size: number; artifactType?: string; annotations?: Record<string, string> }

describe.skipIf(debs === undefined || !hasTool('skopeo'))('documents attached to a real image', () => {
  const packages = (debs ?? []).map((deb): SbomPackage => ({
    name: dpkgField(deb, 'Package'), version: dpkgField(deb, 'Version'), architecture: dpkgField(deb, 'Architecture'),
    filename: `pool/main/${basename(deb)}`, sha256: createHash('sha256').update(readFileSync(deb)).digest('hex'), layer: 'base', why: { kind: 'essential' },
  }));
  async function build(name: string): Promise<{ dir: string; digest: string; attached: Awaited<ReturnType<typeof attachDocuments>> }> {
    const dir = join(work, name);
    const { imageDigest: _d, sourceDateEpoch: _e, ...documents } = { ...INPUT, packages };
    const built = await buildImage({ debs: { base: debs ?? [], security: [], app: [] }, config: { user: '65532' }, sourceDateEpoch: EPOCH, output: dir, archive: `${dir}.tar`, refName: 'latest', documents });
    if (!built.ok || built.documents === undefined) throw new Error(JSON.stringify(built.diagnostics));
    return { dir, digest: built.digest, attached: [...built.documents] };
  }

  it('lists three referrers of the image in index.json, writes the documents beside it, and skopeo still reads the image', async () => {
    const { dir, digest, attached } = await build('one');
    const index = JSON.parse(readFileSync(join(dir, 'index.json'), 'utf8')) as { manifests: Descriptor[] };
    expect(index.manifests).toHaveLength(4);
    const [image, ...referrers] = index.manifests;
    expect(image).toMatchObject({ digest, annotations: { [REF_NAME_ANNOTATION]: 'latest' } });
    expect(referrers.map((r) => r.artifactType)).toEqual([CYCLONEDX_MEDIA_TYPE, SPDX_MEDIA_TYPE, IN_TOTO_MEDIA_TYPE]);
    expect(referrers.every((r) => r.annotations === undefined)).toBe(true);
    const blob = (d: string) => readFileSync(join(dir, 'blobs', 'sha256', d.slice('sha256:'.length)));
    for (const [i, r] of referrers.entries()) {
      const bytes = blob(r.digest);
      expect(bytes.length).toBe(r.size);
      const m = JSON.parse(bytes.toString('utf8')) as { artifactType: string; config: Descriptor; layers: Descriptor[]; subject: Descriptor };
      expect(m.artifactType).toBe(r.artifactType);
      expect(m.config).toEqual({ mediaType: EMPTY_MEDIA_TYPE, digest: 'sha256:44136fa355b3678a1146ad16f7e8649e94fb4fc21fe77e8310c060f61caaff8a', size: 2 });
      expect(blob(m.config.digest).toString()).toBe('{}');
      expect(m.subject).toEqual({ mediaType: image!.mediaType, digest, size: image!.size });
      expect(m.layers).toEqual([{ mediaType: r.artifactType, digest: attached[i]!.digest, size: expect.any(Number) }]);
      expect(blob(m.layers[0]!.digest).equals(readFileSync(attached[i]!.path))).toBe(true);
    }
    expect(readdirSync(work).filter((f) => f.startsWith('one')).sort()).toEqual(['one', 'one.cdx.json', 'one.intoto.json', 'one.spdx.json', 'one.tar']);
    expect(Object.values(documentPaths(dir))).toEqual(attached.map((a) => a.path));
    const bom = JSON.parse(readFileSync(documentPaths(dir).cyclonedx, 'utf8')) as { components: { name: string; version: string }[] };
    expect(nameVersions(bom.components)).toEqual(nameVersions(packages));
    expect(await new JsonStrictValidator(Version.v1dot6).validate(readFileSync(documentPaths(dir).cyclonedx, 'utf8'))).toBeNull();
    expect(validateSpdx(JSON.parse(readFileSync(documentPaths(dir).spdx, 'utf8')))).toBe(true);
    const inspect = spawnSync('skopeo', ['inspect', `oci:${dir}:latest`], { encoding: 'utf8' });
    expect(inspect.status, inspect.stderr).toBe(0);
    expect((JSON.parse(inspect.stdout) as { Digest: string }).Digest).toBe(digest);
    // With the referrers beside it, the image is chosen by its ref name; the oci-archive carries them too.
    expect(spawnSync('skopeo', ['inspect', `oci:${dir}`], { encoding: 'utf8' }).stderr).toContain('more than one image');
    const archived = spawnSync('skopeo', ['inspect', `oci-archive:${dir}.tar:latest`], { encoding: 'utf8' });
    expect(archived.status, archived.stderr).toBe(0);
    expect((JSON.parse(archived.stdout) as { Digest: string }).Digest).toBe(digest);
    expect(spawnSync('tar', ['-xOf', `${dir}.tar`, 'index.json'], { encoding: 'utf8' }).stdout).toBe(readFileSync(join(dir, 'index.json'), 'utf8'));
    // Attaching twice is refused: the documents are written to new files.
    await expect(attachDocuments(dir, { ...INPUT, imageDigest: digest, packages })).rejects.toThrow(/already exists/);
  }, 120_000);

  it('gives identical documents and referrer digests when built again', async () => {
    const one = join(work, 'one');
    const { dir } = await build('two');
    for (const kind of ['cyclonedx', 'spdx', 'provenance'] as const) expect(readFileSync(documentPaths(dir)[kind]).equals(readFileSync(documentPaths(one)[kind]))).toBe(true);
    expect(readFileSync(join(dir, 'index.json')).equals(readFileSync(join(one, 'index.json')))).toBe(true);
    expect(readFileSync(`${dir}.tar`).equals(readFileSync(`${one}.tar`))).toBe(true);
  }, 120_000);
});
