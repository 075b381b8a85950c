"""The names Temporal knows Renubu's workflows and their messages by.

Workflows declare them (`@workflow.defn(name=...)`, `@workflow.update(name=...)`) and callers that may not
import workflows (api, cli, activities, starters) use them, so renaming a class or a method never breaks a
schedule, a running workflow or a caller. Recorded histories, running workflows and scripts depend on these
exact strings: never change one.
"""

from __future__ import annotations

# Workflow types (each the class name it had before names were explicit).
CUSTOMER_INTELLIGENCE = "CustomerIntelligenceWorkflow"
RENEWAL = "RenewalWorkflow"
AGENT_RUN = "AgentRunWorkflow"
SCHEDULE_CHANGE = "ScheduleChangeWorkflow"
INBOX_SYNC = "InboxSyncWorkflow"
MESSAGE_TRIAGE = "MessageTriageWorkflow"
STAFF_REPLY = "StaffReplyWorkflow"
JOURNEY = "JourneyWorkflow"
JOURNEY_SWEEP = "JourneySweepWorkflow"

# Every workflow that asks a manager (agent run, renewal, triage, schedule change).
DECIDE_APPROVAL = "decide_approval"  # update: ApprovalDecision -> ApprovalOutcome

# CustomerIntelligenceWorkflow
CUSTOMER_UPDATE = "customer_update"  # signal: RiskSignal
RECENT_SIGNALS = "recent"  # query -> list[SignalOutcome]

# RenewalWorkflow
INTELLIGENCE_UPDATE = "intelligence_update"  # signal: IntelligenceUpdate
RENEWAL_STATE = "get_state"  # query -> RenewalState
RENEWAL_START = "start"  # update: Actor -> RenewalAck
RENEWAL_CHOOSE = "choose"  # update: ChooseInput -> RenewalAck
RENEWAL_COMPLETE_STEP = "complete_step"  # update: CompleteStepInput -> RenewalAck
RENEWAL_COMPLETE = "complete"  # update: CompleteInput -> RenewalAck
RENEWAL_REASSIGN = "reassign"  # update: ReassignInput -> RenewalAck
RENEWAL_CANCEL = "cancel"  # update: CancelInput -> RenewalAck
RENEWAL_SUPERSEDE = "supersede"  # signal: SupersedeInput (the customer's renewal date moved)

# AgentRunWorkflow
AGENT_RUN_PENDING_APPROVALS = "pending_approvals"  # query -> list[ApprovalRequest]
AGENT_RUN_STATUS = "status"  # query -> str

# InboxSyncWorkflow
INBOX_SYNC_POKE = "poke"  # signal: sync now
INBOX_SYNC_SET_POLL_INTERVAL = "set_poll_interval"  # signal: seconds (float)
INBOX_SYNC_STATUS = "status"  # query -> SyncStatus

# JourneyWorkflow
JOURNEY_ENGAGEMENT = "engagement"  # signal: Engagement
JOURNEY_PATH = "path"  # query -> list[Visit]
JOURNEY_RETRY_STEP = "retry_step"  # update: RetryStepInput -> the step's outcome after the retry
JOURNEY_RELEASE = "release_hold"  # signal: the kill switch was lifted; a held send tries again now
