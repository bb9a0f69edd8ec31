"""Showing user strings (column names, category values, run names, file names) safely.

Streamlit renders the text of ``st.markdown``, ``st.caption``, ``st.info``/``warning``/``error``,
``st.write`` and widget labels as Markdown (GitHub-flavoured, with colour directives, emoji
shortcodes and LaTeX). A column called ``**x**`` or ``[click](http://evil)`` would then render as
bold text or a link. :func:`md_escape` backslash-escapes every character that can start such
markup, so user strings show exactly as typed; HTML is never enabled, so ``<script>`` shows as
text too. Dots, commas, hyphens and brackets stay unescaped (they only mean something at the
start of a line or after ``]``), so ordinary names read naturally in the source as well.

Two rewrites work on the parsed text rather than the source, so escaping cannot stop them:
GitHub-style autolinks ("http://...", "www....", "a@b.c") and Streamlit's ":material/icon:". An
invisible word joiner (U+2060) after "http"/"www" and before "@" breaks the first; escaping "/"
breaks the second.
"""

from __future__ import annotations

import re
from typing import Any

# Characters that start inline markup anywhere: emphasis, code, links/images, HTML and entities,
# tables, strikethrough, Streamlit's ":red[...]"/":emoji:" directives and "$latex$", autolinks
# ("http://", "a@b.c"), headings and block quotes.
_SPECIAL = re.compile(r"([\\`*_{}\[\]<>#+!|~:$&@^=/])")
# What a line may start with to become a list item or a thematic break ("1. ", "- ", "---").
_LINE_START = re.compile(r"^(\s*)(\d+)([.)])(?=\s|$)|^(\s*)(-)(?=[\s-]|$)")
_AUTOLINK = re.compile(r"(?i)(https?|ftp|www|mailto|xmpp)(?=\\?[:.])|(?=\\@)")
_JOINER = "\u2060"
_LINE_BREAKS = re.compile(r"[\r\n\u2028\u2029]+")


def md_escape(value: Any) -> str:
    """``value`` as text that Markdown shows literally: one line, every markup character escaped."""
    text = _LINE_BREAKS.sub(" ", str(value))
    text = _SPECIAL.sub(r"\\\1", text)
    text = _AUTOLINK.sub(lambda m: (m[1] or "") + _JOINER, text)
    return _LINE_START.sub(lambda m: f"{m[1]}{m[2]}\\{m[3]}" if m[2] else f"{m[4]}\\{m[5]}", text, count=1)


def md_quote(value: Any) -> str:
    """``value`` escaped and wrapped in single quotes, for naming a column or value inside a sentence."""
    return f"'{md_escape(value)}'"
