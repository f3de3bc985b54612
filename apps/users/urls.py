from django.urls import include, path

from . import views

urlpatterns = [
    path("register/", views.RegisterView.as_view(), name="register"),
    path("register/done/", views.RegisterDoneView.as_view(), name="register_done"),
    path("activate/<uidb64>/<token>/", views.ActivateView.as_view(), name="activate"),
    path("login/", views.EmailLoginView.as_view(), name="login"),
    path("login/verify/", views.LoginVerifyView.as_view(), name="login_verify"),
    path("session/keep-alive/", views.session_keep_alive, name="session_keep_alive"),
    path("session/idle-logout/", views.IdleLogoutView.as_view(), name="idle_logout"),
    path("settings/", views.SettingsView.as_view(), name="settings"),
    path("settings/email/", views.EmailChangeView.as_view(), name="email_change"),
    path("settings/sessions/<int:pk>/sign-out/", views.SessionSignOutView.as_view(), name="session_sign_out"),
    path("settings/sessions/sign-out-others/", views.OtherSessionsSignOutView.as_view(),
         name="sessions_sign_out_others"),
    path("settings/email/confirm/<str:token>/", views.EmailChangeConfirmView.as_view(), name="email_change_confirm"),
    path("account/two-factor/", views.TwoFactorView.as_view(), name="two_factor"),
    path("account/two-factor/recovery-codes/", views.RecoveryCodesView.as_view(), name="two_factor_recovery_codes"),
    path("account/two-factor/disable/", views.TwoFactorDisableView.as_view(), name="two_factor_disable"),
    # Django's auth views, three of them extended (throttle, audit signal); same names.
    path("password_change/", views.PasswordChangeView.as_view(), name="password_change"),
    path("password_reset/", views.PasswordResetView.as_view(), name="password_reset"),
    path("reset/<uidb64>/<token>/", views.PasswordResetConfirmView.as_view(), name="password_reset_confirm"),
    path("", include("django.contrib.auth.urls")),
]
