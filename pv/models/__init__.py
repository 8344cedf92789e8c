"""pv's own models: accounts and partners, members and the Restricted Data vault, cases, audit."""

from .accounts import Partner, Product, User
from .audit import AuditChainHead, AuditEvent
from .cases import Case, CaseDrug, CaseReaction
from .members import Member, RestrictedIdentity, VaultVersion

__all__ = [
    "AuditChainHead",
    "AuditEvent",
    "Case",
    "CaseDrug",
    "CaseReaction",
    "Member",
    "Partner",
    "Product",
    "RestrictedIdentity",
    "User",
    "VaultVersion",
]
