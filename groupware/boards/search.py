"""Search posts by title and body text — the words people read, not the HTML around them."""

from html import escape

from django.db.models import F, Func, Q, TextField, Value


def search_posts(posts, q: str):
    """Posts whose title or body text holds every word of ``q`` (at most five words).

    The body is stored as sanitised HTML: tags are stripped in the query (core
    PostgreSQL ``regexp_replace``) so "strong" or "href" do not match every post,
    and a word with ``&`` or ``<`` is also tried in its escaped form.
    """
    words = q.split()[:5]
    if not words:
        return posts
    posts = posts.annotate(
        body_text=Func(
            F("body"),
            Value("<[^>]*>"),
            Value(" "),
            Value("g"),
            function="regexp_replace",
            output_field=TextField(),
        )
    )
    for word in words:
        match = Q(title__icontains=word) | Q(body_text__icontains=word)
        escaped = escape(word, quote=False)
        if escaped != word:
            match |= Q(body_text__icontains=escaped)
        posts = posts.filter(match)
    return posts
