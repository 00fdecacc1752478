/**
 * Keeps the documentation navigable: every relative link (and image) in README.md,
 * docs/**\/*.md and the subgraphs' own Markdown files points at a file or folder of this
 * repository that exists, and at a heading of it when it names one (GitHub's anchors).
 * A link that leaves the repository fails too: readers of a clone or of GitHub cannot
 * follow it.
 */
import { existsSync, mkdirSync, readFileSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { dirname, isAbsolute, join, relative, resolve, sep } from 'node:path';
import { temporaryDirectories } from '@marketplace/kit/testing';

/** The folder whose package.json declares the npm workspaces, wherever this file is compiled to. */
function repositoryRoot(start: string): string {
  for (let folder = start; ; folder = dirname(folder)) {
    const manifest = join(folder, 'package.json');
    if (existsSync(manifest) && 'workspaces' in (JSON.parse(readFileSync(manifest, 'utf8')) as object)) return folder;
    if (dirname(folder) === folder) throw new Error(`no package.json with "workspaces" above ${start}`);
  }
}

const root = repositoryRoot(__dirname);

function markdownFilesUnder(folder: string): string[] {
  if (!existsSync(folder)) return [];
  return readdirSync(folder, { withFileTypes: true }).flatMap((entry) => {
    const path = join(folder, entry.name);
    if (entry.isDirectory()) return markdownFilesUnder(path);
    return entry.name.endsWith('.md') ? [path] : [];
  });
}

/** README.md, docs/**\/*.md and subgraphs/<name>/*.md, as paths relative to the root. */
function documentationFiles(): string[] {
  const subgraphs = join(root, 'subgraphs');
  const subgraphDocs = readdirSync(subgraphs, { withFileTypes: true })
    .filter((entry) => entry.isDirectory())
    .flatMap((entry) =>
      readdirSync(join(subgraphs, entry.name))
        .filter((name) => name.endsWith('.md'))
        .map((name) => join(subgraphs, entry.name, name)),
    );
  return [join(root, 'README.md'), ...markdownFilesUnder(join(root, 'docs')), ...subgraphDocs]
    .filter((path) => existsSync(path))
    .map((path) => relative(root, path))
    .sort();
}

/** Fenced code blocks and inline code spans hold examples, not links: blank them out, keeping line numbers. */
function withoutCode(markdown: string): string {
  const lines = markdown.split('\n');
  let fence: string | undefined;
  return lines
    .map((line) => {
      const opening = /^\s{0,3}(`{3,}|~{3,})/.exec(line);
      if (fence !== undefined) {
        if (opening && opening[1][0] === fence[0] && opening[1].length >= fence.length) fence = undefined;
        return '';
      }
      if (opening) {
        fence = opening[1];
        return '';
      }
      return line.replace(/(`+)[^`]*?\1/g, '');
    })
    .join('\n');
}

interface MarkdownLink {
  line: number;
  target: string;
}

/** Inline links and images `[text](target "title")`, `<target>` forms and reference definitions `[id]: target`. */
function linksOf(markdown: string): MarkdownLink[] {
  const links: MarkdownLink[] = [];
  withoutCode(markdown)
    .split('\n')
    .forEach((text, index) => {
      const line = index + 1;
      for (const match of text.matchAll(/\]\(\s*(<[^>]*>|[^\s)]+)(?:\s+["'(][^)]*)?\)/g)) {
        links.push({ line, target: match[1].replace(/^<|>$/g, '') });
      }
      const definition = /^\s{0,3}\[[^\]]+\]:\s*(<[^>]*>|\S+)/.exec(text);
      if (definition) links.push({ line, target: definition[1].replace(/^<|>$/g, '') });
    });
  return links;
}

/** GitHub's anchor for a heading: rendered text, lower case, punctuation dropped, spaces as hyphens. */
function headingSlug(heading: string): string {
  const rendered = heading
    .replace(/!?\[([^\]]*)\]\([^)]*\)/g, '$1')
    .replace(/`/g, '')
    .replace(/<[^>]+>/g, '')
    .replace(/(\*\*|__|\*)/g, '');
  return rendered
    .trim()
    .toLowerCase()
    .replace(/[^\p{L}\p{M}\p{N}\p{Pc} -]/gu, '')
    .replace(/ /g, '-');
}

/** Every anchor a Markdown file offers: its headings (repeats numbered as GitHub does) and explicit `<a id>`/`<a name>`. */
function anchorsOf(markdown: string): Set<string> {
  const anchors = new Set<string>();
  const seen = new Map<string, number>();
  for (const line of withoutCode(markdown).split('\n')) {
    const heading = /^\s{0,3}#{1,6}\s+(.*?)\s*#*\s*$/.exec(line);
    if (heading) {
      const slug = headingSlug(heading[1]);
      const count = seen.get(slug) ?? 0;
      seen.set(slug, count + 1);
      anchors.add(count === 0 ? slug : `${slug}-${count}`);
    }
    for (const named of line.matchAll(/<a\s+(?:id|name)=["']([^"']+)["']/g)) anchors.add(named[1]);
  }
  return anchors;
}

/** A scheme (`https:`, `mailto:`) or a protocol-relative `//host`: not a file of this repository. */
const EXTERNAL = /^([a-z][a-z0-9+.-]*:|\/\/)/i;

/** What is wrong with each relative link of one documentation file; empty when nothing is. */
function brokenLinks(file: string, repository: string = root): string[] {
  const source = join(repository, file);
  const markdown = readFileSync(source, 'utf8');
  const problems: string[] = [];
  for (const { line, target } of linksOf(markdown)) {
    if (EXTERNAL.test(target)) continue;
    const where = `${file}:${line} → ${target}`;
    const [rawPath, anchor] = splitAnchor(target);
    let path: string;
    try {
      path = decodeURIComponent(rawPath);
    } catch {
      problems.push(`${where}: malformed URL encoding`);
      continue;
    }
    // GitHub reads a leading slash as the repository's root.
    const resolved =
      path === '' ? source : path.startsWith('/') ? join(repository, path) : resolve(dirname(source), path);
    const inside = relative(repository, resolved);
    if (inside === '..' || inside.startsWith(`..${sep}`) || isAbsolute(inside)) {
      problems.push(`${where}: leaves the repository`);
      continue;
    }
    if (!existsSync(resolved)) {
      problems.push(`${where}: no such file or folder`);
      continue;
    }
    if (anchor && resolved.endsWith('.md') && statSync(resolved).isFile()) {
      if (!anchorsOf(readFileSync(resolved, 'utf8')).has(anchor.toLowerCase())) {
        problems.push(`${where}: no heading with the anchor #${anchor}`);
      }
    }
  }
  return problems;
}

function splitAnchor(target: string): [string, string | undefined] {
  const hash = target.indexOf('#');
  const withoutQuery = (part: string) => part.replace(/\?.*$/, '');
  return hash === -1
    ? [withoutQuery(target), undefined]
    : [withoutQuery(target.slice(0, hash)), target.slice(hash + 1) || undefined];
}

describe('documentation links', () => {
  const files = documentationFiles();

  it('finds the README, the docs folder and the subgraphs’ READMEs', () => {
    expect(files).toContain('README.md');
    expect(files.filter((file) => file.startsWith(`docs${sep}`)).length).toBeGreaterThan(0);
    expect(files.filter((file) => /^subgraphs[\\/][^\\/]+[\\/]README\.md$/.test(file)).length).toBeGreaterThan(0);
  });

  it.each(files)('%s: every relative link resolves inside the repository', (file) => {
    expect(brokenLinks(file)).toEqual([]);
  });
});

describe('link checker', () => {
  const throwawayRepositories = temporaryDirectories('docs-links-');

  it('reads inline links, images, titled and angle-bracket links and reference definitions', () => {
    const markdown = [
      'See [the docs](docs/a.md#setup) and ![diagram](img/x.png "Diagram").',
      'Also [spaced](<docs/with space.md>) and [site](https://example.com).',
      '[ref]: ../outside.md',
    ].join('\n');
    expect(linksOf(markdown)).toEqual([
      { line: 1, target: 'docs/a.md#setup' },
      { line: 1, target: 'img/x.png' },
      { line: 2, target: 'docs/with space.md' },
      { line: 2, target: 'https://example.com' },
      { line: 3, target: '../outside.md' },
    ]);
  });

  it('ignores links inside fenced code blocks and inline code', () => {
    const markdown = ['```md', '[not a link](missing.md)', '```', 'Run `[x](y.md)` then [real](z.md).'].join('\n');
    expect(linksOf(markdown)).toEqual([{ line: 4, target: 'z.md' }]);
  });

  it('slugs headings as GitHub does, numbering repeats', () => {
    expect(headingSlug('Verifying a license key in your product (offline, no dependency)')).toBe(
      'verifying-a-license-key-in-your-product-offline-no-dependency',
    );
    expect(headingSlug('The `users` subgraph: **accounts** & [roles](x.md)')).toBe(
      'the-users-subgraph-accounts--roles',
    );
    expect([...anchorsOf('# Events\n## Events\n<a id="custom"></a>')]).toEqual(['events', 'events-1', 'custom']);
  });

  it('names a missing file, a missing anchor and a link out of the repository', () => {
    // A throwaway repository: the real one must not carry broken links.
    const repository = throwawayRepositories();
    mkdirSync(join(repository, 'docs'));
    writeFileSync(join(repository, 'README.md'), '# Title\n## Next steps\n');
    writeFileSync(
      join(repository, 'docs', 'page.md'),
      [
        '[ok](../README.md#next-steps) [self](#a) [folder](.) [gone](missing.md)',
        '[bad anchor](../README.md#nowhere) [out](../../shared/ARCHITECTURE.md)',
        '# A',
      ].join('\n'),
    );
    const page = join('docs', 'page.md');
    expect(brokenLinks(page, repository)).toEqual([
      `${page}:1 → missing.md: no such file or folder`,
      `${page}:2 → ../README.md#nowhere: no heading with the anchor #nowhere`,
      `${page}:2 → ../../shared/ARCHITECTURE.md: leaves the repository`,
    ]);
  });
});
