from django.contrib.auth import views as auth_views
from django.urls import path

from accounts import views, views_security
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
    path("security/", views_security.security, name="security"),
    path("2fa/setup/", views_security.mfa_setup, name="mfa_setup"),
    path("2fa/verify/", views_security.mfa_verify, name="mfa_verify"),
    path("2fa/disable/", views_security.mfa_disable, name="mfa_disable"),
    path("2fa/recovery-codes/", views_security.mfa_recovery_codes, name="mfa_recovery_codes"),
    path("sessions/<int:pk>/end/", views_security.session_end, name="session_end"),
    path("sessions/end-all/", views_security.sessions_end_all, name="sessions_end_all"),
    path("delete/", views_security.account_delete, name="delete"),
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
