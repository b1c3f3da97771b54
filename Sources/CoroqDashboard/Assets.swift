/// The dashboard's only style sheet and script, hand-written and served by the daemon (`/assets/…`): no
/// build step, nothing third-party.
enum Assets {
    static let css = """
    :root { --fg:#1d2430; --muted:#667085; --line:#e4e7ec; --bg:#f8f9fb; --accent:#2f6fed;
            --ok:#12805c; --bad:#c0362c; --warn:#b54708; --run:#2f6fed; }
    * { box-sizing: border-box; }
    body { margin:0; font:14px/1.45 system-ui, -apple-system, "Segoe UI", sans-serif; color:var(--fg); background:var(--bg); }
    header { display:flex; gap:1.5rem; align-items:center; padding:.6rem 1.2rem; background:#111827; color:#fff; }
    header a { color:#d0d5dd; text-decoration:none; } header a.here, header a:hover { color:#fff; }
    header .brand { font-weight:700; color:#fff; margin-right:1rem; }
    header .live { margin-left:auto; font-size:12px; color:#98a2b3; }
    header .live.on::before { content:"●"; color:#32d583; margin-right:.3rem; }
    main, .panel-wrap { padding:1rem 1.2rem; }
    h1 { font-size:20px; margin:.2rem 0 1rem; } h2 { font-size:15px; margin:1.2rem 0 .5rem; }
    .cards { display:flex; flex-wrap:wrap; gap:.6rem; }
    .card { background:#fff; border:1px solid var(--line); border-radius:8px; padding:.6rem .9rem; min-width:7.5rem; }
    .card .n { font-size:22px; font-weight:650; } .card .k { color:var(--muted); font-size:12px; text-transform:uppercase; }
    table { border-collapse:collapse; width:100%; background:#fff; border:1px solid var(--line); border-radius:8px; }
    th, td { text-align:left; padding:.35rem .6rem; border-bottom:1px solid var(--line); vertical-align:top; }
    th { font-size:12px; color:var(--muted); font-weight:600; background:#fcfcfd; }
    td.args, pre { font-family:ui-monospace, "SFMono-Regular", Menlo, monospace; font-size:12.5px; }
    td.args { max-width:38rem; overflow:hidden; text-overflow:ellipsis; white-space:nowrap; }
    pre { background:#0f172a; color:#e2e8f0; padding:.7rem; border-radius:8px; overflow:auto; max-height:28rem; white-space:pre-wrap; }
    .state { display:inline-block; padding:0 .45rem; border-radius:99px; font-size:12px; font-weight:600; background:#eef2f6; }
    .state-succeeded { background:#d1fadf; color:var(--ok); } .state-failed { background:#fee4e2; color:var(--bad); }
    .state-running { background:#d1e0ff; color:var(--run); } .state-cancelled { background:#f2f4f7; color:#475467; }
    .state-interrupted { background:#fef0c7; color:var(--warn); } .state-queued, .state-blocked, .state-pending { background:#f4ebff; color:#6941c6; }
    .bar { width:12rem; height:.7rem; background:#e4e7ec; border-radius:99px; overflow:hidden; display:inline-block; vertical-align:middle; }
    .bar > span { display:block; height:100%; background:var(--accent); transition:width .3s; }
    .muted { color:var(--muted); } a { color:var(--accent); }
    form.inline { display:inline; } button { font:inherit; padding:.2rem .7rem; border-radius:6px; border:1px solid #d0d5dd; background:#fff; cursor:pointer; }
    button.danger { color:var(--bad); border-color:#fda29b; }
    .filters { display:flex; gap:.5rem; align-items:center; margin-bottom:.8rem; flex-wrap:wrap; }
    input, select { font:inherit; padding:.2rem .4rem; border:1px solid #d0d5dd; border-radius:6px; }
    .timeline { display:flex; flex-direction:column; gap:.3rem; }
    .timeline .attempt { display:flex; gap:.6rem; align-items:center; }
    .timeline .span { height:.8rem; background:var(--accent); border-radius:3px; min-width:3px; }
    .timeline .span.failed { background:var(--bad); } .timeline .span.succeeded { background:var(--ok); }
    ul.tree { list-style:none; padding-left:1.1rem; margin:.2rem 0; }
    .notice { background:#fffaeb; border:1px solid #fedf89; padding:.5rem .8rem; border-radius:8px; margin-bottom:.8rem; }
    .error { background:#fef3f2; border:1px solid #fecdca; padding:.5rem .8rem; border-radius:8px; margin-bottom:.8rem; }
    svg.chart { background:#fff; border:1px solid var(--line); border-radius:8px; }
    """

    /// Live updates: each element with `data-live` follows its server-sent events (`page` events replace its
    /// content); `data-log` appends a task's log as it is written. Nothing is polled.
    static let js = """
    (function () {
      var badge = document.querySelector('header .live');
      function status(on) { if (badge) { badge.className = on ? 'live on' : 'live'; badge.textContent = on ? 'live' : 'reconnecting…'; } }
      document.querySelectorAll('[data-live]').forEach(function (region) {
        var source = new EventSource(region.getAttribute('data-live'));
        source.onopen = function () { status(true); };
        source.onerror = function () { status(false); };
        source.addEventListener('page', function (event) { region.innerHTML = event.data; });
      });
      document.querySelectorAll('[data-log]').forEach(function (pre) {
        var source = new EventSource(pre.getAttribute('data-log'));
        source.addEventListener('log', function (event) {
          var atBottom = pre.scrollTop + pre.clientHeight >= pre.scrollHeight - 4;
          pre.appendChild(document.createTextNode(JSON.parse(event.data)));
          if (atBottom) { pre.scrollTop = pre.scrollHeight; }
        });
        source.addEventListener('end', function () { source.close(); pre.setAttribute('data-ended', 'true'); });
      });
    })();
    """
}
