/** A Debian archive file is missing, unsigned, tampered with or does not match its release. */
export class ArchiveError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ArchiveError';
  }
}
