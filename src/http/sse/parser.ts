/** Reading SSE back: what tests (and any client without EventSource) use to see frames as a browser would. */

/** One parsed frame. Unlike EventSource, `id` is only what this frame said, so a frame without an id line is visible as such. */
export interface ParsedFrame {
  id?: string;
  event: string;
  data: string;
  retry?: number;
  comments: string[];
}

/**
 * An incremental SSE parser: push text chunks, get the complete frames.
 * Follows the spec's line rules (CRLF/CR/LF, one optional space after the
 * colon, data lines joined with `\n`) and also reports comments.
 */
export const createSseParser = () => {
  let buf = '';
  let cur: ParsedFrame = { event: 'message', data: '', comments: [] };
  let data: string[] = [];
  let touched = false;
  const flush = (out: ParsedFrame[]) => {
    if (touched) out.push({ ...cur, data: data.join('\n') });
    cur = { event: 'message', data: '', comments: [] };
    data = [];
    touched = false;
  };
  return {
    push(chunk: string): ParsedFrame[] {
      buf += chunk;
      const out: ParsedFrame[] = [];
      for (;;) {
        const m = /\r\n|\r|\n/.exec(buf);
        // A CR at the very end may be the first half of a CRLF.
        if (!m || (m[0] === '\r' && m.index === buf.length - 1)) break;
        const line = buf.slice(0, m.index);
        buf = buf.slice(m.index + m[0].length);
        if (line === '') {
          flush(out);
          continue;
        }
        touched = true;
        const colon = line.indexOf(':');
        const field = colon < 0 ? line : line.slice(0, colon);
        let value = colon < 0 ? '' : line.slice(colon + 1);
        if (value.startsWith(' ')) value = value.slice(1);
        if (field === '') cur.comments.push(value);
        else if (field === 'data') data.push(value);
        else if (field === 'event') cur.event = value;
        else if (field === 'id') cur.id = value;
        else if (field === 'retry' && /^\d+$/.test(value)) cur.retry = Number(value);
      }
      return out;
    },
  };
};
