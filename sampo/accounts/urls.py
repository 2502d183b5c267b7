from django.contrib.auth import views as auth_views
from django.urls import path

from sampo.accounts import (
    api_token_views,
    offboarding_views,
    role_views,
    share_views,
    two_factor_views,
    views,
)

app_name = "accounts"

urlpatterns = [
    path("login/", views.LoginView.as_view(), name="login"),
    path("login/code/", two_factor_views.login_code, name="login_code"),
    path("logout/", views.LogoutView.as_view(), name="logout"),
    path("password/reset/", views.PasswordResetView.as_view(), name="password_reset"),
    path(
        "password/reset/sent/",
        auth_views.PasswordResetDoneView.as_view(template_name="accounts/password_reset_done.html"),
        name="password_reset_done",
    ),
    path(
        "password/reset/<uidb64>/<token>/",
        views.PasswordResetConfirmView.as_view(),
        name="password_reset_confirm",
    ),
    path(
        "password/reset/done/",
        auth_views.PasswordResetCompleteView.as_view(
            template_name="accounts/password_reset_complete.html"
        ),
        name="password_reset_complete",
    ),
    path("password/change/", views.PasswordChangeView.as_view(), name="password_change"),
    path("language/", views.set_language, name="set_language"),
    path("profile/", views.profile, name="profile"),
    path("profile/api-tokens/", api_token_views.api_token_list, name="api_tokens"),
    path(
        "profile/api-tokens/<int:pk>/revoke/",
        api_token_views.api_token_revoke,
        name="api_token_revoke",
    ),
    path("profile/two-factor/", two_factor_views.overview, name="two_factor"),
    path("profile/two-factor/setup/", two_factor_views.setup, name="two_factor_setup"),
    path("profile/two-factor/confirm/", two_factor_views.confirm, name="two_factor_confirm"),
    path(
        "profile/two-factor/recovery-codes/",
        two_factor_views.recovery_codes,
        name="two_factor_recovery_codes",
    ),
    path("profile/two-factor/disable/", two_factor_views.disable, name="two_factor_disable"),
    path("admin/two-factor/", two_factor_views.policy, name="two_factor_policy"),
    path("admin/users/", views.user_list, name="users"),
    path("admin/users/new/", views.user_new, name="user_new"),
    path("admin/users/<int:pk>/", views.user_detail, name="user"),
    path("admin/users/<int:pk>/edit/", views.user_edit, name="user_edit"),
    path(
        "admin/users/<int:pk>/deactivate/",
        views.user_set_active,
        {"active": False},
        name="user_deactivate",
    ),
    path(
        "admin/users/<int:pk>/reactivate/",
        views.user_set_active,
        {"active": True},
        name="user_reactivate",
    ),
    path("admin/users/<int:pk>/offboard/", offboarding_views.user_offboard, name="user_offboard"),
    path("share/<str:key>/<int:pk>/", share_views.record_sharing, name="sharing"),
    path("shares/<int:pk>/remove/", share_views.share_remove, name="share_remove"),
    path("admin/roles/", role_views.role_list, name="roles"),
    path("admin/roles/new/", role_views.role_new, name="role_new"),
    path("admin/roles/<int:pk>/", role_views.role_detail, name="role"),
    path(
        "admin/users/<int:pk>/two-factor/reset/",
        two_factor_views.reset,
        name="user_two_factor_reset",
    ),
    path("admin/teams/", views.team_list, name="teams"),
    path("admin/teams/new/", views.team_new, name="team_new"),
    path("admin/teams/<int:pk>/", views.team_detail, name="team"),
    path("admin/teams/<int:pk>/edit/", views.team_edit, name="team_edit"),
    path("admin/teams/<int:pk>/delete/", views.team_delete, name="team_delete"),
]
