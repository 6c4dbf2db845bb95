"""The self-contained HTML report: charts (plotly.js, inlined) beside the reporters' tables."""
