/**
 * Line handling for subprocess output. ffmpeg can run for hours and print
 * without end (progress blocks, a warning per damaged frame), so nothing
 * here grows with the length of the output.
 */

/**
 * Splits a byte stream into lines, calling onLine for each. A carriage return
 * also ends a line (ffmpeg's stats line rewrites itself with \r). A "line"
 * longer than maxLineChars is cut, its rest dropped, so a binary blob on a
 * pipe cannot exhaust memory.
 */
export const createLineSplitter = (onLine: (line: string) => void, maxLineChars = 64 * 1024) => {
  const decoder = new TextDecoder();
  let pending = '';
  let overflowing = false;
  const take = (text: string) => {
    let start = 0;
    for (let i = 0; i < text.length; i++) {
      const c = text.charCodeAt(i);
      if (c !== 10 && c !== 13) continue;
      const piece = text.slice(start, i);
      start = i + 1;
      if (overflowing) {
        overflowing = false;
        pending = '';
        continue;
      }
      const line = pending + piece;
      pending = '';
      if (line.length > 0) onLine(line);
    }
    if (overflowing) return;
    pending += text.slice(start);
    if (pending.length > maxLineChars) {
      onLine(pending.slice(0, maxLineChars));
      pending = '';
      overflowing = true;
    }
  };
  return {
    push(chunk: Uint8Array) {
      take(decoder.decode(chunk, { stream: true }));
    },
    end() {
      take(decoder.decode());
      if (pending.length > 0 && !overflowing) onLine(pending);
      pending = '';
    },
  };
};

/** Keeps the last maxLines lines and at most about maxChars characters of them. */
export const createTail = (maxLines = 30, maxChars = 4096) => {
  const lines: string[] = [];
  let chars = 0;
  return {
    add(line: string) {
      const l = line.length > maxChars ? line.slice(0, maxChars) : line;
      lines.push(l);
      chars += l.length + 1;
      while (lines.length > maxLines || (chars > maxChars && lines.length > 1)) chars -= lines.shift()!.length + 1;
    },
    text: () => lines.join('\n'),
  };
};

/** Feeds every chunk of a stream to a splitter; resolves when the stream ends. */
export const pumpLines = async (stream: ReadableStream<Uint8Array>, onLine: (line: string) => void, maxLineChars?: number): Promise<void> => {
  const splitter = createLineSplitter(onLine, maxLineChars);
  for await (const chunk of stream) splitter.push(chunk);
  splitter.end();
};
