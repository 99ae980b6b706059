import { LithopsError } from '../errors.js';

/** What a config name selects: `lithops.backend`, `lithops.storage` or `lithops.monitoring`. */
export type BackendKind = 'compute' | 'storage' | 'monitor';

interface KnownBackend {
  name: string;
  kind: BackendKind;
  /** What it runs on, for messages. */
  what: string;
  /** The package that holds it; none for a planned backend (no package exists yet). */
  pkg?: string;
  /** How a compute backend runs calls (`lithops.mode`, the executor classes). */
  mode?: ComputeMode;
}

type ComputeMode = 'localhost' | 'serverless' | 'standalone';

const CORE = '@lithops/core';

/** The config names this project defines: the backends it ships, and those it plans. */
const KNOWN: readonly KnownBackend[] = [
  {
    name: 'localhost',
    kind: 'compute',
    what: 'a process pool on this machine',
    pkg: CORE,
    mode: 'localhost',
  },
  { name: 'aws_lambda', kind: 'compute', what: 'AWS Lambda', pkg: '@lithops/aws-lambda', mode: 'serverless' },
  { name: 'gcp_functions', kind: 'compute', what: 'Google Cloud Functions', mode: 'serverless' },
  { name: 'azure_functions', kind: 'compute', what: 'Azure Functions', mode: 'serverless' },
  { name: 'code_engine', kind: 'compute', what: 'IBM Code Engine', mode: 'serverless' },
  { name: 'k8s', kind: 'compute', what: 'Kubernetes', mode: 'serverless' },
  { name: 'vm', kind: 'compute', what: 'standalone VMs over SSH', mode: 'standalone' },
  { name: 'aws_ec2', kind: 'compute', what: 'standalone AWS EC2 instances', mode: 'standalone' },
  { name: 'localhost', kind: 'storage', what: 'a local folder', pkg: CORE },
  { name: 'aws_s3', kind: 'storage', what: 'Amazon S3 and S3-compatible services', pkg: '@lithops/aws-s3' },
  { name: 'ibm_cos', kind: 'storage', what: 'IBM Cloud Object Storage', pkg: '@lithops/ibm-cos' },
  { name: 'gcp_storage', kind: 'storage', what: 'Google Cloud Storage', pkg: '@lithops/gcp-storage' },
  { name: 'azure_storage', kind: 'storage', what: 'Azure Blob Storage', pkg: '@lithops/azure-storage' },
  { name: 'redis', kind: 'storage', what: 'Redis', pkg: '@lithops/redis' },
  { name: 'storage', kind: 'monitor', what: 'polling the job storage', pkg: CORE },
  { name: 'rabbitmq', kind: 'monitor', what: 'RabbitMQ', pkg: '@lithops/rabbitmq' },
];

const KIND_LABEL: Record<BackendKind, string> = {
  compute: 'compute',
  storage: 'storage',
  monitor: 'monitoring',
};

/**
 * Where a user of the unpublished packages finds the install steps. Kept true to the README:
 * change both together.
 */
const TARBALL_WAY = 'the "Install from tarballs" section of the Lithops for TypeScript README';

/** The package a published backend's config name loads (`aws_s3` → `@lithops/aws-s3`). */
export function backendPackage(name: string): string | undefined {
  const pkg = KNOWN.find((b) => b.name === name && b.pkg)?.pkg;
  return pkg === CORE ? undefined : pkg;
}

function namesOf(kind: BackendKind, available: boolean): string[] {
  return KNOWN.filter((b) => b.kind === kind && Boolean(b.pkg) === available).map((b) => b.name);
}

/** `Compute backends: localhost, aws_lambda (planned, not available yet: ...).` */
function choices(kind: BackendKind): string {
  const planned = namesOf(kind, false);
  const label = KIND_LABEL[kind];
  return `${label[0]!.toUpperCase()}${label.slice(1)} backends: ${namesOf(kind, true).join(', ')}${
    planned.length ? ` (planned, not available yet: ${planned.join(', ')})` : ''
  }; or a module path or installed package that exports a ${label} backend definition.`;
}

/** Edit distance (insertions, deletions, substitutions, swaps of neighbours). */
function distance(a: string, b: string): number {
  const d = Array.from({ length: a.length + 1 }, (_, i) => [i, ...new Array<number>(b.length).fill(0)]);
  for (let j = 1; j <= b.length; j++) d[0]![j] = j;
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let v = Math.min(d[i - 1]![j]! + 1, d[i]![j - 1]! + 1, d[i - 1]![j - 1]! + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1])
        v = Math.min(v, d[i - 2]![j - 2]! + 1);
      d[i]![j] = v;
    }
  }
  return d[a.length]![b.length]!;
}

/** The available name of this kind closest to `name`, when it is close enough to be a typo. */
function closest(kind: BackendKind, name: string): string | undefined {
  const typed = name.toLowerCase().replaceAll('-', '_');
  let best: { name: string; d: number } | undefined;
  for (const candidate of namesOf(kind, true)) {
    const d = distance(typed, candidate);
    if (d <= Math.max(1, Math.floor(candidate.length / 3)) && (!best || d < best.d))
      best = { name: candidate, d };
  }
  return best?.name;
}

/**
 * Refuses a config name this project reserves but that cannot load as `kind`: a planned backend
 * (no package yet), or a backend of another kind (`aws_s3` as the compute backend).
 */
export function reservedNameError(kind: BackendKind, name: string): LithopsError | undefined {
  const known = KNOWN.filter((b) => b.name === name);
  if (known.length === 0 || known.some((b) => b.kind === kind && b.pkg)) return undefined;
  const label = KIND_LABEL[kind];
  const same = known.find((b) => b.kind === kind);
  if (same) {
    return new LithopsError(
      'BACKEND_NOT_FOUND',
      `The ${label} backend "${name}" (${same.what}) is not available yet: it is planned, and no package provides it today.`,
      { backend: 'loader', hint: choices(kind) },
    );
  }
  const other = known[0]!;
  return new LithopsError(
    'BACKEND_NOT_FOUND',
    `"${name}" is a ${KIND_LABEL[other.kind]} backend (${other.what}), not a ${label} backend.`,
    { backend: 'loader', hint: choices(kind) },
  );
}

/** The error for a config name or module specifier that resolves to nothing installed. */
export function backendNotFound(kind: BackendKind, name: string): LithopsError {
  const label = KIND_LABEL[kind];
  const pkg = backendPackage(name);
  if (pkg) {
    return new LithopsError(
      'BACKEND_NOT_FOUND',
      `The ${label} backend "${name}" needs the package ${pkg}, which is not installed.`,
      { backend: 'loader', hint: installHint(pkg) },
    );
  }
  const guess = closest(kind, name);
  return new LithopsError(
    'BACKEND_NOT_FOUND',
    `Unknown ${label} backend "${name}": no backend has that name, and no module of that name is installed.`,
    { backend: 'loader', hint: `${guess ? `Did you mean "${guess}"? ` : ''}${choices(kind)}` },
  );
}

/** What to do when the compute backend runs in another mode than `lithops.mode` asks for. */
export function modeHint(mode: ComputeMode): string {
  const of = (available: boolean) =>
    KNOWN.filter((b) => b.kind === 'compute' && b.mode === mode && Boolean(b.pkg) === available).map(
      (b) => b.name,
    );
  const available = of(true);
  const planned = of(false);
  return `${
    available.length
      ? `Use a ${mode} backend (${available.join(', ')})`
      : `No ${mode} backend is available yet`
  }${planned.length ? `; planned, not available yet: ${planned.join(', ')}` : ''}. Or drop the mode setting.`;
}

/** How to add one of our packages to a project, true while the packages are unpublished. */
export function installHint(pkg: string): string {
  return `Add it to your project: npm install ${pkg} once the @lithops packages are published on npm; until then, install its tarball as ${TARBALL_WAY} shows.`;
}
