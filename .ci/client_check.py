"""A Python client generated from openapi/openapi.json (openapi-python-client) runs a whole vote
through its typed functions: the office logs in, makes three deputies, a session with them present
and two projects, drafts and opens a vote; each deputy changes the one-time password and casts a
ballot (the SelectionsBallot side of the ballot union); a second ballot comes back as a typed
problem+json (409 already_voted); the vote is closed, published, and its results read.

Usage: python client_check.py BASE_URL ADMIN_PASSWORD   (the generated package on PYTHONPATH)
"""

import sys
import uuid

from minsheng_client import AuthenticatedClient, Client
from minsheng_client.api.auth import change_password, login
from minsheng_client.api.deputies import create_deputy
from minsheng_client.api.projects import create_project
from minsheng_client.api.sessions import create_session, set_attendance, set_roster
from minsheng_client.api.votes import cast_ballot, close_vote, create_vote, open_vote, publish_vote, results
from minsheng_client.models import (
    AttendanceRequest,
    ChangePasswordRequest,
    CreateDeputyRequest,
    CreateProjectRequest,
    CreateSessionRequest,
    CreateVoteRequest,
    LoginRequest,
    MethodDto,
    Problem,
    ResultsDto,
    RosterRequest,
    SelectionsBallot,
    SourceDto,
    TokenResponse,
)
from minsheng_client.models.error_code import ErrorCode

base, admin_password = sys.argv[1], sys.argv[2]
anonymous = Client(base_url=base)


def ok(response, status, kind):
    assert response.status_code == status, (response.status_code, response.content)
    assert isinstance(response.parsed, kind), type(response.parsed)
    return response.parsed


def session_of(username, password):
    token = ok(login.sync_detailed(client=anonymous, body=LoginRequest(username=username, password=password)), 200, TokenResponse)
    return AuthenticatedClient(base_url=base, token=token.access_token), token


office, _ = session_of("admin", admin_password)
run = uuid.uuid4().hex[:6]

deputies = []
for i in range(3):
    made = ok(
        create_deputy.sync_detailed(
            client=office,
            body=CreateDeputyRequest(deputy_code=f"PY{run}{i}", name=f"代表{i + 1}", delegation="第一代表团"),
        ),
        201,
        object,
    )
    deputies.append(made)

session = ok(create_session.sync_detailed(client=office, body=CreateSessionRequest(name="县人大会议（客户端检查）", year=2027)), 201, object)
ids = [d.deputy.id for d in deputies]
ok(set_roster.sync_detailed(session.id, client=office, body=RosterRequest(deputy_ids=ids)), 200, object)
present = ok(set_attendance.sync_detailed(session.id, client=office, body=AttendanceRequest(deputy_ids=ids, present=True)), 200, object)
assert present.present_count == 3, present

projects = [
    ok(
        create_project.sync_detailed(
            client=office,
            body=CreateProjectRequest(
                title=f"民生项目{n}（{run}）", category="民生", department="县住建局",
                budget_yuan=1_000_000, year=2027, source=SourceDto.PUBLIC, summary="客户端检查",
            ),
        ),
        201,
        object,
    )
    for n in (1, 2)
]
vote = ok(
    create_vote.sync_detailed(
        session.id,
        client=office,
        body=CreateVoteRequest(title="民生实事项目票决", method=MethodDto.CHOOSE_UP_TO_N, seats=1, candidate_ids=[p.id for p in projects]),
    ),
    201,
    object,
)
ok(open_vote.sync_detailed(vote.id, client=office), 200, object)

for d in deputies:
    deputy, first = session_of(d.username, d.initial_password)
    changed = ok(
        change_password.sync_detailed(
            client=deputy, body=ChangePasswordRequest(current_password=d.initial_password, new_password=f"py-check-{run}-pw")
        ),
        200,
        TokenResponse,
    )
    deputy = AuthenticatedClient(base_url=base, token=changed.access_token)
    ok(cast_ballot.sync_detailed(vote.id, client=deputy, body=SelectionsBallot(selections=[projects[0].id])), 201, object)
    again = ok(cast_ballot.sync_detailed(vote.id, client=deputy, body=SelectionsBallot(selections=[projects[1].id])), 409, Problem)
    assert again.code == ErrorCode.ALREADY_VOTED, again

ok(close_vote.sync_detailed(vote.id, client=office), 200, object)
ok(publish_vote.sync_detailed(vote.id, client=office), 200, object)
published = ok(results.sync_detailed(vote.id, client=anonymous), 200, ResultsDto)
assert published.ballots_cast == 3, published
first = next(c for c in published.candidates if c.project_id == projects[0].id)
assert first.yes == 3 and first.adopted, first
print(f"generated client: a vote of 3 deputies ran through the typed API; {first.title} adopted with {first.yes} of {published.ballots_cast}")
