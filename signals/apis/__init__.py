"""Signals API: runs, per-pair results (filter, paginate, CSV), trends, signal records and
their GVP IX workflow. Sponsors see their own products only; reviewers everything."""

from signals.apis.interactions import SignalInteractionListApi
from signals.apis.records import SignalDetailApi, SignalListApi, SignalTransitionApi
from signals.apis.results import SignalResultExportApi, SignalResultListApi
from signals.apis.runs import (
    ExternalDatasetListApi,
    SignalRunDetailApi,
    SignalRunListApi,
    SignalRunPublishApi,
    SignalTrendApi,
)

__all__ = [
    "ExternalDatasetListApi",
    "SignalDetailApi",
    "SignalInteractionListApi",
    "SignalListApi",
    "SignalResultExportApi",
    "SignalResultListApi",
    "SignalRunDetailApi",
    "SignalRunListApi",
    "SignalRunPublishApi",
    "SignalTransitionApi",
    "SignalTrendApi",
]
