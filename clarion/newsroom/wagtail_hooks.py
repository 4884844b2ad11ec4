from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet, SnippetViewSetGroup

from .models import Author, Category, Topic


class CategoryViewSet(SnippetViewSet):
    model = Category
    icon = "folder-open-inverse"
    list_display = ["name", "slug", "show_on_home", "sort_order"]
    search_fields = ["name"]


class TopicViewSet(SnippetViewSet):
    model = Topic
    icon = "tag"
    list_display = ["name", "kind", "slug"]
    list_filter = ["kind"]
    search_fields = ["name"]


class AuthorViewSet(SnippetViewSet):
    model = Author
    icon = "user"
    list_display = ["name", "slug"]
    search_fields = ["name"]


class NewsroomGroup(SnippetViewSetGroup):
    menu_label = "Newsroom"
    menu_icon = "doc-full"
    items = [CategoryViewSet, TopicViewSet, AuthorViewSet]


register_snippet(NewsroomGroup)
