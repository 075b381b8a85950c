"""Tables, one module per concern; importing this package registers them all."""

from db.models.approvals import Approval, Notification
from db.models.auth import ApiKey, LoginFailure, User
from db.models.base import Base
from db.models.campaigns import Agent, AgentRun, RunEvent, ToolResult
from db.models.control import ControlSetting, LiveEvent, Suppression
from db.models.customers import Customer, CustomerIntelligence, FailedSignal, WebhookEvent
from db.models.downstream import DownstreamWait
from db.models.inbox import InboxAiDecision, InboxConversation, InboxMessage
from db.models.journeys import (
    Enrollment,
    Handoff,
    IntakeRequest,
    Journey,
    JourneyCanvas,
    JourneyHold,
    JourneyVersion,
    Lead,
    LeadEvent,
    StepVisit,
)
from db.models.locks import AppLock
from db.models.outbox import OutboxEntry
from db.models.renewals import RenewalPeriod, WorkflowInstance, WorkflowStepHistory

__all__ = [
    "Agent",
    "AgentRun",
    "ApiKey",
    "AppLock",
    "Approval",
    "Base",
    "ControlSetting",
    "Customer",
    "CustomerIntelligence",
    "DownstreamWait",
    "Enrollment",
    "FailedSignal",
    "Handoff",
    "InboxAiDecision",
    "InboxConversation",
    "InboxMessage",
    "IntakeRequest",
    "Journey",
    "JourneyCanvas",
    "JourneyHold",
    "JourneyVersion",
    "Lead",
    "LeadEvent",
    "LiveEvent",
    "LoginFailure",
    "Notification",
    "OutboxEntry",
    "RenewalPeriod",
    "RunEvent",
    "StepVisit",
    "Suppression",
    "ToolResult",
    "User",
    "WebhookEvent",
    "WorkflowInstance",
    "WorkflowStepHistory",
]
