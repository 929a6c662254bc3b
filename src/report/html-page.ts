// The HTML report's style and script, inlined into index.html so the page
// opens from disk with no network. The script reads the page's data (a JSON
// block, see html.ts), builds the summary, the failures and one section per
// board, and draws each board's timeline on a canvas: drawing costs what the
// visible pixels cost (trace lines are binned per pixel column, items found
// by binary search), so 100k lines stay fast. What a person acts on is DOM
// (steps as buttons, trace and events as virtualised lists), so it is
// reachable by keyboard and screen readers. Plain ES2020, no library.
// Kept free of backquotes and dollar-braces: it lives in a template string.

export const PAGE_STYLE = String.raw`
:root { --pass:#2e7d32; --fail:#c62828; --infra:#ef6c00; --skip:#9e9e9e; --fg:#1b1f24; --muted:#5f6b76; --line:#d8dee4; }
* { box-sizing: border-box; }
body { font: 14px/1.4 system-ui, -apple-system, "Segoe UI", sans-serif; color: var(--fg); margin: 0; background: #f6f8fa; }
header, main > section { background: #fff; border-bottom: 1px solid var(--line); padding: 10px 18px; }
h1 { font-size: 18px; margin: 0 0 4px; } h2 { font-size: 16px; margin: 4px 0 8px; } h3 { font-size: 14px; margin: 10px 0 4px; }
.muted { color: var(--muted); }
.counts span { display: inline-block; margin-right: 14px; font-weight: 600; }
.st-pass { color: var(--pass); } .st-fail { color: var(--fail); } .st-infra { color: var(--infra); } .st-skip { color: var(--skip); }
.badge { display: inline-block; padding: 0 6px; border-radius: 3px; color: #fff; font-size: 12px; font-weight: 600; text-transform: uppercase; }
.badge.pass { background: var(--pass); } .badge.fail { background: var(--fail); } .badge.infra { background: var(--infra); } .badge.skip { background: var(--skip); }
.failure { border-left: 4px solid var(--fail); padding: 4px 10px; margin: 8px 0; background: #fff7f7; }
.failure.infra { border-color: var(--infra); background: #fffaf3; }
.diag { white-space: pre-wrap; margin: 4px 0; }
pre { background: #f3f4f6; padding: 6px 8px; overflow: auto; max-height: 220px; margin: 4px 0; font: 12px/1.35 ui-monospace, Menlo, Consolas, monospace; }
table { border-collapse: collapse; font-size: 12px; margin: 4px 0; } td, th { border: 1px solid var(--line); padding: 2px 6px; text-align: left; vertical-align: top; }
button.link { background: none; border: 0; color: #0b57d0; cursor: pointer; padding: 0; font: inherit; text-decoration: underline; }
.board { padding-bottom: 14px; }
.tl-wrap { position: relative; border: 1px solid var(--line); background: #fff; }
canvas.tl { display: block; width: 100%; cursor: crosshair; }
.tl-tools { margin: 4px 0; font-size: 12px; } .tl-tools button { font-size: 12px; }
.cols { display: grid; grid-template-columns: minmax(260px, 1fr) minmax(320px, 1.4fr); gap: 10px; margin-top: 8px; }
ol.steps { margin: 0; padding-left: 30px; max-height: 260px; overflow: auto; } ol.steps li { margin: 1px 0; }
ol.steps button { display: block; width: 100%; background: none; border: 0; padding: 0; font: inherit; cursor: pointer; text-align: left; color: inherit; }
ol.steps button[aria-pressed="true"] { font-weight: 700; text-decoration: underline; }
.details { border: 1px solid var(--line); padding: 6px 8px; min-height: 60px; background: #fcfcfd; }
.vlist { position: relative; height: 240px; overflow: auto; border: 1px solid var(--line); font: 12px/16px ui-monospace, Menlo, Consolas, monospace; background: #fff; }
.vlist .row { position: absolute; left: 0; right: 0; height: 16px; white-space: pre; padding: 0 4px; cursor: pointer; overflow: hidden; text-overflow: ellipsis; }
.vlist .row:hover { background: #eef3fb; } .vlist .row.sel { background: #fff3bf; } .vlist .row.mark { border-left: 3px solid #7b1fa2; }
.vlist .t { color: var(--muted); }
.neighbours { margin-top: 4px; }
.legend span { display: inline-block; margin-right: 10px; font-size: 12px; } .legend i { display: inline-block; width: 10px; height: 10px; margin-right: 3px; vertical-align: -1px; }
`;

export const PAGE_SCRIPT = String.raw`
(function () {
  'use strict';
  var scriptStart = performance.now();
  var data = JSON.parse(document.getElementById('rig-data').textContent);
  var parsedAt = performance.now();
  var COLORS = { pass: '#2e7d32', fail: '#c62828', infra: '#ef6c00', skip: '#9e9e9e' };
  var MODE_COLORS = { normal: '#90caf9', safe: '#ffb74d', dfu: '#ba68c8', listening: '#81c784', absent: '#e0e0e0' };
  var LANES = ['steps', 'usb', 'transfers', 'resets & faults', 'events', 'trace'];
  var LANE_H = 26, LABEL_W = 110, AXIS_H = 18;

  function el(tag, attrs, kids) {
    var e = document.createElement(tag);
    if (attrs) for (var k in attrs) {
      if (k === 'text') e.textContent = attrs[k];
      else if (k === 'cls') e.className = attrs[k];
      else if (k.slice(0, 2) === 'on') e.addEventListener(k.slice(2), attrs[k]);
      else e.setAttribute(k, attrs[k]);
    }
    (kids || []).forEach(function (c) { if (c != null) e.appendChild(typeof c === 'string' ? document.createTextNode(c) : c); });
    return e;
  }
  function secs(ms) { return (ms / 1000).toFixed(ms < 10000 ? 2 : 1) + ' s'; }
  function badge(st) { return el('span', { cls: 'badge ' + st, text: st }); }
  function lowerBound(arr, x) { var lo = 0, hi = arr.length; while (lo < hi) { var m = (lo + hi) >> 1; if (arr[m] < x) lo = m + 1; else hi = m; } return lo; }
  function count(n, word) { return n + ' ' + word + (n === 1 ? '' : 's'); }
  function jsonText(v) { return typeof v === 'string' ? v : JSON.stringify(v, null, 2); }

  // ---- summary and failures: what a person reads first ----
  var root = document.getElementById('rig');
  var run = data.run;
  var head = el('header', null, [
    el('h1', { text: 'particle-rig run ' + run.runId }),
    el('div', { cls: 'muted', text: run.bench + ' on ' + run.host + ' · ' + run.startedAt + ' · ' + secs(run.durationMs) + ' · plans: ' + run.plans.join(', ') }),
  ]);
  var counts = el('div', { cls: 'counts' }, [
    el('span', { text: count(run.boards.total, 'job') + ' on ' + count(data.boards.length, 'board') }),
    el('span', { cls: 'st-pass', text: run.boards.pass + ' passed' }),
    el('span', { cls: 'st-fail', text: run.boards.fail + ' failed' }),
    el('span', { cls: 'st-infra', text: run.boards.infra + ' infrastructure' }),
    el('span', { cls: 'st-skip', text: run.boards.skip + ' skipped' }),
  ]);
  head.appendChild(counts);
  if (run.bailOut) head.appendChild(el('div', { cls: 'st-infra', text: 'run cut short: ' + run.bailOut }));
  head.appendChild(el('div', { id: 'changes', text: 'since the previous runs: ' + (run.changes || 'no history') }));
  if (run.unhealthy.length) head.appendChild(el('div', { id: 'unhealthy', cls: 'st-infra', text: 'unhealthy boards: ' + run.unhealthy.map(function (h) { return h.name + ' (' + h.reason + ')'; }).join('; ') }));
  root.appendChild(head);

  var main = el('main');
  root.appendChild(main);
  var boardViews = {};
  var fails = el('section', { id: 'failures' }, [el('h2', { text: data.failures.length ? 'Failures' : 'No failures' })]);
  var firstMarked = false;
  data.failures.forEach(function (f) {
    var box = el('div', { cls: 'failure ' + f.status });
    box.appendChild(el('h3', null, [badge(f.status), ' ' + f.board + ' · ' + f.plan]));
    if (f.changes) box.appendChild(el('div', { cls: 'muted', text: f.changes }));
    if (f.diagnosis) box.appendChild(el('div', { cls: 'diag', text: f.diagnosis }));
    f.steps.forEach(function (s) {
      var item = el('div', { cls: 'failed-step' });
      if (!firstMarked) { item.setAttribute('data-first-failure', ''); firstMarked = true; }
      item.appendChild(el('div', null, [badge(s.status), ' ', el('strong', { text: s.name }), ' ',
        el('button', { cls: 'link', text: 'on the timeline', onclick: function () { var v = boardViews[f.board]; if (v) { v.select(s.stepId, true); v.section.scrollIntoView(); } } })]));
      if (s.diagnosis) item.appendChild(el('div', { cls: 'diag', text: s.diagnosis }));
      if (s.expected !== undefined || s.actual !== undefined) {
        item.appendChild(el('table', null, [el('tr', null, [el('th', { text: 'expected' }), el('td', null, [el('pre', { text: jsonText(s.expected) })])]),
          el('tr', null, [el('th', { text: 'actual' }), el('td', null, [el('pre', { text: jsonText(s.actual) })])])]));
      }
      if (s.logExcerpt && s.logExcerpt.length) item.appendChild(el('details', null, [el('summary', { text: 'last trace lines' }), el('pre', { text: s.logExcerpt.join('\n') })]));
      box.appendChild(item);
    });
    if (f.updates.length) box.appendChild(updatesTable(f.updates));
    fails.appendChild(box);
  });
  main.appendChild(fails);

  function updatesTable(rows) {
    var cols = ['step', 'firmware', 'via', 'from', 'verdict', 'claims', 'running', 'mode', 'transfer'];
    var t = el('table', { cls: 'updates' }, [el('tr', null, cols.map(function (c) { return el('th', { text: c }); }))]);
    rows.forEach(function (r) {
      t.appendChild(el('tr', null, [r.step, r.firmware, r.via, r.from || '', r.verdict, r.claims.join('; '), r.running || 'no app', r.mode || '',
        r.transferMs == null ? '' : secs(r.transferMs)].map(function (v) { return el('td', { text: String(v) }); })));
    });
    return t;
  }

  // ---- a virtualised list: only the rows in view are in the DOM ----
  function VirtualList(count, rowText, onPick, label) {
    var box = el('div', { cls: 'vlist', role: 'listbox', tabindex: '0', 'aria-label': label, 'aria-rowcount': String(count) });
    var spacer = el('div', { style: 'height:' + count * 16 + 'px' });
    box.appendChild(spacer);
    var shown = [], selected = -1, marks = {};
    function render() {
      var first = Math.max(0, Math.floor(box.scrollTop / 16) - 5), last = Math.min(count, first + Math.ceil((box.clientHeight || 240) / 16) + 10);
      shown.forEach(function (r) { r.remove(); });
      shown = [];
      for (var i = first; i < last; i++) {
        var r = el('div', { cls: 'row' + (i === selected ? ' sel' : '') + (marks[i] ? ' mark' : ''), role: 'option', 'data-index': String(i), style: 'top:' + i * 16 + 'px' });
        rowText(i, r);
        (function (k) { r.addEventListener('click', function () { onPick(k); }); })(i);
        shown.push(r);
        box.appendChild(r);
      }
    }
    box.addEventListener('scroll', render);
    box.addEventListener('keydown', function (e) {
      if (e.key === 'ArrowDown' && selected < count - 1) { onPick(selected + 1); e.preventDefault(); }
      if (e.key === 'ArrowUp' && selected > 0) { onPick(selected - 1); e.preventDefault(); }
    });
    return {
      box: box, render: render,
      mark: function (i) { marks[i] = true; },
      select: function (i) {
        selected = i;
        var top = i * 16;
        if (top < box.scrollTop || top > box.scrollTop + box.clientHeight - 16) box.scrollTop = Math.max(0, top - box.clientHeight / 2);
        render();
      },
    };
  }

  // ---- one section per board ----
  var boardsSection = el('section', { id: 'boards' }, [el('h2', { text: 'Timelines' })]);
  main.appendChild(boardsSection);
  var drawQueue = [];
  var runSpan = Math.max.apply(null, [1].concat(data.boards.map(function (b) { return b.span; })));
  data.boards.forEach(function (b, n) { boardViews[b.name] = boardView(b, n); });

  // A board's section is built from its own data block when it is first needed (in view, or a
  // failure's link to it): a big run's page is ready once what is in view is drawn.
  function boardView(meta, n) {
    var c = meta.counts;
    var section = el('section', { cls: 'board', id: 'board-' + meta.name, 'data-board': meta.name,
      'data-steps': String(c.steps), 'data-modes': String(c.modes), 'data-boots': String(c.boots),
      'data-events': String(c.events), 'data-trace': String(c.trace), 'data-matches': String(c.matches) });
    section.appendChild(el('h2', null, [badge(meta.status), ' ' + meta.name + ' ', el('span', { cls: 'muted', text: meta.platform + ' · ' + meta.id + ' · ' + meta.jobs.join(', ') })]));
    var body = el('div', { cls: 'board-body', style: 'min-height: 640px' });
    section.appendChild(body);
    boardsSection.appendChild(section);
    var built = null;
    function ensure() {
      if (!built) {
        built = buildBoard(JSON.parse(document.getElementById('rig-board-' + n).textContent), section, body);
        body.style.minHeight = '';
        section.setAttribute('data-built', '');
      }
      return built;
    }
    var api = {
      section: section, built: function () { return !!built; },
      select: function (id, zoomTo) { ensure().select(id, zoomTo); },
      draw: function () { ensure().draw(); },
      redraw: function () { if (built) built.redraw(); },
      pickLine: function (i) { ensure().pickLine(i); },
    };
    drawQueue.push({ section: section, api: api });
    return api;
  }

  function buildBoard(b, section, body) {
    // Every board opens on the same span, the run's, so boards line up on the one clock.
    var t0 = 0, t1 = runSpan;
    var view = { from: t0, to: t1 };
    var tools = el('div', { cls: 'tl-tools' }, [
      el('button', { text: 'zoom in', onclick: function () { zoom(0.5, 0.5); } }), ' ',
      el('button', { text: 'zoom out', onclick: function () { zoom(2, 0.5); } }), ' ',
      el('button', { text: 'whole run', onclick: function () { view.from = t0; view.to = t1; draw(); } }), ' ',
      el('span', { cls: 'muted', text: 'wheel: zoom · drag: pan · click a step, an event or the trace' }),
    ]);
    body.appendChild(tools);
    var legend = el('div', { cls: 'legend' });
    Object.keys(MODE_COLORS).forEach(function (m) { legend.appendChild(el('span', null, [el('i', { style: 'background:' + MODE_COLORS[m] }), m])); });
    legend.appendChild(el('span', null, [el('i', { style: 'background:#7b1fa2' }), 'matched by an expectation']));
    body.appendChild(legend);
    var canvas = el('canvas', { cls: 'tl', role: 'img', 'aria-label': 'timeline of ' + b.name + ': ' + b.steps.length + ' steps, ' + b.events.t.length + ' cloud events, ' + b.log.t.length + ' trace lines; the step list and the lists below hold the same' });
    var wrap = el('div', { cls: 'tl-wrap' }, [canvas]);
    body.appendChild(wrap);
    var details = el('div', { cls: 'details', 'aria-live': 'polite' }, [el('span', { cls: 'muted', text: 'Click a step for its details.' })]);
    var stepList = el('ol', { cls: 'steps', 'aria-label': 'steps of ' + b.name });
    var stepButtons = {};
    b.steps.forEach(function (s) {
      var btn = el('button', { 'aria-pressed': 'false', 'data-step-id': String(s.id), onclick: function () { select(s.id, true); } }, [badge(s.status), ' ' + s.name + (s.startedAt == null ? '' : ' (' + secs(s.end - s.t) + ')')]);
      btn.style.marginLeft = s.depth * 14 + 'px';
      stepButtons[s.id] = btn;
      stepList.appendChild(el('li', null, [btn]));
    });
    var traceInfo = el('div', { cls: 'neighbours' });
    var traceList = VirtualList(b.log.t.length, function (i, row) {
      row.appendChild(el('span', { cls: 't', text: secs(b.log.t[i]) + ' ' }));
      row.appendChild(document.createTextNode(b.log.x[i]));
    }, pickLine, 'trace lines of ' + b.name);
    var eventList = VirtualList(b.events.t.length, function (i, row) {
      row.appendChild(el('span', { cls: 't', text: secs(b.events.t[i]) + ' ' }));
      row.appendChild(document.createTextNode(b.events.name[i] + ' ' + JSON.stringify(b.events.data[i])));
    }, pickEvent, 'cloud events of ' + b.name);
    eventList.box.style.height = '120px';
    b.marks.forEach(function (m) { if (m.kind === 'match') (m.stream === 'log' ? traceList : eventList).mark(m.index); });
    body.appendChild(el('div', { cls: 'cols' }, [
      el('div', null, [el('h3', { text: 'Steps' }), stepList, el('h3', { text: 'Step' }), details]),
      el('div', null, [el('h3', { text: 'Trace (' + b.log.t.length + ' lines)' }), traceList.box, traceInfo, el('h3', { text: 'Cloud events (' + b.events.t.length + ')' }), eventList.box]),
    ]));

    var selectedStep = -1, cursorT = null;
    function select(id, zoomTo) {
      var s = b.steps.filter(function (x) { return x.id === id; })[0];
      if (!s) return;
      if (stepButtons[selectedStep]) stepButtons[selectedStep].setAttribute('aria-pressed', 'false');
      selectedStep = id;
      stepButtons[id].setAttribute('aria-pressed', 'true');
      details.textContent = '';
      details.setAttribute('data-step-id', String(id));
      details.appendChild(el('div', null, [badge(s.status), ' ', el('strong', { text: s.name }), el('span', { cls: 'muted', text: ' · ' + s.plan + (s.startedAt == null ? ' · not run' : ' · from ' + secs(s.t) + ' for ' + secs(s.end - s.t)) })]));
      if (s.diagnosis) details.appendChild(el('div', { cls: 'diag step-diagnosis', text: s.diagnosis }));
      if (s.expected !== undefined) details.appendChild(el('div', null, ['expected: ', el('code', { text: jsonText(s.expected) })]));
      if (s.actual !== undefined) details.appendChild(el('div', null, ['actual: ', el('code', { text: jsonText(s.actual) })]));
      if (s.details) details.appendChild(el('details', null, [el('summary', { text: 'details' }), el('pre', { text: JSON.stringify(s.details, null, 2) })]));
      if (zoomTo && s.startedAt != null) {
        var pad = Math.max(200, (s.end - s.t) * 0.3);
        view.from = Math.max(t0, s.t - pad); view.to = Math.min(t1, s.end + pad);
        if (view.to - view.from < 50) view.to = view.from + 50;
      }
      draw();
    }
    function pickLine(i) {
      traceList.select(i);
      cursorT = b.log.t[i];
      traceInfo.textContent = '';
      var from = Math.max(0, i - 8), to = Math.min(b.log.t.length, i + 9), lines = [];
      for (var k = from; k < to; k++) lines.push((k === i ? '> ' : '  ') + '#' + k + ' ' + secs(b.log.t[k]) + (b.log.ms[k] == null ? '' : ' [' + b.log.ms[k] + ' ms]') + ' ' + b.log.x[k]);
      traceInfo.appendChild(el('pre', { cls: 'trace-neighbours', text: lines.join('\n') }));
      if (cursorT < view.from || cursorT > view.to) { var w = view.to - view.from; view.from = Math.max(t0, cursorT - w / 2); view.to = view.from + w; }
      draw();
    }
    function pickEvent(i) {
      eventList.select(i);
      cursorT = b.events.t[i];
      traceInfo.textContent = '';
      // Numbered by its row, as trace lines are: a board with several captures (a lab run's jobs) numbers each capture's events from 0.
      traceInfo.appendChild(el('pre', { cls: 'event-picked', text: 'event #' + i + ' at ' + secs(cursorT) + ': ' + b.events.name[i] + ' ' + JSON.stringify(b.events.data[i]) }));
      draw();
    }

    // ---- drawing ----
    var ctx = canvas.getContext('2d');
    var height = AXIS_H + LANES.length * LANE_H + 4, width = 0, dpr = window.devicePixelRatio || 1, visible = false;
    canvas.style.height = height + 'px';
    function xOf(t) { return LABEL_W + (t - view.from) / (view.to - view.from) * (width - LABEL_W - 6); }
    function tOf(x) { return view.from + (x - LABEL_W) / (width - LABEL_W - 6) * (view.to - view.from); }
    function laneY(n) { return AXIS_H + n * LANE_H; }
    function draw() {
      if (!visible) return;
      width = canvas.clientWidth || 900;
      if (canvas.width !== Math.round(width * dpr)) { canvas.width = Math.round(width * dpr); canvas.height = Math.round(height * dpr); }
      ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
      ctx.clearRect(0, 0, width, height);
      ctx.font = '11px system-ui, sans-serif';
      ctx.textBaseline = 'middle';
      // lanes and labels
      LANES.forEach(function (name, n) {
        ctx.fillStyle = n % 2 ? '#fafbfc' : '#fff';
        ctx.fillRect(0, laneY(n), width, LANE_H);
        ctx.fillStyle = '#5f6b76';
        ctx.fillText(name, 4, laneY(n) + LANE_H / 2);
      });
      // time axis
      var span = view.to - view.from, step = Math.pow(10, Math.floor(Math.log10(span / 6)));
      if (span / step > 12) step *= 5; else if (span / step > 6) step *= 2;
      ctx.fillStyle = '#5f6b76'; ctx.strokeStyle = '#eceff1';
      for (var g = Math.ceil(view.from / step) * step; g <= view.to; g += step) {
        var gx = xOf(g);
        ctx.beginPath(); ctx.moveTo(gx, AXIS_H); ctx.lineTo(gx, height); ctx.stroke();
        ctx.fillText(secs(g), gx + 2, AXIS_H / 2);
      }
      ctx.save();
      ctx.beginPath(); ctx.rect(LABEL_W, 0, width - LABEL_W, height); ctx.clip();
      // Labels that would overlap the previous one in their lane are left out (zoom in to read them).
      var labelEnd = {};
      function label(text, x, y, lane) {
        if (x < (labelEnd[lane] || -1e9)) return;
        ctx.fillText(text, x, y);
        labelEnd[lane] = x + ctx.measureText(text).width + 6;
      }
      // steps
      b.steps.forEach(function (s) {
        if (s.startedAt == null || s.end < view.from || s.t > view.to) return;
        var x0 = xOf(s.t), x1 = Math.max(x0 + 2, xOf(s.end)), y = laneY(0) + 3 + s.depth * 4;
        ctx.fillStyle = COLORS[s.status] || '#999';
        ctx.globalAlpha = s.depth ? 0.6 : 1;
        ctx.fillRect(x0, y, x1 - x0, LANE_H - 6 - s.depth * 4);
        ctx.globalAlpha = 1;
        if (s.id === selectedStep) { ctx.strokeStyle = '#000'; ctx.lineWidth = 2; ctx.strokeRect(x0, y, x1 - x0, LANE_H - 6); ctx.lineWidth = 1; }
        if (x1 - x0 > 40 && !s.depth) { ctx.fillStyle = '#fff'; ctx.fillText(s.name.slice(0, Math.floor((x1 - x0) / 6)), x0 + 3, laneY(0) + LANE_H / 2); }
      });
      // usb: modes as bands, boots as ticks
      var modes = b.marks.filter(function (m) { return m.kind === 'mode'; });
      modes.forEach(function (m, i) {
        var end = i + 1 < modes.length ? modes[i + 1].t : t1;
        if (end < view.from || m.t > view.to) return;
        ctx.fillStyle = MODE_COLORS[m.mode] || '#ccc';
        var x0 = xOf(m.t), x1 = xOf(end);
        ctx.fillRect(x0, laneY(1) + 5, Math.max(1, x1 - x0), LANE_H - 10);
        if (x1 - x0 > 40) { ctx.fillStyle = '#1b1f24'; ctx.fillText(m.mode, x0 + 3, laneY(1) + LANE_H / 2 + 4); }
      });
      b.marks.forEach(function (m) {
        if (m.t < view.from || m.t > view.to) return;
        var x = xOf(m.t);
        if (m.kind === 'boot') {
          ctx.strokeStyle = '#0d47a1'; ctx.lineWidth = 2; ctx.beginPath(); ctx.moveTo(x, laneY(1) + 1); ctx.lineTo(x, laneY(1) + LANE_H - 1); ctx.stroke(); ctx.lineWidth = 1;
          ctx.fillStyle = '#0d47a1'; label('boot ' + m.number + ' ' + m.why, x + 3, laneY(1) + 6, 'boot');
        } else if (m.kind === 'reset' || m.kind === 'fault') {
          ctx.fillStyle = m.kind === 'fault' ? '#b71c1c' : '#e65100';
          var y = laneY(3) + LANE_H / 2;
          ctx.beginPath(); ctx.moveTo(x, y - 6); ctx.lineTo(x + 5, y); ctx.lineTo(x, y + 6); ctx.lineTo(x - 5, y); ctx.fill();
          label(m.kind === 'fault' ? m.what : 'reset: ' + m.reason, x + 7, y, 'reset');
        }
      });
      // transfers with progress
      b.marks.forEach(function (m) {
        if (m.kind !== 'transfer' || m.end < view.from || m.t > view.to) return;
        var x0 = xOf(m.t), x1 = Math.max(x0 + 2, xOf(m.end)), y = laneY(2) + 4, h = LANE_H - 8;
        ctx.fillStyle = '#e3f2fd'; ctx.fillRect(x0, y, x1 - x0, h);
        ctx.strokeStyle = '#1565c0'; ctx.strokeRect(x0, y, x1 - x0, h);
        if (m.progress.length) {
          ctx.beginPath(); ctx.moveTo(x0, y + h);
          m.progress.forEach(function (p) { ctx.lineTo(xOf(p[0]), y + h - p[1] / 100 * h); });
          ctx.stroke();
        }
        ctx.fillStyle = '#0d47a1'; label(m.via + ' ' + m.firmware + (m.verdict ? ': ' + m.verdict : ''), x0 + 3, y + h / 2, 'transfer');
      });
      // events and trace: per pixel column counts, so cost follows the width, not the count
      density(b.events.t, laneY(4), '#00897b');
      density(b.log.t, laneY(5), '#455a64');
      // the items expectations matched
      b.marks.forEach(function (m) {
        if (m.kind !== 'match' || m.t < view.from || m.t > view.to) return;
        var x = xOf(m.t), y = laneY(m.stream === 'log' ? 5 : 4);
        ctx.fillStyle = '#7b1fa2';
        ctx.beginPath(); ctx.moveTo(x - 5, y); ctx.lineTo(x + 5, y); ctx.lineTo(x, y + 8); ctx.fill();
      });
      if (cursorT != null && cursorT >= view.from && cursorT <= view.to) {
        ctx.strokeStyle = '#f9a825'; ctx.lineWidth = 2; ctx.beginPath(); ctx.moveTo(xOf(cursorT), AXIS_H); ctx.lineTo(xOf(cursorT), height); ctx.stroke(); ctx.lineWidth = 1;
      }
      ctx.restore();
    }
    function density(ts, y, color) {
      var from = lowerBound(ts, view.from), to = lowerBound(ts, view.to + 1e-9);
      var cols = Math.max(1, Math.floor(width - LABEL_W)), bins = new Uint32Array(cols), max = 0;
      for (var i = from; i < to; i++) {
        var c = Math.min(cols - 1, Math.max(0, Math.floor(xOf(ts[i]) - LABEL_W)));
        if (++bins[c] > max) max = bins[c];
      }
      ctx.fillStyle = color;
      for (var c2 = 0; c2 < cols; c2++) {
        if (!bins[c2]) continue;
        var h = 4 + (LANE_H - 8) * Math.log(1 + bins[c2]) / Math.log(1 + max);
        ctx.fillRect(LABEL_W + c2, y + LANE_H - 2 - h, 1, h);
      }
    }
    function zoom(factor, at) {
      var center = view.from + (view.to - view.from) * at, w = Math.max(20, (view.to - view.from) * factor);
      view.from = Math.max(t0 - w, center - w * at); view.to = view.from + w;
      draw();
    }
    canvas.addEventListener('wheel', function (e) {
      e.preventDefault();
      var r = canvas.getBoundingClientRect(), at = Math.min(1, Math.max(0, (e.clientX - r.left - LABEL_W) / (r.width - LABEL_W - 6)));
      zoom(e.deltaY > 0 ? 1.25 : 0.8, at);
    }, { passive: false });
    var drag = null;
    canvas.addEventListener('mousedown', function (e) { drag = { x: e.clientX, from: view.from, to: view.to, moved: false }; });
    window.addEventListener('mousemove', function (e) {
      if (!drag) return;
      var dx = e.clientX - drag.x;
      if (Math.abs(dx) > 3) drag.moved = true;
      if (!drag.moved) return;
      var dt = dx / (width - LABEL_W - 6) * (drag.to - drag.from);
      view.from = drag.from - dt; view.to = drag.to - dt; draw();
    });
    window.addEventListener('mouseup', function (e) {
      if (!drag) return;
      var moved = drag.moved; drag = null;
      if (!moved) clickAt(e);
    });
    function clickAt(e) {
      var r = canvas.getBoundingClientRect(), x = e.clientX - r.left, y = e.clientY - r.top;
      if (x < LABEL_W) return;
      var lane = Math.floor((y - AXIS_H) / LANE_H), t = tOf(x), tol = 4 / (width - LABEL_W) * (view.to - view.from);
      if (lane === 0) {
        var hit = b.steps.filter(function (s) { return s.startedAt != null && t >= s.t - tol && t <= s.end + tol; });
        if (hit.length) select(hit[hit.length - 1].id, false);
      } else if (lane === 5 || lane === 4) {
        var ts = lane === 5 ? b.log.t : b.events.t;
        if (!ts.length) return;
        var i = lowerBound(ts, t);
        if (i >= ts.length || (i > 0 && t - ts[i - 1] < ts[i] - t)) i--;
        if (lane === 5) pickLine(i); else pickEvent(i);
      }
    }
    return { select: select, redraw: function () { draw(); }, draw: function () { visible = true; draw(); traceList.render(); eventList.render(); }, pickLine: pickLine };
  }

  // Draw a board's timeline when it comes into view; those in view now before the page says it is ready.
  function inView(s) { var r = s.getBoundingClientRect(); return r.top < window.innerHeight && r.bottom > 0; }
  var pending = drawQueue.filter(function (d) { if (inView(d.section)) { d.api.draw(); return false; } return true; });
  if ('IntersectionObserver' in window) {
    var io = new IntersectionObserver(function (entries) {
      entries.forEach(function (en) {
        if (!en.isIntersecting) return;
        var d = drawQueue.filter(function (q) { return q.section === en.target; })[0];
        if (d) { d.api.draw(); io.unobserve(en.target); }
      });
    });
    pending.forEach(function (d) { io.observe(d.section); });
  } else pending.forEach(function (d) { d.api.draw(); });
  window.addEventListener('resize', function () { drawQueue.forEach(function (d) { d.api.redraw(); }); });
  window.rigBoards = boardViews;
  performance.mark('rig-ready');
  window.rigReadyMs = performance.now();
  // Where the time to interactive went, for npm run bench: the page's own load, parsing its data, building and drawing.
  window.rigTimings = { scriptStart: scriptStart, parse: parsedAt - scriptStart, build: window.rigReadyMs - parsedAt };
  document.body.setAttribute('data-ready', String(Math.round(window.rigReadyMs)));
})();
`;
