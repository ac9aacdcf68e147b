// Fulcrum dashboard: plain JavaScript over the REST API of the server that served this page. No build step, no
// external resource. Every value from the API is put in the page as text (textContent), never as markup.
'use strict';

(function () {
  const API = new URL('../client/v4/', document.baseURI).href;
  const TOKEN_KEY = 'fulcrum.dashboard.token';
  const SVG = 'http://www.w3.org/2000/svg';
  const refreshSeconds = refreshSetting();

  let token = null;
  let timer = null;
  let loading = false;
  let again = false;
  let model = null;
  // Weights being typed, by pool id and origin name: a refresh redraws the rows and must not lose them.
  const edits = new Map();

  // ---- start ----------------------------------------------------------------------------------------------------

  document.addEventListener('DOMContentLoaded', () => {
    byId('login-form').addEventListener('submit', (event) => {
      event.preventDefault();
      signIn(byId('token').value.trim());
    });
    byId('sign-out').addEventListener('click', () => signOut(''));
    setInterval(tickCountdowns, 1000);
    window.addEventListener('hashchange', () => {
      const fromBookmark = tokenFromFragment();
      if (fromBookmark) {
        signIn(fromBookmark);
      }
    });
    const fromFragment = tokenFromFragment();
    const stored = fromFragment || sessionStorage.getItem(TOKEN_KEY);
    if (stored) {
      signIn(stored);
    } else {
      showLogin('');
    }
  });

  /** {@code ?refresh=N} (1-60 seconds) sets how often the page reloads its data; 5 s by default. */
  function refreshSetting() {
    const value = Number(new URLSearchParams(location.search).get('refresh'));
    return Number.isInteger(value) && value >= 1 && value <= 60 ? value : 5;
  }

  /** Takes a token from {@code #token=...} and removes it from the address bar (and from history). */
  function tokenFromFragment() {
    const hash = location.hash;
    if (!hash.startsWith('#token=')) {
      return null;
    }
    history.replaceState(null, '', location.pathname + location.search);
    try {
      return decodeURIComponent(hash.substring('#token='.length)).trim() || null;
    } catch (e) {
      return null;
    }
  }

  /** Checks the token by loading everything with it; only a token the API accepts is kept. */
  async function signIn(candidate) {
    if (!candidate) {
      showLogin('Enter the API token.');
      return;
    }
    token = candidate;
    model = null;
    try {
      const loaded = await load();
      if (token !== candidate) {
        return; // another sign-in or a sign-out came first
      }
      sessionStorage.setItem(TOKEN_KEY, candidate);
      model = loaded;
      byId('login').hidden = true;
      byId('app').hidden = false;
      byId('sign-out').hidden = false;
      byId('token').value = '';
      render(model);
      schedule(refreshSeconds);
    } catch (e) {
      if (token === candidate) {
        signOut(e instanceof ApiFailure ? 'The API refused the token: ' + e.message
          : 'Cannot reach the API: ' + e.message);
      }
    }
  }

  function signOut(message) {
    token = null;
    model = null;
    sessionStorage.removeItem(TOKEN_KEY);
    edits.clear();
    if (timer) {
      clearTimeout(timer);
      timer = null;
    }
    // Nothing of the configuration stays on the page without a valid token.
    for (const id of ['lbs', 'traffic', 'nodes', 'events']) {
      byId(id).tBodies[0].replaceChildren();
    }
    byId('pools').replaceChildren();
    byId('node-status').textContent = '';
    byId('refreshed').textContent = '';
    showLogin(message);
  }

  function showLogin(message) {
    byId('app').hidden = true;
    byId('sign-out').hidden = true;
    byId('login').hidden = false;
    byId('login-error').textContent = message;
    byId('token').focus();
  }

  // ---- the API ----------------------------------------------------------------------------------------------------

  /** The API's refusal, with its first error message (Cloudflare's envelope). */
  class ApiFailure extends Error {
    constructor(status, message) {
      super(message);
      this.status = status;
    }
  }

  async function call(method, path, body) {
    const headers = {Authorization: 'Bearer ' + token};
    if (body !== undefined) {
      headers['Content-Type'] = 'application/json';
    }
    const response = await fetch(API + path, {
      method: method,
      headers: headers,
      body: body === undefined ? undefined : JSON.stringify(body),
      cache: 'no-store',
      credentials: 'omit',
      redirect: 'error'
    });
    let envelope = null;
    try {
      envelope = await response.json();
    } catch (e) {
      throw new ApiFailure(response.status, 'HTTP ' + response.status + ' from ' + path);
    }
    if (!response.ok || !envelope.success) {
      const error = envelope.errors && envelope.errors[0];
      const text = error ? error.message + ' (' + error.code + ')' : 'HTTP ' + response.status;
      throw new ApiFailure(response.status, text);
    }
    return envelope;
  }

  async function get(path) {
    return (await call('GET', path)).result;
  }

  /** Every page of a paged collection. */
  async function getAll(path) {
    const all = [];
    for (let page = 1; ; page++) {
      const envelope = await call('GET', path + (path.includes('?') ? '&' : '?') + 'per_page=50&page=' + page);
      all.push(...envelope.result);
      const info = envelope.result_info;
      if (!info || page >= info.total_pages) {
        return all;
      }
    }
  }

  // ---- loading --------------------------------------------------------------------------------------------------

  /** One timer at a time: the next refresh, {@code seconds} from now. */
  function schedule(seconds) {
    if (timer) {
      clearTimeout(timer);
    }
    timer = setTimeout(refresh, seconds * 1000);
  }

  /** Reloads and redraws; a refusal of the token signs out, any other failure is shown and retried. */
  async function refresh() {
    if (loading) {
      again = true;
      return;
    }
    const signedInWith = token;
    if (signedInWith === null || model === null) {
      return;
    }
    loading = true;
    again = false;
    try {
      const loaded = await load();
      if (token !== signedInWith) {
        return; // signed out (or in anew) while this load ran: what it read must not be shown
      }
      model = loaded;
      render(model);
    } catch (e) {
      if (token !== signedInWith) {
        return;
      }
      if (e instanceof ApiFailure && e.status === 403) {
        signOut('The API refused the token: ' + e.message);
        return;
      }
      byId('refreshed').textContent = 'update failed: ' + e.message;
    } finally {
      loading = false;
      if (token === signedInWith) {
        // A change made while this load ran is shown at once rather than a period later.
        schedule(again ? 0 : refreshSeconds);
      }
    }
  }

  async function load() {
    const status = await get('fulcrum/status');
    const [accounts, zones, traffic, events] = await Promise.all([
      getAll('accounts'),
      getAll('zones'),
      get('fulcrum/traffic'),
      get('user/load_balancing_analytics/events?per_page=200')
    ]);
    const lbLists = await Promise.all(zones.map((zone) => get('zones/' + zone.id + '/load_balancers')));
    const poolLists = await Promise.all(accounts.map((account) =>
      get('accounts/' + account.id + '/load_balancers/pools')));
    const pools = [];
    accounts.forEach((account, i) => poolLists[i].forEach((pool) => pools.push({account: account.id, pool: pool})));
    const healths = await Promise.all(pools.map(({account, pool}) => pool.monitor
      ? get('accounts/' + account + '/load_balancers/pools/' + pool.id + '/health').catch(() => null)
      : Promise.resolve(null)));
    const loadBalancers = [];
    zones.forEach((zone, i) => lbLists[i].forEach((lb) => loadBalancers.push({zone: zone, lb: lb})));
    loadBalancers.sort((a, b) => a.lb.name.localeCompare(b.lb.name));
    pools.forEach((entry, i) => { entry.health = healths[i]; });
    pools.sort((a, b) => a.pool.name.localeCompare(b.pool.name));
    return {status, loadBalancers, pools, traffic, events, loadedAt: Date.now()};
  }

  // ---- health, as the router sees it ------------------------------------------------------------------------------

  /** This node's pop_health entry for a pool, or null. */
  function ownView(entry) {
    const pops = entry.health && entry.health.pop_health;
    return pops ? pops[model.status.node.name] || null : null;
  }

  /** The origins of a pop_health view by origin name: {healthy, rtt, failure_reason, response_code, port}. */
  function originViews(view) {
    const byName = new Map();
    for (const item of (view && view.origins) || []) {
      for (const address of Object.keys(item)) {
        byName.set(item[address].name, Object.assign({address: address}, item[address]));
      }
    }
    return byName;
  }

  /** healthy | degraded | critical | unknown | unmonitored | disabled, by minimum_origins as the router counts. */
  function poolState(entry) {
    const pool = entry.pool;
    if (!pool.enabled) {
      return 'disabled';
    }
    if (!pool.monitor) {
      return 'unmonitored';
    }
    const views = originViews(ownView(entry));
    const enabled = pool.origins.filter((o) => o.enabled);
    const known = enabled.filter((o) => views.has(o.name) && views.get(o.name).failure_reason !== undefined);
    if (known.length === 0) {
      return 'unknown';
    }
    const healthy = enabled.filter((o) => views.has(o.name) && views.get(o.name).healthy).length;
    if (healthy < Math.max(1, pool.minimum_origins)) {
      return 'critical';
    }
    return healthy === enabled.length ? 'healthy' : 'degraded';
  }

  function usable(entry) {
    const state = entry ? poolState(entry) : 'disabled';
    return state === 'healthy' || state === 'degraded' || state === 'unmonitored';
  }

  /** Which pools serve the load balancer's default traffic now, and why. */
  function servingNow(lb, poolsById) {
    if (!lb.enabled) {
      return {ids: [], why: 'load balancer disabled'};
    }
    const candidates = lb.default_pools.filter((id) => usable(poolsById.get(id)));
    const spreads = ['random', 'least_outstanding_requests', 'least_connections'].includes(lb.steering_policy);
    if (candidates.length > 0) {
      return spreads ? {ids: candidates, why: lb.steering_policy}
        : {ids: [candidates[0]], why: 'first usable pool'};
    }
    const fallback = poolsById.get(lb.fallback_pool);
    if (fallback && fallback.pool.enabled) {
      return {ids: [lb.fallback_pool], why: 'fallback: no default pool usable'};
    }
    return {ids: [], why: 'nothing usable: clients get 530'};
  }

  /** The longest drain_duration of the proxied load balancers with session affinity that use the pool, in s. */
  function drainSeconds(poolId) {
    let longest = 0;
    for (const {lb} of model.loadBalancers) {
      const uses = lb.default_pools.includes(poolId) || lb.fallback_pool === poolId;
      const attributes = lb.session_affinity_attributes || {};
      if (uses && lb.session_affinity && lb.session_affinity !== 'none' && attributes.drain_duration) {
        longest = Math.max(longest, attributes.drain_duration);
      }
    }
    return longest;
  }

  // ---- rendering --------------------------------------------------------------------------------------------------

  function render(m) {
    const focused = document.activeElement && document.activeElement.dataset
      ? document.activeElement.dataset.edit : undefined;
    draw(m);
    byId('refreshed').textContent = 'updated ' + new Date().toLocaleTimeString() + ', every ' + refreshSeconds
        + ' s';
    // How many times the page was drawn: lets a script (or a test) wait for the next refresh.
    document.body.dataset.draws = String(Number(document.body.dataset.draws || 0) + 1);
    if (focused !== undefined) {
      const input = [...document.querySelectorAll('input.weight')].find((i) => i.dataset.edit === focused);
      if (input) {
        input.focus();
      }
    }
  }

  function draw(m) {
    const s = m.status;
    byId('node-status').textContent = 'version ' + s.version + ' \u00b7 node ' + s.node.name + ' \u00b7 up '
        + duration(s.uptime_seconds) + ' \u00b7 store revision ' + s.store.revision;
    const poolsById = new Map(m.pools.map((entry) => [entry.pool.id, entry]));
    const traffic = trafficIndex(m.traffic);
    renderLoadBalancers(m, poolsById, traffic);
    renderPools(m, traffic);
    renderTraffic(m);
    renderNodes(m);
    renderEvents(m);
    tickCountdowns();
  }

  function renderLoadBalancers(m, poolsById, traffic) {
    const body = byId('lbs').tBodies[0];
    const rows = m.loadBalancers.map(({zone, lb}) => {
      const serving = servingNow(lb, poolsById);
      const poolChips = el('td');
      lb.default_pools.forEach((id, i) => poolChips.append(poolChip(poolsById.get(id), id, (i + 1) + '. ')));
      if (lb.fallback_pool) {
        const chip = poolChip(poolsById.get(lb.fallback_pool), lb.fallback_pool, 'fallback: ');
        chip.classList.add('fallback');
        poolChips.append(chip);
      }
      const servingCell = el('td', 'lb-serving');
      serving.ids.forEach((id) => servingCell.append(poolChip(poolsById.get(id), id, '')));
      servingCell.append(el('div', 'muted', serving.why));
      const attributes = lb.session_affinity_attributes || {};
      const affinity = !lb.session_affinity || lb.session_affinity === 'none' ? 'none'
        : lb.session_affinity + ', ttl ' + (lb.session_affinity_ttl || 82800) + ' s'
          + (attributes.drain_duration ? ', drain ' + attributes.drain_duration + ' s' : '');
      const rules = (lb.rules || []).filter((r) => !r.disabled);
      const series = traffic.lbs.get(lb.id);
      const row = el('tr', 'lb', [
        el('td', 'lb-name', lb.name),
        el('td', null, zone.name),
        el('td', null, [badge(lb.enabled ? 'healthy' : 'disabled', lb.enabled ? 'enabled' : 'disabled')]),
        el('td', null, lb.steering_policy || 'off (failover)'),
        poolChips,
        servingCell,
        el('td', null, affinity),
        el('td', null, rules.length === 0 ? 'none' : rules.length + ': ' + rules.map((r) => r.name).join(', ')),
        el('td', null, series ? [spark(series.requests), el('div', 'muted', rate(last(series.requests)))] : '')
      ]);
      row.dataset.lbId = lb.id;
      return row;
    });
    body.replaceChildren(...(rows.length ? rows : [emptyRow(9, 'No load balancers yet.')]));
  }

  function poolChip(entry, id, prefix) {
    const state = entry ? poolState(entry) : 'unknown';
    const chip = el('span', 'chip ' + (usable(entry) ? 'healthy' : 'unhealthy'),
      prefix + (entry ? entry.pool.name : id));
    chip.title = state;
    return chip;
  }

  function renderPools(m, traffic) {
    const container = byId('pools');
    const sections = m.pools.map((entry) => {
      const pool = entry.pool;
      const state = poolState(entry);
      const views = originViews(ownView(entry));
      const series = traffic.pools.get(pool.id);
      const toggle = button(pool.enabled ? 'Disable pool' : 'Enable pool',
        pool.enabled ? 'disable-pool' : 'enable-pool',
        () => act(pool.enabled ? 'Disabled' : 'Enabled', 'pool ' + pool.name, entry,
          {enabled: !pool.enabled}));
      const shedding = pool.load_shedding && (pool.load_shedding.default_percent || pool.load_shedding.session_percent)
        ? 'shedding ' + pool.load_shedding.default_percent + '% new (' + pool.load_shedding.default_policy + '), '
          + pool.load_shedding.session_percent + '% sessions'
        : 'no load shedding';
      const head = el('div', 'pool-head', [
        el('h3', null, pool.name),
        badge(state, state === 'unmonitored' ? 'no monitor' : state),
        el('span', 'facts', 'minimum_origins ' + pool.minimum_origins + ' \u00b7 origin steering '
            + ((pool.origin_steering && pool.origin_steering.policy) || 'random') + ' \u00b7 ' + shedding),
        series ? spark(series.requests) : el('span'),
        series ? el('span', 'muted', rate(last(series.requests))) : el('span'),
        toggle
      ]);
      const table = el('table', 'origins', [el('thead', null, [el('tr', null, [
        'Origin', 'Address', 'Health', 'RTT', 'Failure reason', 'Last change', 'Weight', 'Traffic', ''
      ].map((text) => el('th', null, text)))])]);
      const tbody = el('tbody');
      pool.origins.forEach((origin, index) => tbody.append(originRow(entry, origin, index, views.get(origin.name),
        traffic.origins.get(pool.id + '\n' + origin.name))));
      table.append(tbody);
      const section = el('section', 'pool', [head, table]);
      section.dataset.poolId = pool.id;
      return section;
    });
    container.replaceChildren(...(sections.length ? sections : [el('p', 'muted', 'No pools yet.')]));
  }

  function originRow(entry, origin, index, view, series) {
    const pool = entry.pool;
    const health = el('td', 'origin-health');
    const drain = drainSeconds(pool.id);
    if (!origin.enabled) {
      const until = origin.disabled_at ? Date.parse(origin.disabled_at) + drain * 1000 : 0;
      if (until > Date.now()) {
        const badgeEl = badge('draining', 'draining');
        const countdown = el('span', 'countdown');
        countdown.dataset.until = String(until);
        health.append(badgeEl, ' ', countdown);
      } else {
        health.append(badge('disabled', 'disabled'));
      }
    } else if (!pool.monitor) {
      health.append(badge('unmonitored', 'not monitored'));
    } else if (!view || view.failure_reason === undefined) {
      health.append(badge('pending', 'no verdict yet'));
    } else {
      health.append(badge(view.healthy ? 'healthy' : 'unhealthy', view.healthy ? 'healthy' : 'unhealthy'));
    }
    const lastEvent = model.events.find((e) => e.pool.id === pool.id && e.origins[0].name === origin.name);
    const weight = el('input', 'weight');
    weight.type = 'number';
    weight.min = '0';
    weight.max = '1';
    weight.step = '0.01';
    const editKey = pool.id + '\n' + origin.name;
    weight.value = edits.has(editKey) ? edits.get(editKey) : String(origin.weight === undefined ? 1 : origin.weight);
    weight.dataset.edit = editKey;
    weight.setAttribute('aria-label', 'weight of ' + origin.name);
    weight.addEventListener('input', () => edits.set(editKey, weight.value));
    const setWeight = button('Set', 'set-weight', () => {
      const value = Number(weight.value);
      edits.delete(editKey);
      act('Set the weight of', 'origin ' + origin.name + ' to ' + weight.value, entry,
        {origins: changedOrigins(pool, index, {weight: weight.value.trim() === '' ? null : value})});
    });
    const actions = el('td');
    if (origin.enabled) {
      actions.append(button('Disable', 'disable-origin', () => act('Disabled', 'origin ' + origin.name, entry,
        {origins: changedOrigins(pool, index, {enabled: false})})));
      if (drain > 0) {
        actions.append(' ', button('Drain (' + drain + ' s)', 'drain-origin', () => act('Draining',
          'origin ' + origin.name + ' for ' + drain + ' s', entry,
          {origins: changedOrigins(pool, index, {enabled: false})})));
      }
    } else {
      actions.append(button('Enable', 'enable-origin', () => act('Enabled', 'origin ' + origin.name, entry,
        {origins: changedOrigins(pool, index, {enabled: true})})));
    }
    const trafficCell = el('td', null, series
      ? [spark(series.requests), el('div', 'muted', rate(last(series.requests)) + ', p99 ' + ms(last(series.p99_ms)))]
      : '');
    const row = el('tr', 'origin', [
      el('td', 'origin-name', origin.name),
      el('td', null, origin.address + (origin.port ? ':' + origin.port : '')),
      health,
      el('td', null, (view && view.rtt) || '\u2013'),
      el('td', 'origin-reason', (view && view.failure_reason) ? view.failure_reason
          + (view.response_code ? ' (' + view.response_code + ')' : '') : '\u2013'),
      el('td', null, lastEvent ? when(lastEvent.timestamp) : '\u2013'),
      el('td', null, [weight, ' ', setWeight]),
      trafficCell,
      actions
    ]);
    row.dataset.poolId = pool.id;
    row.dataset.origin = origin.name;
    return row;
  }

  /** The pool's origins as read, with one of them changed: a PATCH replaces the whole list. */
  function changedOrigins(pool, index, change) {
    return pool.origins.map((origin, i) => {
      const copy = Object.assign({}, origin);
      delete copy.disabled_at;
      return i === index ? Object.assign(copy, change) : copy;
    });
  }

  /** Sends one change through the API; the page shows what the API answered, a refusal with its message. */
  async function act(verb, what, entry, patch) {
    const notice = byId('notice');
    for (const b of document.querySelectorAll('button[data-action]')) {
      b.disabled = true;
    }
    try {
      await call('PATCH', 'accounts/' + entry.account + '/load_balancers/pools/' + entry.pool.id, patch);
      notice.className = '';
      notice.textContent = verb + ' ' + what + '.';
    } catch (e) {
      notice.className = 'error';
      notice.textContent = 'Refused: ' + e.message;
    }
    notice.hidden = false;
    await refresh();
  }

  function renderTraffic(m) {
    const body = byId('traffic').tBodies[0];
    const rows = [];
    const t = m.traffic;
    for (const lb of t.load_balancers) {
      rows.push(trafficRow('level-lb', lb.name, lb.series));
    }
    for (const pool of t.pools) {
      rows.push(trafficRow('level-pool', 'pool ' + pool.name, pool.series));
      for (const origin of pool.origins) {
        rows.push(trafficRow('level-origin', origin.name, origin.series));
      }
    }
    body.replaceChildren(...(rows.length ? rows : [emptyRow(8, 'Nothing configured yet.')]));
  }

  function trafficRow(level, name, series) {
    return el('tr', level, [
      el('td', null, name),
      el('td', null, spark(series.requests)),
      el('td', 'num', rate(last(series.requests))),
      el('td', 'num', rate(last(series.errors_52x))),
      el('td', 'num', rate(last(series.errors_5xx))),
      el('td', 'num', ms(last(series.p50_ms))),
      el('td', 'num', ms(last(series.p99_ms))),
      el('td', null, spark(series.p99_ms, 'latency'))
    ]);
  }

  /** Each node's view: the nodes are the PoPs that pool health reports (this node alone until clustered). */
  function renderNodes(m) {
    const views = new Map();
    views.set(m.status.node.name, {healthy: [], unhealthy: []});
    for (const entry of m.pools) {
      const pops = (entry.health && entry.health.pop_health) || {};
      for (const node of Object.keys(pops)) {
        if (!views.has(node)) {
          views.set(node, {healthy: [], unhealthy: []});
        }
        views.get(node)[pops[node].healthy ? 'healthy' : 'unhealthy'].push(entry.pool.name);
      }
    }
    const rows = [...views.entries()].map(([node, view]) => el('tr', 'node', [
      el('td', null, node),
      el('td', null, view.healthy.length + ' of ' + (view.healthy.length + view.unhealthy.length) + ' monitored'),
      el('td', null, view.unhealthy.length ? view.unhealthy.join(', ') : 'none'),
      el('td', 'muted', node === m.status.node.name ? 'this node (version ' + m.status.version + ')' : '')
    ]));
    byId('nodes').tBodies[0].replaceChildren(...rows);
  }

  function renderEvents(m) {
    const rows = m.events.slice(0, 50).map((e) => {
      const origin = e.origins[0];
      return el('tr', 'event', [
        el('td', null, when(e.timestamp)),
        el('td', null, e.pool.name),
        el('td', null, origin.name + ' (' + origin.address + ':' + origin.port + ')'),
        el('td', null, [badge(origin.healthy ? 'healthy' : 'unhealthy', origin.from + ' \u2192 ' + origin.to)]),
        el('td', null, origin.failure_reason + (origin.response_code ? ' (' + origin.response_code + ')' : ''))
      ]);
    });
    byId('events').tBodies[0].replaceChildren(...(rows.length ? rows
      : [emptyRow(5, 'No health transitions since this node started.')]));
  }

  function tickCountdowns() {
    for (const span of document.querySelectorAll('.countdown')) {
      const left = Math.max(0, Math.round((Number(span.dataset.until) - Date.now()) / 1000));
      span.textContent = Math.floor(left / 60) + ':' + String(left % 60).padStart(2, '0') + ' left';
    }
  }

  // ---- small helpers ----------------------------------------------------------------------------------------------

  function trafficIndex(t) {
    const index = {lbs: new Map(), pools: new Map(), origins: new Map()};
    for (const lb of t.load_balancers) {
      index.lbs.set(lb.id, lb.series);
    }
    for (const pool of t.pools) {
      index.pools.set(pool.id, pool.series);
      for (const origin of pool.origins) {
        index.origins.set(pool.id + '\n' + origin.name, origin.series);
      }
    }
    return index;
  }

  /** A sparkline of the values (nulls leave gaps), scaled to its own maximum. */
  function spark(values, kind) {
    const width = 120;
    const height = 24;
    const svg = document.createElementNS(SVG, 'svg');
    svg.setAttribute('class', 'spark' + (kind ? ' ' + kind : ''));
    svg.setAttribute('width', String(width));
    svg.setAttribute('height', String(height));
    svg.setAttribute('viewBox', '0 0 ' + width + ' ' + height);
    const base = document.createElementNS(SVG, 'line');
    base.setAttribute('x1', '0');
    base.setAttribute('x2', String(width));
    base.setAttribute('y1', String(height - 1));
    base.setAttribute('y2', String(height - 1));
    svg.append(base);
    const numbers = (values || []).filter((v) => v !== null);
    const max = Math.max(1e-9, ...numbers);
    const step = values && values.length > 1 ? width / (values.length - 1) : width;
    let points = [];
    const flush = () => {
      if (points.length > 0) {
        const line = document.createElementNS(SVG, 'polyline');
        line.setAttribute('points', (points.length === 1 ? points.concat(points) : points).join(' '));
        svg.append(line);
      }
      points = [];
    };
    (values || []).forEach((v, i) => {
      if (v === null) {
        flush();
      } else {
        points.push((i * step).toFixed(1) + ',' + (height - 1 - (v / max) * (height - 3)).toFixed(1));
      }
    });
    flush();
    return svg;
  }

  function last(values) {
    return values && values.length ? values[values.length - 1] : null;
  }

  function rate(value) {
    return value === null || value === undefined ? '\u2013' : (value < 10 ? value.toFixed(2) : value.toFixed(1))
      + '/s';
  }

  function ms(value) {
    return value === null || value === undefined ? '\u2013' : value.toFixed(value < 10 ? 2 : 0) + ' ms';
  }

  function when(timestamp) {
    const date = new Date(timestamp);
    const seconds = Math.max(0, Math.round((Date.now() - date.getTime()) / 1000));
    return date.toLocaleTimeString() + ' (' + duration(seconds) + ' ago)';
  }

  function duration(seconds) {
    if (seconds < 60) {
      return seconds + ' s';
    }
    if (seconds < 3600) {
      return Math.floor(seconds / 60) + ' min';
    }
    return Math.floor(seconds / 3600) + ' h ' + Math.floor((seconds % 3600) / 60) + ' min';
  }

  function badge(kind, text) {
    return el('span', 'badge ' + kind, text);
  }

  function button(text, action, onClick) {
    const b = el('button', null, text);
    b.type = 'button';
    b.dataset.action = action;
    b.addEventListener('click', onClick);
    return b;
  }

  function emptyRow(columns, text) {
    const cell = el('td', 'muted', text);
    cell.colSpan = columns;
    return el('tr', null, [cell]);
  }

  /** An element with a class and children (text or nodes); text is always text, never markup. */
  function el(tag, className, children) {
    const node = document.createElement(tag);
    if (className) {
      node.className = className;
    }
    if (typeof children === 'string') {
      node.textContent = children;
    } else if (Array.isArray(children)) {
      node.append(...children);
    } else if (children instanceof Node) {
      node.append(children);
    }
    return node;
  }

  function byId(id) {
    return document.getElementById(id);
  }
})();
