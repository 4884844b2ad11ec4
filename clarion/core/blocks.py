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


class OrganiserContactBlock(blocks.StructBlock):
    """A regional organiser's line in the contact block: 'London: 020 …'."""

    area = blocks.CharBlock(max_length=80, help_text="Region or area, e.g. 'North West'")
    name = blocks.CharBlock(max_length=120, required=False)
    phone = blocks.CharBlock(max_length=40)

    class Meta:
        icon = "user"
        label = "Organiser"


class SocialAccountBlock(blocks.StructBlock):
    network = blocks.ChoiceBlock(choices=SOCIAL_NETWORKS)
    label = blocks.CharBlock(max_length=80, help_text="Link text, e.g. 'Our Facebook page'")
    url = blocks.URLBlock()

    class Meta:
        icon = "link"
        label = "Social account"
