"""The SOQL subset: grammar, semantics against the seeded data, and Salesforce's error codes."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from typing import Any

import pytest

from sandbox.models import SandboxData
from sandbox.salesforce.query import QueryError, QueryResult, execute
from sandbox.salesforce.soql import BoolOp, Comparison, Not, parse
from sandbox.salesforce.soql_lexer import SoqlSyntaxError
from sandbox.seed_data import generate

TODAY = date(2026, 11, 22)
NOW = datetime.combine(TODAY, time(12), tzinfo=UTC)


@pytest.fixture(scope="module")
def data() -> SandboxData:
    return generate(42, TODAY)


def run(data: SandboxData, soql: str) -> QueryResult:
    return execute(parse(soql), data, "v60.0", NOW)


def names(result: QueryResult) -> list[str]:
    return [record["Name"] for record in result.records]


# --- grammar -------------------------------------------------------------------------------


def test_parse_full_query() -> None:
    query = parse(
        "select Id, Owner.Name from Account where (ARR__c > 100000 or Account_Plan__c = 'invest') "
        "and not Name like 'A%' order by ARR__c desc nulls last, Name limit 10 offset 5"
    )
    assert [f.text for f in query.fields] == ["Id", "Owner.Name"]
    assert query.sobject == "Account"
    assert isinstance(query.where, BoolOp) and query.where.operator == "AND"
    first, second = query.where.operands
    assert isinstance(first, BoolOp) and first.operator == "OR"
    assert isinstance(second, Not) and isinstance(second.operand, Comparison)
    assert [(o.field.text, o.descending, o.nulls_last) for o in query.order_by] == [
        ("ARR__c", True, True),
        ("Name", False, False),
    ]
    assert (query.limit, query.offset) == (10, 5)


@pytest.mark.parametrize(
    ("literal", "kind", "value"),
    [
        ("'it\\'s'", "string", "it's"),
        ("'a\\\\b'", "string", "a\\b"),
        ("'line\\nbreak'", "string", "line\nbreak"),
        ("42", "number", 42),
        ("-3.5", "number", -3.5),
        ("true", "boolean", True),
        ("FALSE", "boolean", False),
        ("null", "null", None),
        ("2026-11-25", "date", date(2026, 11, 25)),
        ("2026-11-25T10:00:00Z", "datetime", datetime(2026, 11, 25, 10, tzinfo=UTC)),
        ("TODAY", "relative", ("TODAY", 0)),
        ("LAST_N_DAYS:30", "relative", ("LAST_N_DAYS", 30)),
        ("next_n_days:7", "relative", ("NEXT_N_DAYS", 7)),
    ],
)
def test_literals(literal: str, kind: str, value: Any) -> None:
    where = parse(f"SELECT Id FROM Account WHERE Name = {literal}").where
    assert isinstance(where, Comparison)
    assert (where.values[0].kind, where.values[0].value) == (kind, value)


def test_count_query() -> None:
    query = parse("SELECT COUNT() FROM Case")
    assert query.is_count and query.fields == ()


@pytest.mark.parametrize(
    "soql",
    [
        "",
        "SELECT FROM Account",
        "SELECT Id Account",
        "SELECT Id FROM",
        "SELECT Id, FROM Account",
        "SELECT Id FROM Account WHERE",
        "SELECT Id FROM Account WHERE Name = 'unterminated",
        "SELECT Id FROM Account WHERE Name = 'bad \\q escape'",
        "SELECT Id FROM Account WHERE Name 'x'",
        "SELECT Id FROM Account WHERE Name IN 'x'",
        "SELECT Id FROM Account WHERE Name IN ('x'",
        "SELECT Id FROM Account WHERE Name LIKE 5",
        "SELECT Id FROM Account WHERE ARR__c > 1 AND Name = 'a' OR Name = 'b'",
        "SELECT Id FROM Account WHERE (Name = 'a'",
        "SELECT Id FROM Account ORDER Name",
        "SELECT Id FROM Account ORDER BY Name NULLS",
        "SELECT Id FROM Account LIMIT x",
        "SELECT Id FROM Account LIMIT -1",
        "SELECT Id FROM Account WHERE CreatedDate > 2026-13-45",
        "SELECT Id FROM Account WHERE Name = LAST_N_DAYS",
        "SELECT Id FROM Account extra",
        "SELECT Id FROM Account WHERE Name = 'a' ;",
        "SELECT COUNT( FROM Account",
    ],
)
def test_malformed_queries(soql: str) -> None:
    with pytest.raises(SoqlSyntaxError, match="ERROR at Row:1:Column:"):
        parse(soql)


def test_syntax_error_points_at_the_offending_token() -> None:
    with pytest.raises(SoqlSyntaxError) as error:
        parse("SELECT Id FROM Account WHERE Name = 'a' AND Name = 'b' OR Name = 'c'")
    assert "Column:56" in str(error.value) and "unexpected token: 'OR'" in str(error.value)


# --- semantics -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("operator", "check"),
    [
        ("=", lambda arr: arr == 184000),
        ("!=", lambda arr: arr != 184000),
        ("<", lambda arr: arr < 184000),
        ("<=", lambda arr: arr <= 184000),
        (">", lambda arr: arr > 184000),
        (">=", lambda arr: arr >= 184000),
        ("<>", lambda arr: arr != 184000),
    ],
)
def test_comparison_operators(data: SandboxData, operator: str, check: Any) -> None:
    result = run(data, f"SELECT Name FROM Account WHERE ARR__c {operator} 184000")
    assert sorted(names(result)) == sorted(a.name for a in data.accounts if check(a.arr))


def test_in_and_not_in(data: SandboxData) -> None:
    chosen = run(data, "SELECT Name FROM Account WHERE Account_Plan__c IN ('invest', 'EXPAND')")
    others = run(data, "SELECT Name FROM Account WHERE Account_Plan__c NOT IN ('invest', 'expand')")
    assert sorted(names(chosen)) == sorted(a.name for a in data.accounts if a.plan in ("invest", "expand"))
    assert chosen.total_size + others.total_size == 240


def test_like_is_case_insensitive_with_both_wildcards(data: SandboxData) -> None:
    result = run(data, "SELECT Name FROM Account WHERE Name LIKE 'acme%'")
    assert names(result) == ["Acme Corp"]
    result = run(data, "SELECT Name FROM Account WHERE Name LIKE '_cme c_rp'")
    assert names(result) == ["Acme Corp"]
    expected = sorted(a.name for a in data.accounts if "logistics" in a.name.lower())
    assert sorted(names(run(data, "SELECT Name FROM Account WHERE Name LIKE '%Logistics'"))) == expected


def test_like_escapes_match_wildcards_and_backslashes_literally() -> None:
    data = generate(42, TODAY)
    data.accounts[0].name = "50% Off\\Deals_Co"

    def matching(pattern: str) -> list[str]:
        return names(run(data, f"SELECT Name FROM Account WHERE Name LIKE '{pattern}'"))

    assert matching("50\\% Off\\\\Deals\\_Co") == ["50% Off\\Deals_Co"]
    assert matching("50\\%%") == ["50% Off\\Deals_Co"]
    assert matching("%\\\\%") == ["50% Off\\Deals_Co"]
    assert matching("50\\_%") == []
    assert matching("Acme\\%") == []


def test_escaped_quote_in_string(data: SandboxData) -> None:
    result = run(data, "SELECT Name FROM User WHERE LastName = 'O\\'Brien'")
    assert names(result) == ["Liam O'Brien"]


def test_and_or_with_parentheses(data: SandboxData) -> None:
    result = run(
        data,
        "SELECT Name FROM Account WHERE (Account_Plan__c = 'invest' OR Account_Plan__c = 'expand') AND ARR__c > 150000",
    )
    expected = [a.name for a in data.accounts if a.plan in ("invest", "expand") and a.arr > 150_000]
    assert sorted(names(result)) == sorted(expected)
    result = run(data, "SELECT Name FROM Account WHERE NOT (ARR__c > 20000 AND ARR__c < 400000)")
    assert sorted(names(result)) == sorted(a.name for a in data.accounts if not 20_000 < a.arr < 400_000)


def test_order_limit_offset(data: SandboxData) -> None:
    by_arr = sorted(data.accounts, key=lambda a: a.arr, reverse=True)
    result = run(data, "SELECT Name, ARR__c FROM Account ORDER BY ARR__c DESC LIMIT 5")
    assert [r["ARR__c"] for r in result.records] == [a.arr for a in by_arr[:5]]
    page = run(data, "SELECT Name, ARR__c FROM Account ORDER BY ARR__c DESC, Name ASC LIMIT 3 OFFSET 5")
    assert [r["ARR__c"] for r in page.records] == [a.arr for a in by_arr[5:8]]


def test_nulls_first_and_last(data: SandboxData) -> None:
    first = run(data, "SELECT Id, ClosedDate FROM Case ORDER BY ClosedDate NULLS FIRST LIMIT 1")
    last = run(data, "SELECT Id, ClosedDate FROM Case ORDER BY ClosedDate DESC NULLS FIRST LIMIT 1")
    default_desc = run(data, "SELECT Id, ClosedDate FROM Case ORDER BY ClosedDate DESC LIMIT 1")
    assert first.records[0]["ClosedDate"] is None
    assert last.records[0]["ClosedDate"] is None
    assert default_desc.records[0]["ClosedDate"] is not None


def test_count(data: SandboxData) -> None:
    result = run(data, "SELECT COUNT() FROM Contact WHERE Account.Name = 'Acme Corp'")
    acme = data.account_by_key("acme-corp")
    assert acme is not None
    assert result.records == []
    assert result.total_size == sum(c.account_id == acme.id for c in data.contacts)


def test_relationship_fields(data: SandboxData) -> None:
    result = run(data, "SELECT Name, Owner.Name, Owner.Email FROM Account WHERE Owner.Email = 'sarah.chen@renubu.demo'")
    assert result.total_size == 30
    record = result.records[0]
    assert record["Owner"]["Name"] == "Sarah Chen"
    assert record["Owner"]["attributes"]["type"] == "User"
    contact = run(data, "SELECT Name, Account.Name, Account.Customer_Key__c FROM Contact LIMIT 1").records[0]
    assert set(contact["Account"]) == {"attributes", "Name", "Customer_Key__c"}


def test_record_shape(data: SandboxData) -> None:
    record = run(data, "SELECT Id, Name, Renewal_Date__c, CreatedDate FROM Account LIMIT 1").records[0]
    assert list(record) == ["attributes", "Id", "Name", "Renewal_Date__c", "CreatedDate"]
    assert record["attributes"] == {
        "type": "Account",
        "url": f"/services/data/v60.0/sobjects/Account/{record['Id']}",
    }
    assert record["Renewal_Date__c"] == "2026-11-25"
    assert record["CreatedDate"].endswith(".000+0000")


@pytest.mark.parametrize(
    ("condition", "check"),
    [
        ("Renewal_Date__c = 2026-11-25", lambda d: d == date(2026, 11, 25)),
        ("Renewal_Date__c < 2026-12-01", lambda d: d < date(2026, 12, 1)),
        ("Renewal_Date__c = TODAY", lambda d: d == TODAY),
        ("Renewal_Date__c = TOMORROW", lambda d: d == TODAY + timedelta(days=1)),
        ("Renewal_Date__c = NEXT_N_DAYS:30", lambda d: TODAY < d <= TODAY + timedelta(days=30)),
        ("Renewal_Date__c > NEXT_N_DAYS:30", lambda d: d > TODAY + timedelta(days=30)),
        ("Renewal_Date__c <= NEXT_N_DAYS:7", lambda d: d <= TODAY + timedelta(days=7)),
    ],
)
def test_date_literals(data: SandboxData, condition: str, check: Any) -> None:
    result = run(data, f"SELECT Name FROM Account WHERE {condition}")
    assert sorted(names(result)) == sorted(a.name for a in data.accounts if check(a.renewal_date))


def test_datetime_field_with_relative_and_absolute_literals(data: SandboxData) -> None:
    recent = run(data, "SELECT Id FROM Case WHERE CreatedDate = LAST_N_DAYS:30")
    expected = [c for c in data.cases if TODAY - timedelta(days=30) <= c.created.date() <= TODAY]
    assert recent.total_size == len(expected) > 0
    cutoff = datetime(2026, 10, 1, tzinfo=UTC)
    after = run(data, "SELECT Id FROM Case WHERE CreatedDate >= 2026-10-01T00:00:00Z")
    assert after.total_size == sum(c.created >= cutoff for c in data.cases)
    offset = run(data, "SELECT Id FROM Case WHERE CreatedDate >= 2026-10-01T02:00:00+02:00")
    assert offset.total_size == after.total_size


def test_boolean_and_null(data: SandboxData) -> None:
    open_opps = run(data, "SELECT Id FROM Opportunity WHERE IsClosed = false")
    assert open_opps.total_size == sum(not o.is_closed for o in data.opportunities)
    open_cases = run(data, "SELECT Id FROM Case WHERE ClosedDate = null")
    assert open_cases.total_size == sum(c.closed is None for c in data.cases)


def test_ids_match_in_15_and_18_characters(data: SandboxData) -> None:
    acme = data.account_by_key("acme-corp")
    assert acme is not None
    for record_id in (acme.id, acme.id[:15]):
        assert names(run(data, f"SELECT Name FROM Account WHERE Id = '{record_id}'")) == ["Acme Corp"]


@pytest.mark.parametrize(
    ("soql", "code"),
    [
        ("SELECT Foo FROM Account", "INVALID_FIELD"),
        ("SELECT Id FROM Account WHERE Bogus__c = 1", "INVALID_FIELD"),
        ("SELECT Id FROM Account ORDER BY Bogus__c", "INVALID_FIELD"),
        ("SELECT Owner.Bogus FROM Account", "INVALID_FIELD"),
        ("SELECT Manager.Name FROM Account", "INVALID_FIELD"),
        ("SELECT Owner.Name FROM Contact", "INVALID_FIELD"),
        ("SELECT Id FROM Widget", "INVALID_TYPE"),
        ("SELECT Id FROM Account WHERE ARR__c = '100'", "INVALID_FIELD"),
        ("SELECT Id FROM Account WHERE Name = 5", "INVALID_FIELD"),
        ("SELECT Id FROM Account WHERE Renewal_Date__c = '2026-11-25'", "INVALID_FIELD"),
        ("SELECT Id FROM Account WHERE CreatedDate > 2026-11-25", "INVALID_FIELD"),
        ("SELECT Id FROM Account WHERE ARR__c LIKE '1%'", "INVALID_QUERY_FILTER_OPERATOR"),
        ("SELECT Id FROM Opportunity WHERE IsWon > true", "INVALID_QUERY_FILTER_OPERATOR"),
        ("SELECT Id FROM Account OFFSET 2001", "NUMBER_OUTSIDE_VALID_RANGE"),
    ],
)
def test_semantic_errors(data: SandboxData, soql: str, code: str) -> None:
    with pytest.raises(QueryError) as error:
        run(data, soql)
    assert error.value.error_code == code


def test_tasks_are_queryable(data: SandboxData) -> None:
    assert run(data, "SELECT Id, Subject, Owner.Name FROM Task WHERE Renubu_Key__c = 'x'").total_size == 0
