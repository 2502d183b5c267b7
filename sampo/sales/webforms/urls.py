from django.urls import path

from sampo.sales import admin_views as sales_admin_views
from sampo.sales.webforms import admin_views, public_views

# Joined into sales:… (sales/urls.py), ahead of its catch-all admin list addresses.
urlpatterns = [
    path("forms/<str:key>/", public_views.web_form_page, name="web_form_page"),
    path("forms/<str:key>/thanks/", public_views.web_form_thanks, name="web_form_thanks"),
    path("forms/<str:key>/submit.json", public_views.web_form_json, name="web_form_json"),
    path("sales/admin/web-forms/", admin_views.web_form_list, name="admin_web_forms"),
    path("sales/admin/web-forms/new/", admin_views.web_form_add, name="admin_web_form_add"),
    path("sales/admin/web-forms/<int:pk>/", admin_views.web_form_edit, name="admin_web_form"),
    path(
        "sales/admin/web-forms/<int:pk>/submissions/",
        admin_views.submission_list,
        name="admin_web_form_submissions",
    ),
    path(
        "sales/admin/submissions/<int:pk>/",
        admin_views.submission_detail,
        name="admin_submission",
    ),
    path(
        "sales/admin/submissions/<int:pk>/retry/",
        admin_views.submission_retry,
        name="admin_submission_retry",
    ),
    path(
        "sales/admin/product-interests/",
        sales_admin_views.choice_list,
        {"kind": "product-interests"},
        name="admin_product_interests",
    ),
]
