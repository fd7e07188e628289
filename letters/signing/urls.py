from django.urls import path

from . import views

urlpatterns = [
    path("letters/<slug:slug>/sign/", views.sign, name="sign_letter"),
    path("letters/<slug:slug>/sign/sent/", views.signup_sent, name="signup_sent"),
    path("letters/<slug:slug>/withdraw/", views.withdraw, name="withdraw_signature"),
    path("signups/confirm/<str:token>/", views.confirm, name="signup_confirm"),
    path("letters/<slug:slug>/corrections/new/", views.report_correction, name="report_correction"),
    path("letters/<slug:slug>/corrections/sent/", views.correction_sent, name="correction_sent"),
]
