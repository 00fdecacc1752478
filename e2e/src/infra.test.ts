/**
 * Keeps the deployment files in step with the code: every subgraph folder is deployed by
 * docker-compose.yml, routed by the gateway and by Apollo Router, and composed by rover;
 * every container is health-checked and started only once what it needs is healthy.
 * Apollo Router's own file and its coprocessor: infra.router.test.ts.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { GATEWAY_NODE_FLAGS } from '@marketplace/gateway';
import {
  ComposeService,
  compose,
  defaultOf,
  dependencies,
  environmentOf,
  keyValues,
  read,
  readYaml,
  root,
  rover,
  router,
  services,
  subgraphs,
} from './testing/deployment-files';

describe('docker-compose.yml', () => {
  it('declares services', () => {
    expect(services.length).toBeGreaterThan(0);
  });

  it.each(services)('%s has a healthcheck', (_name, service) => {
    expect(service.healthcheck).toBeDefined();
    expect(service.healthcheck?.disable).not.toBe(true);
    expect(service.healthcheck?.test?.length ?? 0).toBeGreaterThan(0);
  });

  it.each(services)('%s waits for each dependency to be healthy', (_name, service) => {
    expect(Array.isArray(service.depends_on)).toBe(false);
    for (const [dependency, options] of Object.entries(dependencies(service))) {
      expect({ dependency, condition: options.condition }).toEqual({ dependency, condition: 'service_healthy' });
      expect(compose.services[dependency]).toBeDefined();
    }
  });

  it('runs Apollo Router, pinned, under the `router` profile on the committed supergraph', () => {
    const service = compose.services.router;
    expect(service).toBeDefined();
    expect(service.profiles).toContain('router');
    expect(service.image).toMatch(/^ghcr\.io\/apollographql\/router:v[12]\.\d+\.\d+$/);
    const mounts = (service.volumes ?? []).map((volume) =>
      typeof volume === 'string' ? volume.split(':')[0] : (volume.source ?? ''),
    );
    expect(mounts).toEqual(expect.arrayContaining(['./router.yaml', './schema/supergraph.graphql']));
  });
});

const nodeServices = services.filter(([, service]) => service.build !== undefined).map(([name]) => name);

describe('docker-compose.yml defaults to production behaviour', () => {
  it('runs Node services', () => {
    expect(nodeServices).toEqual(expect.arrayContaining(['gateway', 'payments', 'users']));
  });

  it.each(nodeServices)('%s runs with NODE_ENV=production unless told otherwise', (name) => {
    expect(defaultOf(environmentOf(name).NODE_ENV)).toBe('production');
  });

  it.each(nodeServices)('%s never simulates payments by default', (name) => {
    expect(['', 'false', undefined]).toContain(defaultOf(environmentOf(name).PAYMENT_SIMULATION_ENABLED));
  });

  it('orders (reverse charge) and billing (invoices) read one SELLER_COUNTRY with one default', () => {
    expect(environmentOf('orders').SELLER_COUNTRY).toBe('${SELLER_COUNTRY:-IE}');
    expect(environmentOf('billing').SELLER_COUNTRY).toBe(environmentOf('orders').SELLER_COUNTRY);
  });

  it('payments says so explicitly: PAYMENT_SIMULATION_ENABLED=false', () => {
    expect(environmentOf('payments').PAYMENT_SIMULATION_ENABLED).toBe('false');
  });

  it.each([
    ['JWT_PUBLIC_KEY', nodeServices],
    ['JWT_PRIVATE_KEY', ['users']],
    ['URL_SIGNING_SECRET', ['users', 'vendor', 'catalog', 'licensing', 'notifications', 'billing']],
    ['LICENSE_SIGNING_KEY', ['licensing']],
    ['STRIPE_WEBHOOK_SECRET', ['payments']],
    ['STRIPE_SECRET_KEY', ['payments']],
    ['SMTP_URL', ['users', 'notifications']],
  ])('%s comes from the environment, with no default, for %j', (variable, names) => {
    for (const name of names) {
      const value = environmentOf(name)[variable];
      expect({ name, value }).toEqual({
        name,
        value: expect.stringMatching(new RegExp(`^\\$\\{${variable}(:?-)?\\}$`)),
      });
    }
  });
});

describe('docker-compose.dev.yml', () => {
  const file = 'docker-compose.dev.yml';
  const dev = existsSync(join(root, file))
    ? readYaml<{ services?: Record<string, ComposeService & Record<string, unknown>> }>(file)
    : {};
  const devServices = Object.entries(dev.services ?? {});

  it('exists beside docker-compose.yml', () => {
    expect(existsSync(join(root, file))).toBe(true);
  });

  /** The one service the development file may add: a mail catcher, so development mail never leaves the machine. */
  const MAIL_CATCHER = 'mailpit';
  const overrides = devServices.filter(([name]) => name !== MAIL_CATCHER);

  it('only overrides services of docker-compose.yml, and only their environment (and waiting for the mail catcher)', () => {
    expect(overrides.length).toBeGreaterThan(0);
    for (const [name, service] of overrides) {
      expect({ name, known: compose.services[name] !== undefined }).toEqual({ name, known: true });
      const keys = Object.keys(service).filter((key) => key !== 'depends_on');
      expect({ name, keys }).toEqual({ name, keys: ['environment'] });
      if (service.depends_on !== undefined) {
        expect({ name, dependsOn: service.depends_on }).toEqual({
          name,
          dependsOn: { [MAIL_CATCHER]: { condition: 'service_healthy' } },
        });
      }
    }
  });

  it('adds exactly one service: Mailpit, pinned, health-checked, its UI on localhost only', () => {
    const added = devServices.filter(([name]) => compose.services[name] === undefined).map(([name]) => name);
    expect(added).toEqual([MAIL_CATCHER]);
    const mailpit = dev.services?.[MAIL_CATCHER] as ComposeService & { ports?: string[] };
    expect(mailpit.image).toMatch(/^axllent\/mailpit:v\d+\.\d+(\.\d+)?$/);
    expect(mailpit.build).toBeUndefined();
    expect(mailpit.healthcheck?.test?.length ?? 0).toBeGreaterThan(0);
    expect(mailpit.ports).toEqual(['127.0.0.1:8025:8025']);
  });

  it('points every service that sends mail at Mailpit, and waits for it', () => {
    const senders = nodeServices.filter((name) => environmentOf(name).SMTP_URL !== undefined);
    expect(senders).toContain('users');
    for (const name of senders) {
      const service = dev.services?.[name];
      expect({ name, smtp: keyValues(service?.environment).SMTP_URL }).toEqual({
        name,
        smtp: `smtp://${MAIL_CATCHER}:1025`,
      });
      expect({ name, condition: dependencies(service ?? {})[MAIL_CATCHER]?.condition }).toEqual({
        name,
        condition: 'service_healthy',
      });
    }
  });

  it.each(nodeServices)('switches %s to NODE_ENV=development', (name) => {
    expect(keyValues(dev.services?.[name]?.environment).NODE_ENV).toBe('development');
  });

  it('enables the payment simulation in payments, and nowhere else', () => {
    const enabled = devServices
      .filter(([, service]) => keyValues(service.environment).PAYMENT_SIMULATION_ENABLED === 'true')
      .map(([name]) => name);
    expect(enabled).toEqual(['payments']);
  });
});

describe('rover.yaml', () => {
  it('composes with the same federation version as @apollo/composition', () => {
    const composition = JSON.parse(read('node_modules/@apollo/composition/package.json')) as { version: string };
    expect(rover.federation_version).toBe(`=${composition.version}`);
  });

  it('lists existing subgraphs only', () => {
    expect(subgraphs).toEqual(expect.arrayContaining(Object.keys(rover.subgraphs ?? {})));
  });
});

describe('every subgraph is deployed, routed and composed', () => {
  it('has at least one subgraph folder', () => {
    expect(subgraphs.length).toBeGreaterThan(0);
  });

  describe.each(subgraphs)('%s', (name) => {
    const variable = `${name.toUpperCase()}_URL`;

    it('has a compose service built with SERVICE set to its name', () => {
      const service = compose.services[name];
      expect(service).toBeDefined();
      const build = service.build;
      expect(typeof build).toBe('object');
      expect(keyValues(typeof build === 'object' ? build.args : undefined).SERVICE).toBe(name);
    });

    it(`is routed by the gateway through ${variable}, once healthy`, () => {
      const gateway = compose.services.gateway;
      const url = keyValues(gateway.environment)[variable];
      expect(url).toBeDefined();
      expect(new URL(url).hostname).toBe(name);
      expect(dependencies(gateway)[name]?.condition).toBe('service_healthy');
    });

    it('is awaited by the router', () => {
      expect(dependencies(compose.services.router)[name]?.condition).toBe('service_healthy');
    });

    it('has a router override_subgraph_url to its compose service', () => {
      const url = router.override_subgraph_url?.[name];
      expect(url).toBeDefined();
      expect(new URL(url as string).hostname).toBe(name);
    });

    it('has a rover.yaml entry whose schema file exists', () => {
      const entry = rover.subgraphs?.[name];
      expect(entry?.routing_url).toMatch(/^https?:\/\/.+\/graphql$/);
      const file = entry?.schema?.file;
      expect(file).toBeDefined();
      // Printed from code by `npm run schema`; a failure here names the missing file.
      expect({ file, exists: existsSync(join(root, file as string)) }).toEqual({ file, exists: true });
    });
  });
});

describe('Dockerfile', () => {
  /** Instructions of the final stage, continuation lines joined, comments dropped. */
  const instructions = read('Dockerfile')
    .replace(/\\\r?\n/g, ' ')
    .split(/\r?\n/)
    .map((line) => line.trim())
    .filter((line) => line !== '' && !line.startsWith('#'));
  const finalStage = instructions.slice(instructions.map((line) => /^FROM\s/i.test(line)).lastIndexOf(true));

  it('has a final stage', () => {
    expect(finalStage[0]).toMatch(/^FROM\s/i);
  });

  it('runs the final stage as a non-root user', () => {
    const users = finalStage.filter((line) => /^USER\s/i.test(line));
    expect(users.length).toBeGreaterThan(0);
    const user = users[users.length - 1].split(/\s+/)[1].split(':')[0];
    expect(['root', '0']).not.toContain(user);
  });

  it('has a HEALTHCHECK in the final stage', () => {
    const healthchecks = finalStage.filter((line) => /^HEALTHCHECK\s/i.test(line));
    expect(healthchecks.length).toBeGreaterThan(0);
    expect(healthchecks[healthchecks.length - 1]).not.toMatch(/^HEALTHCHECK\s+NONE/i);
  });

  it('selects the service with ARG/ENV SERVICE', () => {
    expect(finalStage.some((line) => /^ARG\s+SERVICE\b/i.test(line))).toBe(true);
    expect(finalStage.some((line) => /^ENV\s+SERVICE=/i.test(line))).toBe(true);
  });

  it('keeps local state and build output out of the build context', () => {
    const ignored = read('.dockerignore')
      .split(/\r?\n/)
      .map((line) => line.trim().replace(/^\*\*\//, ''));
    expect(ignored).toEqual(expect.arrayContaining(['node_modules', 'dist', '.data', '.git', 'coverage']));
  });
});

describe('the gateway process', () => {
  const command = (service: string) =>
    execFileSync('sh', [join(root, 'docker/entrypoint.sh'), '--check'], {
      env: { ...process.env, SERVICE: service },
      encoding: 'utf8',
    }).trim();

  it('gets its Node flags from every launcher: npm run start:gateway and the container entry point', () => {
    const scripts = JSON.parse(read('package.json')).scripts as Record<string, string>;
    expect(scripts['start:gateway']).toBe(`node ${GATEWAY_NODE_FLAGS.join(' ')} gateway/dist/main.js`);
    expect(command('gateway')).toBe(
      `entrypoint: SERVICE=gateway runs node ${GATEWAY_NODE_FLAGS.join(' ')} gateway/dist/main.js`,
    );
  });

  it('is the only one they are for', () => {
    expect(command('users')).toBe('entrypoint: SERVICE=users runs node subgraphs/users/dist/main.js');
  });

  it('runs any other service from its subgraph package, wherever the folder is', () => {
    expect(command('vendor')).toBe('entrypoint: SERVICE=vendor runs node subgraphs/vendors/dist/main.js');
  });

  it('starts with them: node accepts each flag', () => {
    expect(
      execFileSync(process.execPath, [...GATEWAY_NODE_FLAGS, '-e', 'process.stdout.write("ok")'], { encoding: 'utf8' }),
    ).toBe('ok');
  });
});

describe('CI scripts', () => {
  it.each(['.ci/run', 'scripts/smoke-embedded.sh', 'docker/entrypoint.sh'])('%s is executable', (file) => {
    expect(statSync(join(root, file)).mode & 0o111).not.toBe(0);
  });
});
