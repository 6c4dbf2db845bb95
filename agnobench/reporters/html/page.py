"""One self-contained HTML page: styles, plotly.js and every figure inlined, nothing fetched.

A Content-Security-Policy meta tag forbids every request (``default-src
'none'``; scripts and styles only inline, images only ``data:``), so a chart
that tried to load anything would fail loudly in the browser console rather
than quietly phone home; the browser test checks that the console stays clean.
When every chart has rendered the page sets ``data-charts-rendered`` on
``<body>``: the test (and a curious reader) can tell a blank page from a slow one.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from agnobench.reporters.html.escaping import script_code, script_data, text

if TYPE_CHECKING:  # plotly is imported where a chart is drawn
    from plotly.graph_objects import Figure

PLOTLY_EXTRA = "pip install 'agnobench[html]'"
TEMPLATE = "plotly_white"  # one look for every chart of a page

CSP = ("default-src 'none'; script-src 'unsafe-inline'; style-src 'unsafe-inline'; "
       "img-src data: blob:; font-src data:; connect-src 'none'; base-uri 'none'; form-action 'none'")

STYLE = """
body { font: 14px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; margin: 0; color: #1d1d1f; background: #fafafa; }
header { background: #23324a; color: #fff; padding: 18px 28px; }
header h1 { margin: 0 0 4px; font-size: 22px; }
header p { margin: 0; opacity: .8; }
main { padding: 8px 28px 40px; max-width: 1700px; }
h2 { border-bottom: 2px solid #23324a; padding-bottom: 4px; margin-top: 36px; }
h3 { margin: 18px 0 6px; font-size: 15px; }
nav a { margin-right: 14px; color: #23324a; }
.grid { display: flex; flex-wrap: wrap; gap: 12px; }
.chart { flex: 1 1 520px; min-width: 420px; min-height: 360px; background: #fff; border: 1px solid #e3e3e3; border-radius: 6px; }
.pair { display: flex; flex-wrap: wrap; gap: 16px; align-items: flex-start; }
.pair > .table { flex: 1 1 640px; min-width: 0; }
.pair > .grid { flex: 1 1 520px; }
.scroll { overflow-x: auto; }
table { border-collapse: collapse; background: #fff; font-size: 13px; }
th, td { border: 1px solid #e3e3e3; padding: 4px 8px; vertical-align: top; }
th { background: #f0f2f5; text-align: left; }
td.num, th.num { text-align: right; white-space: nowrap; font-variant-numeric: tabular-nums; }
tr.failed td { color: #b00020; }
.met { color: #1a7f37; font-weight: bold; }
.missed { color: #cf222e; font-weight: bold; }
.regression { color: #cf222e; font-weight: bold; }
.improvement { color: #1a7f37; font-weight: bold; }
ul.notes { color: #555; font-size: 12.5px; margin: 6px 0 0; padding-left: 18px; }
.facts { display: flex; flex-wrap: wrap; gap: 24px; }
footer { color: #777; font-size: 12px; padding: 0 28px 24px; }
"""

BOOT = """
(function () {
  var page = JSON.parse(document.getElementById('agnobench-figures').textContent);
  var figures = page.figures;
  figures.forEach(function (f) { f.figure.layout = f.figure.layout || {}; f.figure.layout.template = page.template; });
  var config = {displaylogo: false, responsive: true, modeBarButtonsToRemove: ['sendDataToCloud']};
  document.body.dataset.chartsTotal = String(figures.length);
  var pending = figures.map(function (f) {
    return Plotly.newPlot(f.id, f.figure.data, f.figure.layout, config);
  });
  Promise.all(pending).then(function () {
    document.body.dataset.chartsRendered = String(figures.length);
  }, function (error) { console.error('agnobench: a chart failed to render: ' + error); });
})();
"""


class Page:
    """Collects HTML parts and figures; :meth:`render` inlines plotly.js once for all of them."""

    def __init__(self, title: str, subtitle: str = "") -> None:
        self.title = title
        self.subtitle = subtitle
        self.parts: list[str] = []
        self.figures: list[dict[str, Any]] = []

    def add(self, html: str) -> None:
        self.parts.append(html)

    def chart(self, figure: Figure) -> str:
        """A placeholder div for ``figure`` (a plotly Figure); the figure itself goes in the page's data.

        Each figure's own copy of plotly's default template is dropped: the page carries one
        template (``TEMPLATE``) that the boot script gives every chart. Setting it per figure in
        Python deep-copies it each time (~15× the cost of the figure) and repeats ~7 KB per chart.
        """
        chart_id = f"chart-{len(self.figures) + 1}"
        data = figure.to_plotly_json()
        data.get("layout", {}).pop("template", None)
        self.figures.append({"id": chart_id, "figure": data})
        return f'<div class="chart" id="{chart_id}"></div>'

    def render(self, footer: str = "") -> str:
        plotly_js = _plotly_js()
        from plotly.utils import PlotlyJSONEncoder

        import plotly.io

        template = plotly.io.templates[TEMPLATE].to_plotly_json()
        data = script_data({"template": template, "figures": self.figures}, cls=PlotlyJSONEncoder,
                           separators=(",", ":"))
        return "".join([
            "<!DOCTYPE html><html lang=en><head><meta charset=utf-8>",
            f'<meta http-equiv="Content-Security-Policy" content="{CSP}">',
            '<meta name=viewport content="width=device-width, initial-scale=1">',
            f"<title>{text(self.title)}</title><style>{STYLE}</style></head><body>",
            f"<header><h1>{text(self.title)}</h1><p>{text(self.subtitle)}</p></header><main>",
            *self.parts,
            f"</main><footer>{text(footer)}</footer>",
            f'<script type="application/json" id="agnobench-figures">{data}</script>',
            f"<script>{script_code(plotly_js)}</script><script>{BOOT}</script></body></html>\n",
        ])


def _plotly_js() -> str:
    from plotly.offline import get_plotlyjs

    return get_plotlyjs()


def plotly_available() -> bool:
    try:
        import plotly  # noqa: F401
    except ImportError:
        return False
    return True
