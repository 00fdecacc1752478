import { isIP } from 'node:net';
import type { InputCheck } from '@marketplace/kit';
import { SocialNetwork, VendorSocialLink } from './vendor-links.type';

/** Longest web address kept (after normalisation), in characters. */
export const WEB_ADDRESS_MAX_LENGTH = 500;
/** Most social links one vendor profile lists. */
export const SOCIAL_LINKS_MAX = 10;

/**
 * The domains a link of each network must be on (the domain itself or a subdomain, so
 * `www.` and country subdomains pass). Mastodon is federated: any host, but a profile path.
 */
export const NETWORK_DOMAINS: Readonly<Record<SocialNetwork, readonly string[]>> = {
  GITHUB: ['github.com'],
  GITLAB: ['gitlab.com'],
  X: ['x.com', 'twitter.com'],
  LINKEDIN: ['linkedin.com'],
  YOUTUBE: ['youtube.com', 'youtu.be'],
  DISCORD: ['discord.com', 'discord.gg'],
  MASTODON: [],
  BLUESKY: ['bsky.app'],
  INSTAGRAM: ['instagram.com'],
  FACEBOOK: ['facebook.com'],
  TWITCH: ['twitch.tv'],
  OTHER: [],
};

/** A Mastodon profile: `/@name`, optionally `@name@instance` (what the web app links to). */
const MASTODON_PROFILE_PATH = /^\/@[A-Za-z0-9_]+(@[A-Za-z0-9.-]+)?\/?$/;
/** One DNS label (letters, digits, inner hyphens; punycode `xn--` labels included). */
const HOST_LABEL = /^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$/;
/** What the URL parser would silently drop or re-encode rather than refuse. */
const SPACE_OR_CONTROL = /[\s\u0000-\u001f\u007f-\u009f]/; // eslint-disable-line no-control-regex

export interface SocialLinkInput {
  network?: SocialNetwork | null;
  url: string;
}

const onDomain = (hostname: string, domain: string) => hostname === domain || hostname.endsWith(`.${domain}`);

/** The listed network whose domain the host is on; OTHER when none. */
export function networkOf(url: URL): SocialNetwork {
  const found = (Object.keys(NETWORK_DOMAINS) as SocialNetwork[]).find((network) =>
    NETWORK_DOMAINS[network].some((domain) => onDomain(url.hostname, domain)),
  );
  return found ?? SocialNetwork.OTHER;
}

/** Why a host is not a public DNS name (an IP literal, `localhost`, one label, a trailing dot…), or undefined. */
function hostProblem(hostname: string): string | undefined {
  if (hostname.startsWith('[') || isIP(hostname)) return 'must name a host, not an IP address';
  const labels = hostname.split('.');
  if (hostname.length > 253 || labels.length < 2 || !labels.every((label) => HOST_LABEL.test(label)))
    return 'must name a public host (e.g. example.com)';
  if (/^[0-9]+$/.test(labels.at(-1)!)) return 'must name a host, not an IP address';
  return undefined;
}

/**
 * An absolute `https:` address, parsed by the WHATWG URL parser (Node's `URL`) and returned
 * in its normalised form (`href`: lower-case host, punycode, default port dropped, `/` path
 * when empty). Refused: other schemes (`http:`, `javascript:`, `data:`…), a user name or
 * password, an explicit port, an IP address or a host that is not a public DNS name,
 * spaces or control characters, more than {@link WEB_ADDRESS_MAX_LENGTH} characters.
 * Undefined when `check` got a problem.
 */
export function webAddress(check: InputCheck, field: string, raw: string): URL | undefined {
  const text = raw.trim();
  const problem = (message: string) => {
    check.add(field, message);
    return undefined;
  };
  if (text.length > WEB_ADDRESS_MAX_LENGTH) return problem(`must be at most ${WEB_ADDRESS_MAX_LENGTH} characters`);
  if (SPACE_OR_CONTROL.test(text)) return problem('must not contain spaces or control characters');
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    return problem('must be an absolute https: address, e.g. https://example.com');
  }
  if (url.protocol !== 'https:') return problem('must be an https: address');
  if (url.username || url.password) return problem('must not contain a user name or password');
  if (url.port) return problem('must not name a port');
  const hostIssue = hostProblem(url.hostname);
  if (hostIssue) return problem(hostIssue);
  if (url.href.length > WEB_ADDRESS_MAX_LENGTH)
    return problem(`must be at most ${WEB_ADDRESS_MAX_LENGTH} characters once encoded`);
  return url;
}

/**
 * A vendor's social links, checked at `<field>.<index>.url`: at most {@link SOCIAL_LINKS_MAX},
 * each a {@link webAddress} on its network's domain (the network recognised from the host
 * when omitted), not a network's bare home page, and no address twice.
 */
export function socialLinks(check: InputCheck, field: string, raw: readonly SocialLinkInput[]): VendorSocialLink[] {
  if (raw.length > SOCIAL_LINKS_MAX) {
    check.add(field, `must list at most ${SOCIAL_LINKS_MAX} links`);
    return [];
  }
  const links: VendorSocialLink[] = [];
  const seenAt = new Map<string, number>();
  raw.forEach((input, index) => {
    const at = `${field}.${index}.url`;
    const url = webAddress(check, at, input.url);
    if (!url) return;
    const network = input.network ?? networkOf(url);
    const domains = NETWORK_DOMAINS[network];
    if (domains.length && !domains.some((domain) => onDomain(url.hostname, domain)))
      return check.add(at, `must be on ${domains.join(' or ')} for ${network}`);
    if (network === SocialNetwork.MASTODON && !MASTODON_PROFILE_PATH.test(url.pathname))
      return check.add(at, 'must be a Mastodon profile address, e.g. https://mastodon.social/@name');
    if (network !== SocialNetwork.OTHER && url.pathname === '/' && !url.search)
      return check.add(at, `must be a page on ${url.hostname}, not its home page`);
    const earlier = seenAt.get(url.href);
    if (earlier !== undefined) return check.add(at, `is the same address as ${field}.${earlier}.url`);
    seenAt.set(url.href, index);
    links.push({ network, url: url.href });
  });
  return links;
}
