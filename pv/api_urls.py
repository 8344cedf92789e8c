from django.urls import path

from pv import apis
from pv.apis import rsi

urlpatterns = [
    path("me/", apis.MeApi.as_view(), name="me"),
    path("members/", apis.MemberRegisterApi.as_view(), name="member-register"),
    path("members/<str:public_id>/", apis.MemberDetailApi.as_view(), name="member-detail"),
    path("partners/", apis.PartnerListApi.as_view(), name="partner-list"),
    path("partners/<uuid:partner_id>/", apis.PartnerDetailApi.as_view(), name="partner-detail"),
    path("products/", apis.ProductListApi.as_view(), name="product-list"),
    path("products/<uuid:product_id>/", apis.ProductDetailApi.as_view(), name="product-detail"),
    path("products/<uuid:product_id>/rsi/", rsi.ProductRsiApi.as_view(), name="product-rsi"),
    path(
        "products/<uuid:product_id>/rsi/import/",
        rsi.ProductRsiImportApi.as_view(),
        name="product-rsi-import",
    ),
    path(
        "products/<uuid:product_id>/rsi/<uuid:term_id>/",
        rsi.ProductRsiTermApi.as_view(),
        name="product-rsi-term",
    ),
    path("cases/", apis.CaseListApi.as_view(), name="case-list"),
    path("cases/<uuid:case_id>/", apis.CaseDetailApi.as_view(), name="case-detail"),
    path(
        "cases/<uuid:case_id>/versions/",
        apis.CaseVersionCreateApi.as_view(),
        name="case-version-create",
    ),
    path("cases/<uuid:case_id>/audit/", apis.CaseAuditApi.as_view(), name="case-audit"),
]
