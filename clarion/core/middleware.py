"""Security headers that Django's own middleware does not set the way we need."""

from django.conf import settings


class ContentSecurityPolicyMiddleware:
    """Strict CSP for public pages (nothing from other hosts); a looser one for the admin,
    whose editor needs inline styles and scripts."""

    def __init__(self, get_response):
        self.get_response = get_response
        self.admin_prefixes = ("/admin/",)

    def __call__(self, request):
        response = self.get_response(request)
        if "Content-Security-Policy" not in response:
            is_admin = request.path.startswith(self.admin_prefixes)
            response["Content-Security-Policy"] = (
                settings.CLARION_ADMIN_CSP if is_admin else settings.CLARION_CSP
            )
        return response
