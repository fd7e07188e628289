from django.contrib import admin
from django.urls import include, path

admin.site.site_header = "Open Letter Tracker"
admin.site.site_title = "Open Letter Tracker admin"
admin.site.index_title = "Curation"

urlpatterns = [
    path("admin/", admin.site.urls),
    path("", include("letters.urls")),
]
