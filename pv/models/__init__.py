"""pv's own models: accounts, partners, members and the vault, cases, audit, RSI."""

from .accounts import Partner, Product, User
from .audit import AuditChainHead, AuditEvent
from .cases import Case, CaseDrug, CaseReaction
from .members import Member, RestrictedIdentity, VaultVersion
from .rsi import ReferenceTerm

__all__ = [
    "AuditChainHead",
    "AuditEvent",
    "Case",
    "CaseDrug",
    "CaseReaction",
    "Member",
    "Partner",
    "Product",
    "ReferenceTerm",
    "RestrictedIdentity",
    "User",
    "VaultVersion",
]
