"""Salesforce SOQL, records (as the REST API spells them) and their mapping to contracts.intelligence.

The wire models validate what the API returns, so a changed org schema fails loudly as
MalformedResponseError instead of leaking None into an analysis.
"""

# S608 (SQL built from strings): the queries here interpolate values only through
# soql_literal, which escapes them.
# ruff: noqa: S608
from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime
from typing import Any
from urllib.parse import urlsplit

from pydantic import BaseModel, ConfigDict, Field

from clients.soql import soql_literal
from contracts.intelligence import Contact, CustomerInfo, Financials, Opportunity, SalesforceData, SupportCase

CLOSED_WON = "Closed Won"
RENEWAL_TYPE = "Renewal"

_ACCOUNT_FIELDS = (
    "Id, Name, Customer_Key__c, Website, Industry, ARR__c, Renewal_Date__c, Account_Plan__c,"
    " OwnerId, Owner.Name, Owner.Email"
)
CSM_QUERY = (
    "SELECT Id, Name, Email, Title, Experience_Level__c FROM User"
    " WHERE IsActive = true AND Title = 'Customer Success Manager'"
)
ACCOUNTS_QUERY = f"SELECT {_ACCOUNT_FIELDS} FROM Account ORDER BY Name"


def account_by_key_query(customer_key: str) -> str:
    return f"SELECT {_ACCOUNT_FIELDS} FROM Account WHERE Customer_Key__c = {soql_literal(customer_key)} LIMIT 1"


def contacts_query(account_id: str) -> str:
    return (
        "SELECT Id, FirstName, LastName, Name, Email, Title, Phone FROM Contact"
        f" WHERE AccountId = {soql_literal(account_id)}"
    )


def opportunities_query(account_id: str) -> str:
    return (
        "SELECT Id, Name, StageName, Amount, CloseDate, Type FROM Opportunity"
        f" WHERE AccountId = {soql_literal(account_id)} ORDER BY CloseDate"
    )


def cases_query(account_id: str) -> str:
    return (
        "SELECT Id, Subject, Status, Priority, CreatedDate, ClosedDate FROM Case"
        f" WHERE AccountId = {soql_literal(account_id)} ORDER BY CreatedDate DESC"
    )


class _Record(BaseModel):
    # Salesforce returns whatever fields were selected; ignore the ones we do not map.
    model_config = ConfigDict(extra="ignore", populate_by_name=True)


class OwnerRecord(_Record):
    name: str | None = Field(None, alias="Name")
    email: str | None = Field(None, alias="Email")


class AccountRecord(_Record):
    id: str = Field(alias="Id")
    name: str = Field(alias="Name")
    customer_key: str = Field(alias="Customer_Key__c")
    website: str | None = Field(None, alias="Website")
    industry: str | None = Field(None, alias="Industry")
    arr: float | None = Field(None, alias="ARR__c")
    renewal_date: date | None = Field(None, alias="Renewal_Date__c")
    account_plan: str | None = Field(None, alias="Account_Plan__c")
    owner: OwnerRecord | None = Field(None, alias="Owner")


class ContactRecord(_Record):
    first_name: str | None = Field(None, alias="FirstName")
    last_name: str | None = Field(None, alias="LastName")
    name: str | None = Field(None, alias="Name")
    email: str | None = Field(None, alias="Email")
    title: str | None = Field(None, alias="Title")
    phone: str | None = Field(None, alias="Phone")


class OpportunityRecord(_Record):
    name: str = Field(alias="Name")
    stage: str = Field(alias="StageName")
    amount: float | None = Field(None, alias="Amount")
    close_date: date | None = Field(None, alias="CloseDate")
    type: str | None = Field(None, alias="Type")


class CaseRecord(_Record):
    subject: str = Field("", alias="Subject")
    status: str = Field(alias="Status")
    priority: str | None = Field(None, alias="Priority")
    created: datetime | None = Field(None, alias="CreatedDate")
    closed: datetime | None = Field(None, alias="ClosedDate")


class UserRecord(_Record):
    id: str = Field(alias="Id")
    name: str = Field(alias="Name")
    email: str | None = Field(None, alias="Email")
    experience: str | None = Field(None, alias="Experience_Level__c")


class AccountBundle(BaseModel):
    """Everything Salesforce knows about one customer, in contracts.intelligence types."""

    customer: CustomerInfo
    salesforce: SalesforceData
    financials: Financials


class CsmRecord(BaseModel):
    salesforce_id: str
    name: str
    email: str | None
    experience: str  # junior / mid / senior / principal


class TaskResult(BaseModel):
    id: str
    created: bool  # False: an existing task with the same external id was updated


def domain_of(website: str | None) -> str | None:
    """'https://www.acme.com/about' -> 'acme.com'."""
    if not website or not website.strip():
        return None
    text = website.strip()
    host = urlsplit(text if "//" in text else f"//{text}").hostname
    if not host:
        return None
    return host.removeprefix("www.")


def customer_info(account: AccountRecord) -> CustomerInfo:
    owner = account.owner or OwnerRecord()
    return CustomerInfo(
        id=account.customer_key,
        name=account.name,
        salesforce_id=account.id,
        domain=domain_of(account.website),
        industry=account.industry,
        arr=account.arr or 0.0,
        renewal_date=account.renewal_date,
        account_plan=account.account_plan,
        owner=owner.name,
        owner_email=owner.email,
    )


def contact(record: ContactRecord) -> Contact:
    name = record.name or " ".join(part for part in (record.first_name, record.last_name) if part)
    return Contact(name=name, title=record.title, email=record.email, phone=record.phone)


def opportunity(record: OpportunityRecord) -> Opportunity:
    return Opportunity(
        name=record.name,
        stage=record.stage,
        amount=record.amount,
        close_date=record.close_date,
        type=record.type,
    )


def support_case(record: CaseRecord) -> SupportCase:
    return SupportCase(
        subject=record.subject,
        status=record.status,
        priority=record.priority,
        created=record.created,
        closed=record.closed,
    )


def arr_history(opportunities: Iterable[OpportunityRecord]) -> list[dict[str, Any]]:
    """ARR per year from Closed Won renewals, oldest first: [{"year": 2024, "arr": 150000.0}].

    A renewal restates the year's ARR, so a later renewal in the same year replaces an
    earlier one rather than adding to it.
    """
    by_year: dict[int, tuple[date, float]] = {}
    for opp in opportunities:
        if opp.stage != CLOSED_WON or opp.type != RENEWAL_TYPE or opp.close_date is None or opp.amount is None:
            continue
        seen = by_year.get(opp.close_date.year)
        if seen is None or opp.close_date >= seen[0]:
            by_year[opp.close_date.year] = (opp.close_date, opp.amount)
    return [{"year": year, "arr": amount} for year, (_, amount) in sorted(by_year.items())]


def account_bundle(
    account: AccountRecord,
    contacts: list[ContactRecord],
    opportunities: list[OpportunityRecord],
    cases: list[CaseRecord],
) -> AccountBundle:
    return AccountBundle(
        customer=customer_info(account),
        salesforce=SalesforceData(
            contacts=[contact(c) for c in contacts],
            opportunities=[opportunity(o) for o in opportunities],
            cases=[support_case(c) for c in cases],
        ),
        financials=Financials(current_arr=account.arr or 0.0, arr_history=arr_history(opportunities)),
    )


def csm(user: UserRecord) -> CsmRecord:
    # Scoring treats an unknown level as "mid" (multiplier 1.0); say so explicitly here.
    return CsmRecord(salesforce_id=user.id, name=user.name, email=user.email, experience=user.experience or "mid")
