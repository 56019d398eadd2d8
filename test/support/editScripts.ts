// Edit scripts for the tests that compare incremental work with work from scratch: a seeded
// generator and the edits of an editing session.

/** A small deterministic generator (mulberry32), so that a failing script can be replayed. */
export function random(seed: number): (n: number) => number {
  let a = seed >>> 0;
  return (n) => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return Math.floor((((t ^ (t >>> 14)) >>> 0) / 4294967296) * n);
  };
}

function lineStarts(text: string): number[] {
  const starts = [0];
  for (let i = text.indexOf('\n'); i >= 0; i = text.indexOf('\n', i + 1)) starts.push(i + 1);
  return starts;
}

/** One edit of an editing session: characters that change the structure, whole lines, includes, pastes, undo. */
export function edit(text: string, history: string[], pick: (n: number) => number): string {
  const at = pick(text.length + 1);
  const starts = lineStarts(text);
  const line = starts[pick(starts.length)];
  const nextLine = (from: number): number => {
    const nl = text.indexOf('\n', from);
    return nl < 0 ? text.length : nl + 1;
  };
  switch (pick(12)) {
    case 0: return text.slice(0, at) + ';' + text.slice(at);
    case 1: return text.slice(0, at) + '{' + text.slice(at);
    case 2: return text.slice(0, at) + '}' + text.slice(at);
    case 3: return text.slice(0, at) + (pick(2) ? '"' : "'") + text.slice(at);
    case 4: return text.slice(0, at) + text.slice(Math.min(text.length, at + 1 + pick(3)));
    case 5: return text.slice(0, line) + ['    ssl_stapling on;\n', '    resolver 127.0.0.53;\n', '    listen 443 ssl;\n', '    bench_unknown_directive on;\n', '    ssl_session_tickets off;\n'][pick(5)] + text.slice(line);
    case 6: return text.slice(0, line) + text.slice(nextLine(line));
    case 7: return text.slice(0, line) + ['include mime.types;\n', 'include /nonexistent-dir/*.conf;\n', 'include conf.d/*.conf;\n'][pick(3)] + text.slice(line);
    case 8: {
      // A paste of up to 1,000 lines of the file itself, as a copy of a block elsewhere.
      const from = starts[pick(starts.length)];
      const to = starts[Math.min(starts.length - 1, starts.indexOf(from) + 1 + pick(1000))] ?? text.length;
      return text.slice(0, line) + text.slice(from, to) + text.slice(line);
    }
    case 9: return text.slice(0, line) + '    server {\n        listen 443 ssl;\n        server_name pasted.example;\n    }\n' + text.slice(line);
    case 10: return history.length > 1 ? history[history.length - 2 - pick(Math.min(3, history.length - 1))] : text;
    default: return text.slice(0, at) + ' ' + text.slice(at);
  }
}
