from django.urls import include, path

from . import signup_views, views

urlpatterns = [
    path("", views.home, name="home"),
    path("letters/<slug:slug>/", views.letter_detail, name="letter_detail"),
    path("letters/<slug:slug>/print/", views.letter_print, name="letter_print"),
    path("organisations/", views.organisation_list, name="organisation_list"),
    path("organisations/<slug:slug>/", views.organisation_detail, name="organisation_detail"),
    path("people/", views.person_list, name="person_list"),
    path("people/<slug:slug>/", views.person_detail, name="person_detail"),
    path("search/", views.search, name="search"),
    path("letters/<slug:slug>/sign/", signup_views.sign, name="sign_letter"),
    path("letters/<slug:slug>/withdraw/", signup_views.withdraw, name="withdraw_signature"),
    path("letters/<slug:slug>/sign/sent/", signup_views.signup_sent, name="signup_sent"),
    path("signups/confirm/<str:token>/", signup_views.confirm, name="signup_confirm"),
    path(
        "letters/<slug:slug>/corrections/new/",
        signup_views.report_correction,
        name="report_correction",
    ),
    path(
        "letters/<slug:slug>/corrections/sent/",
        signup_views.correction_sent,
        name="correction_sent",
    ),
    path("letters/<slug:slug>/corrections/", signup_views.correction_log, name="correction_log"),
    path("privacy/", signup_views.privacy, name="privacy"),
    # Each feature area keeps its routes in its own module.
    path("", include("letters.curation_urls")),
    path("", include("letters.open_data_urls")),
    path("", include("letters.insight_urls")),
]
