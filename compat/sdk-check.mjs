// Drives a running Fulcrum with Cloudflare's official TypeScript SDK, through its typed methods only (no raw fetch to
// the API), and asserts what comes back: ids, echoed fields, defaults, auto-pagination and the SDK's error classes.
//
// Runs the same scenario with each SDK in package.json: `cloudflare` (the current major, on the client core that
// Stainless introduced in v6/v7) and `cloudflare-v5` (the older core, which e.g. sends Content-Type on DELETE).
//
// Environment: FULCRUM_API (base URL ending in /client/v4), FULCRUM_TOKEN (the admin token), FULCRUM_PROXY (the load
// balancer's own URL, for one request through a load balancer created with the SDK). compat/run sets all three.

import assert from 'node:assert/strict';
import http from 'node:http';
import Cloudflare from 'cloudflare';
import CloudflareV5 from 'cloudflare-v5';

const API = required('FULCRUM_API');
const TOKEN = required('FULCRUM_TOKEN');
const PROXY = new URL(required('FULCRUM_PROXY'));
const ID = /^[0-9a-f]{32}$/;
const TIMESTAMP = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z$/;

const SDKS = [
    { label: 'cloudflare@7', Client: Cloudflare },
    { label: 'cloudflare@5', Client: CloudflareV5 },
];

let failures = 0;
let passes = 0;

function required(name) {
    const value = process.env[name];
    if (!value) {
        console.error(`sdk-check: ${name} is not set (run compat/run)`);
        process.exit(2);
    }
    return value;
}

/** Runs one named step; a failure is reported and counted, and later steps still run. */
async function step(name, fn) {
    try {
        const value = await fn();
        passes++;
        console.log(`  ok   ${name}`);
        return value;
    } catch (e) {
        failures++;
        console.log(`  FAIL ${name}\n       ${String(e?.stack ?? e).split('\n').slice(0, 6).join('\n       ')}`);
        return undefined;
    }
}

/** Collects every item of an SDK page promise through its async iterator (the SDK's auto-pagination). */
async function all(pagePromise) {
    const items = [];
    for await (const item of pagePromise) {
        items.push(item);
    }
    return items;
}

/** Awaits an SDK call that must fail, and checks the error's class, HTTP status and Cloudflare error codes. */
async function refused(call, ErrorClass, status, codes) {
    let error;
    try {
        await call();
    } catch (e) {
        error = e;
    }
    assert.ok(error, `expected ${ErrorClass.name} ${status}, but the call succeeded`);
    assert.ok(error instanceof ErrorClass, `expected ${ErrorClass.name}, got ${error?.constructor?.name}: ${error}`);
    assert.equal(error.status, status);
    assert.deepEqual(error.errors.map((e) => e.code), codes);
    for (const item of error.errors) {
        assert.equal(typeof item.message, 'string');
    }
    return error;
}

/**
 * Asserts that `got` carries every field of `sent` with the same value; objects and arrays are compared the same way
 * member by member, so defaults the server adds next to the sent fields do not matter.
 */
function assertEchoes(sent, got, path = 'result') {
    if (sent !== null && typeof sent === 'object') {
        assert.ok(got !== null && typeof got === 'object', `${path}: expected ${JSON.stringify(sent)}, got ${got}`);
        if (Array.isArray(sent)) {
            assert.ok(Array.isArray(got) && got.length === sent.length, `${path}: expected ${sent.length} items`);
        }
        for (const [key, value] of Object.entries(sent)) {
            assertEchoes(value, got[key], `${path}.${key}`);
        }
        return;
    }
    assert.equal(got, sent, path);
}

/** Polls until fn() returns a truthy value (or the deadline passes, then fails with the last value seen). */
async function eventually(what, fn, timeoutMs = 20000) {
    const deadline = Date.now() + timeoutMs;
    let last;
    while (Date.now() < deadline) {
        last = await fn();
        if (last?.done) {
            return last.value;
        }
        await new Promise((r) => setTimeout(r, 200));
    }
    assert.fail(`${what} did not happen within ${timeoutMs} ms; last seen: ${JSON.stringify(last?.value)}`);
}

/** A tiny origin for the pools: GET /health answers 200, anything else names the origin. */
function startOrigin(name) {
    const server = http.createServer((req, res) => {
        res.setHeader('Content-Type', 'text/plain');
        res.end(req.url === '/health' ? 'ok' : `origin ${name} ${req.headers.host}`);
    });
    return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(server)));
}

/** One request through Fulcrum's load balancer port, with the load balancer's hostname as Host. */
function viaProxy(host, path) {
    return new Promise((resolve, reject) => {
        const req = http.request({ host: PROXY.hostname, port: PROXY.port, path, headers: { Host: host } }, (res) => {
            let body = '';
            res.setEncoding('utf8');
            res.on('data', (chunk) => (body += chunk));
            res.on('end', () => resolve({ status: res.statusCode, body }));
        });
        req.on('error', reject);
        req.setTimeout(10000, () => req.destroy(new Error('proxy request timed out')));
        req.end();
    });
}

async function scenario({ label, Client }, origin) {
    console.log(`\n${label}`);
    // No retries: a refusal must surface at once, and a 5xx (never expected) must not be hidden by a retry.
    const cf = new Client({ apiToken: TOKEN, baseURL: API, maxRetries: 0 });
    const tag = label.replace(/\W+/g, '-').replace(/^-|-$/g, '');
    const zoneName = `${tag}.compat.example`;
    const ids = {};

    await step('user.tokens.verify: the token is active', async () => {
        const verify = await cf.user.tokens.verify();
        assert.equal(verify.status, 'active');
        assert.match(verify.id, ID);
    });

    await step('accounts.list (auto-paginated) and accounts.get', async () => {
        const accounts = await all(cf.accounts.list());
        assert.ok(accounts.length >= 1, 'the standalone creates one account on first start');
        const first = await cf.accounts.list({ per_page: 1 });
        assert.equal(first.result.length, 1);
        assert.equal(first.result_info.page, 1);
        assert.equal(first.result_info.per_page, 1);
        ids.account = accounts[0].id;
        assert.match(ids.account, ID);
        const newestFirst = await all(cf.accounts.list({ direction: 'desc' }));
        assert.deepEqual(newestFirst.map((a) => a.id), accounts.map((a) => a.id).reverse());
        const account = await cf.accounts.get({ account_id: ids.account });
        assert.equal(account.id, ids.account);
        assert.equal(account.name, accounts[0].name);
    });
    const account_id = ids.account;

    await step('zones.create, zones.get, zones.list by name and account', async () => {
        const zone = await cf.zones.create({ account: { id: account_id }, name: zoneName, type: 'full' });
        assert.match(zone.id, ID);
        assert.equal(zone.name, zoneName);
        assert.equal(zone.status, 'active');
        assert.equal(zone.account.id, account_id);
        // Members the SDK's Zone type declares as always present.
        assert.equal(zone.development_mode, 0);
        assert.match(zone.plan.id, ID);
        assert.equal(zone.owner.id, account_id);
        assert.equal(typeof zone.meta, 'object');
        assert.ok(Array.isArray(zone.name_servers));
        ids.zone = zone.id;
        assert.equal((await cf.zones.get({ zone_id: zone.id })).name, zoneName);
        const byName = await all(cf.zones.list({ name: zoneName }));
        assert.deepEqual(byName.map((z) => z.id), [zone.id]);
        const byAccount = await all(cf.zones.list({ account: { id: account_id }, status: 'active' }));
        assert.ok(byAccount.some((z) => z.id === zone.id));
    });

    await step('zones.list auto-pagination with per_page=1 walks every page', async () => {
        const extra = [];
        for (const n of [1, 2]) {
            extra.push((await cf.zones.create({ account: { id: account_id }, name: `p${n}.${zoneName}` })).id);
        }
        const expected = (await all(cf.zones.list({ account: { id: account_id }, per_page: 50 }))).map((z) => z.id);
        assert.ok(expected.length >= 3);
        const pages = [];
        for await (const page of (await cf.zones.list({ account: { id: account_id }, per_page: 1 })).iterPages()) {
            pages.push(page);
        }
        const walked = pages.flatMap((p) => p.getPaginatedItems().map((z) => z.id));
        assert.deepEqual(walked, expected);
        assert.equal(pages[0].result_info.total_count, expected.length);
        assert.equal(pages[0].result_info.total_pages, expected.length);
        // The filters and order zones.list exposes: an operator on name, type (an array), match, order, direction.
        const filtered = await all(cf.zones.list({
            name: `ends_with:${zoneName}`, type: ['full'], match: 'all', order: 'name', direction: 'desc',
        }));
        assert.deepEqual(filtered.map((z) => z.name), [`p2.${zoneName}`, `p1.${zoneName}`, zoneName]);
        for (const id of extra) {
            assert.equal((await cf.zones.delete({ zone_id: id })).id, id);
        }
    });

    await step('monitors.create with no fields echoes the documented defaults', async () => {
        const m = await cf.loadBalancers.monitors.create({ account_id });
        assert.match(m.id, ID);
        assert.match(m.created_on, TIMESTAMP);
        assert.match(m.modified_on, TIMESTAMP);
        assert.equal(m.type, 'http');
        assert.equal(m.method, 'GET');
        assert.equal(m.path, '/');
        assert.equal(m.port, 0);
        assert.equal(m.timeout, 5);
        assert.equal(m.retries, 2);
        assert.equal(m.interval, 60);
        assert.equal(m.expected_codes, '200');
        assert.equal(m.expected_body, '');
        assert.equal(m.follow_redirects, false);
        assert.equal(m.allow_insecure, false);
        assert.equal(m.consecutive_up, 0);
        assert.equal(m.consecutive_down, 0);
        assert.equal(m.description, '');
        assert.deepEqual(m.header, {});
        ids.spareMonitor = m.id;
    });

    await step('monitors.create, list, get, update (PUT) and edit (PATCH)', async () => {
        const monitors = cf.loadBalancers.monitors;
        const m = await monitors.create({
            account_id, type: 'http', method: 'GET', path: '/health', port: origin.port, expected_codes: '2xx',
            interval: 60, timeout: 2, retries: 1, description: `${tag} health`, header: { 'X-Check': ['sdk'] },
        });
        assert.equal(m.path, '/health');
        assert.equal(m.port, origin.port);
        assert.equal(m.expected_codes, '2xx');
        assert.deepEqual(m.header, { 'X-Check': ['sdk'] });
        ids.monitor = m.id;
        const listed = await all(monitors.list({ account_id }));
        assert.ok(listed.some((x) => x.id === m.id) && listed.some((x) => x.id === ids.spareMonitor));
        assert.equal((await monitors.get(m.id, { account_id })).description, `${tag} health`);

        // PUT replaces the whole object: the description and header it leaves out return to their defaults.
        const put = await monitors.update(m.id, {
            account_id, type: 'http', path: '/health', port: origin.port, expected_codes: '200', interval: 60,
            timeout: 2, retries: 1,
        });
        assert.equal(put.id, m.id);
        assert.equal(put.created_on, m.created_on);
        assert.equal(put.expected_codes, '200');
        assert.equal(put.description, '');
        assert.deepEqual(put.header, {});

        // PATCH changes only what it sends.
        const patched = await monitors.edit(m.id, { account_id, description: `${tag} health`, consecutive_up: 1 });
        assert.equal(patched.description, `${tag} health`);
        assert.equal(patched.consecutive_up, 1);
        assert.equal(patched.path, '/health');
        assert.equal(patched.expected_codes, '200');
    });

    await step('pools.create echoes defaults; list with and without the monitor filter; get', async () => {
        const pools = cf.loadBalancers.pools;
        const p1 = await pools.create({
            account_id, name: `${tag}-primary`, monitor: ids.monitor, description: 'primary',
            origins: [{ name: 'origin-1', address: '127.0.0.1', port: origin.port }],
        });
        assert.match(p1.id, ID);
        assert.equal(p1.name, `${tag}-primary`);
        assert.equal(p1.enabled, true);
        assert.equal(p1.minimum_origins, 1);
        assert.equal(p1.monitor, ids.monitor);
        assert.equal(p1.origins.length, 1);
        assert.equal(p1.origins[0].address, '127.0.0.1');
        assert.equal(p1.origins[0].port, origin.port);
        assert.equal(p1.origins[0].weight, 1);
        assert.equal(p1.origins[0].enabled, true);
        assert.equal(p1.origin_steering.policy, 'random');
        ids.pool = p1.id;
        const p2 = await pools.create({
            account_id, name: `${tag}-backup`,
            origins: [{ name: 'origin-2', address: '127.0.0.1', port: origin.port, weight: 0.5 }],
        });
        assert.equal(p2.origins[0].weight, 0.5);
        assert.ok(p2.monitor == null, `a pool without a monitor has none, got ${p2.monitor}`);
        ids.backup = p2.id;

        const listed = (await all(pools.list({ account_id }))).map((p) => p.id);
        assert.ok(listed.includes(p1.id) && listed.includes(p2.id));
        const filtered = (await all(pools.list({ account_id, monitor: ids.monitor }))).map((p) => p.id);
        assert.deepEqual(filtered, [p1.id]);
        assert.equal((await pools.get(p1.id, { account_id })).description, 'primary');
    });

    await step('pools.update (PUT), edit (PATCH), and a monitor removed with an empty string', async () => {
        const pools = cf.loadBalancers.pools;
        const put = await pools.update(ids.backup, {
            account_id, name: `${tag}-backup`, minimum_origins: 1, monitor: ids.spareMonitor,
            origins: [{ name: 'origin-2', address: '127.0.0.1', port: origin.port, weight: 0.5 }],
        });
        assert.equal(put.monitor, ids.spareMonitor);
        assert.equal(put.description, '');
        const patched = await pools.edit(ids.backup, { account_id, description: 'backup', monitor: '' });
        assert.equal(patched.description, 'backup');
        assert.ok(patched.monitor == null, `monitor "" removes the monitor, got ${patched.monitor}`);
        assert.equal(patched.origins[0].weight, 0.5);
    });

    await step('pools.bulkEdit resets notification_email on every pool, ordered by name', async () => {
        const pools = cf.loadBalancers.pools;
        const changed = await all(pools.bulkEdit({ account_id, notification_email: '' }));
        const names = changed.map((p) => p.name);
        assert.deepEqual(names, [...names].sort());
        assert.ok(changed.some((p) => p.id === ids.pool) && changed.some((p) => p.id === ids.backup));
        assert.ok(changed.every((p) => p.notification_email === ''));
        // The SDK's own example sends no field at all: nothing to change, the pools come back as they are.
        const untouched = await all(pools.bulkEdit({ account_id }));
        assert.deepEqual(untouched.map((p) => p.id), changed.map((p) => p.id));
    });

    await step('monitors.references.get lists the pool that uses the monitor', async () => {
        const refs = await all(cf.loadBalancers.monitors.references.get(ids.monitor, { account_id }));
        assert.deepEqual(refs, [{
            reference_type: 'referrer', resource_type: 'pool', resource_id: ids.pool, resource_name: `${tag}-primary`,
        }]);
    });

    await step('pools.health.get reports the origin healthy once the monitor has probed it', async () => {
        const health = await eventually('a healthy probe result', async () => {
            const h = await cf.loadBalancers.pools.health.get(ids.pool, { account_id });
            const pops = Object.values(h.pop_health ?? {});
            return { done: pops.length === 1 && pops[0].healthy === true, value: h };
        });
        assert.equal(health.pool_id, ids.pool);
        const [pop] = Object.values(health.pop_health);
        const status = pop.origins[0]['127.0.0.1'];
        assert.equal(status.healthy, true);
        assert.equal(status.response_code, 200);
        assert.equal(typeof status.rtt, 'string');
    });

    await step('pools.health.create (pool preview) and previews.get', async () => {
        const started = await cf.loadBalancers.pools.health.create(ids.pool, {
            account_id, type: 'http', path: '/health', port: origin.port, expected_codes: '200', timeout: 2,
            retries: 0, interval: 60,
        });
        assert.match(started.preview_id, ID);
        assert.deepEqual(started.pools, { [ids.pool]: `${tag}-primary` });
        const preview = await eventually('the pool preview result', async () => {
            const p = await cf.loadBalancers.previews.get(started.preview_id, { account_id });
            return { done: p?.[ids.pool]?.origins?.length === 1, value: p };
        });
        assert.equal(preview[ids.pool].healthy, true);
        assert.equal(preview[ids.pool].origins[0]['127.0.0.1'].healthy, true);
    });

    await step('monitors.previews.create runs a candidate monitor on the pools using the monitor', async () => {
        const started = await cf.loadBalancers.monitors.previews.create(ids.monitor, {
            account_id, type: 'http', path: '/missing', port: origin.port, expected_codes: '2xx', timeout: 2,
            retries: 0, interval: 60,
        });
        assert.match(started.preview_id, ID);
        assert.deepEqual(Object.keys(started.pools), [ids.pool]);
        // The origin answers a non-health path with 200 too, so this candidate passes.
        const preview = await eventually('the monitor preview result', async () => {
            const p = await cf.loadBalancers.previews.get(started.preview_id, { account_id });
            return { done: p?.[ids.pool]?.origins?.length === 1, value: p };
        });
        assert.equal(preview[ids.pool].origins[0]['127.0.0.1'].response_code, 200);
    });

    await step('regions.list (all, and one country) and regions.get', async () => {
        const regions = cf.loadBalancers.regions;
        const everything = await regions.list({ account_id });
        const codes = everything.regions.map((r) => r.region_code);
        assert.deepEqual([...codes].sort(), ['EEU', 'ENAM', 'ME', 'NAF', 'NEAS', 'NSAM', 'OC', 'SAF', 'SAS', 'SEAS',
            'SSAM', 'WEU', 'WNAM']);
        const us = await regions.list({ account_id, country_code_a2: 'US' });
        assert.ok(us.regions.length >= 1);
        assert.ok(us.regions.every((r) => r.countries.every((c) => c.country_code_a2 === 'US')));
        const wnam = await regions.get('WNAM', { account_id });
        assert.deepEqual(wnam.regions.map((r) => r.region_code), ['WNAM']);
    });

    const lbName = `www.${zoneName}`;
    await step('loadBalancers.create (zone-scoped) echoes fields and defaults', async () => {
        const lb = await cf.loadBalancers.create({
            zone_id: ids.zone, name: lbName, default_pools: [ids.pool, ids.backup], fallback_pool: ids.backup,
            proxied: true, steering_policy: 'off', session_affinity: 'cookie', description: 'sdk',
        });
        assert.match(lb.id, ID);
        assert.equal(lb.name, lbName);
        assert.equal(lb.zone_name, zoneName);
        assert.deepEqual(lb.default_pools, [ids.pool, ids.backup]);
        assert.equal(lb.fallback_pool, ids.backup);
        assert.equal(lb.proxied, true);
        assert.equal(lb.enabled, true);
        assert.equal(lb.ttl, 30);
        assert.equal(lb.steering_policy, 'off');
        assert.equal(lb.session_affinity, 'cookie');
        assert.deepEqual(lb.rules, []);
        ids.lb = lb.id;
    });

    await step('loadBalancers.list, get, update (PUT) and edit (PATCH)', async () => {
        const lbs = cf.loadBalancers;
        assert.deepEqual((await all(lbs.list({ zone_id: ids.zone }))).map((x) => x.id), [ids.lb]);
        const got = await lbs.get(ids.lb, { zone_id: ids.zone });
        assert.equal(got.description, 'sdk');
        // A read-modify-write round trip: everything GET returned goes back through PUT unchanged.
        const { id, created_on, modified_on, zone_name, ...writable } = got;
        const put = await lbs.update(ids.lb, { ...writable, zone_id: ids.zone, description: 'sdk put' });
        assert.equal(put.description, 'sdk put');
        assert.equal(put.created_on, created_on);
        assert.equal(put.session_affinity, 'cookie');
        const patched = await lbs.edit(ids.lb, { zone_id: ids.zone, steering_policy: 'random' });
        assert.equal(patched.steering_policy, 'random');
        assert.equal(patched.description, 'sdk put');
        assert.deepEqual(patched.default_pools, [ids.pool, ids.backup]);
    });

    await step('every documented monitor, pool and load balancer field is stored and echoed', async () => {
        const lb = cf.loadBalancers;
        const monitor = {
            type: 'https', method: 'HEAD', path: '/status', port: 8443, timeout: 3, retries: 1, interval: 30,
            expected_codes: '2xx', expected_body: 'alive', follow_redirects: true, allow_insecure: true,
            consecutive_up: 2, consecutive_down: 3, probe_zone: zoneName, description: `${tag} everything`,
            header: { Host: [`app.${zoneName}`], 'X-App-ID': ['abc123'] },
        };
        const m = await lb.monitors.create({ account_id, ...monitor });
        assertEchoes(monitor, m);
        const pool = {
            name: `${tag}-everything`, description: 'every field', enabled: false, minimum_origins: 2,
            monitor: m.id, latitude: 51.5, longitude: -0.12, check_regions: ['WEU', 'ENAM'],
            origin_steering: { policy: 'least_outstanding_requests' }, notification_email: 'ops@example.com',
            notification_filter: { origin: { disable: true, healthy: null }, pool: { disable: false, healthy: false } },
            load_shedding: { default_percent: 12.5, default_policy: 'hash', session_percent: 5, session_policy: 'hash' },
            origins: [
                { name: 'a', address: '192.0.2.10', port: 8080, weight: 0.6, enabled: true,
                    header: { Host: [`app.${zoneName}`] } },
                { name: 'b', address: '2001:db8::10', port: 8080, weight: 0.4, enabled: false,
                    virtual_network_id: 'a5624d4e-044a-4ff0-b3e1-e2465353d4b4' },
            ],
        };
        const p = await lb.pools.create({ account_id, ...pool });
        assertEchoes(pool, p);
        assert.match(p.disabled_at, TIMESTAMP);
        assert.match(p.origins[1].disabled_at, TIMESTAMP);
        const attributes = { samesite: 'Lax', secure: 'Always', zero_downtime_failover: 'sticky', drain_duration: 60 };
        const overrides = {
            default_pools: [ids.backup], fallback_pool: ids.backup, steering_policy: 'random',
            random_steering: { default_weight: 0.3, pool_weights: { [ids.backup]: 0.7 } },
            session_affinity: 'cookie', session_affinity_ttl: 3600,
            session_affinity_attributes: { samesite: 'Strict', secure: 'Always', zero_downtime_failover: 'temporary' },
            adaptive_routing: { failover_across_pools: true }, location_strategy: { mode: 'pop', prefer_ecs: 'never' },
            region_pools: { WEU: [ids.backup] }, country_pools: { GB: [ids.backup] }, pop_pools: { LHR: [ids.backup] },
            ttl: 60,
        };
        const body = {
            name: `all.${zoneName}`, description: 'every field', enabled: true, proxied: true, ttl: 30,
            default_pools: [p.id, ids.backup], fallback_pool: ids.backup, steering_policy: 'geo',
            region_pools: { WNAM: [p.id], ENAM: [ids.backup] }, country_pools: { US: [p.id] }, pop_pools: { LAX: [p.id] },
            random_steering: { default_weight: 0.5, pool_weights: { [p.id]: 0.2 } },
            adaptive_routing: { failover_across_pools: true },
            location_strategy: { mode: 'resolver_ip', prefer_ecs: 'always' },
            session_affinity: 'ip_cookie', session_affinity_ttl: 7200, session_affinity_attributes: attributes,
            rules: [
                { name: 'eu', condition: 'http.request.uri.path contains "/eu"', priority: 1, disabled: false,
                    terminates: false, overrides },
                { name: 'maintenance', condition: 'http.request.uri.path eq "/maintenance"', priority: 2,
                    terminates: true, fixed_response: { status_code: 503, content_type: 'text/plain',
                        message_body: 'back soon', location: '' } },
            ],
        };
        const created = await lb.create({ zone_id: ids.zone, ...body });
        assertEchoes(body, created);
        const { id, created_on, modified_on, zone_name, ...writable } = await lb.get(created.id, { zone_id: ids.zone });
        assertEchoes(body, writable);
        const put = await lb.update(created.id, { zone_id: ids.zone, ...writable });
        assertEchoes(body, put);
        assert.equal(put.created_on, created_on);

        const header = await lb.edit(created.id, {
            zone_id: ids.zone, session_affinity: 'header', session_affinity_ttl: 120,
            session_affinity_attributes: { headers: ['x-session'], require_all_headers: true },
        });
        assert.equal(header.session_affinity, 'header');
        assert.deepEqual(header.session_affinity_attributes.headers, ['x-session']);
        assert.equal(header.session_affinity_attributes.require_all_headers, true);
        assertEchoes(body.rules, header.rules);

        assert.deepEqual(await lb.delete(created.id, { zone_id: ids.zone }), { id: created.id });
        assert.deepEqual(await lb.pools.delete(p.id, { account_id }), { id: p.id });
        assert.deepEqual(await lb.monitors.delete(m.id, { account_id }), { id: m.id });
    });

    await step('the load balancer made with the SDK serves traffic through the proxy port', async () => {
        const res = await viaProxy(lbName, '/hello');
        assert.equal(res.status, 200, res.body);
        assert.equal(res.body, `origin one ${lbName}`);
    });

    await step('pools.references.get lists the load balancer and the monitor', async () => {
        const refs = await all(cf.loadBalancers.pools.references.get(ids.pool, { account_id }));
        assert.deepEqual(refs, [
            { reference_type: 'referrer', resource_type: 'load_balancer', resource_id: ids.lb, resource_name: lbName },
            {
                reference_type: 'referral', resource_type: 'monitor', resource_id: ids.monitor,
                resource_name: `${tag} health`,
            },
        ]);
    });

    await step('searches.list by query, with references, one page and auto-paginated', async () => {
        const searches = cf.loadBalancers.searches;
        const page = await searches.list({ account_id, query: `${tag}-primary`, references: '*' });
        const resources = page.result.resources;
        assert.deepEqual(resources.map((r) => [r.resource_type, r.resource_id]), [['pool', ids.pool]]);
        assert.deepEqual(resources[0].references.map((r) => r.resource_id), [ids.lb, ids.monitor]);
        const none = await searches.list({ account_id, query: `${tag}-primary`, references: '' });
        assert.deepEqual(none.result.resources[0].references, []);
        const referrers = await searches.list({ account_id, query: `${tag}-primary`, references: 'referrer' });
        assert.deepEqual(referrers.result.resources[0].references.map((r) => r.resource_id), [ids.lb]);

        // Everything of this scenario: two pools, two monitors (by description or id) and the load balancer.
        const mine = (r) => [ids.pool, ids.backup, ids.lb, ids.monitor].includes(r.resource_id);
        const whole = await searches.list({ account_id, query: tag, per_page: 1000 });
        const expected = whole.result.resources.map((r) => r.resource_id);
        assert.equal(whole.result.resources.filter(mine).length, 4);
        const walked = [];
        for await (const item of searches.list({ account_id, query: tag, per_page: 2 })) {
            walked.push(...item.resources.map((r) => r.resource_id));
        }
        assert.deepEqual(walked, expected);
    });

    await step('400 1002: an invalid monitor is a BadRequestError', async () => {
        const e = await refused(() => cf.loadBalancers.monitors.create({ account_id, type: 'bogus' }),
            Client.BadRequestError, 400, [1002]);
        assert.match(e.errors[0].message, /validation failed$/);
    });

    await step('400 1002: a load balancer naming an unknown pool is refused', async () => {
        await refused(() => cf.loadBalancers.create({
            zone_id: ids.zone, name: `api.${zoneName}`, default_pools: ['0'.repeat(32)], fallback_pool: ids.pool,
        }), Client.BadRequestError, 400, [1002]);
    });

    await step('400 1003: a second load balancer with the same name', async () => {
        await refused(() => cf.loadBalancers.create({
            zone_id: ids.zone, name: lbName, default_pools: [ids.pool], fallback_pool: ids.pool,
        }), Client.BadRequestError, 400, [1003]);
    });

    await step('404 7003: an unknown pool, monitor, load balancer and preview are NotFoundErrors', async () => {
        const missing = '0'.repeat(32);
        await refused(() => cf.loadBalancers.pools.get(missing, { account_id }), Client.NotFoundError, 404,
            [7003, 7000]);
        await refused(() => cf.loadBalancers.monitors.get(missing, { account_id }), Client.NotFoundError, 404,
            [7003, 7000]);
        await refused(() => cf.loadBalancers.get(missing, { zone_id: ids.zone }), Client.NotFoundError, 404,
            [7003, 7000]);
        await refused(() => cf.loadBalancers.previews.get(missing, { account_id }), Client.NotFoundError, 404,
            [7003, 7000]);
    });

    await step('412 1005: a referenced pool or monitor cannot be deleted', async () => {
        const e = await refused(() => cf.loadBalancers.pools.delete(ids.pool, { account_id }), Client.APIError,
            412, [1005]);
        assert.equal(e.errors[0].message, 'This object is referenced by other objects, delete them first.');
        await refused(() => cf.loadBalancers.monitors.delete(ids.monitor, { account_id }), Client.APIError, 412,
            [1005]);
    });

    await step('403 10000: a wrong token is a PermissionDeniedError', async () => {
        const wrong = new Client({ apiToken: `${TOKEN}-wrong`, baseURL: API, maxRetries: 0 });
        await refused(() => wrong.user.tokens.verify(), Client.PermissionDeniedError, 403, [10000]);
        await refused(() => wrong.loadBalancers.pools.list({ account_id }).then(all), Client.PermissionDeniedError,
            403, [10000]);
    });

    await step('apiEmail + apiKey: the admin token as the key is the admin; other keys are refused', async () => {
        // The SDK sends X-Auth-Email and X-Auth-Key instead of Authorization when both are configured.
        const byKey = new Client({ apiEmail: 'ops@example.com', apiKey: TOKEN, apiToken: null, baseURL: API,
            maxRetries: 0 });
        const pools = await all(byKey.loadBalancers.pools.list({ account_id }));
        assert.ok(pools.some((p) => p.id === ids.pool));
        const cloudflareKey = new Client({ apiEmail: 'ops@example.com', apiKey: '0123456789abcdef'.repeat(2)
            + '01234', apiToken: null, baseURL: API, maxRetries: 0 });
        await refused(() => cloudflareKey.accounts.list().then(all), Client.PermissionDeniedError, 403, [10000]);
        const malformed = new Client({ apiEmail: 'not-an-email', apiKey: 'short', apiToken: null, baseURL: API,
            maxRetries: 0 });
        const e = await refused(() => malformed.accounts.list().then(all), Client.BadRequestError, 400, [6003]);
        assert.deepEqual(e.errors[0].error_chain.map((c) => c.code), [6102, 6103]);
    });

    await step('delete everything again: load balancer, pools, monitors, zone', async () => {
        assert.deepEqual(await cf.loadBalancers.delete(ids.lb, { zone_id: ids.zone }), { id: ids.lb });
        await refused(() => cf.loadBalancers.get(ids.lb, { zone_id: ids.zone }), Client.NotFoundError, 404,
            [7003, 7000]);
        for (const pool of [ids.pool, ids.backup]) {
            assert.deepEqual(await cf.loadBalancers.pools.delete(pool, { account_id }), { id: pool });
        }
        for (const monitor of [ids.monitor, ids.spareMonitor]) {
            assert.deepEqual(await cf.loadBalancers.monitors.delete(monitor, { account_id }), { id: monitor });
        }
        assert.deepEqual(await cf.zones.delete({ zone_id: ids.zone }), { id: ids.zone });
        assert.deepEqual(await all(cf.zones.list({ name: zoneName })), []);
    });
}

const origin = await startOrigin('one');
try {
    for (const sdk of SDKS) {
        await scenario(sdk, origin.address());
    }
} finally {
    origin.close();
}
console.log(`\n${passes} passed, ${failures} failed`);
process.exitCode = failures === 0 ? 0 : 1;
