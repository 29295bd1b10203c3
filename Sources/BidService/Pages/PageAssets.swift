import BidDesks
import BidDomain
/// The portal's stylesheet and its one small script, served from memory (`/assets/…`).
///
/// The pages work without the script: it only counts down the time left before deadlines that
/// the server already printed.
enum PageAssets {
    static let stylesheet = """
    :root { --ink: #1b1b1b; --muted: #4a4a4a; --line: #c9c9c9; --paper: #ffffff; --band: #8a1c1c; --band-ink: #ffffff;
            --link: #0645ad; --soft: #f4f1ea; --ok: #1e5e2c; --warn: #7a4a00; --bad: #8a1c1c; }
    * { box-sizing: border-box; }
    html { font-size: 100%; -webkit-text-size-adjust: 100%; }
    body { margin: 0; color: var(--ink); background: var(--paper); line-height: 1.6;
           font-family: "Noto Sans CJK SC", "WenQuanYi Micro Hei", "PingFang SC", "Microsoft YaHei", system-ui, sans-serif; }
    a { color: var(--link); }
    p, dd, li, td { overflow-wrap: anywhere; }
    code { overflow-wrap: anywhere; word-break: break-all; }
    a:focus, button:focus, input:focus, select:focus { outline: 3px solid #f2b600; outline-offset: 2px; }
    .wrap { max-width: 72rem; margin: 0 auto; padding: 0 1rem; }
    .skip { position: absolute; left: -999px; }
    .skip:focus { left: 1rem; top: 1rem; background: #fff; padding: .5rem; z-index: 9; }
    header.site { background: var(--band); color: var(--band-ink); }
    header.site .wrap { display: flex; flex-wrap: wrap; align-items: center; justify-content: space-between; gap: .5rem; padding: .75rem 1rem; }
    header.site a { color: var(--band-ink); text-decoration: none; }
    .brand { font-size: 1.2rem; font-weight: 700; }
    nav ul { display: flex; flex-wrap: wrap; gap: .25rem 1rem; list-style: none; margin: 0; padding: 0; }
    nav a:hover, nav a[aria-current="page"] { text-decoration: underline; }
    .notice { background: #fff4d6; color: #4d3800; margin: 0; padding: .5rem 1rem; text-align: center; }
    main { padding: 1rem 0 2rem; }
    h1 { font-size: 1.6rem; line-height: 1.3; margin: .5rem 0 1rem; }
    h2 { font-size: 1.25rem; border-bottom: 2px solid var(--band); padding-bottom: .25rem; margin: 2rem 0 .75rem; }
    h3 { font-size: 1.05rem; margin: 1.25rem 0 .5rem; }
    .table { overflow-x: auto; }
    table { border-collapse: collapse; width: 100%; font-size: .95rem; }
    th, td { border-bottom: 1px solid var(--line); padding: .45rem .5rem; text-align: left; vertical-align: top; }
    th { background: var(--soft); font-weight: 600; }
    td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
    dl.facts { display: grid; grid-template-columns: minmax(7rem, max-content) 1fr; gap: .25rem 1rem; margin: 0; }
    dl.facts dt { color: var(--muted); }
    dl.facts dd { margin: 0; }
    .stage { display: inline-block; padding: 0 .5rem; border-radius: .25rem; border: 1px solid currentColor; font-size: .9rem; white-space: nowrap; }
    .stage-bidding { color: var(--ok); } .stage-publicity { color: var(--warn); } .stage-failed { color: var(--bad); }
    .announcement { white-space: pre-wrap; background: var(--soft); padding: .75rem 1rem; border-radius: .25rem; }
    ol.timeline { list-style: none; margin: 0; padding: 0; display: grid; grid-template-columns: repeat(auto-fit, minmax(9rem, 1fr)); gap: .5rem; }
    ol.timeline li { border-top: 4px solid var(--line); padding-top: .35rem; }
    ol.timeline li.done { border-color: var(--ok); }
    ol.timeline li.current { border-color: var(--warn); font-weight: 600; }
    ol.timeline .when { display: block; color: var(--muted); font-size: .9rem; font-weight: 400; }
    form.filters { display: grid; grid-template-columns: repeat(auto-fit, minmax(12rem, 1fr)); gap: .75rem; align-items: end; background: var(--soft); padding: 1rem; border-radius: .25rem; }
    form.filters label, form.lookup label { display: block; font-weight: 600; margin-bottom: .2rem; }
    input, select, button { font: inherit; padding: .4rem .5rem; border: 1px solid #767676; border-radius: .2rem; width: 100%; background: #fff; color: var(--ink); }
    button { background: var(--band); color: #fff; border-color: var(--band); cursor: pointer; width: auto; padding: .45rem 1.25rem; }
    form.lookup { display: flex; flex-wrap: wrap; gap: .5rem; align-items: end; }
    form.lookup div { flex: 1 1 16rem; }
    nav.pages { display: flex; gap: 1rem; align-items: center; margin-top: 1rem; }
    .verify { background: var(--soft); border-left: 4px solid var(--band); padding: .5rem 1rem; margin: .75rem 0; }
    .verify pre, pre.cmd { white-space: pre-wrap; word-break: break-all; background: #1b1b1b; color: #f5f5f5; padding: .5rem .75rem; border-radius: .2rem; font-size: .85rem; }
    .secrecy { border: 1px dashed var(--muted); padding: .5rem 1rem; color: var(--muted); }
    .empty { color: var(--muted); }
    .figures { display: grid; grid-template-columns: repeat(auto-fit, minmax(12rem, 1fr)); gap: .75rem; }
    .figure { background: var(--soft); padding: .75rem 1rem; border-radius: .25rem; }
    .figure strong { display: block; font-size: 1.6rem; }
    svg.chart { max-width: 100%; height: auto; }
    svg.chart text { font-size: 12px; fill: #1b1b1b; }
    svg.chart .bar { fill: #8a1c1c; }
    svg.chart .axis { stroke: #4a4a4a; }
    .card-red { color: var(--bad); font-weight: 700; } .card-yellow { color: var(--warn); font-weight: 700; } .card-reminder { color: var(--muted); }
    footer.site { border-top: 1px solid var(--line); color: var(--muted); font-size: .9rem; padding: 1rem 0 2rem; }
    @media (max-width: 40rem) { h1 { font-size: 1.35rem; } dl.facts { grid-template-columns: 1fr; } dl.facts dt { margin-top: .4rem; } }
    """

    /// Counts down `<time data-countdown>` elements (the server's own figure stays if the script
    /// does not run).
    static let script = """
    (function () {
      var items = document.querySelectorAll('time[data-countdown]');
      if (!items.length) return;
      function left(ms) {
        var s = Math.floor(ms / 1000);
        if (s <= 0) return '已截止';
        var d = Math.floor(s / 86400), h = Math.floor(s % 86400 / 3600), m = Math.floor(s % 3600 / 60);
        if (d > 0) return d + '天' + h + '小时';
        if (h > 0) return h + '小时' + m + '分钟';
        if (m > 0) return m + '分钟';
        return s + '秒';
      }
      var offset = 0, server = document.documentElement.getAttribute('data-now');
      if (server) offset = Date.parse(server) - Date.now();
      function tick() {
        items.forEach(function (el) { el.textContent = left(Date.parse(el.getAttribute('datetime')) - (Date.now() + offset)); });
      }
      setInterval(tick, 1000);
    })();
    """
}
