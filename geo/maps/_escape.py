"""The one place where text is made safe for the HTML pages routerisk writes.

Three contexts, one helper each:

* :func:`script_safe` — JavaScript inlined in ``<script>``: nothing may close the element.
* :func:`style_safe` — CSS inlined in ``<style>``: the same for ``</style>``.
* :func:`json_for_html` — data in a ``<script type="application/json">`` block that branca
  renders once more as a Jinja template.
* :func:`html_text` — data put into HTML that folium places inside a JavaScript template
  literal (tooltips, popups): markup, ``${…}``, backticks and Jinja delimiters all neutralised.
"""

from __future__ import annotations

import html
import json
import re
from typing import Any

__all__ = ["html_text", "json_for_html", "script_safe", "style_safe"]

_SOURCE_MAP = re.compile(r"^\s*//# sourceMappingURL=\S+\s*$", re.MULTILINE)
_JINJA_OPEN = re.compile(r"\{(?=[{%#])")


def script_safe(js: str) -> str:
    r"""Script text that cannot close its inline ``<script>`` (any case); source maps dropped.

    >>> script_safe("a = '</SCRIPT>';\n//# sourceMappingURL=x.map")
    "a = '<\\/SCRIPT>';\n"
    """
    js = _SOURCE_MAP.sub("", js)
    return re.sub(r"</(script)", r"<\\/\1", js, flags=re.IGNORECASE)


def style_safe(css: str) -> str:
    r"""Style text that cannot close its inline ``<style>`` (any case).

    >>> style_safe("a{content:'</Style>'}")
    "a{content:'<\\/Style>'}"
    """
    return re.sub(r"</(style)", r"<\\/\1", css, flags=re.IGNORECASE)


def json_for_html(data: Any) -> str:
    r"""JSON text safe inside an HTML ``<script type="application/json">`` block *and* through
    branca, which renders a macro's output once more as a Jinja template.

    ``<``, ``>``, ``&`` and ``'`` are escaped as ``\uXXXX`` sequences (as Jinja's ``tojson``
    does), and so is every ``{`` that opens a Jinja delimiter (``{{``, ``{%``, ``{#``), which
    JSON can only hold inside a string.

    >>> print(json_for_html({"a": "{{ 7*7 }} </script>"}))
    {"a":"\u007b{ 7*7 }} \u003c/script\u003e"}
    """
    text = json.dumps(data, ensure_ascii=False, separators=(",", ":"), sort_keys=True)
    for char, code in (("<", "\\u003c"), (">", "\\u003e"), ("&", "\\u0026"),
                       ("'", "\\u0027")):
        text = text.replace(char, code)
    return _JINJA_OPEN.sub(r"\\u007b", text)


def html_text(value: Any) -> str:
    """Text shown as text in HTML that may sit in a JavaScript template literal.

    HTML-escaped, then ``` ` ```, ``$``, ``{`` and ``}`` as character references (a browser
    shows them unchanged; neither JavaScript nor Jinja sees them).

    >>> html_text("<b>${x}</b> {{ 7*7 }} `")
    '&lt;b&gt;&#36;&#123;x&#125;&lt;/b&gt; &#123;&#123; 7*7 &#125;&#125; &#96;'
    """
    text = html.escape("" if value is None else str(value), quote=True)
    for char, ref in (("`", "&#96;"), ("$", "&#36;"), ("{", "&#123;"), ("}", "&#125;")):
        text = text.replace(char, ref)
    return text
