// The dashboard's client script (plain JS, no build step; ADR 0039). It signs in with Telegram's
// initData, keeps Telegram's theme, refreshes <main> on server-sent events, sends the controls'
// requests, and draws the charts with uPlot.
(function () {
  'use strict';
  var hash = new URLSearchParams(location.hash.slice(1));

  function tg() {
    return window.Telegram && window.Telegram.WebApp ? window.Telegram.WebApp : null;
  }

  function keepTheme() {
    var params = tg() && tg().themeParams && Object.keys(tg().themeParams).length ? tg().themeParams : null;
    var raw = hash.get('tgWebAppThemeParams');
    try {
      if (!params && raw) params = JSON.parse(raw);
    } catch (e) {
      params = null;
    }
    if (params) localStorage.setItem('conveyor-theme', JSON.stringify(params));
  }

  function initData() {
    return (tg() && tg().initData) || hash.get('tgWebAppData') || '';
  }

  /** Where to go once signed in: the task of a t.me `startapp` link, this page, or the board. */
  function target() {
    var start = new URLSearchParams(initData()).get('start_param') || hash.get('tgWebAppStartParam') || '';
    if (/^[A-Z][A-Z0-9_]{0,19}-[1-9][0-9]{0,8}$/.test(start)) return '/app/task/' + start;
    if (location.pathname === '/app' || location.pathname === '/app/') return '/app/board';
    return location.pathname + location.search;
  }

  function bootstrap() {
    keepTheme();
    fetch('/app/session', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ initData: initData() }), credentials: 'same-origin' })
      .then(function (res) {
        if (res.ok) return location.replace(target());
        // Without the fragment the 401 page's own script does not try again.
        history.replaceState(null, '', location.pathname + location.search);
        return res.text().then(function (text) {
          document.open();
          document.write(text);
          document.close();
        });
      });
  }

  function refresh() {
    var main = document.getElementById('live');
    if (!main) return;
    fetch(location.href, { headers: { 'X-Dashboard-Partial': '1' }, credentials: 'same-origin' }).then(function (res) {
      if (!res.ok) return;
      return res.text().then(function (text) {
        var kept = {};
        main.querySelectorAll('input[id]').forEach(function (input) {
          kept[input.id] = input.value;
        });
        main.innerHTML = text;
        Object.keys(kept).forEach(function (id) {
          var input = document.getElementById(id);
          if (input) input.value = kept[id];
        });
        drawCharts();
      });
    });
  }

  function live() {
    if (!window.EventSource || !document.getElementById('live')) return;
    var timer = null;
    var source = new EventSource('/app/events');
    source.addEventListener('hello', function () {
      document.documentElement.dataset.live = 'on';
    });
    source.addEventListener('change', function () {
      clearTimeout(timer);
      timer = setTimeout(refresh, 150);
    });
  }

  function act(button) {
    var reasonInput = button.dataset.reason ? document.getElementById(button.dataset.reason) : null;
    if (button.dataset.confirm && !window.confirm(button.dataset.confirm)) return;
    var out = document.getElementById('action-result');
    button.disabled = true;
    fetch(button.dataset.action, {
      method: 'POST',
      credentials: 'same-origin',
      headers: { 'content-type': 'application/json', 'X-Conveyor-Dashboard': '1' },
      body: JSON.stringify({ reason: reasonInput ? reasonInput.value : '' }),
    })
      .then(function (res) {
        return res.json();
      })
      .then(function (body) {
        if (out) out.textContent = body.message || '';
        button.disabled = false;
        refresh();
      });
  }

  document.addEventListener('click', function (event) {
    var button = event.target.closest && event.target.closest('button[data-action]');
    if (button) act(button);
  });

  function color(name, fallback) {
    return getComputedStyle(document.documentElement).getPropertyValue(name).trim() || fallback;
  }

  var PALETTE = ['#3b82f6', '#f59e0b', '#10b981', '#ef4444', '#8b5cf6', '#ec4899'];

  function chart(id, opts, data) {
    var el = document.getElementById(id);
    if (!el || !window.uPlot) return;
    el.innerHTML = '';
    var text = color('--text', '#222');
    var grid = color('--grid', '#8884');
    var axis = { stroke: text, grid: { stroke: grid, width: 1 }, ticks: { stroke: grid } };
    opts.width = Math.max(260, el.clientWidth || 320);
    opts.height = 200;
    opts.axes = [Object.assign({}, axis, opts.xAxis || {}), Object.assign({}, axis, opts.yAxis || {})];
    // The legend names the series; live values ("--" until touched) only clutter a phone.
    opts.legend = Object.assign({ live: false }, opts.legend || {});
    new window.uPlot(opts, data, el);
  }

  /** Bars and counts read against zero, in whole steps for counts. */
  var FROM_ZERO = { range: function (u, min, max) { return [0, max > 0 ? max * 1.1 : 1]; } };
  var WHOLE = { incrs: [1, 2, 5, 10, 20, 50, 100, 200, 500] };

  function categories(labels) {
    return { scales: { x: { time: false, range: [-0.5, labels.length - 0.5] }, y: FROM_ZERO }, xAxis: { values: function (u, splits) { return splits.map(function (i) { return labels[i] || ''; }); }, splits: labels.map(function (_, i) { return i; }) } };
  }

  function bars(id, labels, values, name, yAxis) {
    var cat = categories(labels);
    chart(id, { scales: cat.scales, xAxis: cat.xAxis, yAxis: yAxis, legend: { show: false }, series: [{}, { label: name, fill: PALETTE[0], stroke: PALETTE[0], paths: window.uPlot.paths.bars({ size: [0.6, 60] }), points: { show: false } }] }, [labels.map(function (_, i) { return i; }), values]);
  }

  function drawCharts() {
    var block = document.getElementById('chart-data');
    if (!block || !window.uPlot) return;
    var d = JSON.parse(block.textContent);
    var weeks = d.weeks;
    chart('chart-cycle', { scales: { y: FROM_ZERO }, series: [{}, { label: 'p50', stroke: PALETTE[0], width: 2 }, { label: 'p90', stroke: PALETTE[1], width: 2 }] }, [weeks, d.cycle.p50, d.cycle.p90]);
    // Stacked: each series is drawn as the running total, filled down to the previous one.
    var totals = weeks.map(function () { return 0; });
    var stacked = d.stageHours.map(function (s) {
      totals = totals.map(function (t, i) { return t + s.hours[i]; });
      return totals.slice();
    });
    var stageSeries = d.stageHours.map(function (s, i) { return { label: s.stage, stroke: PALETTE[i % PALETTE.length], fill: PALETTE[i % PALETTE.length] + '66' }; }).reverse();
    chart('chart-stages', { series: [{}].concat(stageSeries) }, [weeks].concat(stacked.slice().reverse()));
    bars('chart-rollbacks', d.rollbacksByStage.map(function (r) { return r.stage; }), d.rollbacksByStage.map(function (r) { return r.count; }), 'rollbacks', WHOLE);
    bars('chart-agents', d.agentHoursByRole.map(function (r) { return r.role; }), d.agentHoursByRole.map(function (r) { return r.hours; }), 'hours');
    chart('chart-escalations', { scales: { y: FROM_ZERO }, yAxis: WHOLE, series: [{}, { label: 'escalations', stroke: PALETTE[3], fill: PALETTE[3] + '55', paths: window.uPlot.paths.bars({ size: [0.6, 40] }) }] }, [weeks, d.escalations]);
    document.documentElement.dataset.charts = 'drawn';
  }

  function start() {
    if (document.getElementById('bootstrap')) return bootstrap();
    if (document.getElementById('unauthorized')) return initData() ? bootstrap() : undefined;
    live();
    drawCharts();
  }
  if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', start);
  else start();
})();
