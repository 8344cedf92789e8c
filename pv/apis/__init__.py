"""pv's own API views: accounts (me, members, partners, products) and cases."""

from pv.apis.accounts import (
    MeApi,
    MemberDetailApi,
    MemberRegisterApi,
    PartnerDetailApi,
    PartnerListApi,
    ProductDetailApi,
    ProductListApi,
)
from pv.apis.cases import (
    CaseAuditApi,
    CaseDetailApi,
    CaseDrugSerializer,
    CaseListApi,
    CaseOutput,
    CaseReactionSerializer,
    CaseVersionCreateApi,
)

__all__ = [
    "CaseAuditApi",
    "CaseDetailApi",
    "CaseDrugSerializer",
    "CaseListApi",
    "CaseOutput",
    "CaseReactionSerializer",
    "CaseVersionCreateApi",
    "MeApi",
    "MemberDetailApi",
    "MemberRegisterApi",
    "PartnerDetailApi",
    "PartnerListApi",
    "ProductDetailApi",
    "ProductListApi",
]
