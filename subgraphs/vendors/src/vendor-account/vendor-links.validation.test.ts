import { InputCheck } from '@marketplace/kit';
import { inputProblems } from '@marketplace/kit/testing';
import { SocialNetwork } from './vendor-links.type';
import {
  SOCIAL_LINKS_MAX,
  SocialLinkInput,
  WEB_ADDRESS_MAX_LENGTH,
  networkOf,
  socialLinks,
  webAddress,
} from './vendor-links.validation';

const problemsOf = (run: (check: InputCheck) => unknown) => inputProblems(new InputCheck(), run);
const messageFor = (raw: string) => problemsOf((check) => webAddress(check, 'input.website', raw))[0]?.message;
const hrefOf = (raw: string) => webAddress(new InputCheck(), 'input.website', raw)?.href;

describe('webAddress', () => {
  it.each([
    ['https://example.com', 'https://example.com/'],
    ['  https://Shop.Example.COM/About?x=1#team ', 'https://shop.example.com/About?x=1#team'],
    ['https://example.com:443/tools', 'https://example.com/tools'],
    ['https://bücher.example/ä', 'https://xn--bcher-kva.example/%C3%A4'],
    ['https://my-shop.co.uk/', 'https://my-shop.co.uk/'],
  ])('accepts %j as %j', (raw, href) => {
    expect(problemsOf((check) => webAddress(check, 'input.website', raw))).toEqual([]);
    expect(hrefOf(raw)).toBe(href);
  });

  it.each([
    ['a relative address', '/about', 'must be an absolute https: address, e.g. https://example.com'],
    ['a bare host', 'example.com', 'must be an absolute https: address, e.g. https://example.com'],
    ['http:', 'http://example.com', 'must be an https: address'],
    ['javascript:', 'javascript:alert(1)', 'must be an https: address'],
    ['JavaScript: in capitals', 'JaVaScRiPt:alert(1)', 'must be an https: address'],
    ['data:', 'data:text/html,<script>alert(1)</script>', 'must be an https: address'],
    ['data: in base64', 'data:text/html;base64,PHNjcmlwdD4=', 'must be an https: address'],
    ['ftp:', 'ftp://example.com/file', 'must be an https: address'],
    ['a user and password', 'https://ada:secret@example.com/', 'must not contain a user name or password'],
    ['a user name only', 'https://ada@example.com/', 'must not contain a user name or password'],
    ['a port', 'https://example.com:8443/', 'must not name a port'],
    ['an IPv4 address', 'https://203.0.113.7/', 'must name a host, not an IP address'],
    ['an IPv4 address in hex', 'https://0x7f.1/', 'must name a host, not an IP address'],
    ['an IPv6 address', 'https://[2001:db8::1]/', 'must name a host, not an IP address'],
    ['localhost', 'https://localhost/', 'must name a public host (e.g. example.com)'],
    ['a one-label host', 'https://intranet/', 'must name a public host (e.g. example.com)'],
    ['a trailing dot', 'https://example.com./', 'must name a public host (e.g. example.com)'],
    ['an underscore in the host', 'https://my_shop.example/', 'must name a public host (e.g. example.com)'],
    ['a space', 'https://example.com/a b', 'must not contain spaces or control characters'],
    ['a tab the parser would drop', 'https://exa\tmple.com/', 'must not contain spaces or control characters'],
    ['a line break', 'https://example.com/\nx', 'must not contain spaces or control characters'],
    ['nothing a URL can be', 'https://', 'must be an absolute https: address, e.g. https://example.com'],
  ])('refuses %s', (_, raw, message) => {
    expect(messageFor(raw)).toBe(message);
  });

  it(`refuses more than ${WEB_ADDRESS_MAX_LENGTH} characters, before and after encoding`, () => {
    const base = 'https://example.com/';
    expect(messageFor(base + 'a'.repeat(WEB_ADDRESS_MAX_LENGTH - base.length))).toBeUndefined();
    expect(messageFor(base + 'a'.repeat(WEB_ADDRESS_MAX_LENGTH - base.length + 1))).toBe(
      `must be at most ${WEB_ADDRESS_MAX_LENGTH} characters`,
    );
    // 300 characters typed, 1,500 once percent-encoded: what is stored is what is bounded.
    expect(messageFor(base + 'é'.repeat(250))).toBe(
      `must be at most ${WEB_ADDRESS_MAX_LENGTH} characters once encoded`,
    );
  });
});

describe('networkOf', () => {
  it.each([
    ['https://github.com/ada', SocialNetwork.GITHUB],
    ['https://www.linkedin.com/in/ada', SocialNetwork.LINKEDIN],
    ['https://uk.linkedin.com/in/ada', SocialNetwork.LINKEDIN],
    ['https://twitter.com/ada', SocialNetwork.X],
    ['https://youtu.be/abc', SocialNetwork.YOUTUBE],
    ['https://discord.gg/abc', SocialNetwork.DISCORD],
    ['https://notgithub.com/ada', SocialNetwork.OTHER],
    ['https://github.com.evil.example/ada', SocialNetwork.OTHER],
    ['https://mastodon.social/@ada', SocialNetwork.OTHER],
  ])('%s is %s', (raw, network) => {
    expect(networkOf(new URL(raw))).toBe(network);
  });
});

describe('socialLinks', () => {
  const run = (raw: SocialLinkInput[]) => {
    const check = new InputCheck();
    const links = socialLinks(check, 'input.socialLinks', raw);
    return { links, problems: inputProblems(check, () => undefined) };
  };

  it('keeps the order, normalises the addresses and recognises the network when omitted', () => {
    expect(
      run([
        { url: 'https://GitHub.com/ada' },
        { network: SocialNetwork.MASTODON, url: 'https://mastodon.social/@ada' },
        { network: null, url: 'https://ada.example/blog' },
        { network: SocialNetwork.OTHER, url: 'https://github.com/ada-labs' },
      ]),
    ).toEqual({
      links: [
        { network: 'GITHUB', url: 'https://github.com/ada' },
        { network: 'MASTODON', url: 'https://mastodon.social/@ada' },
        { network: 'OTHER', url: 'https://ada.example/blog' },
        { network: 'OTHER', url: 'https://github.com/ada-labs' },
      ],
      problems: [],
    });
  });

  it('names every bad link by its index', () => {
    const { problems } = run([
      { network: SocialNetwork.GITHUB, url: 'https://gitlab.com/ada' },
      { network: SocialNetwork.X, url: 'https://x.com/ada' },
      { network: SocialNetwork.LINKEDIN, url: 'javascript:alert(1)' },
      { network: SocialNetwork.MASTODON, url: 'https://mastodon.social/about' },
      { network: SocialNetwork.YOUTUBE, url: 'https://www.youtube.com/' },
      { url: 'https://X.com/ada' },
      { network: SocialNetwork.GITHUB, url: 'https://github.com.evil.example/ada' },
    ]);
    expect(problems).toEqual([
      { field: 'input.socialLinks.0.url', message: 'must be on github.com for GITHUB' },
      { field: 'input.socialLinks.2.url', message: 'must be an https: address' },
      {
        field: 'input.socialLinks.3.url',
        message: 'must be a Mastodon profile address, e.g. https://mastodon.social/@name',
      },
      { field: 'input.socialLinks.4.url', message: 'must be a page on www.youtube.com, not its home page' },
      { field: 'input.socialLinks.5.url', message: 'is the same address as input.socialLinks.1.url' },
      { field: 'input.socialLinks.6.url', message: 'must be on github.com for GITHUB' },
    ]);
  });

  it(`accepts ${SOCIAL_LINKS_MAX} links and refuses one more on the list itself`, () => {
    const links = (n: number) => Array.from({ length: n }, (_, i) => ({ url: `https://github.com/ada-${i}` }));
    expect(run(links(SOCIAL_LINKS_MAX)).problems).toEqual([]);
    expect(run(links(SOCIAL_LINKS_MAX + 1)).problems).toEqual([
      { field: 'input.socialLinks', message: `must list at most ${SOCIAL_LINKS_MAX} links` },
    ]);
  });
});
