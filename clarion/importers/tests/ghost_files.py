"""Small Ghost exports written for the tests (invented names and text, no real site's)."""

import json

USERS = [
    {"id": "u1", "name": "Mira Ostrova", "slug": "mira", "email": "mira@lantern.example",
     "bio": "Covers the docks.", "profile_image": "__GHOST_URL__/content/images/mira.jpg"},
    {"id": "u2", "name": "Tomas Reed", "slug": "tomas", "email": "tomas@lantern.example",
     "bio": None, "profile_image": None},
]  # fmt: skip
TAGS = [
    {"id": "t1", "name": "Забастовка", "slug": "zabastovka", "description": "Strikes",
     "visibility": "public"},
    {"id": "t2", "name": "Housing", "slug": "housing", "description": None,
     "visibility": "public"},
    {"id": "t3", "name": "#front-page", "slug": "hash-front-page", "visibility": "internal"},
]  # fmt: skip
SETTINGS = [
    {"key": "title", "value": "The Lantern"},
    {"key": "locale", "value": "en-GB"},
    {"key": "members_signup_access", "value": "all"},
]


def post(id, title="Dockers walk out at dawn", **fields):
    """A post as Ghost 5 exports it; `fields` replace or add to its own."""
    return {
        "id": id,
        "uuid": f"0000-{id}",
        "title": title,
        "slug": f"post-{id}",
        "mobiledoc": None,
        "lexical": None,
        "html": "<p>First paragraph.</p>",
        "feature_image": None,
        "featured": False,
        "type": "post",
        "status": "published",
        "visibility": "public",
        "custom_excerpt": None,
        "created_at": "2026-03-02T18:00:00.000Z",
        "published_at": "2026-03-03T09:30:00.000Z",
        **fields,
    }


def export(posts=(), version="5.80.0", users=USERS, tags=TAGS, posts_tags=(),
           posts_authors=None, posts_meta=(), settings=SETTINGS, shape="db"):  # fmt: skip
    """The export's JSON text. Each post is by the first user unless `posts_authors` says
    otherwise; `shape="old"` writes the older {"meta", "data"} form without "db"."""
    if posts_authors is None:
        posts_authors = [
            {"post_id": p["id"], "author_id": users[0]["id"]} for p in posts if p.get("id")
        ]
    export = {
        "meta": {"exported_on": 1772530200000, "version": version},
        "data": {
            "posts": list(posts),
            "users": list(users),
            "tags": list(tags),
            "posts_tags": list(posts_tags),
            "posts_authors": list(posts_authors),
            "posts_meta": list(posts_meta),
            "settings": list(settings),
        },
    }
    return json.dumps({"db": [export]} if shape == "db" else export, ensure_ascii=False, indent=1)


# Lexical, as Ghost 5 and 6 store it ---------------------------------------------------------


def text(value, format=0):
    return {"type": "extended-text", "text": value, "format": format, "detail": 0,
            "mode": "normal", "style": "", "version": 1}  # fmt: skip


def element(kind, *children, **fields):
    return {"type": kind, "children": list(children), "direction": "ltr", "format": "",
            "indent": 0, "version": 1, **fields}  # fmt: skip


def lexical(*children):
    """A Lexical document as the JSON string Ghost keeps in `posts.lexical`."""
    return json.dumps({"root": element("root", *children)}, ensure_ascii=False)


# Mobiledoc, as Ghost 4 stores it ------------------------------------------------------------


def mobiledoc(sections, markups=(), cards=(), atoms=()):
    return json.dumps({"version": "0.3.1", "atoms": list(atoms), "cards": list(cards),
                       "markups": list(markups), "sections": list(sections)})  # fmt: skip
