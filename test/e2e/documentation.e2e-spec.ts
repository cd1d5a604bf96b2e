import * as fs from 'node:fs';
import * as path from 'node:path';

/**
 * The documentation holds together: every relative link of README.md and docs/ points to a file of the repository
 * (and, into a Markdown page, to one of its headings), none leaves the repository, the README stays a front door
 * and lists every page of docs/. Plain files, no app.
 */
const ROOT = path.resolve(__dirname, '../..');
const README = path.join(ROOT, 'README.md');
const DOCS = path.join(ROOT, 'docs');
const README_MAX_LINES = 220;

interface Page {
  file: string;
  text: string;
  /** The text with code blocks and code spans blanked out (same length, line breaks kept). */
  prose: string;
}

interface Link {
  page: Page;
  line: number;
  target: string;
}

function markdownFiles(folder: string): string[] {
  return fs.readdirSync(folder, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(folder, entry.name);
    if (entry.isDirectory()) return markdownFiles(full);
    return entry.name.endsWith('.md') ? [full] : [];
  });
}

const blank = (text: string): string => text.replace(/[^\n]/g, ' ');

/** Fenced code blocks (``` or ~~~, indented inside list items too) and code spans, blanked. */
function withoutCode(text: string): string {
  const lines = text.split('\n');
  let fence: string | undefined;
  const outside = lines.map((line) => {
    const opening = /^\s*(`{3,}|~{3,})/.exec(line);
    if (fence === undefined) {
      if (opening === null) return line;
      fence = opening[1];
      return blank(line);
    }
    if (
      opening !== null &&
      opening[1][0] === fence[0] &&
      opening[1].length >= fence.length &&
      /^\s*[`~]+\s*$/.test(line)
    ) {
      fence = undefined;
    }
    return blank(line);
  });
  return outside.join('\n').replace(/(`+)[\s\S]*?[^`]\1(?!`)/g, blank);
}

function readPage(file: string): Page {
  const text = fs.readFileSync(file, 'utf8');
  return { file, text, prose: withoutCode(text) };
}

const lineOf = (text: string, index: number): number => text.slice(0, index).split('\n').length;

/**
 * Inline links and images `[text](target "title")`, reference definitions `[ref]: target`, and autolinks
 * `<target>` (those that look like a path or a URL, not an HTML tag or a `<placeholder>`).
 */
function linksOf(page: Page): Link[] {
  const links: Link[] = [];
  const add = (index: number, raw: string): void => {
    const target = raw.startsWith('<') && raw.endsWith('>') ? raw.slice(1, -1) : raw;
    links.push({ page, line: lineOf(page.prose, index), target: target.trim() });
  };
  const inline =
    /!?\[(?:[^[\]]|\[[^\]]*\])*\]\(\s*(<[^>\n]*>|(?:[^\s()]|\([^\s()]*\))*)(?:\s+(?:"[^"]*"|'[^']*'|\([^)]*\)))?\s*\)/g;
  for (const match of page.prose.matchAll(inline)) add(match.index, match[1]);
  const definition = /^ {0,3}\[[^\]\n]+\]:\s*(<[^>\n]*>|\S+)/gm;
  for (const match of page.prose.matchAll(definition)) add(match.index, match[1]);
  const autolink = /<([^<>\s]+)>/g;
  for (const match of page.prose.matchAll(autolink)) {
    const inside = match[1];
    const htmlTag = /^\/?[A-Za-z][A-Za-z0-9-]*(\s.*)?\/?$/.test(inside);
    if (!htmlTag && /[/.#:]/.test(inside)) add(match.index, inside);
  }
  return links;
}

/** GitHub's heading ids: lower case, punctuation dropped, spaces as hyphens, `-1`, `-2`… for repeats. */
function anchorsOf(page: Page): Set<string> {
  const anchors = new Set<string>();
  const seen = new Map<string, number>();
  for (const match of page.prose.matchAll(/^ {0,3}#{1,6}[ \t]+(.*?)(?:[ \t]+#+)?[ \t]*$/gm)) {
    // The heading as read: code spans keep their text, links their label, emphasis markers go.
    const start = match.index;
    const source = page.text.slice(start, start + match[0].length).replace(/^ {0,3}#{1,6}[ \t]+/, '');
    const text = source
      .replace(/[ \t]+#+[ \t]*$/, '')
      .replace(/!?\[([^\]]*)\]\([^)]*\)/g, '$1')
      .replace(/<[^>]+>/g, '');
    const slug = text
      .toLowerCase()
      .replace(/[^\p{L}\p{M}\p{N}\p{Pc} -]/gu, '')
      .replace(/ /g, '-');
    const count = seen.get(slug) ?? 0;
    seen.set(slug, count + 1);
    anchors.add(count === 0 ? slug : `${slug}-${count}`);
  }
  for (const match of page.text.matchAll(/<a\s[^>]*?(?:id|name)="([^"]+)"/g)) anchors.add(match[1]);
  return anchors;
}

const relative = (file: string): string => path.relative(ROOT, file);
const insideRepository = (file: string): boolean => file === ROOT || file.startsWith(ROOT + path.sep);

describe('the documentation (README.md and docs/)', () => {
  const pages = [README, ...markdownFiles(DOCS)].map(readPage);
  const anchorCache = new Map<string, Set<string>>();
  const anchorsIn = (file: string): Set<string> => {
    let anchors = anchorCache.get(file);
    if (anchors === undefined) {
      anchors = anchorsOf(readPage(file));
      anchorCache.set(file, anchors);
    }
    return anchors;
  };

  /** Why a link points nowhere, or undefined when it is fine (or external). */
  function problemOf(link: Link): string | undefined {
    const { target } = link;
    if (target === '') return 'empty link';
    if (/^(https?|mailto):/i.test(target)) return undefined;
    if (/^[a-z][a-z0-9+.-]*:/i.test(target)) return 'not a path of this repository';
    const hash = target.indexOf('#');
    const pathPart = hash === -1 ? target : target.slice(0, hash);
    const anchor = hash === -1 ? undefined : target.slice(hash + 1);
    let decoded: string;
    try {
      decoded = decodeURIComponent(pathPart.split('?')[0]);
    } catch {
      return 'not a valid path';
    }
    const file =
      decoded === ''
        ? link.page.file
        : decoded.startsWith('/')
          ? path.join(ROOT, decoded)
          : path.resolve(path.dirname(link.page.file), decoded);
    if (!insideRepository(file)) return 'leaves the repository';
    if (!fs.existsSync(file)) return `no such file: ${relative(file)}`;
    if (anchor === undefined || anchor === '' || !file.endsWith('.md')) return undefined;
    let heading: string;
    try {
      heading = decodeURIComponent(anchor).toLowerCase();
    } catch {
      return `not a valid anchor: #${anchor}`;
    }
    return anchorsIn(file).has(heading) ? undefined : `no heading #${anchor} in ${relative(file)}`;
  }

  it('finds the pages and their links (the checks below are not vacuous)', () => {
    expect(pages.length).toBeGreaterThan(5);
    expect(pages.flatMap(linksOf).length).toBeGreaterThan(50);
    expect(anchorsOf(readPage(README))).toContain('configuration');
  });

  it('has no relative link that points to a missing file or heading, or out of the repository', () => {
    const broken = pages
      .flatMap(linksOf)
      .map((link) => ({ link, problem: problemOf(link) }))
      .filter(({ problem }) => problem !== undefined)
      .sort((a, b) => relative(a.link.page.file).localeCompare(relative(b.link.page.file)) || a.link.line - b.link.line)
      .map(({ link, problem }) => `${relative(link.page.file)}:${link.line}: (${link.target}) ${problem}`);
    expect(broken).toEqual([]);
  });

  it('names no path outside the repository, in links, text or code', () => {
    const outside: string[] = [];
    for (const page of pages) {
      for (const match of page.text.matchAll(/\.\.\/shared\b/g)) {
        outside.push(`${relative(page.file)}:${lineOf(page.text, match.index)}: ${match[0]}`);
      }
      for (const match of page.text.matchAll(/(?<![\w./-])(?:\.\.\/)+[\w.-]*/g)) {
        const resolved = path.resolve(path.dirname(page.file), match[0]);
        if (!insideRepository(resolved)) {
          outside.push(`${relative(page.file)}:${lineOf(page.text, match.index)}: ${match[0]} leaves the repository`);
        }
      }
    }
    expect(outside).toEqual([]);
  });

  it(`keeps README.md a front door of at most ${README_MAX_LINES} lines`, () => {
    const lines = fs.readFileSync(README, 'utf8').replace(/\n$/, '').split('\n').length;
    expect(lines).toBeLessThanOrEqual(README_MAX_LINES);
  });

  it("lists every page of docs/ in the README's map", () => {
    const linked = new Set(
      linksOf(readPage(README))
        .map((link) => link.target.split('#')[0])
        .filter((target) => target.startsWith('docs/'))
        .map((target) => path.resolve(ROOT, target)),
    );
    const missing = markdownFiles(DOCS)
      .filter((file) => !linked.has(file))
      .map(relative);
    expect(missing).toEqual([]);
  });
});
