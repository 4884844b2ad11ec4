"""Search result snippets: the passage around the first matching word, with matches marked.
Done in Python over the 20 results on a page, so it works the same on every database."""

import re

from django.utils.html import escape, strip_tags
from django.utils.safestring import mark_safe

WORD = re.compile(r"\w+", re.UNICODE)
MIN_TERM_LENGTH = 2


def query_terms(query):
    """The words of a query, lower-cased, without operators, quotes or brackets."""
    return [t.lower() for t in WORD.findall(query) if len(t) >= MIN_TERM_LENGTH][:20]


def article_text(article):
    """Standfirst and body of an article as plain text."""
    parts = [article.standfirst]
    for block in article.body:
        value = block.value
        if hasattr(value, "source"):  # rich text
            parts.append(strip_tags(value.source))
        elif isinstance(value, str):
            parts.append(strip_tags(value))
        elif hasattr(value, "get"):  # struct blocks: quote, fact box
            for key in ("text", "title", "caption"):
                inner = value.get(key)
                if inner:
                    parts.append(strip_tags(getattr(inner, "source", str(inner))))
    return " ".join(p for p in parts if p)


def snippet(text, terms, length=36):
    """Up to `length` words of `text` around the first word that starts with a query term,
    escaped, with every matching word in <mark>."""
    words = text.split()
    if not words:
        return ""

    def matches(word):
        bare = word.strip(".,;:!?\"'()[]«»“”").lower()
        return any(bare.startswith(term) for term in terms)

    first = next((i for i, word in enumerate(words) if matches(word)), 0)
    start = max(0, first - length // 4)
    shown = words[start : start + length]
    marked = [f"<mark>{escape(w)}</mark>" if matches(w) else escape(w) for w in shown]
    prefix = "… " if start else ""
    suffix = " …" if start + length < len(words) else ""
    return mark_safe(prefix + " ".join(marked) + suffix)
