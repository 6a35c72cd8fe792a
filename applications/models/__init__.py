"""Applications for information (依申请公开): the application, its events, answers, letters, remedies."""

from applications.models.answers import Answer, AnswerFile, Letter
from applications.models.applications import (
    ApplicantKind,
    Application,
    ApplicationEvent,
    Channel,
    DeliveryMeans,
    EventKind,
    FormWanted,
    IdType,
)
from applications.models.remedies import ProactiveProposal, Remedy

__all__ = [
    "Answer",
    "AnswerFile",
    "ApplicantKind",
    "Application",
    "ApplicationEvent",
    "Channel",
    "DeliveryMeans",
    "EventKind",
    "FormWanted",
    "IdType",
    "Letter",
    "ProactiveProposal",
    "Remedy",
]
