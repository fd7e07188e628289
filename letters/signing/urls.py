from django.urls import include, path

from letters.models import SignupAction

from . import views

SIGN, WITHDRAW = {"action": SignupAction.SIGN}, {"action": SignupAction.WITHDRAW}

letter_pages = [
    path("sign/", views.signup_request, SIGN, name="sign_letter"),
    path("sign/sent/", views.signup_sent, name="signup_sent"),
    path("withdraw/", views.signup_request, WITHDRAW, name="withdraw_signature"),
    path("corrections/new/", views.report_correction, name="report_correction"),
    path("corrections/sent/", views.correction_sent, name="correction_sent"),
]

urlpatterns = [
    path("letters/<slug:slug>/", include(letter_pages)),
    path("signups/confirm/<str:token>/", views.confirm, name="signup_confirm"),
]
