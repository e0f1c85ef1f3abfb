from django.contrib.auth import views as auth_views
from django.urls import path

from accounts import views
from api import views_web as token_views

app_name = "accounts"

urlpatterns = [
    path("login/", views.login_view, name="login"),
    path("logout/", views.logout_view, name="logout"),
    path("logout/done/", views.logout_done, name="logout_done"),
    path("signup/", views.signup_view, name="signup"),
    path("profile/", views.profile_view, name="profile"),
    path("tokens/new/", token_views.token_create_view, name="token_create"),
    path("tokens/<int:pk>/revoke/", token_views.token_revoke_view, name="token_revoke"),
    path("sso/", views.sso_begin, name="sso_begin"),
    path("sso/accept/", views.sso_accept, name="sso_accept"),
    path("invite/<uidb64>/<token>/", views.InviteAcceptView.as_view(), name="invite_accept"),
    path("password-reset/", views.PasswordResetView.as_view(), name="password_reset"),
    path(
        "password-reset/sent/",
        auth_views.PasswordResetDoneView.as_view(template_name="accounts/password_reset_done.html"),
        name="password_reset_done",
    ),
    path(
        "password-reset/<uidb64>/<token>/",
        views.PasswordResetConfirmView.as_view(),
        name="password_reset_confirm",
    ),
    path(
        "password-reset/complete/",
        auth_views.PasswordResetCompleteView.as_view(
            template_name="accounts/password_reset_complete.html"
        ),
        name="password_reset_complete",
    ),
]
