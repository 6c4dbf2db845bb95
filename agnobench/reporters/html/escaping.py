"""Data into a page, escaped for where it lands: the one place every HTML page goes through.

A page carries text agnobench does not control: scenario names, error
messages, file paths and labels a user chose. Each context needs its own
escaping, and a page is only as safe as its weakest spot: the ``compare``
headline went in raw, and ``</SCRIPT>`` in a scenario name ended the figures'
``<script>`` element because the old guard looked for lower case only.

- :func:`text`: element content and quoted attribute values (``&<>"'``).
- :func:`script_data`: JSON inside ``<script type="application/json">``:
  ``<``, ``>`` and ``&`` become ``\\u003c``-style escapes, which no HTML
  parser reads as markup in any letter case and ``JSON.parse`` reads back
  unchanged (U+2028/2029 too, for old JavaScript parsers).
- :func:`script_code`: a trusted library's inline JavaScript (plotly.js),
  which cannot be JSON-escaped: any ``</script`` or ``<!--``, in any case,
  is broken up so it cannot end or confuse the element.
"""

from __future__ import annotations

import html
import json
import re
from typing import Any

_SCRIPT_DATA = {"<": "\\u003c", ">": "\\u003e", "&": "\\u0026", "\u2028": "\\u2028", "\u2029": "\\u2029"}
_SCRIPT_DATA_RE = re.compile("[<>&\u2028\u2029]")
_SCRIPT_CODE_RE = re.compile(r"<(/script|!--)", re.IGNORECASE)


def text(value: Any) -> str:
    """``value`` as element content or a quoted attribute value."""
    return html.escape(str(value), quote=True)


def script_data(value: Any, **dumps: Any) -> str:
    """``value`` as JSON that is safe inside a ``<script>`` element."""
    encoded = json.dumps(value, **dumps)
    return _SCRIPT_DATA_RE.sub(lambda m: _SCRIPT_DATA[m.group()], encoded)


def script_code(code: str) -> str:
    """Trusted inline JavaScript that cannot end its ``<script>`` element early."""
    return _SCRIPT_CODE_RE.sub(lambda m: "<\\" + m.group(1), code)
