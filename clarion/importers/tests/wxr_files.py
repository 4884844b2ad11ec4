# ruff: noqa: E501  (XML fixtures: lines as WordPress writes them)
"""Small WordPress exports written for the tests (no text from any real site)."""

HEAD = """<?xml version="1.0" encoding="UTF-8" ?>
<rss version="2.0"
    xmlns:excerpt="http://wordpress.org/export/1.2/excerpt/"
    xmlns:content="http://purl.org/rss/1.0/modules/content/"
    xmlns:wfw="http://wellformedweb.org/CommentAPI/"
    xmlns:dc="http://purl.org/dc/elements/1.1/"
    xmlns:wp="http://wordpress.org/export/1.2/">
<channel>
  <title>The Lantern</title>
  <link>https://lantern.example</link>
  <language>en-GB</language>
  <wp:wxr_version>{version}</wp:wxr_version>
  <wp:base_site_url>https://lantern.example</wp:base_site_url>
  <wp:author><wp:author_id>2</wp:author_id><wp:author_login><![CDATA[ostrova]]></wp:author_login>
    <wp:author_email><![CDATA[ostrova@lantern.example]]></wp:author_email>
    <wp:author_display_name><![CDATA[Mira Ostrova]]></wp:author_display_name>
    <wp:author_first_name><![CDATA[Mira]]></wp:author_first_name>
    <wp:author_last_name><![CDATA[Ostrova]]></wp:author_last_name></wp:author>
  <wp:category><wp:term_id>3</wp:term_id><wp:category_nicename><![CDATA[world]]></wp:category_nicename>
    <wp:category_parent><![CDATA[]]></wp:category_parent><wp:cat_name><![CDATA[World]]></wp:cat_name></wp:category>
  <wp:category><wp:term_id>4</wp:term_id><wp:category_nicename><![CDATA[central-asia]]></wp:category_nicename>
    <wp:category_parent><![CDATA[world]]></wp:category_parent><wp:cat_name><![CDATA[Central Asia]]></wp:cat_name></wp:category>
  <wp:tag><wp:term_id>7</wp:term_id><wp:tag_slug><![CDATA[%d0%b7%d0%b0%d0%b1%d0%b0%d1%81%d1%82%d0%be%d0%b2%d0%ba%d0%b0]]></wp:tag_slug>
    <wp:tag_name><![CDATA[Забастовка]]></wp:tag_name></wp:tag>
{items}
</channel>
</rss>
"""

POST = """  <item>
    <title><![CDATA[{title}]]></title>
    <link>https://lantern.example/{slug}/</link>
    <pubDate>Tue, 03 Mar 2026 09:30:00 +0000</pubDate>
    <dc:creator><![CDATA[ostrova]]></dc:creator>
    <guid isPermaLink="false">https://lantern.example/?p={id}</guid>
    <content:encoded><![CDATA[{content}]]></content:encoded>
    <excerpt:encoded><![CDATA[{excerpt}]]></excerpt:encoded>
    <wp:post_id>{id}</wp:post_id>
    <wp:post_date><![CDATA[2026-03-03 09:30:00]]></wp:post_date>
    <wp:post_date_gmt><![CDATA[{gmt}]]></wp:post_date_gmt>
    <wp:post_name><![CDATA[{slug}]]></wp:post_name>
    <wp:status><![CDATA[{status}]]></wp:status>
    <wp:post_parent>{parent}</wp:post_parent>
    <wp:post_type><![CDATA[{post_type}]]></wp:post_type>
    <wp:post_password><![CDATA[{password}]]></wp:post_password>
    <wp:is_sticky>{sticky}</wp:is_sticky>
    {terms}
    <wp:postmeta><wp:meta_key><![CDATA[_thumbnail_id]]></wp:meta_key><wp:meta_value><![CDATA[{thumbnail}]]></wp:meta_value></wp:postmeta>
    {extra}
  </item>
"""

COMMENT = """<wp:comment><wp:comment_id>{n}</wp:comment_id><wp:comment_content><![CDATA[A reply]]></wp:comment_content></wp:comment>"""


STRIKE_TAG = "%d0%b7%d0%b0%d0%b1%d0%b0%d1%81%d1%82%d0%be%d0%b2%d0%ba%d0%b0"  # Забастовка
TERMS = [("category", "central-asia", "Central Asia"), ("post_tag", STRIKE_TAG, "Забастовка")]


def post(id, title="Strikers hold the line", slug=None, status="publish", post_type="post",
         content="<p>First paragraph.</p>", excerpt="", gmt="2026-03-03 09:30:00", sticky=0,
         comments=0, parent=0, password="", thumbnail=90, terms=TERMS, extra="",
         link=None):  # fmt: skip
    extra += "".join(COMMENT.format(n=n) for n in range(comments))
    terms = "".join(
        f'<category domain="{domain}" nicename="{nicename}"><![CDATA[{name}]]></category>'
        for domain, nicename, name in terms
    )
    text = POST.format(
        id=id, title=title, slug=f"post-{id}" if slug is None else slug, status=status,
        post_type=post_type, content=content, excerpt=excerpt, gmt=gmt, sticky=sticky,
        extra=extra, parent=parent, password=password, thumbnail=thumbnail, terms=terms,
    )  # fmt: skip
    if link is not None:
        text = text.replace(
            f"<link>https://lantern.example/{slug or f'post-{id}'}/</link>", f"<link>{link}</link>"
        )
    return text


def attachment(id, path, parent=0, title="A picture"):
    """An attachment item: its file at https://lantern.example/wp-content/uploads/PATH."""
    url = f"https://lantern.example/wp-content/uploads/{path}"
    return post(
        id, title=title, slug=f"picture-{id}", status="inherit", post_type="attachment",
        content="", parent=parent, thumbnail="", terms=[],
        link=f"https://lantern.example/?attachment_id={id}",
        extra=f"<wp:attachment_url><![CDATA[{url}]]></wp:attachment_url>",
    )  # fmt: skip


def export(*items, version="1.2"):
    return HEAD.format(version=version, items="".join(items))
