/** Source locations: where in the JSON text an element is written. */

export interface SourceLocation {
  /** Name of the source (a file path), when known. */
  readonly source?: string;
  /** 0-based character offset. */
  readonly offset: number;
  readonly length: number;
  /** 1-based line and column. */
  readonly line: number;
  readonly column: number;
}

/** Maps character offsets of one text to 1-based line/column positions. */
export class LineIndex {
  private readonly lineStarts: number[] = [0];

  constructor(text: string) {
    for (let i = 0; i < text.length; i++) {
      if (text.charCodeAt(i) === 10) this.lineStarts.push(i + 1);
    }
  }

  position(offset: number): { line: number; column: number } {
    let lo = 0;
    let hi = this.lineStarts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if ((this.lineStarts[mid] ?? 0) <= offset) lo = mid;
      else hi = mid - 1;
    }
    return { line: lo + 1, column: offset - (this.lineStarts[lo] ?? 0) + 1 };
  }

  location(offset: number, length: number, source?: string): SourceLocation {
    const { line, column } = this.position(offset);
    return source === undefined ? { offset, length, line, column } : { source, offset, length, line, column };
  }
}
