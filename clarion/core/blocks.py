"""Blocks shared by several page types."""

from wagtail import blocks

SOCIAL_NETWORKS = [
    ("facebook", "Facebook"),
    ("x", "X (Twitter)"),
    ("youtube", "YouTube"),
    ("telegram", "Telegram"),
    ("vk", "VK"),
    ("instagram", "Instagram"),
    ("mastodon", "Mastodon"),
    ("bluesky", "Bluesky"),
    ("other", "Other"),
]


class SocialAccountBlock(blocks.StructBlock):
    network = blocks.ChoiceBlock(choices=SOCIAL_NETWORKS)
    label = blocks.CharBlock(max_length=80, help_text="Link text, e.g. 'Our Facebook page'")
    url = blocks.URLBlock()

    class Meta:
        icon = "link"
        label = "Social account"
