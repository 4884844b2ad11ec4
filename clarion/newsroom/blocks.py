"""The blocks an article body is written in."""

from wagtail import blocks
from wagtail.images.blocks import ImageChooserBlock

# Inline formatting an article paragraph may use; no headings (crossheads are their own block).
PARAGRAPH_FEATURES = ["bold", "italic", "link", "document-link", "ol", "ul", "superscript"]


class CrossheadBlock(blocks.CharBlock):
    class Meta:
        icon = "title"
        template = "newsroom/blocks/crosshead.html"
        form_classname = "title"


class QuoteBlock(blocks.StructBlock):
    text = blocks.TextBlock()
    attribution = blocks.CharBlock(required=False, max_length=200)

    class Meta:
        icon = "openquote"
        template = "newsroom/blocks/quote.html"


class CaptionedImageBlock(blocks.StructBlock):
    image = ImageChooserBlock()
    caption = blocks.CharBlock(required=False, max_length=300)
    credit = blocks.CharBlock(required=False, max_length=120)

    class Meta:
        icon = "image"
        template = "newsroom/blocks/image.html"


class EditorsNoteBlock(blocks.RichTextBlock):
    """An editor's note set in square brackets, e.g. an update after printing."""

    def __init__(self, **kwargs):
        super().__init__(features=["bold", "italic", "link"], **kwargs)

    class Meta:
        icon = "help"
        template = "newsroom/blocks/editors_note.html"
        label = "Editor's note"


class FactBoxBlock(blocks.StructBlock):
    title = blocks.CharBlock(max_length=120)
    text = blocks.RichTextBlock(features=["bold", "italic", "link", "ol", "ul"])

    class Meta:
        icon = "list-ul"
        template = "newsroom/blocks/fact_box.html"


class ImportedContentBlock(blocks.StructBlock):
    """What an import could not turn into Clarion's blocks — a shortcode, an embed, a
    table, a missing picture — kept as the old site had it for an editor to redo or delete.
    Readers never see it, and search does not index it."""

    reason = blocks.CharBlock(max_length=300)
    source = blocks.TextBlock(required=False, help_text="As the old site had it")

    class Meta:
        icon = "warning"
        label = "Imported: needs an editor"

    def render(self, value, context=None):
        return ""

    def get_searchable_content(self, value):
        return []


class ArticleBodyBlock(blocks.StreamBlock):
    """An article's body; plain pages are written in the same blocks."""

    paragraph = blocks.RichTextBlock(
        features=PARAGRAPH_FEATURES, template="newsroom/blocks/paragraph.html"
    )
    crosshead = CrossheadBlock()
    quote = QuoteBlock()
    image = CaptionedImageBlock()
    editors_note = EditorsNoteBlock()
    fact_box = FactBoxBlock()
    imported = ImportedContentBlock()
