/**
 * Root package sets to resolve on the real bookworm index: typical server stacks, plus random
 * sets drawn from the whole index with a fixed seed (the same sets on every run).
 */
export const TYPICAL_STACKS: readonly (readonly string[])[] = [
  ['nginx', 'python3'],
  ['nginx', 'python3', 'python3-flask', 'gunicorn', 'postgresql-client', 'redis-tools', 'curl', 'ca-certificates', 'openssl', 'tzdata'],
  ['apache2', 'libapache2-mod-php', 'php-mysql'],
  ['postgresql'],
  ['mariadb-server'],
  ['redis-server'],
  ['openssh-server'],
  ['curl', 'ca-certificates', 'openssl'],
  ['python3-django', 'uwsgi', 'uwsgi-plugin-python3'],
  ['openjdk-17-jre-headless'],
  ['tomcat10'],
  ['haproxy', 'keepalived'],
  ['postfix', 'dovecot-imapd'],
  ['exim4'],
  ['bind9'],
  ['git', 'build-essential'],
  ['nodejs', 'npm'],
  ['nftables', 'fail2ban', 'auditd', 'aide'],
  ['clamav', 'clamav-daemon', 'rkhunter'],
  ['samba'],
  ['rsyslog', 'logrotate', 'cron'],
  ['squid'],
  ['ruby', 'ruby-rack', 'puma'],
  ['golang-go'],
  ['prometheus', 'prometheus-node-exporter'],
];

/** The ten-root web stack the benchmark resolves. */
export const WEB_STACK = TYPICAL_STACKS[1] as readonly string[];

/** `count` sets of 1–4 package names drawn from `names` by a fixed linear congruential sequence. */
export function randomRootSets(names: readonly string[], count: number, seed: number): string[][] {
  const sorted = [...new Set(names)].sort();
  let state = seed;
  const next = () => {
    state = (state * 1103515245 + 12345) % 2147483648;
    return state / 2147483648;
  };
  return Array.from({ length: count }, () => Array.from({ length: 1 + Math.floor(next() * 4) }, () => sorted[Math.floor(next() * sorted.length)] as string));
}
