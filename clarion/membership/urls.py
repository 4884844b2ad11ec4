from django.urls import path

from . import payment_views, sms, views

app_name = "membership"

urlpatterns = [
    path("join/", views.join, name="join"),
    path("join/thanks/", views.join_thanks, name="join_thanks"),
    path("join/confirm/<str:token>/", views.confirm_email, name="confirm_email"),
    path("subscribe/", payment_views.subscribe, name="subscribe"),
    path("donate/", payment_views.donate, name="donate"),
    path("pay/<str:reference>/", payment_views.payment_page, name="payment"),
    path("webhooks/sms/", sms.text_to_join, name="sms_webhook"),
    path("webhooks/stripe/", payment_views.stripe_webhook, name="stripe_webhook"),
]
